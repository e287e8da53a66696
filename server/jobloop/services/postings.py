"""Reading, editing and deleting postings."""
from __future__ import annotations

from datetime import date
from typing import Any

from peewee import JOIN, fn

from ..db import database
from ..models import Company, Posting, STAGES, utcnow
from ..parsing.urls import canonical_url
from . import NotFound, ServiceError

# Fields a user may edit by hand; an edit marks the field so re-captures keep it.
EDITABLE = (
    "title", "company", "locations", "remote", "employment_type", "salary_min", "salary_max",
    "salary_currency", "salary_period", "date_posted", "valid_through", "apply_url", "notes",
    "description_text", "skills",
)


def get(posting_id: int) -> Posting:
    posting = Posting.get_or_none(Posting.id == posting_id)
    if posting is None:
        raise NotFound(f"no posting with id {posting_id}")
    return posting


def find_by_url(url: str) -> Posting | None:
    return Posting.get_or_none(Posting.canonical_url == canonical_url(url))


def company_named(name: str | None) -> Company | None:
    name = (name or "").strip()
    if not name:
        return None
    company, _ = Company.get_or_create(name=name)
    return company


def search(*, stage: str | None = None, q: str | None = None, url: str | None = None,
           limit: int = 100, offset: int = 0):
    query = Posting.select(Posting, Company).join(Company, join_type=JOIN.LEFT_OUTER).switch(Posting)
    if stage:
        if stage not in STAGES:
            raise ServiceError(f"unknown stage {stage!r}", code="invalid_stage")
        query = query.where(Posting.stage == stage)
    if url:
        query = query.where(Posting.canonical_url == canonical_url(url))
    if q:
        query = query.where(
            fn.LOWER(Posting.title).contains(q.lower())
            | fn.LOWER(Company.name).contains(q.lower())
            | fn.LOWER(Posting.description_text).contains(q.lower())
            | fn.LOWER(Posting.notes).contains(q.lower())
        )
    return query.order_by(Posting.updated_at.desc(), Posting.id.desc()).limit(limit).offset(offset)


def update(posting: Posting, changes: dict[str, Any]) -> Posting:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ServiceError(f"these fields cannot be edited: {', '.join(sorted(unknown))}", code="not_editable")
    with database.atomic():
        edited = set(posting.user_edited or [])
        for name, value in changes.items():
            if name == "company":
                posting.company = company_named(value)
            else:
                setattr(posting, name, value)
            edited.add(name)
        posting.user_edited = sorted(edited)
        posting.updated_at = utcnow()
        posting.save()
    return posting


def delete(posting: Posting) -> None:
    posting.delete_instance(recursive=True)


def to_dict(posting: Posting) -> dict[str, Any]:
    salary = None
    if posting.salary_min is not None or posting.salary_max is not None:
        salary = {"min": posting.salary_min, "max": posting.salary_max,
                  "currency": posting.salary_currency, "period": posting.salary_period}

    def day(d):
        return d.isoformat() if isinstance(d, date) else d

    return {
        "id": posting.id,
        "url": posting.url,
        "canonical_url": posting.canonical_url,
        "is_posting": posting.is_posting,
        "title": posting.title,
        "company": posting.company.name if posting.company_id else None,
        "locations": posting.locations or [],
        "remote": posting.remote,
        "employment_type": posting.employment_type,
        "salary": salary,
        "salary_min": posting.salary_min,
        "salary_max": posting.salary_max,
        "salary_currency": posting.salary_currency,
        "salary_period": posting.salary_period,
        "date_posted": day(posting.date_posted),
        "valid_through": day(posting.valid_through),
        "apply_url": posting.apply_url,
        "description_text": posting.description_text,
        "skills": posting.skills or [],
        "source_site": posting.source_site,
        "field_sources": posting.field_sources or {},
        "user_edited": posting.user_edited or [],
        "notes": posting.notes,
        "stage": posting.stage,
        "stage_changed_at": posting.stage_changed_at,
        "created_at": posting.created_at,
        "updated_at": posting.updated_at,
    }
