"""The one error handler for the whole app: JSON under /api, an HTML page everywhere else.

A tracker page never answers with the API's JSON: a missing reflection, a stale form, a
full disk all render error.html with what happened and a way back. The tracker's own
scripts ask for JSON (Accept: application/json) and get the API's error shape.
"""
from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

import peewee
from flask import Flask, current_app, g, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from ..views import HTTP_CODES, api_error, http_error_response, service_error_response, status_for
from ..services import ServiceError, StoreUnavailable
from ..services.errors import repair_sqlite_leftovers, store_fault
from .base import wants_json

TITLES = {400: "That request did not make sense", 401: "Please sign in", 403: "Not allowed",
          404: "Not found", 405: "Not allowed here", 409: "Already done", 413: "Too large",
          422: "That did not work", 429: "Too many attempts", 500: "Something went wrong",
          503: "jobloop cannot save right now"}


def _is_api() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _way_back() -> str:
    """The page the user came from when it is one of ours, else the dashboard."""
    ref = request.referrer or ""
    parts = urlsplit(ref)
    if ref and parts.netloc == request.host and parts.path != request.path:
        return ref
    return "/"


def error_page(status: int, message: str, *, code: str = "error"):
    try:
        html = render_template("error.html", status=status, title=TITLES.get(status, "Something went wrong"),
                               message=message, code=code, back=_way_back())
    except Exception:  # noqa: BLE001  (the page itself failed: say it plainly rather than a bare 500)
        current_app.logger.exception("error page failed")
        return f"{TITLES.get(status, 'Error')}: {message}\n", status, {"Content-Type": "text/plain; charset=utf-8"}
    headers = {"Retry-After": "30"} if status == 503 else {}
    return html, status, headers


def _service_error(err: ServiceError):
    if _is_api() or wants_json():
        return service_error_response(err)
    return error_page(status_for(err), err.message, code=err.code)


def _http_error(err: HTTPException):
    if _is_api() or wants_json():
        return http_error_response(err)
    status = err.code or 500
    if status == 500:
        return _internal(err)
    code = getattr(err, "error_code", None) or HTTP_CODES.get(status, "error")
    return error_page(status, err.description or TITLES.get(status, "error"), code=code)


def _store_error(err: Exception):
    fault = store_fault(err)
    if fault is None:
        current_app.logger.error("unhandled error", exc_info=err)
        return _internal(err)
    current_app.logger.warning("store unavailable: %s", err)
    g.store_fault = True  # app.py: the thread's kept connection is dropped, the next request opens a new one
    config = current_app.config["JOBLOOP"]
    if fault.code == "read_only" and not config.database_url:
        repaired = repair_sqlite_leftovers(config.sqlite_path)  # so the next request can write
        if repaired:
            current_app.logger.warning("gave owner-write back to %s", ", ".join(repaired))
    return _service_error(fault)


def _internal(err: Exception):
    original = getattr(err, "original_exception", None) or err
    if not isinstance(original, (StoreUnavailable, HTTPException)):
        fault = store_fault(original)
        if fault is not None:
            g.store_fault = True
            return _service_error(fault)
    message = "jobloop hit an internal error; the details are in the server's log"
    if _is_api() or wants_json():
        return api_error(500, "server_error", message)
    return error_page(500, message, code="server_error")


def install(app: Flask) -> None:
    """Registered last, after the API, so this handler decides for every path."""
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _internal)
    for db_error in (peewee.OperationalError, peewee.InterfaceError, sqlite3.OperationalError, OSError):
        app.register_error_handler(db_error, _store_error)
