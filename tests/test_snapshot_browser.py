"""A clipped page's saved copy cannot reach out: real Chromium, connections counted.

The sandbox and the CSP stop requests, but Chromium opens connections of its own for
<link rel=preconnect>, frames and the like before (or without) any request a CSP sees.
So this test counts TCP connections accepted by a listener on 127.0.0.1 that the
clipped page names everywhere it can, while the browser shows the snapshot and the
posting page: the count must stay 0.
"""
from __future__ import annotations

import json
import socket
import threading
import urllib.request

import pytest

from browser import launch_chromium

pytestmark = pytest.mark.browser


class ConnectionCounter:
    """A raw TCP listener that counts accepted connections and closes them."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def close(self):
        self.sock.close()


def reaching_page(port: int) -> str:
    here = f"http://127.0.0.1:{port}"
    also = f"http://localhost:{port}"
    return f"""<!doctype html><html><head><title>Backend Engineer - Acme</title>
<link rel="preconnect" href="{here}"><link rel="preconnect" href="{also}" crossorigin>
<link rel="dns-prefetch" href="{also}"><link rel="prefetch" href="{here}/prefetch">
<link rel="preload" as="image" href="{here}/preload.png"><link rel="modulepreload" href="{here}/m.js">
<link rel="prerender" href="{here}/prerender"><link rel="stylesheet" href="{here}/s.css">
<link rel="icon" href="{here}/favicon.ico">
<base href="{here}/">
<meta http-equiv="refresh" content="1;url={here}/refresh">
<script type="speculationrules">{{"prefetch": [{{"source": "list", "urls": ["{here}/spec"]}}]}}</script>
</head><body><main><h1>Backend Engineer</h1><p>Acme Robotics · Berlin</p>
<p>We are hiring a Backend Engineer. You know Python and SQL.</p>
<iframe src="{here}/frame"></iframe><frameset><frame src="{here}/frame2"></frameset>
<object data="{here}/object"></object><embed src="{here}/embed">
<img src="relative.png"><img srcset="{here}/1x.png 1x, {here}/2x.png 2x">
<video poster="{here}/poster.png" src="{here}/v.mp4"></video><audio src="{here}/a.mp3"></audio>
<a href="{here}/link" ping="{here}/ping">Apply</a>
<div style="background-image: url({here}/bg.png)">styled</div>
<form action="{here}/form"><button>Send</button></form>
</main></body></html>"""


def capture(server, token, url, html):
    request = urllib.request.Request(
        server.url + "/api/captures", data=json.dumps({"url": url, "html": html}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_snapshot_and_posting_page_open_no_connection_to_hosts_the_page_names(tmp_path, live_server, token):
    counter = ConnectionCounter()
    try:
        created = capture(live_server, token, "https://evil.example/jobs/1", reaching_page(counter.port))
        with launch_chromium(tmp_path) as browser:
            page = browser.new_page()
            for path in (f"/postings/{created['id']}/snapshot", f"/postings/{created['id']}"):
                page.goto(live_server.url + path)
                page.wait_for_load_state("networkidle")
                page.mouse.move(10, 10)
                for link in page.locator("main a, .description a").all()[:20]:
                    if link.is_visible():
                        link.hover(timeout=2000)  # Chromium may preconnect to a link on hover
                page.wait_for_timeout(1500)  # the refresh would fire after 1 s
                assert "Backend Engineer" in page.content(), (path, page.url)
        assert counter.accepted == 0, f"{counter.accepted} connection(s) reached the page's host"
    finally:
        counter.close()


def test_the_connection_counter_counts(tmp_path):
    """The guard above can fail: a plain page with a preconnect does reach the listener."""
    counter = ConnectionCounter()
    try:
        with launch_chromium(tmp_path) as browser:
            page = browser.new_page()
            page.set_content(f'<link rel="preconnect" href="http://127.0.0.1:{counter.port}">'
                             f'<img src="http://127.0.0.1:{counter.port}/x.png">')
            page.wait_for_timeout(1000)
        assert counter.accepted >= 1
    finally:
        counter.close()
