"""Settings from the environment and the command line.

Everything that varies between a user's machine, a test and CI lives here, so
the rest of the code reads one object instead of os.environ.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

import platformdirs

from .clock import utcnow

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def private_dir(path: Path) -> Path:
    """Make the data dir (or any dir of the user's data) readable by its owner only.
    An existing dir is tightened only when it already is a jobloop data dir."""
    path = Path(path)
    if not path.exists():
        path.mkdir(parents=True, mode=0o700)
        path.chmod(0o700)  # mkdir's mode is filtered by the umask
    elif (path / "jobloop.sqlite3").exists() or (path / "token").exists():
        path.chmod(0o700)
    return path


def default_data_dir() -> Path:
    env = os.environ.get("JOBLOOP_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("jobloop", appauthor=False))


@dataclass
class Config:
    data_dir: Path = field(default_factory=default_data_dir)
    # None means the SQLite file in data_dir; a URL (postgresql://…) switches store.
    database_url: str | None = field(default_factory=lambda: os.environ.get("DATABASE_URL") or None)
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    # Extra names accepted in the Host header; only set when serving remotely on purpose.
    extra_hosts: tuple[str, ...] = ()
    testing: bool = False
    # Body limits in bytes: a capture carries a whole page, nothing else needs much.
    capture_max_bytes: int = 8 * 1024 * 1024
    default_max_bytes: int = 256 * 1024
    secret_key: str | None = None
    # What time it is, for anything that depends on it (follow-ups due today): tests pass a fixed clock.
    clock: Callable[[], datetime] = utcnow

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).expanduser().resolve()

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "jobloop.sqlite3"

    @property
    def tracker_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def allowed_hosts(self) -> frozenset[str]:
        return LOOPBACK_HOSTS | frozenset(h.lower() for h in self.extra_hosts)
