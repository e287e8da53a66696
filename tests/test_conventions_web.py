"""One way to answer a form in every tracker blueprint (web/base.py): back(), said()/refused()
with the flash words app.css styles, form_error(), and template globals for partials."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from jobloop.web.base import FLASH_CATEGORIES

WEB = Path(__file__).resolve().parents[1] / "server" / "jobloop" / "web"
VIEWS = sorted(p for p in WEB.glob("*.py") if p.name != "base.py")


def _flask_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "flask" for a in n.names}


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: p.name)
def test_views_flash_only_through_base(path):
    assert "flash" not in _flask_names(path), f"{path.name}: use said()/refused() from web/base.py"


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: p.name)
def test_views_have_no_back_helper_of_their_own(path):
    names = {n.name for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.FunctionDef)}
    assert not names & {"_back", "_form_error"}, f"{path.name}: use back()/form_error() from web/base.py"
    assert "request.form.get(\"next\"" not in path.read_text().replace("'", '"') or path.name == "actions.py"


def test_partials_are_fed_by_template_globals_not_context_processors():
    for path in WEB.rglob("*.py"):
        assert "context_processor" not in path.read_text(), path.name


def test_every_flash_category_is_styled():
    css = (WEB / "static" / "css" / "app.css").read_text()
    for category in FLASH_CATEGORIES:
        assert re.search(rf"\.flash-{category}\s*{{", css), category


def _csrf(client, path="/plan") -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get(path).text).group(1)


def test_growth_flash_uses_the_styled_word(client, db):
    r = client.post("/plan/goals", data={"csrf_token": _csrf(client), "skill": "Go"}, follow_redirects=True)
    assert '<p class="flash flash-ok">Goal: Learn Go' in r.text
    assert "flash-success" not in r.text


@pytest.mark.parametrize("next_value, location", [("/network#x", "/network#x"), ("//evil.example/", "/plan")])
def test_back_follows_a_local_next_only(client, db, next_value, location):
    r = client.post("/plan/goals", data={"csrf_token": _csrf(client), "skill": "Go", "next": next_value})
    assert r.status_code == 302 and r.headers["Location"].startswith(location)


def test_refused_form_keeps_what_was_typed(client, db):
    r = client.post("/network", data={"csrf_token": _csrf(client, "/network"), "name": "", "email": "dana@example.test"})
    assert r.status_code == 422 and "dana@example.test" in r.text and "flash-error" in r.text
