"""Settings from the environment and the command line.

Everything that varies between a user's machine, a test and CI lives here, so
the rest of the code reads one object instead of os.environ.
"""
from __future__ import annotations

import os
import stat
import time
import warnings
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


# ---- a running server: which data dir it uses, and on which port ---------------------------
# The server holds an exclusive lock on <data dir>/server.lock for as long as it runs (the
# kernel drops it even on kill -9), so "is a server using this dir?" is a lock test, not a
# guess from a pid. It also writes <runtime dir>/server.json, naming its data dir and port,
# so commands run without --data-dir use the dir the server uses; removed when it stops.

LOCK_FILE = "server.lock"
SERVER_FILE = "server.json"


def runtime_dir() -> Path:
    env = os.environ.get("JOBLOOP_RUNTIME_DIR")
    if env:
        return Path(env).expanduser()
    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR (a container, a login with no session manager) platformdirs
        # names /tmp/runtime-<uid> and warns on stderr. jobloop checks that dir itself
        # (private_runtime), so the warning would only puzzle whoever started the server.
        warnings.simplefilter("ignore")
        return Path(platformdirs.user_runtime_dir("jobloop", appauthor=False))


def private_runtime(path: Path) -> bool:
    """Whether the runtime file's dir, and the dir it is in, belong to this user and nobody
    else can write to them. The fallback under /tmp is a name anyone can make first: a
    server file placed there by another user would point this user's commands at a store
    of their choosing, so a dir that fails this is neither written nor read."""
    if not hasattr(os, "getuid"):
        return True  # no POSIX owners (Windows): the per-user profile dir platformdirs names
    for part in (path, path.parent):
        try:
            st = part.lstat()
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if stat.S_ISLNK(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022:
            return False
    return True


def _locked(fh, exclusive: bool) -> bool:
    try:
        import fcntl
    except ImportError:  # no flock (Windows): trust the pid in the file
        info = _read_json(fh)
        return bool(info) and _pid_alive(info.get("pid"))
    try:
        fcntl.flock(fh, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    return False


def _pid_alive(pid) -> bool:
    try:
        os.kill(int(pid), 0)
        return True
    except (OSError, TypeError, ValueError):
        return False


def _read_json(fh) -> dict:
    import json

    fh.seek(0)
    try:
        data = json.loads(fh.read() or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def server_using(data_dir: Path) -> dict | None:
    """{pid, port, url, data_dir} of the server using data_dir, or None."""
    path = Path(data_dir) / LOCK_FILE
    try:
        with open(path, "r", encoding="utf-8") as fh:
            # Locked while the server is still writing its details: it is running all the same.
            return (_read_json(fh) or {"data_dir": str(data_dir)}) if _locked(fh, exclusive=False) else None
    except OSError:
        return None


def take_dir(data_dir: Path, info: dict):
    """Hold <data dir>/server.lock exclusively, writing `info` in it: (file, None), or
    (None, the holder's info) when a server (or a restore) holds it already."""
    import json

    fd = os.open(Path(data_dir) / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    fh = os.fdopen(fd, "r+", encoding="utf-8")
    for _ in range(20):  # a command peeking at the lock holds it shared for a moment
        if not _locked(fh, exclusive=True):
            break
        time.sleep(0.05)
    else:
        other = _read_json(fh)
        fh.close()
        return None, other
    fh.seek(0)
    fh.truncate()
    fh.write(json.dumps(info))
    fh.flush()
    return fh, None


class ServerClaim:
    """What `jobloop serve` holds while it runs: the data dir's lock and the runtime file."""

    def __init__(self, config: Config):
        import json

        self.info = {"pid": os.getpid(), "port": config.port, "url": config.tracker_url,
                     "data_dir": str(config.data_dir)}
        self._lock, other = take_dir(private_dir(config.data_dir), self.info)
        if self._lock is None:
            raise RuntimeError(f"another jobloop server (pid {other.get('pid')}, {other.get('url')}) is using"
                               f" {config.data_dir}")
        self.runtime_file: Path | None = runtime_dir() / SERVER_FILE
        try:
            self.runtime_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not private_runtime(self.runtime_file.parent):
                raise PermissionError(f"{self.runtime_file.parent} is not this user's own")
            tmp = self.runtime_file.with_suffix(f".{os.getpid()}.tmp")
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
                out.write(json.dumps(self.info))
            os.replace(tmp, self.runtime_file)
        except OSError:
            self.runtime_file = None  # no runtime dir here: commands then need --data-dir

    def release(self) -> None:
        if self.runtime_file is not None:
            try:
                with open(self.runtime_file, encoding="utf-8") as fh:
                    if _read_json(fh).get("pid") == os.getpid():  # a later server may have replaced it
                        self.runtime_file.unlink()
            except OSError:
                pass
        self._lock.close()


def announced_server() -> dict | None:
    """The running server named in the runtime file, if it is still running."""
    if not private_runtime(runtime_dir()):
        return None
    try:
        with open(runtime_dir() / SERVER_FILE, encoding="utf-8") as fh:
            info = _read_json(fh)
    except OSError:
        return None
    using = server_using(Path(info.get("data_dir", ""))) if info.get("data_dir") else None
    return info if using and using.get("pid") == info.get("pid") else None
