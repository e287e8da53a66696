"""The user's network: contacts linked to postings, touch-points, keep-in-touch
cadence and vCard export.

Keep-in-touch: a contact is due for a touch `cadence[warmth]` days after the
last contact (or after they were added, if never contacted). Defaults: close
every 30 days, warm every 60, cold every 120; the user changes them in
settings (Setting "network.cadence_days"). Each contact has at most one open
"keep_in_touch" follow-up, moved whenever the due date moves; logging a touch
marks it done and schedules the next one.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from peewee import JOIN, chunked

from ..db import database, is_sqlite
from ..models import WARMTH, Company, Contact, FollowUp, Posting, PostingContact, utcnow
from . import NotFound, ServiceError, followups, pipeline, postings, settings
from .bounds import MAX_TEXT, check_date, check_email

CADENCE_KEY = "network.cadence_days"
DEFAULT_CADENCE = {"close": 30, "warm": 60, "cold": 120}
KIND = "keep_in_touch"
FIELDS = ("name", "role", "company", "email", "linkedin_url", "how_met", "warmth", "notes")
LIMITS = {"name": 255, "role": 255, "company": 255, "email": 254, "linkedin_url": Contact.linkedin_url.max_length,
          "how_met": 5000, "notes": MAX_TEXT}


# ---- settings -------------------------------------------------------------------

CADENCE = settings.Numbers("warmth", {w: DEFAULT_CADENCE[w] for w in WARMTH}, {w: (1, 3650) for w in WARMTH},
                           key=CADENCE_KEY, label="{} cadence (days)")


def cadence() -> dict[str, int]:
    return CADENCE.read()


def set_cadence(values: dict, *, now: datetime | None = None) -> dict[str, int]:
    with database.atomic():  # a refused value rolls back: nothing changes
        new = CADENCE.save(values)
        for contact in Contact.select():
            schedule(contact, now=now)
    return new


# ---- contacts -------------------------------------------------------------------

def get(contact_id: int) -> Contact:
    contact = Contact.get_or_none(Contact.id == contact_id)
    if contact is None:
        raise NotFound(f"no contact with id {contact_id}")
    return contact


def _with_company():
    # The company's name comes with each contact: the Network page names it on every row.
    return Contact.select(Contact, Company).join(Company, JOIN.LEFT_OUTER)


def contacts() -> list[Contact]:
    return list(_with_company().order_by(Contact.name.collate("NOCASE") if _sqlite() else Contact.name))


def _sqlite() -> bool:
    return is_sqlite()


def _clean(values: dict) -> dict:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ServiceError(f"unknown contact fields: {', '.join(sorted(unknown))}", code="invalid")
    out = {}
    for name, value in values.items():
        value = (value or "").strip() if isinstance(value, str) or value is None else value
        limit = LIMITS.get(name, 255)
        if isinstance(value, str) and len(value) > limit:
            raise ServiceError(f"{name} is at most {limit} characters", code="too_long")
        out[name] = value
    if "name" in out and not out["name"]:
        raise ServiceError("a contact needs a name", code="empty_name")
    check_email(out.get("email"))
    # Shown as a link: only web addresses, never javascript: or data: URLs.
    if out.get("linkedin_url") and not out["linkedin_url"].lower().startswith(("https://", "http://")):
        raise ServiceError("the LinkedIn URL must start with https://", code="invalid_url")
    if "warmth" in out:
        out["warmth"] = out["warmth"] or "cold"
        if out["warmth"] not in WARMTH:
            raise ServiceError(f"warmth is one of {', '.join(WARMTH)}", code="invalid_warmth")
    return out


def _apply(contact: Contact, values: dict) -> None:
    for name, value in values.items():
        if name == "company":
            contact.company = postings.company_named(value)
        elif name in ("how_met", "notes"):
            setattr(contact, name, value or "")
        elif name == "warmth":
            contact.warmth = value
        else:
            setattr(contact, name, value or None)  # empty text is "not known"


def create(*, now: datetime | None = None, posting: Posting | None = None, **values) -> Contact:
    now = now or utcnow()
    values = _clean(values)
    if "name" not in values:
        raise ServiceError("a contact needs a name", code="empty_name")
    with database.atomic():
        contact = Contact(created_at=now, warmth="cold")
        _apply(contact, values)
        contact.save()
        if posting is not None:
            link(contact, posting)
        schedule(contact, now=now)
    return contact


def update(contact: Contact, *, now: datetime | None = None, **values) -> Contact:
    values = _clean(values)
    with database.atomic():
        _apply(contact, values)
        contact.save()
        schedule(contact, now=now)
    return contact


def delete(contact: Contact) -> None:
    contact.delete_instance(recursive=True)


def delete_many(contact_ids: list[int]) -> None:
    """Delete many contacts at once (an import undone); ON DELETE CASCADE takes their
    follow-ups and posting links."""
    for part in chunked(contact_ids, 500):
        Contact.delete().where(Contact.id.in_(part)).execute()


def link(contact: Contact, posting: Posting) -> None:
    PostingContact.insert(posting=posting, contact=contact).on_conflict_ignore().execute()
    if contact.company_id is None and posting.company_id is not None:
        contact.company = posting.company_id
        contact.save()


def unlink(contact: Contact, posting: Posting) -> None:
    PostingContact.delete().where((PostingContact.contact == contact) & (PostingContact.posting == posting)).execute()


def linked_postings(contact: Contact) -> list[Posting]:
    return list(Posting.select().join(PostingContact).where(PostingContact.contact == contact).order_by(Posting.id))


def posting_contacts(posting: Posting) -> list[Contact]:
    return list(Contact.select().join(PostingContact).where(PostingContact.posting == posting).order_by(Contact.name))


def check_contact(name: str, email: str | None = None) -> None:
    """ServiceError when attach_to_posting would refuse these (a bulk import checks each row first)."""
    _clean({"name": name, "email": email})


def attach_to_posting(posting: Posting, *, name: str, email: str | None = None, role: str | None = None,
                      now: datetime | None = None) -> tuple[Contact, bool]:
    """The popup's "recruiter" field: find the contact (by email, else by name at the
    posting's company) or make one, and link it. Returns (contact, created)."""
    values = _clean({"name": name, "email": email, "role": role})
    found = None
    if values.get("email"):
        wanted_email = values["email"].casefold()
        found = next((c for c in Contact.select().where(Contact.email.is_null(False))
                      if c.email.casefold() == wanted_email), None)
    if found is None:
        wanted = values["name"].casefold()
        same_company = [c for c in Contact.select().where(Contact.company == posting.company_id)] if posting.company_id else []
        found = next((c for c in same_company if c.name.casefold() == wanted and not (c.email and values.get("email"))), None)
    if found is None:
        return create(now=now, posting=posting, **{k: v for k, v in values.items() if v}), True
    fill = {k: v for k, v in values.items() if v and not getattr(found, k)}
    if fill:
        update(found, now=now, **fill)
    link(found, posting)
    return found, False


# ---- touch-points and cadence ---------------------------------------------------

def next_touch_at(contact: Contact, days: dict[str, int] | None = None) -> datetime:
    """`days`: the cadence, when the caller reads it once for many contacts."""
    base = contact.last_contact_at or contact.created_at
    return base + timedelta(days=(days or cadence())[contact.warmth if contact.warmth in WARMTH else "cold"])


def log_touch(contact: Contact, note: str = "", *, at: datetime | None = None,
              now: datetime | None = None) -> Contact:
    """A call, a message, a coffee: last contact moves on, linked postings get a
    "contact" event, the open keep-in-touch follow-up is done and the next one made."""
    now = now or utcnow()
    at = check_date(at, "at") or now
    if at > now:
        raise ServiceError("a touch-point cannot be dated in the future", code="future_date")
    note = (note or "").strip()
    with database.atomic():
        if contact.last_contact_at is None or at > contact.last_contact_at:
            contact.last_contact_at = at
            contact.save()
            # the touch answers the reminder that was open; schedule() makes the next one
            (FollowUp.update(status="done", closed_at=now)
             .where((FollowUp.contact == contact) & (FollowUp.kind == KIND) & (FollowUp.status == "open"))
             .execute())
        for posting in linked_postings(contact):
            pipeline.add_note(posting, note or f"Touched base with {contact.name}", at=at, kind="contact",
                              details={"contact_id": contact.id, "contact": contact.name}, now=now)
        schedule(contact, now=now)
    return contact


def followup_done(followup: FollowUp, now: datetime) -> FollowUp:
    """A follow-up marked done. Writing to someone is a touch-point: for a contact's
    follow-up, the contact's last contact moves on, their postings get a timeline
    note and the next keep-in-touch date is set."""
    with database.atomic():
        followups.complete(followup, now)
        if followup.contact_id:
            log_touch(followup.contact, f"{followups.label(followup)}: done", at=now, now=now)
    return followup


def schedule(contact: Contact, *, now: datetime | None = None) -> FollowUp:
    """Exactly one open cadence follow-up for the contact, due at next_touch_at."""
    now = now or utcnow()
    due_at = next_touch_at(contact)
    # Only the cadence's own (contact-only) follow-ups: a posting's rule-made
    # keep-in-touch (follow-ups service, after a rejection) keeps its own date.
    open_ones = list(FollowUp.select().where((FollowUp.contact == contact) & (FollowUp.kind == KIND)
                                             & FollowUp.posting.is_null() & (FollowUp.status == "open"))
                     .order_by(FollowUp.id))
    keep = next((f for f in open_ones if f.due_at == due_at), None)
    for stale in open_ones:
        if stale is not keep:
            stale.status, stale.closed_at = "closed", now
            stale.save()
    return keep or followups.create(KIND, due_at, contact=contact, message=f"Keep in touch with {contact.name}", now=now)


def due(now: datetime | None = None) -> list[tuple[Contact, datetime]]:
    """Who to get back in touch with: next touch overdue or within a week, soonest first."""
    limit = (now or utcnow()) + timedelta(days=7)
    days = cadence()  # one settings read, not one per contact
    pairs = [(c, next_touch_at(c, days)) for c in _with_company()]
    return sorted([p for p in pairs if p[1] <= limit], key=lambda p: (p[1], p[0].id))


def to_dict(contact: Contact) -> dict:
    return to_dicts([contact])[0]


def to_dicts(contacts: list[Contact]) -> list[dict]:
    """Contacts for the API: the cadence, the companies and the linked postings read once for all."""
    days = cadence()
    ids = [c.id for c in contacts]
    linked: dict[int, list[int]] = {i: [] for i in ids}
    for link in (PostingContact.select(PostingContact.contact, PostingContact.posting)
                 .where(PostingContact.contact.in_(ids)).order_by(PostingContact.posting)):
        linked[link.contact_id].append(link.posting_id)
    company_ids = {c.company_id for c in contacts if c.company_id}
    # Asked even when no contact has a company: a list costs the same statements however many rows it holds.
    companies = {c.id: c.name for c in Company.select(Company.id, Company.name).where(Company.id.in_(company_ids))}
    return [{"id": c.id, "name": c.name, "role": c.role, "company": companies.get(c.company_id),
             "email": c.email, "linkedin_url": c.linkedin_url, "how_met": c.how_met,
             "warmth": c.warmth, "last_contact_at": c.last_contact_at, "notes": c.notes,
             "next_touch_at": next_touch_at(c, days), "created_at": c.created_at,
             "postings": linked[c.id]} for c in contacts]


# ---- vCard 3.0 (RFC 2426) ---------------------------------------------------------

def _escape(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space,
    never splitting a UTF-8 character."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > 75:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def vcard(contact: Contact) -> str:
    parts = contact.name.split()
    family, given = (parts[-1], " ".join(parts[:-1])) if len(parts) > 1 else (contact.name, "")
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{_escape(family)};{_escape(given)};;;",
             f"FN:{_escape(contact.name)}"]
    if contact.company_id:
        lines.append(f"ORG:{_escape(contact.company.name)}")
    if contact.role:
        lines.append(f"TITLE:{_escape(contact.role)}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=INTERNET:{_escape(contact.email)}")
    if contact.linkedin_url:
        lines.append(f"URL:{_escape(contact.linkedin_url)}")
    note = "\n".join(x for x in (f"How we met: {contact.how_met}" if contact.how_met else "", contact.notes) if x)
    if note:
        lines.append(f"NOTE:{_escape(note)}")
    lines.append(f"REV:{(contact.last_contact_at or contact.created_at).strftime('%Y-%m-%dT%H:%M:%SZ')}")
    lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines)
