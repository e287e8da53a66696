"""What api/ and web/ share besides the guards in security.py: the running app's clock,
and the one table from domain exceptions to HTTP status codes with the API's error shape.

Services take `now` as an argument; views read it here, from the app's injectable
clock (Config.clock), so tests and browser tests can fix the time. Every API error,
whoever raises it, is {"error": {"code", "message"}} with the status below; the
tracker's HTML error pages (web/errors.py) read the same table. This lives above the
services because it reads Flask's current app.
"""
from __future__ import annotations

import json
from datetime import datetime

from flask import current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from .services import Conflict, NotFound, ServiceError, StoreUnavailable, TooMany


def app_now() -> datetime:
    """Now, by the running app's clock (real UTC unless a test set one), as naive UTC."""
    return current_app.config["JOBLOOP"].clock()


# Most specific first: the first class an error is an instance of decides.
STATUS = (
    (NotFound, 404),
    (Conflict, 409),
    (TooMany, 429),
    (StoreUnavailable, 503),
    (ServiceError, 422),
)

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large",
              415: "unsupported_media_type", 422: "invalid", 429: "too_many_requests",
              500: "server_error", 503: "unavailable"}


def status_for(err: ServiceError) -> int:
    return next(status for cls, status in STATUS if isinstance(err, cls))


def api_error(status: int, code: str, message: str, **extra):
    response = jsonify({"error": {"code": code, "message": message, **extra}})
    response.status_code = status
    if status == 503:
        response.headers["Retry-After"] = "30"
    return response


def service_error_response(err: ServiceError):
    extra = {"field": err.field} if getattr(err, "field", None) else {}
    return api_error(status_for(err), err.code, err.message, **extra)


def http_error_response(error: HTTPException):
    """A werkzeug/webargs HTTP error in the API's shape, field problems flattened into the message."""
    status = error.code or 500
    message = error.description or "error"
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or {}
    # webargs: {"json": {"field": ["problem"]}} per location, or {"json": ["Invalid JSON body."]}
    by_field = {name: problems for where in messages.values() if isinstance(where, dict)
                for name, problems in where.items()}
    extra = {}
    if by_field:
        message = "; ".join(
            f"{name}: {'; '.join(map(str, problems)) if isinstance(problems, list) else problems}"
            for name, problems in by_field.items())
        extra["fields"] = json.loads(json.dumps(by_field, default=str))
    elif status == 400 and not getattr(error, "error_code", None) and (messages or request.is_json):
        message = "the body is not valid JSON"
    code = getattr(error, "error_code", None) or HTTP_CODES.get(status, "error")
    return api_error(status, code, message, **extra)
