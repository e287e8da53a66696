"""Schema-driven fuzzing of every /api operation, from the app's own OpenAPI document.

schemathesis generates valid and invalid requests for each operation and sends them to
the real app over a real SQLite store (one store for the module, so later requests meet
the rows earlier ones made). Each response must not be a server error, must match the
documented schema when its status is documented, and the operation must refuse a
request without the token. Bounded to fit CI: FUZZ_EXAMPLES per operation and mode.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import ignored_auth, response_schema_conformance

from factories import job_page
from jobloop.app import create_app
from jobloop.config import Config
from jobloop.security import current_token

FUZZ_EXAMPLES = int(os.environ.get("JOBLOOP_FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, response_schema_conformance, ignored_auth]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    config = Config(data_dir=tmp_path_factory.mktemp("fuzz") / "data", database_url=None, testing=False)
    app = create_app(config)
    token = current_token(config.data_dir)
    client = app.test_client()
    # A few real rows, so ids 1..3 exist and reads reach the code past "not found".
    for n in range(1, 4):
        client.post("/api/captures", json={"url": f"https://boards.example-ats.test/acme/jobs/{n}",
                                           "html": job_page(title=f"Engineer {n}")},
                    headers={"Authorization": f"Bearer {token}"})
    app.config["FUZZ_TOKEN"] = token
    return app


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app,
                                          headers={"Authorization": f"Bearer {fuzz_app.config['FUZZ_TOKEN']}"})
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                    max_examples=FUZZ_EXAMPLES)
    return schema


def _operations() -> list[tuple[str, str]]:
    """(path, method) of every operation the app documents, read from a throwaway app."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Config(data_dir=Path(tmp) / "data", database_url=None))
        token = current_token(Path(tmp) / "data")
        spec = app.test_client().get("/api/openapi.json", headers={"Authorization": f"Bearer {token}"}).get_json()
    cases = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "patch", "put", "delete"}:
                continue
            cases.append((path, method.upper(), GenerationMode.POSITIVE))
            if operation.get("parameters") or item.get("parameters") or operation.get("requestBody"):
                cases.append((path, method.upper(), GenerationMode.NEGATIVE))  # something to get wrong
    return cases


@pytest.mark.parametrize(("path", "method", "mode"), _operations(),
                         ids=lambda v: v.value if isinstance(v, GenerationMode) else v)
def test_api_operation_fuzz(api_schema, fuzz_app, path, method, mode):
    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {fuzz_app.config['FUZZ_TOKEN']}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()
