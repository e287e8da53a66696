"""Spreadsheets in: a .csv or .xlsx file becomes postings, as one batch that can be undone.

`read(source, filename)` opens the file (or says clearly why it cannot: binary, wrong
encoding, no header row, too many rows) without touching the store, reading it through
once; the rows are read again from the file on each later walk, never all held in
memory. `preview()` shows the first rows with the columns matched by their headers
(sheet_columns.py). `import_rows()` checks each row (`_plan`) and writes the rows a chunk
at a time (services/sheet_import.py: what adding each by hand would write, in a few
multi-row INSERTs) in one transaction: a row that cannot be added is skipped with its
row number and the reason, a duplicate of a tracked posting (same canonical URL, else
same company and title) is reported and left as it was, and a failure of the file as a
whole leaves nothing behind.

The batch is recorded on the timeline rather than in a table of its own: each
imported posting gets an "import" event whose details hold the batch id, the file
name and the row. `undo()` deletes the postings (and the contacts the import made)
of one batch. Row numbers are the spreadsheet's own: the header is row 1.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, Iterator

from peewee import JOIN, OP, Expression, Value

from ..clock import day_to_utc
from ..db import database
from ..models import Company, Event, Posting
from ..parsing import salary as salary_parser
from ..parsing.urls import canonical_url
from . import ServiceError, network, postings, sheet_import, tags
from .bounds import EARLIEST, LATEST, MAX_SHEET_BYTES, MAX_SHEET_ROWS
from .sheet_columns import FIELDS, PLAIN, PRESETS, Preset, choose_preset, fold, match_headers, stage_for

PREVIEW_ROWS = 5
ENCODINGS = (("utf-8-sig", "UTF-8 with BOM"), ("utf-8", "UTF-8"), ("cp1252", "Windows-1252 (cp1252)"))
NO_URL_HOST = "no-link.invalid"  # rows without a link; .invalid never resolves (RFC 2606)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SheetError(ServiceError):
    code = "bad_spreadsheet"


@dataclass
class Sheet:
    """An opened spreadsheet: its headers and a way to walk its rows (numbered as shown in a
    spreadsheet). The rows are read again from the file on each walk, never all held at once."""

    filename: str
    kind: str  # csv | xlsx
    headers: list[str]
    source: bytes | Path = field(repr=False)
    row_count: int = 0
    encoding: str = ""
    codec: str = ""
    delimiter: str = ""
    empty_rows: int = 0
    column_orders: list[str | None] = field(default_factory=list)  # each column's d/m/y order (_numeric_order)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.headers)
        rows = _rows(self._raw())
        next(rows)  # the header
        for number, cells in rows:
            yield number, cells + [""] * (width - len(cells))

    def _raw(self):
        if self.kind == "xlsx":
            return _xlsx_rows(self.source)
        return _csv_rows(self.source, self.codec, self.delimiter)

    def describe(self) -> str:
        if self.kind == "xlsx":
            return "Excel workbook (.xlsx), first sheet"
        names = {",": "commas", ";": "semicolons", "\t": "tabs"}
        return f"CSV in {self.encoding}, separated by {names.get(self.delimiter, repr(self.delimiter))}"


# ---- reading -------------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _unescape(text: str) -> str:
    # Our own export writes '=… for a cell that looks like a formula; read it back as typed.
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


def _open(source: bytes | Path) -> BinaryIO:
    return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")


def _chunks(source: bytes | Path) -> Iterator[bytes]:
    with _open(source) as fh:
        while chunk := fh.read(1 << 16):
            yield chunk


def _decodes(source: bytes | Path, codec: str) -> bool:
    """Whether the whole file is text in `codec`, checked a piece at a time (no copy of it as text)."""
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        for chunk in _chunks(source):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _encoding(source: bytes | Path, head: bytes) -> tuple[str, str]:
    candidates = ENCODINGS[:1] if head.startswith(b"\xef\xbb\xbf") else ENCODINGS[1:]
    for codec, label in candidates:
        if _decodes(source, codec):
            return codec, label
    raise SheetError("the file is not text in UTF-8 or Windows-1252: save it from your spreadsheet as "
                     "\u201cCSV UTF-8\u201d and try again", code="bad_encoding")


def _sniff(source: bytes | Path, codec: str) -> str:
    with io.TextIOWrapper(_open(source), encoding=codec, newline="") as text:
        lines = [line for _, line in zip(range(20), text)]
    sample = "".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(",;\t", key=first.count)


def _csv_rows(source: bytes | Path, codec: str, delimiter: str) -> Iterator[list]:
    with io.TextIOWrapper(_open(source), encoding=codec, newline="") as text:
        try:
            yield from csv.reader(text, delimiter=delimiter)
        except csv.Error as err:
            raise SheetError(f"the CSV cannot be read: {err}", code="bad_csv") from None


def _xlsx_rows(source: bytes | Path) -> Iterator[tuple]:
    import openpyxl  # only an .xlsx needs it

    try:
        book = openpyxl.load_workbook(_open(source), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise SheetError(f"this .xlsx file cannot be opened ({type(err).__name__}); is it a spreadsheet?",
                         code="bad_xlsx") from None
    try:
        if not book.worksheets:
            raise SheetError("the workbook has no sheets", code="empty_file")
        yield from book.worksheets[0].iter_rows(values_only=True)
    finally:
        book.close()


def _rows(raw_rows, empty: list[int] | None = None) -> Iterator[tuple[int, list[str]]]:
    """The rows that hold something, as text, numbered as a spreadsheet shows them (the header
    first); `empty` gets the number of each empty row."""
    for number, raw in enumerate(raw_rows, start=1):
        cells = [_unescape(v.strip() if v.__class__ is str else _text(v)) for v in raw]
        if any(cells):
            yield number, cells
        elif empty is not None:
            empty.append(number)


def read(source: bytes | Path, filename: str = "spreadsheet.csv") -> Sheet:
    """Open a .csv or .xlsx (its bytes, or its path); SheetError says what is wrong with it.
    The file is read through once here, to count and check its rows; nothing is kept of them."""
    size = len(source) if isinstance(source, bytes) else source.stat().st_size
    if not size:
        raise SheetError("the file is empty", code="empty_file")
    if size > MAX_SHEET_BYTES:
        raise SheetError(f"the file is over {MAX_SHEET_BYTES // (1024 * 1024)} MB; split it into smaller files",
                         code="too_large")
    with _open(source) as fh:
        head = fh.read(65536)
    if head.startswith(b"PK\x03\x04"):
        sheet = Sheet(filename, "xlsx", [], source)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetError("this is an old Excel .xls file: save it as .xlsx or CSV and try again", code="old_excel")
    elif b"\x00" in head:
        raise SheetError("this is not a spreadsheet (it looks like a binary file): upload a .csv or .xlsx",
                         code="binary_file")
    else:
        codec, label = _encoding(source, head)
        sheet = Sheet(filename, "csv", [], source, encoding=label, codec=codec, delimiter=_sniff(source, codec))
    _survey(sheet)
    return sheet


def _survey(sheet: Sheet) -> None:
    """One pass over the file: the header, how many rows (and empty ones), each column's date order."""
    header: list[str] | None = None
    orders: list[_Order] = []
    count = header_row = 0
    empty: list[int] = []
    for number, cells in _rows(sheet._raw(), empty):
        if header is None:
            header, header_row = cells, number
            continue
        count += 1
        if count > MAX_SHEET_ROWS:
            raise SheetError(f"the file has more than {MAX_SHEET_ROWS:,} rows; split it into smaller files",
                             code="too_many_rows")
        if len(empty) > 1000:  # only the count is wanted
            sheet.empty_rows += sum(1 for n in empty if n > header_row)
            empty.clear()
        while len(orders) < len(cells):
            orders.append(_Order())
        for order, cell in zip(orders, cells):
            if cell:
                order.see(cell)
    if header is None:
        raise SheetError("the file has no rows: the first row should name the columns", code="empty_file")
    sheet.empty_rows += sum(1 for n in empty if n > header_row)
    while header and not header[-1]:
        header.pop()
    if not count:
        raise SheetError("the file has a header row but no rows below it", code="empty_file")
    sheet.headers, sheet.row_count = header, count
    orders += [_Order() for _ in range(len(header) - len(orders))]
    sheet.column_orders = [o.result() for o in orders[:len(header)]]


# ---- dates -----------------------------------------------------------------------------------

MONTHS = {fold(name): n for n, names in enumerate((
    ("jan", "january", "januar", "janvier", "enero", "ene"),
    ("feb", "february", "februar", "fevrier", "febrero", "fev"),
    ("mar", "march", "marz", "mars", "marzo"),
    ("apr", "april", "avril", "abril", "avr", "abr"),
    ("may", "mai", "mayo"),
    ("jun", "june", "juni", "juin", "junio"),
    ("jul", "july", "juli", "juillet", "julio", "juil"),
    ("aug", "august", "aout", "agosto", "ago"),
    ("sep", "sept", "september", "septembre", "septiembre", "set"),
    ("oct", "october", "oktober", "octobre", "octubre", "okt"),
    ("nov", "november", "novembre", "noviembre"),
    ("dec", "december", "dezember", "decembre", "diciembre", "dez", "dic"),
), start=1) for name in names}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})$")
_WORDS = re.compile(r"^([a-z]+|\d{1,2}) (\d{1,2}|[a-z]+) (\d{4})$")


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


class _Order:
    """Whether a column's d/m/y dates are "day" or "month" first, "ambiguous", "mixed", or
    None when it has none. Dotted dates (21.11.2026) are day first wherever they are written;
    slashed and dashed ones are decided by a value that only fits one order (a first number
    over 12 means day first)."""

    __slots__ = ("day_first", "month_first", "seen")

    def __init__(self):
        self.day_first = self.month_first = self.seen = False

    def see(self, value: str) -> None:
        m = _NUMERIC.match(value.strip())
        if not m or m.group(2) == ".":
            return
        self.seen = True
        self.day_first |= int(m.group(1)) > 12
        self.month_first |= int(m.group(3)) > 12

    def result(self) -> str | None:
        if not self.seen:
            return None
        if self.day_first and self.month_first:
            return "mixed"
        return "day" if self.day_first else "month" if self.month_first else "ambiguous"


def parse_day(text: str, day_first: bool | None) -> date:
    """One cell as a date; ValueError with a reason when it is not one."""
    raw = text.strip()
    m = _ISO.match(raw)
    if m:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    elif m := _NUMERIC.match(raw):
        a, b, year = int(m.group(1)), int(m.group(3)), _year(m.group(4))
        if m.group(2) == ".":
            day_first = True
        if day_first is None and a <= 12 and b <= 12 and a != b:
            raise ValueError(f"{raw!r} could be day/month or month/day")
        day = date(year, b, a) if (day_first or a > 12) else date(year, a, b)
    elif m := _WORDS.match(fold(raw)):
        first, second, year = m.group(1), m.group(2), int(m.group(3))
        month_word, day_text = (first, second) if not first.isdigit() else (second, first)
        if month_word not in MONTHS or not day_text.isdigit():
            raise ValueError(f"{raw!r} is not a date")
        day = date(year, MONTHS[month_word], int(day_text))
    else:
        raise ValueError(f"{raw!r} is not a date (use YYYY-MM-DD)")
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"{raw!r} is too far in the past or future")
    return day


# ---- preview and mapping ---------------------------------------------------------------------

@dataclass
class Preview:
    sheet: Sheet
    preset: Preset
    mapping: list[str]
    rows: list[list[str]]  # the first rows, as shown
    date_order: dict[str, str]  # field -> "day" | "month" | "ambiguous" | "mixed" for d/m/y date columns

    @property
    def ambiguous_dates(self) -> bool:
        return "ambiguous" in self.date_order.values()


DATE_FIELDS = ("applied_on", "saved_on", "stage_date")
FORWARD = ("applied", "screening", "interviewing", "offer", "accepted")  # stages that mean "applied" happened


def date_orders(sheet: Sheet, mapping: list[str]) -> dict[str, str]:
    return {name: sheet.column_orders[index] for index, name in enumerate(mapping)
            if name in DATE_FIELDS and index < len(sheet.column_orders) and sheet.column_orders[index]}


def preview(sheet: Sheet, mapping: list[str] | None = None) -> Preview:
    preset = choose_preset(sheet.headers)
    mapping = mapping if mapping is not None else match_headers(sheet.headers, preset)
    rows = [cells for _, (_number, cells) in zip(range(PREVIEW_ROWS), sheet.rows())]
    return Preview(sheet, preset, mapping, rows, date_orders(sheet, mapping))


def check_mapping(headers: list[str], mapping: list[str]) -> list[str]:
    if len(mapping) != len(headers):
        raise ServiceError(f"the mapping names {len(mapping)} columns but the file has {len(headers)}",
                           code="bad_mapping")
    seen: dict[str, int] = {}
    for index, name in enumerate(mapping):
        if name and name not in FIELDS:
            raise ServiceError(f"column {index + 1}: {name!r} is not something jobloop keeps; expected one of "
                               f"{', '.join(FIELDS)}", code="bad_mapping")
        if name and name in seen:
            raise ServiceError(f"\u201c{FIELDS[name]}\u201d is chosen for two columns "
                               f"({headers[seen[name]] or seen[name] + 1} and {headers[index] or index + 1}); "
                               "pick it for one", code="bad_mapping")
        if name:
            seen[name] = index
    if "title" not in seen and "url" not in seen:
        raise ServiceError("choose which column holds the job title or the link: a posting needs one",
                           code="bad_mapping")
    return mapping


# ---- importing -------------------------------------------------------------------------------

@dataclass
class Summary:
    batch: str
    filename: str
    added: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)  # rows added with a remark
    empty_rows: int = 0
    described: str = ""

    def lines(self) -> list[str]:
        made = "1 row became a posting" if self.added == 1 else f"{self.added} rows became postings"
        out = [f"{made} ({self.described})."]
        if self.duplicates:
            out.append(f"{len(self.duplicates)} already tracked, left as they were.")
        if self.skipped:
            out.append(f"{len(self.skipped)} skipped.")
        if self.empty_rows:
            out.append(f"{self.empty_rows} empty row{'s' if self.empty_rows != 1 else ''} ignored.")
        return out


def placeholder_url(company: str, title: str) -> str:
    """The address of a row that has no link: stable, so the same row is recognized again."""
    slug = "-".join(fold(f"{company} {title}").split())[:200] or "posting"
    return f"https://{NO_URL_HOST}/{slug}"


def is_placeholder(url: str) -> bool:
    return (url or "").lower().startswith(f"https://{NO_URL_HOST}/")


def _url(raw: str) -> str:
    raw = raw.strip()
    if raw.lower().startswith("www."):
        raw = "https://" + raw
    if not raw.lower().startswith(("http://", "https://")) or " " in raw:
        raise ValueError(f"the link {raw[:80]!r} is not a web address (http:// or https://)")
    return raw


def _key(company: str, title: str) -> tuple[str, str]:
    return fold(company), fold(title)


def _tracked() -> tuple[set[str], set[tuple[str, str]]]:
    """The canonical URLs and (company, title) keys of the postings already tracked, read once."""
    urls = set()
    names: set[tuple[str, str]] = set()
    query = (Posting.select(Posting.canonical_url, Posting.title, Company.name)
             .join(Company, join_type=JOIN.LEFT_OUTER).tuples())
    for url, title, company in query:
        urls.add(url)
        if title:
            names.add(_key(company or "", title))
    return urls, names


def _cells(mapping: list[str], row: list[str]) -> dict[str, str]:
    return {name: row[i].strip() for i, name in enumerate(mapping) if name and i < len(row) and row[i].strip()}


CHUNK = 500  # rows written together; progress is told after each chunk


def check_import(sheet: Sheet, mapping: list[str], day_first: bool | None = None) -> bool | None:
    """What import_rows refuses before it reads a row (ServiceError), so a caller that runs the
    import later (the tracker, in the background) can say it at once; returns the date order."""
    check_mapping(sheet.headers, mapping)
    orders = date_orders(sheet, mapping)
    mixed = [FIELDS[f] for f, o in orders.items() if o == "mixed"]
    if mixed:
        raise ServiceError(f"{', '.join(mixed)}: the column mixes day/month and month/day dates; make them one "
                           "order (or YYYY-MM-DD) and try again", code="mixed_dates")
    if day_first is None and any(o == "ambiguous" for o in orders.values()):
        raise ServiceError("the dates could be day/month or month/day (e.g. 03/04/2026): say which order "
                           "the file uses", code="ambiguous_dates")
    if day_first is None and orders:
        day_first = "day" in orders.values()
    return day_first


def import_rows(sheet: Sheet, mapping: list[str], *, now: datetime, day_first: bool | None = None,
                progress=None) -> Summary:
    """Add the rows as postings in one transaction; see the module's docstring.
    `progress(rows_done, rows_total)` is called as the rows go in."""
    day_first = check_import(sheet, mapping, day_first)
    preset = choose_preset(sheet.headers)
    summary = Summary(batch=now.strftime("%Y%m%d%H%M%S") + secrets.token_hex(4), filename=sheet.filename,
                      empty_rows=sheet.empty_rows, described=sheet.describe())
    seen = _Seen(*_tracked())
    with database.atomic():
        writer = sheet_import.Writer(summary.batch, summary.filename, now)
        chunk: list[sheet_import.Planned] = []
        done = 0
        for done, (number, row) in enumerate(sheet.rows(), start=1):
            try:
                planned = _plan(number, _cells(mapping, row), preset, day_first, now, summary, seen)
            except (ValueError, ServiceError) as err:
                summary.skipped.append((number, getattr(err, "message", None) or str(err)))
                planned = None
            if planned:
                chunk.append(planned)
            if len(chunk) == CHUNK:
                writer.write(chunk)
                summary.added += len(chunk)
                chunk = []
                if progress:
                    progress(done, sheet.row_count)
        if chunk:
            writer.write(chunk)
            summary.added += len(chunk)
    if progress:
        progress(done, sheet.row_count)
    return summary


class _Seen:
    """What a row may not repeat: the postings tracked before the import, and the rows added so far."""

    def __init__(self, urls: set[str], names: set[tuple[str, str]]):
        self.urls, self.names = urls, names
        self.rows: dict[str, int] = {}  # canonical URL or "company|title" -> the row that added it

    def duplicate(self, canonical: str, key: tuple[str, str], title: str, url: str) -> str | None:
        for seen in (canonical, "|".join(key) if title else None):
            if seen and seen in self.rows:
                return f"same posting as row {self.rows[seen]}"
        if canonical in self.urls or (title and key in self.names):
            return f"already tracked: \u201c{title or url}\u201d"
        return None

    def add(self, number: int, canonical: str, key: tuple[str, str], title: str) -> None:
        self.rows[canonical] = number
        if title:
            self.rows["|".join(key)] = number


def _plan(number: int, cells: dict[str, str], preset: Preset, day_first, now: datetime,
          summary: Summary, seen: _Seen) -> sheet_import.Planned | None:
    """One row read as a posting to add (None: a duplicate, reported); ValueError or
    ServiceError says why it cannot be added. Everything the services would refuse is
    checked here, so writing the chunk cannot fail on one row."""
    title, company = cells.get("title", ""), cells.get("company", "")
    if not title and not cells.get("url"):
        raise ValueError("no job title and no link")
    for name, value, limit in (("job title", title, Posting.title.max_length),
                               ("company", company, Company.name.max_length)):
        if len(value) > limit:
            raise ValueError(f"the {name} is longer than {limit} characters")
    url = _url(cells["url"]) if cells.get("url") else placeholder_url(company, title)
    canonical = canonical_url(url)
    if len(canonical) > Posting.canonical_url.max_length:
        raise ValueError(f"the link is longer than {Posting.canonical_url.max_length} characters")
    key = _key(company, title)
    if why := seen.duplicate(canonical, key, title, url):
        summary.duplicates.append((number, why))
        return None
    dates = {}
    for name in DATE_FIELDS:
        if cells.get(name):
            day = parse_day(cells[name], day_first)
            when = day_to_utc(day, now)
            if when > now:
                raise ValueError(f"{FIELDS[name].lower()} {cells[name]!r} is in the future")
            dates[name] = when
    status = cells.get("status", "")
    stage = stage_for(status, preset) if status else None
    remark = ""
    if status and stage is None:
        remark = f"Status \u201c{status}\u201d from the spreadsheet was not recognized; kept as saved."
    stage = stage or ("applied" if "applied_on" in dates else "saved")
    fields: dict = {"title": title or None, "company": company or None, "notes": cells.get("notes", "")}
    if cells.get("location"):
        fields["locations"] = [part.strip() for part in re.split(r"[;|]", cells["location"]) if part.strip()]
    if cells.get("salary"):
        _salary(cells["salary"], fields)
    contact = None
    if cells.get("contact") or cells.get("contact_email"):
        contact = {"name": cells.get("contact") or cells["contact_email"], "email": cells.get("contact_email")}
        network.check_contact(**contact)
    first = min(dates.values(), default=now)
    steps = []
    if "applied_on" in dates or stage in FORWARD:
        steps.append(("applied", dates.get("applied_on", first), "from the spreadsheet"))
    if stage not in ("saved", "applied"):
        steps.append((stage, dates.get("stage_date") or max(dates.values(), default=now),
                      f"from the spreadsheet: {status}"))
    if remark:
        summary.notes.append((number, f"status {status!r} not recognized: saved"))
    seen.add(number, canonical, key, title)
    return sheet_import.Planned(
        number=number, url=url, canonical=canonical, first=first, created_at=dates.get("saved_on", now),
        fields={k: v for k, v in fields.items() if v not in (None, "", [])}, steps=steps, remark=remark,
        contact=contact, tags=tags.parse(cells.get("tags")))


def _salary(text: str, fields: dict) -> None:
    found = salary_parser.from_text(text, want_context=False)
    if found is None:
        fields["notes"] = "\n".join(filter(None, [fields.get("notes"), f"Salary: {text}"]))
        return
    fields.update({"salary_min": found.min, "salary_max": found.max, "salary_currency": found.currency,
                   "salary_period": found.period})


# ---- undo ------------------------------------------------------------------------------------

def _batch_events(batch: str):
    if not re.fullmatch(r"[0-9a-f]{14,40}", batch or ""):
        raise ServiceError("that is not an import batch", code="not_found")
    # The id is digits and hex only, so it can be looked for in the JSON text as it is.
    # (Value without the converter: the JSON column would otherwise encode the pattern as JSON.)
    pattern = Value(f'%"batch": "{batch}"%', converter=False)
    return Event.select().where((Event.kind == "import") & Expression(Event.details, OP.ILIKE, pattern))


@dataclass
class Batch:
    batch: str
    filename: str
    postings: int
    at: datetime


def recent_batches(limit: int = 10) -> list[Batch]:
    """The imports whose postings are still here, newest first (for an Undo button)."""
    found: dict[str, Batch] = {}
    for details, at in Event.select(Event.details, Event.at).where(Event.kind == "import").tuples().iterator():
        details = Event.details.python_value(details) if isinstance(details, str) else (details or {})
        batch = details.get("batch")
        if not batch:
            continue
        entry = found.setdefault(batch, Batch(batch, details.get("file", ""), 0, at))
        entry.postings += 1
    return sorted(found.values(), key=lambda b: (b.at, b.batch), reverse=True)[:limit]


def undo(batch: str) -> int:
    """Delete every posting one import added (and the contacts it made); returns how many."""
    posting_ids, contact_ids = [], []
    for posting_id, details in _batch_events(batch).select(Event.posting, Event.details).tuples().iterator():
        posting_ids.append(posting_id)
        details = Event.details.python_value(details) if isinstance(details, str) else (details or {})
        contact_ids += details.get("contacts", [])
    if not posting_ids:
        raise ServiceError("nothing is left of that import: it was undone already or its postings were deleted",
                           code="not_found")
    with database.atomic():
        postings.delete_many(posting_ids)
        network.delete_many(contact_ids)
    return len(posting_ids)


PRESET_NAMES = {p.name: p for p in (*PRESETS, PLAIN)}
