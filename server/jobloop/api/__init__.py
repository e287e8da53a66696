"""The JSON API the extension talks to, documented by an OpenAPI document.

flask-smorest was chosen over APIFlask because it plugs into a plain Flask app
and blueprints (the tracker stays an ordinary Flask blueprint), and because the
same marshmallow schemas validate requests and generate /api/openapi.json.
"""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from ..security import api_error
from ..services import ServiceError

API_TITLE = "jobloop"

ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large",
               415: "unsupported_media_type", 422: "invalid", 500: "server_error"}


class JobloopApi(Api):
    """Every error, whoever raises it, has the shape {"error": {"code", "message"}}."""

    def handle_http_exception(self, error: HTTPException):
        from flask import request

        if not request.path.startswith("/api/"):
            return error
        status = error.code or 500
        message = error.description or "error"
        data = getattr(error, "data", None) or {}
        messages = data.get("messages")
        if messages:
            # webargs: {"json": {"field": ["problem"]}} -> "field: problem"
            flat = []
            for fields in messages.values():
                for name, problems in (fields.items() if isinstance(fields, dict) else []):
                    text = problems if isinstance(problems, str) else "; ".join(map(str, problems)) if isinstance(problems, list) else str(problems)
                    flat.append(f"{name}: {text}")
            message = "; ".join(flat) or message
        if status == 400 and "JSON" in (message or "") or (status == 400 and not messages):
            message = "the body is not valid JSON" if request.is_json else message
        response = api_error(status, ERROR_CODES.get(status, "error"), message)
        if messages:
            body = response.get_json()
            body["error"]["fields"] = messages.get("json") or messages.get("query") or messages
            response.set_data(__import__("json").dumps(body))
        return response


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
    from . import captures, postings

    api.register_blueprint(captures.blp)
    api.register_blueprint(postings.blp)
    api.register_blueprint(__import__(f"{__package__}.followups", fromlist=["blp"]).blp)  # follow-ups, reflections, interviews
    api.register_blueprint(__import__(f"{__package__}.growth", fromlist=["blp"]).blp)  # profile, gaps, goals, contacts, insights
    from . import pairing  # one-click pairing: its API, and the tracker page the user confirms on

    api.register_blueprint(pairing.blp)
    app.register_blueprint(pairing.page_blp)

    @app.errorhandler(ServiceError)
    def _service_error(err: ServiceError):
        return api_error(err.status, err.code, err.message)

    return api
