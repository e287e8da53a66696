"""The API's blueprint class: flask-smorest's, with the JSON body decoded once a request."""
from __future__ import annotations

import flask_smorest
from flask import Request
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request


class JsonOnceParser(FlaskParser):
    """Reads a JSON body from Werkzeug's cache of it: security._check_json_depth decodes every
    JSON body first, and a clipped page's body is up to megabytes of HTML to decode twice."""

    def _raw_load_json(self, req: Request):
        if not is_json_request(req):
            return core.missing
        value = req.get_json(silent=True)
        # None: invalid JSON (or a literal null): webargs' own decode gives its usual error.
        return value if value is not None else super()._raw_load_json(req)


class Blueprint(flask_smorest.Blueprint):
    """The API's blueprints: flask-smorest's, with the JSON body decoded once."""

    ARGUMENTS_PARSER = JsonOnceParser()
