"""The JSON API the extension talks to, documented by an OpenAPI document.

flask-smorest was chosen over APIFlask because it plugs into a plain Flask app
and blueprints (the tracker stays an ordinary Flask blueprint), and because the
same marshmallow schemas validate requests and generate /api/openapi.json.
Errors: views.py (one table from domain exceptions to status codes).
"""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from ..views import http_error_response
from .schemas import ErrorSchema

API_TITLE = "jobloop"


class JobloopApi(Api):
    """Every error, whoever raises it, has the shape {"error": {"code", "message"}}."""

    ERROR_SCHEMA = ErrorSchema  # documented as it is sent

    def handle_http_exception(self, error: HTTPException):
        return http_error_response(error)


def init_api(app: Flask) -> JobloopApi:
    app.config.update(
        API_TITLE=API_TITLE,
        API_VERSION=app.config.get("JOBLOOP_VERSION", "0"),
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = JobloopApi(app, spec_kwargs={"components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer"}}}, "security": [{"bearer": []}]})
    from . import captures, companies, followups, growth, pairing, postings

    api.register_blueprint(captures.blp)
    api.register_blueprint(postings.blp)
    api.register_blueprint(followups.blp)  # follow-ups, reflections, interviews
    api.register_blueprint(growth.blp)  # profile, gaps, goals, contacts, insights
    api.register_blueprint(companies.blp)  # companies, history, fit, targets, a posting's other addresses
    from . import documents

    api.register_blueprint(documents.blp)  # the popup's "sent with"
    api.register_blueprint(pairing.blp)  # one-click pairing: its API, and the tracker page the user confirms on
    app.register_blueprint(pairing.page_blp)
    return api
