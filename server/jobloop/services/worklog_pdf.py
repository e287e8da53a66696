"""The work-search log as a PDF a benefits office takes: landscape A4 (or Letter for the US
preset), the user's name and the period on every page, "page N of M", one table per week.

fpdf2 writes the PDF; the font is Noto Sans from the fontpkg-noto-sans package (both
dependencies in pyproject.toml, so `pip install .` brings them): it covers Latin,
Cyrillic and Greek. A character it has no glyph for (Chinese, Arabic, emoji…) is
written as "?" and the page says so, pointing to the browser's print, which uses the
machine's own fonts (docs/worklog.md).
"""
from __future__ import annotations

from functools import lru_cache

import fontpkg
from fpdf import FPDF

from .worklog import Log, Preset

FONT = "Noto Sans"
MISSING = "?"
# Relative column widths: date, activity, employer, position, how, contact, result, URL.
WIDTHS = (10, 17, 15, 20, 10, 16, 17, 25)
GREY = (235, 235, 235)


@lru_cache(maxsize=1)
def font_path() -> str:
    return str(fontpkg.path(FONT))


def drawable(text: str, covered) -> tuple[str, int]:
    """The text with every character the font cannot draw (not in `covered`, the font's
    character map) replaced, and how many were."""
    out, missing = [], 0
    for ch in text:
        if ord(ch) in covered or ch in "\n\t":
            out.append(ch)
        else:
            out.append(MISSING)
            missing += 1
    return "".join(out), missing


class _Page(FPDF):
    top = ""  # the running header and footer, set before the first page
    bottom = ""

    def header(self) -> None:
        self.set_font(FONT, size=9)
        self.set_text_color(80)
        self.cell(0, 5, self.top, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_text_color(0)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(80)
        self.cell(0, 5, self.bottom, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="R")
        self.set_text_color(0)


LINE = 4  # mm per line of a table cell
PAD = 1
MAX_LINES = 12  # a cell (a 2,000-character URL) never outgrows a page


def _lines(pdf: FPDF, text: str, width: float) -> list[str]:
    """Text broken into lines that fit `width`: at spaces, and inside a word (a long URL)
    only when the word alone is wider. Measured by whole words: fpdf2's own table breaks
    lines a character at a time, several times slower for a year's log."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if pdf.get_string_width(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while pdf.get_string_width(word) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and pdf.get_string_width(word[:cut]) > width:
                    cut = max(1, int(cut * width / pdf.get_string_width(word[:cut])) if cut > 8 else cut - 1)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _wrap(pdf: FPDF, widths: list[float], cells: list[str]) -> tuple[list[list[str]], float]:
    """Each cell's lines (at most MAX_LINES, the last marked "…" when cut) and the row's height."""
    wrapped = []
    for cell, w in zip(cells, widths):
        lines = _lines(pdf, cell, w - 2 * (PAD + pdf.c_margin))  # cell() keeps its own margin too
        if len(lines) > MAX_LINES:
            lines = lines[:MAX_LINES - 1] + [lines[MAX_LINES - 1][:-1] + "…"]
        wrapped.append(lines)
    return wrapped, max(len(lines) for lines in wrapped) * LINE + 2 * PAD


def _row(pdf: FPDF, widths: list[float], wrapped: list[list[str]], height: float, *, fill: bool = False) -> None:
    """One table row with borders, each cell's lines from its top."""
    x, y = pdf.l_margin, pdf.get_y()
    pdf.set_fill_color(*GREY)
    for lines, w in zip(wrapped, widths):
        pdf.rect(x, y, w, height, style="DF" if fill else "D")
        for n, line in enumerate(lines):
            pdf.set_xy(x + PAD, y + PAD + n * LINE)
            pdf.cell(w - 2 * PAD, LINE, line)
        x += w
    pdf.set_xy(pdf.l_margin, y + height)


def _table(pdf: FPDF, headings: list[str], rows: list[list[str]]) -> None:
    """The week's table; a row that does not fit the page starts a new one, headings first."""
    widths = [pdf.epw * w / sum(WIDTHS) for w in WIDTHS]
    head, head_height = _wrap(pdf, widths, headings)
    for n, cells in enumerate(rows):
        wrapped, height = _wrap(pdf, widths, cells)
        needed = height + (head_height if n == 0 else 0)
        if pdf.get_y() + needed > pdf.page_break_trigger:
            pdf.add_page()
            n = 0
        if n == 0:
            _row(pdf, widths, head, head_height, fill=True)
        _row(pdf, widths, wrapped, height)


def render(log: Log, p: Preset, *, made_on: str) -> bytes:
    pdf = _Page(orientation="landscape", unit="mm", format="letter" if p.page == "Letter" else "a4")
    pdf.add_font(FONT, "", font_path())
    covered = pdf.fonts[FONT.lower()].cmap
    missing = 0

    def text(value: str) -> str:
        nonlocal missing
        value, n = drawable(value, covered)
        missing += n
        return value

    period = f"{log.start.strftime(p.date_format)} – {log.end.strftime(p.date_format)}"
    who = ", ".join(filter(None, [log.name and f"{p.person}: {log.name}",
                                  log.reference and f"{p.reference}: {log.reference}"]))
    pdf.top = text(" · ".join(filter(None, [p.title, who, f"{p.period}: {period}"])))
    pdf.bottom = f"jobloop · {made_on}"
    pdf.set_title(f"{p.title} {period}")
    pdf.set_creator("jobloop")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(12, 10, 12)
    pdf.add_page()

    pdf.set_font(FONT, size=16)
    pdf.cell(0, 9, text(p.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=11)
    for line in (log.name and f"{p.person}: {log.name}", log.reference and f"{p.reference}: {log.reference}",
                 f"{p.period}: {period}"):
        if line:
            pdf.cell(0, 6, text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    for week in log.weeks:
        pdf.set_font(FONT, size=11)
        counts = ", ".join(f"{week.count(k)} × {p.activity[k]}" for k in p.activity if week.count(k))
        title = f"{p.week} {week.monday.strftime(p.date_format)} – {week.sunday.strftime(p.date_format)}"
        pdf.cell(0, 7, text(title + (f"  ({counts})" if counts else "")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=8)
        if not week.activities:
            pdf.cell(0, 6, text(p.none), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
            continue
        _table(pdf, [text(h) for h in p.headers.values()],
               [[text(a.values(p)[k]) for k in p.headers] for a in week.activities])
        pdf.ln(4)

    if missing:
        pdf.set_font(FONT, size=8)
        pdf.multi_cell(0, 4, f"{missing} character(s) this PDF's font cannot show are printed as “{MISSING}”. "
                             "Print the log from the browser instead (Print on the log page): it uses your "
                             "computer's fonts.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
