"""One-click pairing: the extension asks, the user confirms on the tracker, the
extension redeems. See services/pairing.py for the protocol.

Who can get the token this way: only a browser extension (the API routes refuse any
other Origin, and CORS answers only extension origins, so a web page can neither send
the JSON request nor read the answer), only after the user confirmed on the loopback
tracker page (a CSRF-protected form, security.py), and only the extension that holds
the secret whose hash started the pairing.
"""
from __future__ import annotations

import re

from flask import Blueprint, current_app, render_template, request, url_for
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import Forbidden

from .blueprint import Blueprint as ApiBlueprint
from ..views import app_now
from ..security import EXTENSION_ORIGINS, current_token
from ..services import pairing as pairing_service

blp = ApiBlueprint("api_pairing", __name__, url_prefix="/api", description="Pair a browser extension in one click")
page_blp = Blueprint("pairing", __name__)
PAIRINGS_KEY = "jobloop_pairings"


class PairingStartSchema(Schema):
    challenge = fields.String(required=True, validate=validate.Length(equal=64))


class PairingStartedSchema(Schema):
    id = fields.String()
    code = fields.String()
    confirm_url = fields.String()


class PairingRedeemSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(max=64))
    secret = fields.String(required=True, validate=validate.Length(min=16, max=200))


class PairingResultSchema(Schema):
    status = fields.String()   # "waiting" until the user confirms, then "paired"
    token = fields.String()


def _pairings() -> pairing_service.Pairings:
    return current_app.extensions.setdefault(PAIRINGS_KEY, pairing_service.Pairings())


def _extension_origin() -> str:
    origin = request.headers.get("Origin", "")
    if not any(re.match(pattern, origin) for pattern in EXTENSION_ORIGINS):
        raise Forbidden("pairing is only for the jobloop browser extension")
    return origin


def _browser() -> str:
    return pairing_service.browser_name(request.headers.get("Origin", ""), request.headers.get("User-Agent", ""))


@blp.route("/pairings", methods=["POST"])
@blp.arguments(PairingStartSchema)
@blp.response(201, PairingStartedSchema)
@blp.doc(security=[])
def start_pairing(body):
    """Ask to pair: the tracker page at `confirm_url` lets the user confirm. No token needed."""
    pairing = _pairings().start(body["challenge"], _extension_origin(), _browser(), app_now())
    return {"id": pairing.id, "code": pairing.code,
            "confirm_url": url_for("pairing.confirm", pairing_id=pairing.id, _external=True)}


@blp.route("/pairings/redeem", methods=["POST"])
@blp.arguments(PairingRedeemSchema)
@blp.response(200, PairingResultSchema)
@blp.doc(security=[])
def redeem_pairing(body):
    """The token, once, after the user confirmed; `{"status": "waiting"}` before."""
    now = app_now()
    pairing = _pairings().redeem(body["id"], body["secret"], _extension_origin(), now)
    if not pairing:
        return {"status": "waiting"}
    config = current_app.config["JOBLOOP"]
    pairing_service.record_paired(config.data_dir, pairing.browser, now)
    return {"status": "paired", "token": current_token(config.data_dir)}


@page_blp.route("/pair/<pairing_id>", methods=["GET", "POST"])
def confirm(pairing_id):
    """The tracker's pairing page: GET asks, POST (with the CSRF token) confirms."""
    pairings = _pairings()
    now = app_now()
    pairing = pairings.get(pairing_id, now)
    if not pairing:
        return render_template("pair.html", pairing=None), 404
    if request.method == "POST":
        pairing = pairings.confirm(pairing_id, now)
    return render_template("pair.html", pairing=pairing)


@page_blp.after_app_request
def _remember_calls(response):
    """When each browser last called: API calls that got past the token check."""
    if (request.path.startswith("/api/") and not request.path.startswith(("/api/pairings", "/api/health"))
            and response.status_code != 401 and request.headers.get("Authorization")):
        origin, agent = request.headers.get("Origin", ""), request.headers.get("User-Agent", "")
        if any(re.match(p, origin) for p in EXTENSION_ORIGINS) or agent.startswith("Mozilla/"):
            pairing_service.record_call(current_app.config["JOBLOOP"].data_dir, _browser(), app_now())
    return response


@page_blp.app_context_processor
def _paired_browsers():
    def paired_browsers():
        return pairing_service.browsers(current_app.config["JOBLOOP"].data_dir)
    return {"paired_browsers": paired_browsers}
