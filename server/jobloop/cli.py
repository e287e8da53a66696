"""jobloop serve | token | parse"""
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
@click.option("--allow-remote", is_flag=True, help="Allow a non-loopback --host. Anyone who can reach it sees your tracker.")
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, data_dir: Path | None, allow_remote: bool, threads: int) -> None:
    """Serve the tracker and the API with waitress."""
    if not is_loopback(host) and not allow_remote:
        raise click.UsageError(
            f"refusing to listen on {host}: the tracker holds your whole job search and has no login page. "
            "Keep the default 127.0.0.1, or pass --allow-remote if you really mean to expose it."
        )
    import waitress

    from .app import create_app
    from .security import token_path

    extra = (host,) if allow_remote else ()
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


if __name__ == "__main__":
    main()
