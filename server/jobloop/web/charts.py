"""Charts drawn on the server as inline SVG: no chart library, no CDN, no script.

No inline style attributes (the CSP forbids them): shapes carry classes, and
growth.css colours them; text uses currentColor so it follows the page's
light or dark theme. Every chart has a <title> for screen readers, and the
pages show the same numbers as a table beside it.
"""
from __future__ import annotations

from itertools import count

from markupsafe import Markup, escape

_ids = count(1)


def _num(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _svg(width: int, height: int, title: str, body: list[str], css: str) -> Markup:
    tid = f"chart-title-{next(_ids)}"
    return Markup(
        f'<svg class="chart {escape(css)}" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{tid}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{tid}">{escape(title)}</title>' + "".join(body) + "</svg>")


def hbars(rows: list[tuple[str, float, str | None]], *, title: str, css: str = "", unit: str = "",
          width: int = 600, label_width: int = 150, bar_height: int = 26) -> Markup:
    """Horizontal bars: rows of (label, value, note shown after the value or None)."""
    gap, value_room = 8, 150
    height = max(1, len(rows)) * (bar_height + gap) + gap
    top = max((v for _, v, _ in rows), default=0) or 1
    span = width - label_width - value_room
    body = []
    for i, (label, value, note) in enumerate(rows):
        y = gap + i * (bar_height + gap)
        w = span * value / top
        mid = y + bar_height / 2 + 5
        text = _num(value) + unit + (f" · {note}" if note else "")
        body.append(
            f'<g class="row"><text class="label" x="{label_width - 8}" y="{mid:.1f}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="bar bar-{i}" x="{label_width}" y="{y}" width="{max(w, 1 if value else 0):.1f}" '
            f'height="{bar_height}" rx="3"><title>{escape(label)}: {escape(text)}</title></rect>'
            f'<text class="value" x="{label_width + w + 6:.1f}" y="{mid:.1f}">{escape(text)}</text></g>')
    if not rows:
        body.append(f'<text class="label" x="8" y="{height - 8}">No data yet</text>')
    return _svg(width, height, title, body, css)


def columns(rows: list[tuple[str, float]], *, title: str, target: float | None = None, css: str = "",
            width: int = 600, height: int = 220) -> Markup:
    """Vertical columns (e.g. applications per week) with an optional dashed target line."""
    left, bottom, top_pad = 30, 28, 16
    plot_h = height - bottom - top_pad
    top = max([v for _, v in rows] + [target or 0]) or 1
    slot = (width - left) / max(1, len(rows))
    bar_w = slot * 0.62
    body = [f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}"/>',
            f'<text class="tick" x="{left - 4}" y="{top_pad + 4}" text-anchor="end">{_num(top)}</text>',
            f'<text class="tick" x="{left - 4}" y="{height - bottom}" text-anchor="end">0</text>']
    for i, (label, value) in enumerate(rows):
        h = plot_h * value / top
        x = left + i * slot + (slot - bar_w) / 2
        y = height - bottom - h
        met = " met" if target is not None and value >= target else ""
        body.append(
            f'<rect class="bar{met}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" rx="2">'
            f'<title>{escape(label)}: {_num(value)}</title></rect>')
        if value:
            body.append(f'<text class="value" x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{_num(value)}</text>')
        body.append(f'<text class="tick" x="{x + bar_w / 2:.1f}" y="{height - 10}" text-anchor="middle">{escape(label)}</text>')
    if target is not None:
        ty = height - bottom - plot_h * target / top
        body.append(f'<line class="target" x1="{left}" y1="{ty:.1f}" x2="{width}" y2="{ty:.1f}" stroke-dasharray="6 4"/>'
                    f'<text class="tick target-label" x="{width - 4}" y="{ty - 4:.1f}" text-anchor="end">target {_num(target)}</text>')
    return _svg(width, height, title, body, css)


def gauge(value: int, target: int, *, title: str, css: str = "", width: int = 600, height: int = 46) -> Markup:
    """One bar against a target: how many are in flight out of how many wanted."""
    top = max(value, target) or 1
    span = width - 16
    w = span * value / top
    tx = 8 + span * target / top
    state = "met" if value >= target else "below"
    body = [f'<rect class="track" x="8" y="8" width="{span}" height="22" rx="4"/>',
            f'<rect class="bar {state}" x="8" y="8" width="{w:.1f}" height="22" rx="4"/>',
            f'<line class="target" x1="{tx:.1f}" y1="2" x2="{tx:.1f}" y2="36"/>',
            f'<text class="value" x="12" y="24">{value} · target {target}</text>']
    return _svg(width, height, title, body, css)
