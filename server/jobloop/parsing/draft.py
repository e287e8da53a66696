"""PostingDraft: what the parser read off one page, and where each field came from."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# The order and names of `jobloop parse` output: a contract other tools rely on.
CONTRACT_FIELDS = (
    "is_posting", "title", "company", "locations", "remote", "employment_type",
    "salary", "date_posted", "valid_through", "apply_url", "description_text",
    "skills", "source",
)


@dataclass
class Salary:
    min: float | None
    max: float | None
    currency: str | None
    period: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class PostingDraft:
    url: str
    canonical_url: str
    is_posting: bool = True
    reason: str | None = None  # why is_posting is false
    title: str | None = None
    company: str | None = None
    locations: list[str] = field(default_factory=list)
    remote: str | None = None
    employment_type: str | None = None
    salary: Salary | None = None
    date_posted: str | None = None  # YYYY-MM-DD
    valid_through: str | None = None
    apply_url: str | None = None
    description_html: str = ""
    description_text: str = ""
    skills: list[str] = field(default_factory=list)
    source: str = "generic"  # which site the page is from
    sources: dict[str, str] = field(default_factory=dict)  # field -> evidence

    def set(self, name: str, value: Any, source: str) -> bool:
        """Fill a field only if still empty; later evidence never overwrites earlier."""
        if value in (None, "", [], {}):
            return False
        if getattr(self, name) not in (None, "", []):
            return False
        setattr(self, name, value)
        self.sources[name] = source
        return True

    def to_dict(self) -> dict[str, Any]:
        """The `jobloop parse` contract, plus the extras the API shows."""
        out: dict[str, Any] = {}
        for name in CONTRACT_FIELDS:
            value = getattr(self, name)
            out[name] = value.to_dict() if isinstance(value, Salary) else value
        out.update(
            reason=self.reason,
            url=self.url,
            canonical_url=self.canonical_url,
            description_html=self.description_html,
            field_sources=dict(self.sources),
        )
        return out
