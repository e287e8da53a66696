"""scripts/package-extension and scripts/make-icons, run as a user would run them.

The packaging test lints the Firefox build with web-ext (npm). It installs web-ext with
`npm ci` on first run (about 10 s, then cached in node_modules/); the lint takes ~1 s.
"""
from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "extension"
NARROW = {"storage", "activeTab", "scripting", "contextMenus", "alarms"}


def referenced_files(manifest: dict) -> set[str]:
    refs = set(manifest["icons"].values()) | set(manifest["action"]["default_icon"].values())
    refs |= {manifest["action"]["default_popup"], manifest["options_ui"]["page"]}
    background = manifest["background"]
    refs |= {background["service_worker"]} if "service_worker" in background else set(background["scripts"])
    return refs


def test_package_builds_both_zips_and_firefox_build_lints_clean():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "package-extension")], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "web-ext lint (firefox build): errors 0 · notices 0 · warnings 0" in result.stdout
    version = json.loads((EXT / "manifest.json").read_text())["version"]

    with zipfile.ZipFile(ROOT / "dist" / f"jobloop-chrome-{version}.zip") as zf:
        chrome = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist())
    assert chrome["background"] == {"service_worker": "background.js", "type": "module"}
    assert "browser_specific_settings" not in chrome
    assert referenced_files(chrome) <= names
    assert {"lib/api.js", "lib/messages.js", "popup/popup.js", "options/options.js"} <= names

    with zipfile.ZipFile(ROOT / "dist" / f"jobloop-firefox-{version}.zip") as zf:
        firefox = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist())
    assert firefox["background"] == {"scripts": ["background.js"], "type": "module"}
    assert firefox["browser_specific_settings"]["gecko"]["id"]
    assert referenced_files(firefox) <= names


def test_lint_fails_on_a_broken_firefox_build(tmp_path):
    """The lint is real: a manifest Firefox would reject makes the script fail."""
    broken = tmp_path / "ext"
    subprocess.run(["cp", "-r", str(EXT), str(broken)], check=True)
    manifest = json.loads((broken / "manifest.json").read_text())
    del manifest["browser_specific_settings"]  # MV3 on Firefox needs a gecko id
    manifest["permissions"].append("nativeMessaging-typo")
    (broken / "manifest.json").write_text(json.dumps(manifest))
    script = ROOT / "scripts" / "package-extension"
    code = ("import runpy, sys, pathlib; sys.argv=['package-extension'];"
            f"mod = runpy.run_path({str(script)!r}, run_name='lib');"
            f"mod['lint'](pathlib.Path({str(broken)!r}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "web-ext lint failed" in result.stderr


def test_manifest_asks_for_narrow_permissions_only():
    manifest = json.loads((EXT / "manifest.json").read_text())
    assert manifest["manifest_version"] == 3
    assert set(manifest["permissions"]) == NARROW
    assert manifest["host_permissions"] == ["http://127.0.0.1/*", "http://localhost/*", "http://[::1]/*"]
    assert manifest.get("optional_permissions") == ["tabs"]  # only if the user opts into the browsing badge
    assert "content_scripts" not in manifest  # pages are read on the user's click, never on load
    assert "clip-page" in manifest["commands"]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_make_icons_draws_each_size():
    import runpy

    mod = runpy.run_path(str(ROOT / "scripts" / "make-icons"), run_name="icons")
    for size in (16, 32, 48, 128):
        data = mod["render"](size)
        assert png_size(data) == (size, size)
        # The committed icon is what the script draws.
        assert (EXT / "icons" / f"icon-{size}.png").read_bytes() == data
