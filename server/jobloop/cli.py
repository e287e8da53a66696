"""jobloop serve | token | parse | export | import | backup"""
from __future__ import annotations

import ipaddress
import json
import sys
from pathlib import Path

import click

from . import __version__
from .config import DEFAULT_HOST, DEFAULT_PORT, LOOPBACK_HOSTS, Config, default_data_dir

data_dir_option = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Where the database and token live (default: JOBLOOP_DATA_DIR or your user data dir).",
)


def _config(data_dir: Path | None, **kwargs) -> Config:
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
def serve(host: str, port: int, data_dir: Path | None, allow_remote: bool, allow_hosts: tuple[str, ...],
          threads: int) -> None:
    """Serve the tracker and the API with waitress."""
    if (not is_loopback(host) or allow_hosts) and not allow_remote:
        raise click.UsageError(
            f"refusing to serve {', '.join(allow_hosts) or host}: the tracker holds your whole job search. "
            "Keep the default 127.0.0.1, or pass --allow-remote (with a password set) if you mean to."
        )
    import waitress

    from .app import create_app
    from .security import stored_password, token_path

    extra = tuple(allow_hosts) + ((host,) if allow_remote and host not in ("0.0.0.0", "::") else ())
    if allow_remote and not extra:
        raise click.UsageError("--allow-remote on every address: name the hosts it answers to with --allow-host")
    if allow_remote and not stored_password(_config(data_dir).data_dir):
        raise click.UsageError(f"--allow-remote needs a password first: run `jobloop password{_dir_flag(data_dir)}`")
    config = _config(data_dir, host=host, port=port, extra_hosts=extra)
    app = create_app(config)
    click.echo(f"jobloop {__version__} — tracker at {config.tracker_url}")
    click.echo(f"Data in {config.data_dir}")
    click.echo(f"API token: run `jobloop token{_dir_flag(data_dir)}` (kept in {token_path(config.data_dir)})")
    sys.stdout.flush()
    waitress.serve(app, host=host, port=port, threads=threads, ident="jobloop", _quiet=True)


def _dir_flag(data_dir: Path | None) -> str:
    return f" --data-dir {data_dir}" if data_dir else ""


@main.command()
@data_dir_option
@click.option("--rotate", is_flag=True, help="Replace the token; the old one stops working at once.")
def token(data_dir: Path | None, rotate: bool) -> None:
    """Print the API token to paste into the extension's options."""
    from .security import load_or_create_token, rotate_token

    config = _config(data_dir)
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


def _open_store(data_dir: Path | None):
    from .db import migrate, open_database

    config = _config(data_dir)
    db = open_database(config)
    db.connect(reuse_if_open=True)
    migrate(db)
    return config, db


def _service_call(fn, *args):
    from .services import ServiceError

    try:
        return fn(*args)
    except ServiceError as err:
        raise click.ClickException(err.message) from None


@main.command()
@data_dir_option
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
def export(data_dir: Path | None, out: Path | None) -> None:
    """Export everything as JSON (postings, events, follow-ups, contacts, goals…)."""
    from .services import transfer

    _open_store(data_dir)
    text = transfer.dumps(transfer.export_data())
    if out:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Exported to {out}", err=True)
    else:
        click.echo(text)


@main.command(name="import")
@data_dir_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(data_dir: Path | None, file: Path) -> None:
    """Import a `jobloop export` file into an empty data dir."""
    from .services import transfer

    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise click.ClickException(f"{file} is not valid JSON: {err}") from None
    _open_store(data_dir)
    counts = _service_call(transfer.import_data, data)
    click.echo(f"Imported {counts.get('posting', 0)} postings and {counts.get('event', 0)} events.")


@main.command()
@data_dir_option
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup(data_dir: Path | None, target: Path) -> None:
    """Copy the SQLite store to TARGET; safe while the server runs."""
    from .services import transfer

    config, _ = _open_store(data_dir)
    _service_call(transfer.backup, config.sqlite_path, target)
    click.echo(f"Backed up to {target}")


if __name__ == "__main__":
    main()
