"""jobloop serve | token | parse | export | import | backup | restore"""
from __future__ import annotations

import ipaddress
import json
import os
import signal
import sys
from pathlib import Path

import click

from . import __version__
from .config import (
    DEFAULT_HOST, DEFAULT_PORT, LOOPBACK_HOSTS, Config, ServerClaim, announced_server, default_data_dir,
    private_dir, take_dir,
)

data_dir_option = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Where the database and token live (default: JOBLOOP_DATA_DIR or your user data dir).",
)


def _config(data_dir: Path | None, *, find_server: bool = True, **kwargs) -> Config:
    """--data-dir, else JOBLOOP_DATA_DIR, else the dir of the server running now (said on
    stderr, so nobody wonders which store a command used), else the default dir."""
    if data_dir is None and not os.environ.get("JOBLOOP_DATA_DIR") and find_server:
        running = announced_server()
        if running:
            click.echo(f"Using {running['data_dir']}, the data dir of the jobloop server at {running['url']}",
                       err=True)
            data_dir = Path(running["data_dir"])
    return Config(data_dir=data_dir or default_data_dir(), **kwargs)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.group()
@click.version_option(__version__, prog_name="jobloop")
def main() -> None:
    """jobloop: a job-search tracker that lives on your own machine."""


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@data_dir_option
@click.option("--allow-remote", is_flag=True,
              help="Serve other devices too: the tracker then asks for the password set with `jobloop password`.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="With --allow-remote: a Host name the tracker answers to (e.g. jobloop.home.arpa). Repeatable.")
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--parse-workers", default=None, type=click.IntRange(0, 8), metavar="N",
              help="Processes that parse clipped pages while another parse runs (default: one per core beyond the first, at most 2).")
@click.option("--database-url", default=None, metavar="URL",
              help="The store, e.g. postgresql://user@host/jobloop (default: DATABASE_URL, else the SQLite file in the data dir).")
def serve(host: str, port: int, data_dir: Path | None, allow_remote: bool, allow_hosts: tuple[str, ...],
          threads: int, parse_workers: int | None, database_url: str | None) -> None:
    """Serve the tracker and the API with waitress."""
    if (not is_loopback(host) or allow_hosts) and not allow_remote:
        raise click.UsageError(
            f"refusing to serve {', '.join(allow_hosts) or host}: the tracker holds your whole job search. "
            "Keep the default 127.0.0.1, or pass --allow-remote (with a password set) if you mean to."
        )
    import waitress

    from .app import create_app
    from .migrations import StoreError
    from .security import stored_password, token_path
    from .services import parse_workers as workers

    extra = tuple(allow_hosts) + ((host,) if allow_remote and host not in ("0.0.0.0", "::") else ())
    if allow_remote and not extra:
        raise click.UsageError("--allow-remote on every address: name the hosts it answers to with --allow-host")
    config = _config(data_dir, find_server=False, host=host, port=port, extra_hosts=extra)
    if database_url:
        config.database_url = database_url
    if allow_remote and not stored_password(config.data_dir):
        raise click.UsageError(f"--allow-remote needs a password first: run `jobloop password{_dir_flag(data_dir)}`")
    click.echo(f"jobloop {__version__} — data dir {config.data_dir}")
    sys.stdout.flush()
    try:
        # The dir is claimed before the store is opened: no restore or second server can be at work on it.
        claim = ServerClaim(config)
    except RuntimeError as err:
        raise click.ClickException(str(err)) from None
    try:
        app = create_app(config)
    except StoreError as err:
        claim.release()
        raise click.ClickException(str(err)) from None
    click.echo(f"Tracker at {config.tracker_url}")
    click.echo(f"Pair a browser: click Pair with jobloop in the extension's options, or see {config.tracker_url}/settings#install")
    click.echo(f"API token: run `jobloop token{_dir_flag(data_dir)}` (kept in {token_path(config.data_dir)})")
    sys.stdout.flush()
    # SIGTERM ends the process through SystemExit, so the runtime file is removed on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    workers.start(workers.default_count() if parse_workers is None else parse_workers)
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="jobloop", _quiet=True)
    finally:
        workers.stop()
        claim.release()


def _dir_flag(data_dir: Path | None) -> str:
    return f" --data-dir {data_dir}" if data_dir else ""


@main.command()
@data_dir_option
@click.option("--rotate", is_flag=True, help="Replace the token; the old one stops working at once.")
@click.option("--create", is_flag=True, help="Make the data dir and its token if there is none yet.")
def token(data_dir: Path | None, rotate: bool, create: bool) -> None:
    """Print the API token to paste into the extension's options."""
    from .security import load_or_create_token, rotate_token, token_path

    config = _config(data_dir)
    if not create and not token_path(config.data_dir).is_file():
        _store_config(data_dir=config.data_dir)  # refuses, naming the dir, when there is no store either
    click.echo(rotate_token(config.data_dir) if rotate else load_or_create_token(config.data_dir))


@main.command()
@data_dir_option
def password(data_dir: Path | None) -> None:
    """Set the tracker's password, asked for when serving with --allow-remote."""
    from .security import set_password

    config = _config(data_dir)
    new = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        set_password(config.data_dir, new)
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    click.echo("Password set. Every signed-in session is signed out.")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The address the page was at.")
def parse(file: Path, url: str) -> None:
    """Print what the parser reads off a saved page, as one JSON object."""
    from .parsing import parse as parse_page
    from .parsing.draft import CONTRACT_FIELDS

    draft = parse_page(file.read_bytes(), url).to_dict()
    out = {k: draft[k] for k in CONTRACT_FIELDS}
    out["reason"] = draft["reason"]
    out["field_sources"] = draft["field_sources"]
    click.echo(json.dumps(out, ensure_ascii=False))


def _store_config(data_dir: Path | None, *, create: bool = False) -> Config:
    """The config of a data dir that holds a store; refused (naming the dir) when it holds none."""
    config = _config(data_dir)
    if not config.database_url and not create and not config.sqlite_path.is_file():
        raise click.ClickException(f"no jobloop store in {config.data_dir} (looked for {config.sqlite_path.name});"
                                   " pass --data-dir to name the right one, or start `jobloop serve` to make one")
    return config


def _open_store(config: Config, *, upgrade: bool = True):
    """Bind the store; refuse one newer than this code; bring an older one up to date."""
    from .db import open_database
    from .migrations import StoreError, check_version, migrate

    db = open_database(config)
    db.connect(reuse_if_open=True)
    try:
        check_version(db)
        if upgrade:
            migrate(db, report=lambda note: click.echo(note, err=True))
    except StoreError as err:
        db.close()
        raise click.ClickException(str(err)) from None
    return db


def _service_call(fn, *args):
    from .services import ServiceError

    try:
        return fn(*args)
    except ServiceError as err:
        raise click.ClickException(err.message) from None


@main.command()
@data_dir_option
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (private: mode 0600) instead of standard output.")
def export(data_dir: Path | None, out: Path | None) -> None:
    """Export everything as JSON (postings, events, follow-ups, contacts, goals…).

    An older store is exported from an upgraded copy; the store itself is left as it is."""
    import tempfile

    from .migrations import SCHEMA_VERSION, current_version
    from .services import documents, transfer

    config = _store_config(data_dir)
    db = _open_store(config, upgrade=False)
    if current_version(db) < SCHEMA_VERSION and not config.database_url:
        db.close()
        with tempfile.TemporaryDirectory(prefix="jobloop-export-") as tmp:
            copy = Config(data_dir=Path(tmp), database_url=None)
            _service_call(transfer.backup, config.sqlite_path, copy.sqlite_path)
            _open_store(copy)
            data = transfer.export_data(documents.folder_of(config.data_dir))
            _close_store()
    else:
        if current_version(db) < SCHEMA_VERSION:
            _open_store(config)  # PostgreSQL: no file to copy; upgraded in place
        data = transfer.export_data(documents.folder_of(config.data_dir))
    if out:
        _service_call(transfer.write_export, data, out)
        click.echo(f"Exported to {out}", err=True)
    else:
        click.echo(transfer.dumps(data))


def _close_store() -> None:
    from .db import database

    if database.obj is not None and not database.is_closed():
        database.close()


SHEET_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")


@main.command(name="import")
@data_dir_option
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dates", type=click.Choice(["day-first", "month-first"]), default=None,
              help="A spreadsheet's order for dates like 03/04/2026, when the file does not make it clear.")
@click.option("--undo", "undo", metavar="BATCH", default=None,
              help="Remove the postings one spreadsheet import added (its batch id; `--list` shows them).")
@click.option("--list", "list_", is_flag=True, help="List the recent spreadsheet imports, newest first.")
def import_(data_dir: Path | None, file: Path | None, dates: str | None, undo: str | None, list_: bool) -> None:
    """Import a `jobloop export` file into an empty data dir (made if it does not exist),
    or a spreadsheet (.csv, .xlsx) into the store as one batch, the same way the tracker's Import page does;
    list the spreadsheet imports, or undo one."""
    from .services import documents, transfer

    if sum(map(bool, (file, undo, list_))) != 1:
        raise click.UsageError("give a FILE to import, or --undo BATCH, or --list")
    if undo or list_:
        return _sheet_batches(data_dir, undo)
    if file.suffix.lower() in SHEET_SUFFIXES:
        return _import_sheet(data_dir, file, None if dates is None else dates == "day-first")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise click.ClickException(f"{file} is not valid JSON: {err}") from None
    config = _store_config(data_dir, create=True)
    _open_store(config)
    counts = _service_call(transfer.import_data, data, documents.folder_of(config.data_dir))
    files = f" and {counts['files']} document files" if counts.get("files") else ""
    click.echo(f"Imported {counts.get('posting', 0)} postings and {counts.get('event', 0)} events{files}"
               f" into {config.data_dir}.")


def _import_sheet(data_dir: Path | None, file: Path, day_first: bool | None) -> None:
    from .models import utcnow
    from .services import ServiceError, spreadsheet
    from .services.sheet_columns import FIELDS

    sheet = _service_call(spreadsheet.read, file, file.name)
    preview = spreadsheet.preview(sheet)
    click.echo(f"{sheet.describe()}; {preview.preset.label}; columns: " + ", ".join(
        f"{h or '?'} -> {FIELDS.get(m, 'ignored')}" for h, m in zip(sheet.headers, preview.mapping)), err=True)
    config = _store_config(data_dir, create=True)
    _open_store(config)

    def progress(done: int, total: int) -> None:
        if total >= 5000 and sys.stderr.isatty():
            click.echo(f"\r{done:,} of {total:,} rows", nl=done >= total, err=True)

    try:
        summary = spreadsheet.import_rows(sheet, preview.mapping, now=utcnow(), day_first=day_first,
                                          progress=progress)
    except ServiceError as err:
        hint = " (--dates day-first or --dates month-first)" if err.code == "ambiguous_dates" else ""
        raise click.ClickException(err.message + hint) from None
    for line in summary.lines():
        click.echo(line)
    for number, why in summary.duplicates + summary.skipped:
        click.echo(f"  row {number}: {why}")
    if summary.added:
        click.echo(f"To undo it: jobloop import --undo {summary.batch}", err=True)


def _sheet_batches(data_dir: Path | None, undo: str | None) -> None:
    from .services import spreadsheet

    _open_store(_store_config(data_dir))
    if undo:
        removed = _service_call(spreadsheet.undo, undo.strip())
        click.echo(f"Import {undo.strip()} undone: {removed} posting{'s' if removed != 1 else ''} removed.")
        return
    batches = spreadsheet.recent_batches(limit=50)
    if not batches:
        click.echo("No spreadsheet imports (or all were undone).", err=True)
    for b in batches:
        click.echo(f"{b.batch}  {b.at:%Y-%m-%d %H:%M} UTC  {b.postings:>6} posting{'s' if b.postings != 1 else ' '}"
                   f"  {b.filename}")


@main.command()
@data_dir_option
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup(data_dir: Path | None, target: Path) -> None:
    """Copy the SQLite store to TARGET as it is (never upgraded first); safe while the server runs."""
    from .services import transfer

    config = _store_config(data_dir)
    if config.database_url:
        raise click.ClickException("backup copies the SQLite file; for PostgreSQL use pg_dump or `jobloop export`")
    _service_call(transfer.backup, config.sqlite_path, target)
    click.echo(f"Backed up {config.sqlite_path} to {target}")
    if transfer.files_beside(target).is_dir():
        click.echo(f"and the documents sent with applications to {transfer.files_beside(target)}/ (keep the two together)")


@main.command()
@data_dir_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(data_dir: Path | None, file: Path) -> None:
    """Make a backup file the store of a data dir. The current store is kept aside, never deleted."""
    from .migrations import SCHEMA_VERSION
    from .models import utcnow
    from .services import transfer

    config = _config(data_dir)
    if config.database_url:
        raise click.ClickException("restore replaces the SQLite file; for PostgreSQL use pg_restore or `jobloop import`")
    private_dir(config.data_dir)
    # Held until the end, so no server can start on the dir halfway through.
    lock, running = take_dir(config.data_dir, {"pid": os.getpid(), "url": "jobloop restore"})
    if lock is None:
        raise click.ClickException(f"a jobloop server (pid {running.get('pid')}, {running.get('url')}) is using"
                                   f" {config.data_dir}; stop it first, then restore")
    try:
        staged = _service_call(transfer.stage_restore, file, config.sqlite_path)
        aside = transfer.swap_in(staged, config.sqlite_path, utcnow())
        _open_store(config)
        counts = transfer.table_counts()
        copied, missing = transfer.restore_files(file, config.data_dir)
        _close_store()
    finally:
        lock.close()
    click.echo(f"Restored {file} into {config.data_dir} (schema version {SCHEMA_VERSION}; integrity ok):")
    click.echo("  " + ", ".join(f"{table} {n}" for table, n in counts.items()))
    if copied:
        click.echo(f"  and {copied} document files from {transfer.files_beside(file)}/")
    if missing:
        click.echo(f"Missing: {len(missing)} document files the store names are neither in"
                   f" {transfer.files_beside(file)}/ nor in the data dir; their versions show as missing.", err=True)
    if aside:
        click.echo(f"The store it replaced is kept in {aside}")
    from .security import token_path

    if token_path(config.data_dir).is_file():
        click.echo("The API token of this data dir is unchanged: the extension stays paired.")
    else:
        click.echo(f"This data dir has no API token yet: run `jobloop token --create{_dir_flag(data_dir)}`"
                   " and paste it into the extension's options.")


if __name__ == "__main__":
    main()
