"""Every site adapter against pages written here in the shape of that site's real markup
(tests/fixtures/pages/<site>/<name>.html, with the expected fields in <name>.json)."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from jobloop.parsing import parse
from jobloop.parsing.sites import SITES

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
CASES = sorted(PAGES.glob("*/*.json"))


def _parse_case(spec_path: Path) -> tuple[dict, dict]:
    spec = json.loads(spec_path.read_text())
    now = datetime.fromisoformat(spec["now"]) if "now" in spec else None
    draft = parse(spec_path.with_suffix(".html").read_bytes(), spec["url"], now=now)
    return spec, draft.to_dict()


@pytest.mark.parametrize("spec_path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_fixture_page(spec_path):
    spec, out = _parse_case(spec_path)
    for key, expected in spec["expect"].items():
        assert out[key] == expected, f"{key}: {out[key]!r} (from {out['field_sources'].get(key)}); reason={out['reason']}"
    for skill in spec.get("skills_include", []):
        assert skill in out["skills"], out["skills"]
    for skill in spec.get("nice_include", []):
        assert skill in out["nice_to_have_skills"], out["nice_to_have_skills"]
    if "locations_include" in spec:
        assert any(spec["locations_include"] in loc for loc in out["locations"]), out["locations"]
    for bad in spec.get("description_excludes", []):
        assert bad not in out["description_html"]
    if out["is_posting"]:
        assert out["description_text"], "a posting keeps its description"
    else:
        assert out["reason"], "a page that is not a posting says why"


def test_every_adapter_has_fixtures():
    covered = {p.parent.name for p in CASES}
    for site in SITES:
        assert site.NAME in covered, f"no fixture pages for the {site.NAME} adapter"
    assert "generic" in covered


def test_fields_say_where_they_came_from():
    _, out = _parse_case(PAGES / "ashby" / "job.json")
    assert out["field_sources"]["remote"] == "site:ashby"  # the page's Hybrid, not JSON-LD's TELECOMMUTE
    _, out = _parse_case(PAGES / "generic" / "jsonld_graph.json")
    assert out["field_sources"]["title"] == "jsonld"


def test_similar_jobs_never_lend_their_salary():
    _, out = _parse_case(PAGES / "linkedin" / "public_view.json")
    assert out["salary"] is None
    _, out = _parse_case(PAGES / "generic" / "career_page_no_data.json")
    assert out["salary"]["min"] == 160000  # not the "Other jobs" intern's $25/hour
