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
    source: str = "generic"  # which site adapter read the page
    sources: dict[str, str] = field(default_factory=dict)  # field -> evidence
    # Extras beyond the contract: skills split by how the posting asks for them.
    required_skills: list[str] = field(default_factory=list)
    nice_to_have_skills: list[str] = field(default_factory=list)
    now: Any = field(default=None, repr=False, compare=False)  # capture time, for "3 days ago"
    pending: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # weak fallbacks

    def set(self, name: str, value: Any, source: str) -> bool:
        """Fill a field only if still empty; later evidence never overwrites earlier."""
        if value in (None, "", [], {}):
            return False
        if getattr(self, name) not in (None, "", []):
            return False
        setattr(self, name, value)
        self.sources[name] = source
        return True

    def replace(self, name: str, value: Any, source: str) -> bool:
        """Overwrite a field: the page as the user sees it beats stale metadata."""
        if value in (None, "", [], {}):
            return False
        setattr(self, name, value)
        self.sources[name] = source
        return True

    def set_description(self, html: str, source: str) -> bool:
        from .description import html_to_text, sanitize_html

        if self.description_html or not html:
            return False
        clean_html = sanitize_html(html[:2_000_000])
        text = html_to_text(clean_html)
        if len(text) < 40:
            return False
        self.description_html, self.description_text = clean_html, text
        self.sources["description"] = source
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
            required_skills=list(self.required_skills),
            nice_to_have_skills=list(self.nice_to_have_skills),
        )
        return out
