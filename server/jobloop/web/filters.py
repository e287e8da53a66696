"""Template filters: the store keeps naive UTC; people read their own local time."""
from __future__ import annotations

from datetime import date, datetime

from markupsafe import Markup

from ..clock import utc_to_local
from ..parsing.description import sanitize_html
from ..parsing.job_site import site_name
from ..stages import ENDINGS
from ..views import app_now
from .base import blp


@blp.app_template_filter("job_site")
def job_site(posting) -> str:
    """Where a posting was found ("LinkedIn", "acme.com"); the parser's adapter name stays internal."""
    return site_name(posting.canonical_url or posting.url)


@blp.app_template_filter("localtime")
def localtime(dt: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if dt is None:
        return ""
    return utc_to_local(dt).strftime(fmt)


@blp.app_template_filter("local_dt")
def local_dt(dt: datetime | None) -> str:
    """Short, for lists: "Mon 2 Mar, 10:00" in local time (no %-d: not portable)."""
    if dt is None:
        return ""
    local = utc_to_local(dt)
    return f"{local:%a} {local.day} {local:%b, %H:%M}"


@blp.app_template_filter("localdate")
def localdate(dt: datetime | date | None) -> str:
    if dt is None:
        return ""
    if isinstance(dt, datetime):
        return utc_to_local(dt).strftime("%Y-%m-%d")
    return dt.isoformat()


@blp.app_template_filter("iso_localtime")
def iso_localtime(text: str | None) -> str:
    """A stored ISO text (naive UTC, as edits record it) in local time."""
    if not text:
        return ""
    try:
        return localtime(datetime.fromisoformat(text))
    except ValueError:
        return text


@blp.app_template_filter("isodatetime")
def isodatetime(dt: datetime | None) -> str:
    """For <time datetime=...>: UTC with a Z."""
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ") if dt else ""


@blp.app_template_filter("ago")
def ago(dt: datetime | None) -> str:
    if dt is None:
        return ""
    seconds = (app_now() - dt).total_seconds()
    if seconds < 0:
        return "just now" if seconds > -60 else localtime(dt)
    for size, unit in ((86400 * 365, "year"), (86400 * 30, "month"), (86400 * 7, "week"),
                       (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


@blp.app_template_filter("money")
def money(posting) -> str:
    lo, hi = posting.salary_min, posting.salary_max
    if lo is None and hi is None:
        return ""

    def fmt(v):
        return f"{v:,.0f}"

    span = fmt(lo) if hi is None or lo == hi else fmt(hi) if lo is None else f"{fmt(lo)}–{fmt(hi)}"
    parts = [posting.salary_currency or "", span, f"/ {posting.salary_period}" if posting.salary_period else ""]
    return " ".join(p for p in parts if p)


@blp.app_template_global("is_ending")
def is_ending(stage: str) -> bool:
    return stage in ENDINGS


@blp.app_template_filter("http_url")
def http_url(url: str | None) -> str | None:
    """Only http(s) addresses become links: a clipped page may carry javascript: or data: ones."""
    text = (url or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else None


@blp.app_template_global("local_now_input")
def local_now_input() -> str:
    """Now, as an <input type=datetime-local> value (the `max` of back-dating fields)."""
    return utc_to_local(app_now()).strftime("%Y-%m-%dT%H:%M")


@blp.app_template_filter("sanitized")
def sanitized(html: str | None) -> Markup:
    """Stored description HTML, cleaned again as it is shown: the store is never trusted at
    render time (an imported file or an older version could have put anything there)."""
    return Markup(sanitize_html(html or ""))
