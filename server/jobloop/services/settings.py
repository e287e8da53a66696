"""The user's settings: JSON values in the `setting` table, by key, read and written here only.

Most settings are whole numbers held between bounds (the follow-up rules, the weekly
targets, the keep-in-touch cadence). A feature declares them once as a `Numbers` group
(defaults, bounds, and where they are stored); the group reads them, filling in the
defaults, and saves changes after checking every one, so a bad value saves none.
A stored value that is not a whole number within the bounds (a store edited by hand,
an import) reads as the default rather than breaking every page that shows it.

Export and import (transfer.py) copy the table whole, like every other table.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..db import database
from ..models import Setting
from .bounds import check_int
from .errors import ServiceError


# ---- any value ---------------------------------------------------------------------------

def get(key: str, default: Any = None) -> Any:
    row = Setting.get_or_none(Setting.key == key)
    return default if row is None or row.value is None else row.value


def get_many(keys: Iterable[str]) -> dict[str, Any]:
    """The stored values of these keys, in one query; a key not stored is left out."""
    return {row.key: row.value for row in Setting.select().where(Setting.key.in_(list(keys)))}


def put(key: str, value: Any) -> None:
    # One statement: two processes saving at once cannot both insert the key.
    Setting.insert(key=key, value=value).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: value}).execute()


def put_new(key: str, value: Any) -> None:
    """Store the value unless the key is there already (then nothing changes)."""
    Setting.insert(key=key, value=value).on_conflict_ignore().execute()


def forget(keys: Iterable[str]) -> None:
    Setting.delete().where(Setting.key.in_(list(keys))).execute()


def any_besides(keys: Iterable[str]) -> bool:
    """Whether anything is stored under a key not in `keys`."""
    return Setting.select().where(Setting.key.not_in(list(keys))).exists()


# ---- bounded whole numbers -----------------------------------------------------------------

def whole_number(value: Any, name: str, low: int, high: int) -> int:
    """A whole number from a form field ("12") or a JSON value (12, 12.0), within low..high,
    or a ServiceError naming it. Never rounded: 2.5 days is refused, not read as 2."""
    number = None
    if isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            pass
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    if number is None:
        raise ServiceError(f"{name}: {value!r} is not a whole number", code="invalid_number")
    return check_int(number, name, low=low, high=high)


def _stored_number(value: Any, low: int, high: int) -> int | None:
    try:
        return whole_number(value, "", low, high)
    except ServiceError:
        return None


@dataclass(frozen=True, eq=False)  # a declaration: the same group is the same object
class Numbers:
    """Whole numbers with defaults and bounds, stored either together as one JSON object
    under `key` (saving writes the whole object) or one row each under `prefix` + name
    (saving writes the changed ones); the layouts are the ones stores already hold."""

    what: str                              # what one is called in a refusal: "follow-up rule"
    defaults: Mapping[str, int]            # every name, in the order pages show them
    bounds: Mapping[str, tuple[int, int]]
    key: str | None = None
    prefix: str | None = None
    label: str = "{}"                      # how a refusal names one: "{} cadence" -> "close cadence: …"

    def __post_init__(self):
        if (self.key is None) == (self.prefix is None):
            raise ValueError("a Numbers group is stored under a key or a prefix, one of the two")
        if set(self.bounds) != set(self.defaults):
            raise ValueError("every number in a Numbers group has a default and bounds")

    def read(self) -> dict[str, int]:
        if self.key is not None:
            stored = get(self.key, {})
            stored = stored if isinstance(stored, dict) else {}
        else:
            rows = get_many(self.prefix + name for name in self.defaults)
            stored = {key[len(self.prefix):]: value for key, value in rows.items()}
        out = {}
        for name, default in self.defaults.items():
            number = _stored_number(stored.get(name), *self.bounds[name])
            out[name] = default if number is None else number
        return out

    def check(self, changes: Mapping[str, Any]) -> dict[str, int]:
        """The changes as numbers, or a ServiceError for the first name or value refused."""
        checked = {}
        for name, value in changes.items():
            if name not in self.defaults:
                raise ServiceError(f"no {self.what} called {name!r}; expected one of {', '.join(self.defaults)}",
                                   code="unknown_setting")
            checked[name] = whole_number(value, self.label.format(name), *self.bounds[name])
        return checked

    def save(self, changes: Mapping[str, Any]) -> dict[str, int]:
        """Check every change, then store them; returns all the numbers as they now read."""
        checked = self.check(changes)
        with database.atomic():  # one row or several: all of them or none
            if self.key is not None:
                put(self.key, {**self.read(), **checked})
            else:
                for name, number in checked.items():
                    put(self.prefix + name, number)
        return self.read()
