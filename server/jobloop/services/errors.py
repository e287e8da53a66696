"""What the domain refuses, as exceptions that know nothing of HTTP.

The API maps them to status codes in one table (views.py); the tracker maps
them to HTML error pages in one handler (web/errors.py). `code` is a stable,
machine-readable name; `message` says what is wrong in the user's terms.
"""
from __future__ import annotations

import errno
import sqlite3

import peewee


class ServiceError(Exception):
    """Input the domain refuses."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotFound(ServiceError):
    code = "not_found"


class Conflict(ServiceError):
    """The request is fine but the thing it acts on is in another state."""

    code = "conflict"


class TooMany(ServiceError):
    """Too many of something are waiting (e.g. pairings); the user can retry later."""

    code = "too_many"


class StoreUnavailable(ServiceError):
    """The store cannot be written (or read) right now; retrying after a fix will work."""

    code = "store_unavailable"


# SQLite's wording (sqlite3 and peewee pass it through) -> what the user can do about it.
_STORE_FAULTS = (
    (("readonly", "read-only"), "read_only",
     "the data store is read-only: check the permissions of the data folder and its files "
     "(including any -wal and -shm files), then try again"),
    (("disk is full", "disk full", "no space"), "disk_full",
     "the disk holding the data store is full: free some space, then try again"),
    (("database is locked", "locked"), "locked",
     "the data store is busy (another jobloop or a backup is using it): try again in a moment"),
    (("unable to open", "disk i/o error", "cannot open"), "unavailable",
     "the data store cannot be opened: check that the data folder exists and is writable, then try again"),
)
_OS_FAULTS = {errno.EROFS: 0, errno.EACCES: 0, errno.EPERM: 0, errno.ENOSPC: 1, errno.EDQUOT: 1}


def store_fault(exc: BaseException) -> StoreUnavailable | None:
    """A database or file-system error that means "read-only", "disk full" or "locked", as a
    StoreUnavailable; None for anything else (a bug, which stays a 500)."""
    if isinstance(exc, OSError) and exc.errno in _OS_FAULTS:
        _, code, message = _STORE_FAULTS[_OS_FAULTS[exc.errno]]
        return StoreUnavailable(message, code=code)
    if not isinstance(exc, (peewee.OperationalError, sqlite3.OperationalError, peewee.InterfaceError)):
        return None
    text = str(exc).lower()
    for words, code, message in _STORE_FAULTS:
        if any(word in text for word in words):
            return StoreUnavailable(message, code=code)
    return None


def repair_sqlite_leftovers(sqlite_path) -> list[str]:
    """Give owner-write back to a -wal or -shm file this process owns.

    After a read-only spell (a read-only mount, a chmod), SQLite can leave its -shm index
    at 0444; every later connection then opens the store read-only and every write fails,
    even after the data dir is fixed and the server restarted. The index is ours and is
    meant to be writable, so this puts the bit back. The database file itself is left
    alone: a read-only database is the user's choice and gets the 503 that says so.
    """
    import os
    import stat
    from pathlib import Path

    repaired = []
    for suffix in ("-wal", "-shm"):
        path = Path(f"{sqlite_path}{suffix}")
        try:
            info = path.stat()
            if info.st_uid == os.getuid() and not info.st_mode & stat.S_IWUSR:
                path.chmod(stat.S_IMODE(info.st_mode) | stat.S_IWUSR)
                repaired.append(path.name)
        except OSError:
            continue
    return repaired
