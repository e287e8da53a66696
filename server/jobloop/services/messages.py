"""Message templates: the thank-you, the feedback request, the check-in… filled from a posting.

jobloop never sends mail. A message becomes a `mailto:` link the user's own mail
program opens, and text the user can copy. Templates are editable (kept as
settings, services/settings.py); a placeholder a template does not know is left as written, so a
stray brace in an edited template never breaks a page.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from ..models import Contact, Posting, PostingContact
from . import ServiceError, settings

TEMPLATES_KEY = "messages.templates"
SIGNATURE_KEY = "messages.signature"

PLACEHOLDERS = ("name", "first_name", "company", "title", "signature")

DEFAULT_TEMPLATES: dict[str, dict[str, str]] = {
    "thank_you": {
        "label": "Thank-you after an interview",
        "subject": "Thank you — {title} interview",
        "body": ("Hi {first_name},\n\nThank you for taking the time to talk with me about the {title} role at "
                 "{company}. I enjoyed learning more about the team, and the conversation made me even more "
                 "interested in the position.\n\nPlease let me know if I can send anything else.\n\nBest regards,\n{signature}"),
    },
    "feedback_request": {
        "label": "Thank-you and feedback request after a rejection",
        "subject": "Thank you — and a request for feedback ({title} at {company})",
        "body": ("Hi {first_name},\n\nThank you for letting me know, and for the time you and the team at {company} "
                 "spent on my application for the {title} role.\n\nIf you have a moment, I would be grateful for any "
                 "feedback on where I could have been stronger — it would help me a lot.\n\nI'd be glad to be "
                 "considered for future openings at {company}.\n\nBest regards,\n{signature}"),
    },
    "check_in": {
        "label": "Check-in when nobody answered",
        "subject": "Following up on my application — {title}",
        "body": ("Hi {first_name},\n\nI applied for the {title} role at {company} a little while ago and wanted to "
                 "check in on where things stand. I'm still very interested and happy to share anything else "
                 "that would help.\n\nBest regards,\n{signature}"),
    },
    "keep_in_touch": {
        "label": "Keep in touch",
        "subject": "Keeping in touch — {company}",
        "body": ("Hi {first_name},\n\nI hope all is well at {company}. We spoke a while ago about the {title} role; "
                 "I've kept working on my skills since then and would love it if you kept me in mind for future "
                 "openings.\n\nBest regards,\n{signature}"),
    },
    "withdrawal": {
        "label": "Withdrawing an application",
        "subject": "Withdrawing my application — {title}",
        "body": ("Hi {first_name},\n\nThank you for considering me for the {title} role at {company}. After careful "
                 "thought I have decided to withdraw my application. I appreciated the conversations and hope our "
                 "paths cross again.\n\nBest regards,\n{signature}"),
    },
    "offer_reply": {
        "label": "Reply to an offer",
        "subject": "Re: offer — {title}",
        "body": ("Hi {first_name},\n\nThank you very much for the offer for the {title} role at {company}. "
                 "\n\nBest regards,\n{signature}"),
    },
}

MAX_SUBJECT = 300
MAX_BODY = 5000
MAX_SIGNATURE = 500
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


# ---- templates ------------------------------------------------------------------------

def templates() -> dict[str, dict[str, str]]:
    """The defaults overlaid with the user's edits."""
    saved = settings.get(TEMPLATES_KEY, {}) or {}
    merged = {}
    for kind, default in DEFAULT_TEMPLATES.items():
        mine = saved.get(kind) or {}
        merged[kind] = {"label": default["label"],
                        "subject": mine.get("subject") or default["subject"],
                        "body": mine.get("body") or default["body"],
                        "edited": bool(mine)}
    return merged


def save_templates(changes: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Save edited subjects/bodies; an empty or default text goes back to the default."""
    saved = dict(settings.get(TEMPLATES_KEY, {}) or {})
    for kind, parts in changes.items():
        if kind not in DEFAULT_TEMPLATES:
            raise ServiceError(f"no message template called {kind!r}", code="unknown_template")
        mine = {}
        for part, limit in (("subject", MAX_SUBJECT), ("body", MAX_BODY)):
            text = (parts.get(part) or "").replace("\r\n", "\n").strip()
            if len(text) > limit:
                raise ServiceError(f"{kind} {part} is over {limit} characters", code="too_long")
            if text and text != DEFAULT_TEMPLATES[kind][part]:
                mine[part] = text
        if mine:
            saved[kind] = mine
        else:
            saved.pop(kind, None)
    settings.put(TEMPLATES_KEY, saved)
    return templates()


def signature() -> str:
    return settings.get(SIGNATURE_KEY, "") or ""


def save_signature(text: str) -> str:
    """The signature as typed, trimmed, up to MAX_SIGNATURE characters (the rest is cut off)."""
    text = (text or "").strip()[:MAX_SIGNATURE]
    settings.put(SIGNATURE_KEY, text)
    return text


# ---- filling ---------------------------------------------------------------------------

def contacts_for(posting_ids) -> dict[int, Contact]:
    """Each posting's contact to write to: the first linked one with an e-mail address, else the first."""
    ids = list(posting_ids)
    if not ids:
        return {}
    links = (PostingContact.select(PostingContact, Contact).join(Contact)
             .where(PostingContact.posting.in_(ids)).order_by(PostingContact.id))
    chosen: dict[int, Contact] = {}
    for link in links:
        have = chosen.get(link.posting_id)
        if have is None or (not have.email and link.contact.email):
            chosen[link.posting_id] = link.contact
    return chosen


def contact_for(posting: Posting | None) -> Contact | None:
    return contacts_for([posting.id]).get(posting.id) if posting is not None else None


def fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def values_for(posting: Posting | None, contact: Contact | None, signature_text: str) -> dict[str, str]:
    company = ""
    if posting is not None and posting.company_id:
        company = posting.company.name
    elif contact is not None and contact.company_id:
        company = contact.company.name
    name = (contact.name.strip() if contact and contact.name else "")
    return {
        "name": name or "there",
        "first_name": name.split()[0] if name else "there",
        "company": company or "your company",
        "title": (posting.title if posting is not None and posting.title else "the role"),
        "signature": signature_text,
    }


def mailto(to: str, subject: str, body: str) -> str:
    # quote(), not urlencode(): mail programs read "+" literally, so spaces must be %20.
    return f"mailto:{quote(to or '', safe='@')}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


class Renderer:
    """Fills many messages with one read of the templates, the signature and the postings' contacts
    (a list page or the calendar feed would otherwise ask the database three times per item)."""

    def __init__(self, postings=()):
        self.templates = templates()
        self.signature = signature()
        ids = {p.id for p in postings if p is not None}
        self._contacts = contacts_for(ids)
        self._known = ids

    def contact(self, posting: Posting | None) -> Contact | None:
        if posting is None:
            return None
        if posting.id not in self._known:
            self._contacts.update(contacts_for([posting.id]))
            self._known.add(posting.id)
        return self._contacts.get(posting.id)

    def render(self, kind: str, *, posting: Posting | None = None, contact: Contact | None = None,
               body: str | None = None) -> dict[str, str] | None:
        """The filled message for `kind`, or None when there is no template (e.g. suggest_ghosted).

        `body` overrides the template's text (a follow-up created with its own message).
        """
        template = self.templates.get(kind)
        if template is None and not body:
            return None
        contact = contact or self.contact(posting)
        values = values_for(posting, contact, self.signature)
        subject = fill(template["subject"], values) if template else ""
        text = fill(body if body else template["body"], values)
        to = contact.email if contact is not None and contact.email else ""
        return {"kind": kind, "to": to, "subject": subject, "body": text, "mailto": mailto(to, subject, text)}


def render(kind: str, *, posting: Posting | None = None, contact: Contact | None = None,
           body: str | None = None) -> dict[str, str] | None:
    return Renderer([posting] if posting is not None else []).render(kind, posting=posting, contact=contact, body=body)
