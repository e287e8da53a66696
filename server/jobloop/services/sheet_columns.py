"""What a spreadsheet's headers and status words mean, kept as data.

Headers and status words are compared after `fold()`: case, accents, punctuation
and spacing do not matter ("Date Applied", "date_applied" and "Date appliED:" are
the same header). English, German, French and Spanish words are listed; a header
nobody recognizes is left unmapped and the user picks its meaning on the preview.

A preset is the header set of one tracker's export: chosen when every one of its
`signature` headers is in the file, with its own status words (Huntr's "lists",
Teal's statuses) tried before the common table. docs/spreadsheet.md shows an
example file for each.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# The meanings a column can have; "" means "ignore this column".
FIELDS = {
    "title": "Job title",
    "company": "Company",
    "url": "Link (URL)",
    "status": "Status / stage",
    "applied_on": "Date applied",
    "saved_on": "Date saved",
    "stage_date": "Date of the current stage",
    "location": "Location",
    "salary": "Salary",
    "notes": "Notes",
    "contact": "Contact name",
    "contact_email": "Contact email",
    "tags": "Tags",
}


def fold(text: str) -> str:
    """Lower case, no accents, words separated by single spaces."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


HEADERS: dict[str, tuple[str, ...]] = {
    "title": (
        "title", "role", "position", "job title", "job", "job position", "job role", "position title",
        "role title", "job name", "jobtitle",
        "stelle", "stellenbezeichnung", "jobtitel", "titel", "rolle", "positionsbezeichnung",  # de
        "poste", "intitule", "intitule du poste", "titre", "titre du poste", "emploi",  # fr
        "puesto", "cargo", "titulo", "titulo del puesto", "rol", "posicion",  # es
    ),
    "company": (
        "company", "employer", "organization", "organisation", "company name", "org", "hiring company",
        "firma", "unternehmen", "arbeitgeber", "firmenname",  # de
        "entreprise", "societe", "employeur", "organisme",  # fr
        "empresa", "compania", "empleador", "organizacion",  # es
    ),
    "url": (
        "url", "link", "job link", "job url", "posting url", "posting link", "job posting", "listing",
        "listing url", "application link", "posting",
        "stellenlink", "stellenanzeige", "anzeige", "link zur stelle",  # de
        "lien", "lien de l offre", "lien annonce", "annonce", "offre",  # fr
        "enlace", "enlace de la oferta", "oferta", "vinculo", "anuncio",  # es
    ),
    "status": (
        "status", "stage", "state", "application status", "progress", "outcome", "result",
        "stand", "phase", "bewerbungsstatus",  # de
        "statut", "etape", "etat", "statut de la candidature",  # fr
        "estado", "etapa", "estado de la solicitud", "fase",  # es
    ),
    "applied_on": (
        "date applied", "applied on", "applied", "applied date", "application date", "date of application",
        "date", "submitted", "submitted on", "applied at",
        "beworben am", "bewerbungsdatum", "datum", "beworben",  # de
        "date de candidature", "candidature", "postule le", "date d envoi",  # fr
        "fecha de aplicacion", "fecha de solicitud", "fecha", "aplicado el", "fecha de postulacion",  # es
    ),
    "saved_on": (
        "date saved", "saved on", "saved", "created", "created at", "date added", "added on", "added",
        "gespeichert am", "hinzugefugt", "erstellt",  # de
        "ajoute le", "date d ajout", "cree le",  # fr
        "fecha de guardado", "guardado el", "creado", "agregado",  # es
    ),
    "stage_date": (
        "stage date", "status date", "stage changed", "last update", "last updated", "updated", "moved on",
        "letzte anderung", "aktualisiert",  # de
        "derniere mise a jour", "mis a jour",  # fr
        "ultima actualizacion", "actualizado",  # es
    ),
    "location": (
        "location", "city", "place", "where", "office", "locations",
        "ort", "standort", "stadt", "arbeitsort",  # de
        "lieu", "ville", "localisation",  # fr
        "ubicacion", "ciudad", "lugar", "localidad",  # es
    ),
    "salary": (
        "salary", "pay", "compensation", "salary range", "wage", "comp",
        "gehalt", "vergutung", "lohn", "gehaltsvorstellung",  # de
        "salaire", "remuneration", "paie",  # fr
        "salario", "sueldo", "remuneracion",  # es
    ),
    "notes": (
        "notes", "note", "comments", "comment", "remarks", "description", "details",
        "notizen", "notiz", "bemerkungen", "kommentar", "anmerkungen",  # de
        "commentaires", "remarques", "commentaire",  # fr
        "notas", "nota", "comentarios", "observaciones",  # es
    ),
    "contact": (
        "contact", "contact name", "recruiter", "recruiter name", "hiring manager", "referral", "referrer",
        "kontakt", "ansprechpartner", "ansprechpartnerin", "personaler",  # de
        "recruteur", "interlocuteur", "nom du contact",  # fr
        "contacto", "reclutador", "reclutadora", "persona de contacto",  # es
    ),
    "contact_email": (
        "contact email", "recruiter email", "email", "e mail", "contact e mail",
        "e mail adresse", "kontakt e mail",  # de
        "courriel", "email du contact",  # fr
        "correo", "correo electronico", "email del contacto",  # es
    ),
    "tags": (
        "tags", "tag", "labels", "label", "keywords",
        "schlagworte", "stichworte", "etiketten",  # de
        "etiquettes", "mots cles",  # fr
        "etiquetas", "palabras clave",  # es
    ),
}

# Status words -> stage. Checked whole first, then as the longest listed phrase inside
# the cell ("Interview scheduled for Monday" -> interviewing). "Declined" alone means
# the employer said no; "offer declined" and "I declined" mean the user withdrew.
STATUSES: dict[str, tuple[str, ...]] = {
    "saved": (
        "saved", "wishlist", "wish list", "bookmarked", "interested", "to apply", "not applied", "planning",
        "draft", "idea", "researching", "prospect", "want to apply", "backlog", "todo", "to do",
        "gemerkt", "merkliste", "interessant", "noch nicht beworben",  # de
        "a postuler", "sauvegarde", "enregistre", "interesse",  # fr
        "guardado", "pendiente", "por aplicar", "interesado",  # es
    ),
    "applied": (
        "applied", "application sent", "submitted", "sent", "applied online", "application submitted",
        "beworben", "bewerbung gesendet", "bewerbung verschickt", "gesendet",  # de
        "candidature envoyee", "postule", "envoye", "candidature",  # fr
        "enviado", "aplicado", "postulado", "solicitud enviada",  # es
    ),
    "screening": (
        "phone screen", "screening", "screen", "recruiter call", "recruiter screen", "hr call", "hr screen",
        "assessment", "take home", "online assessment", "coding test", "phone call", "phone interview",
        "in review", "under review", "reviewing",
        "telefoninterview", "vorauswahl", "in prufung", "erstgesprach",  # de
        "entretien telephonique", "preselection", "en cours d examen", "appel",  # fr
        "llamada", "preseleccion", "entrevista telefonica", "en revision",  # es
    ),
    "interviewing": (
        "interviewing", "interview", "interviews", "onsite", "on site", "final round", "technical interview",
        "interview scheduled", "second interview", "final interview",
        "vorstellungsgesprach", "bewerbungsgesprach", "gesprach",  # de
        "entretien", "entretiens",  # fr
        "entrevista", "entrevistas",  # es
    ),
    "offer": (
        "offer", "offer received", "offered", "got offer", "negotiating",
        "angebot", "vertragsangebot",  # de
        "offre recue", "proposition",  # fr
        "oferta", "oferta recibida",  # es
    ),
    "accepted": (
        "accepted", "hired", "signed", "offer accepted", "accepted offer", "job accepted",
        "angenommen", "eingestellt", "unterschrieben",  # de
        "accepte", "embauche", "offre acceptee",  # fr
        "aceptado", "aceptada", "contratado", "contratada",  # es
    ),
    "rejected": (
        "rejected", "declined", "not selected", "no offer", "turned down", "rejection", "not moving forward",
        "unsuccessful", "closed", "position filled",
        "absage", "abgelehnt", "abgesagt",  # de
        "refuse", "refus", "rejete", "non retenu",  # fr
        "rechazado", "rechazada", "descartado", "descartada", "no seleccionado",  # es
    ),
    "withdrawn": (
        "withdrawn", "withdrew", "offer declined", "i declined", "declined offer", "not interested",
        "cancelled", "canceled", "archived", "no longer interested",
        "zuruckgezogen", "kein interesse",  # de
        "retire", "retiree", "desiste", "abandonne",  # fr
        "retirado", "retirada", "desistido", "cancelado",  # es
    ),
    "ghosted": (
        "ghosted", "no response", "no answer", "no reply", "silence", "never heard back", "no news",
        "keine antwort", "keine ruckmeldung",  # de
        "pas de reponse", "sans reponse", "aucune reponse",  # fr
        "sin respuesta", "sin noticias",  # es
    ),
}


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    signature: frozenset[str]         # folded headers that must all be present
    columns: dict[str, str]           # folded header -> field
    statuses: dict[str, str] = field(default_factory=dict)  # folded status word -> stage


def _preset(name, label, columns, statuses=None, signature=None) -> Preset:
    cols = {fold(k): v for k, v in columns.items()}
    return Preset(name, label, frozenset(fold(s) for s in (signature or columns)), cols,
                  {fold(k): v for k, v in (statuses or {}).items()})


PRESETS: tuple[Preset, ...] = (
    # Huntr's export: a job's board column is its "List"; the column names are Huntr's own.
    _preset("huntr", "Huntr export", {
        "Job Title": "title", "Employer": "company", "URL": "url", "List": "status", "Location": "location",
        "Salary": "salary", "Notes": "notes", "Date Applied": "applied_on", "Created At": "saved_on",
        "Description": "", "Color": "",
    }, statuses={"Wishlist": "saved", "Applied": "applied", "Interview": "interviewing", "Offer": "offer",
                 "Rejected": "rejected"},
        signature=("Job Title", "Employer", "List")),
    # Teal's job tracker export.
    _preset("teal", "Teal export", {
        "Job Position": "title", "Company": "company", "Job URL": "url", "Status": "status",
        "Date Applied": "applied_on", "Date Saved": "saved_on", "Location": "location", "Salary": "salary",
        "Notes": "notes", "Excitement": "", "Follow Up": "",
    }, statuses={"Bookmarked": "saved", "Applying": "saved", "Applied": "applied", "Interviewing": "interviewing",
                 "Negotiating": "offer", "Accepted": "accepted", "I Withdrew": "withdrawn",
                 "Not Selected": "rejected", "No Response": "ghosted"},
        signature=("Job Position", "Company", "Excitement")),
    # jobloop's own export (services/sheet_export.py): the round trip reads it back.
    _preset("jobloop", "jobloop export", {
        "Title": "title", "Company": "company", "URL": "url", "Stage": "status", "Location": "location",
        "Site": "", "Saved": "saved_on", "Applied on": "applied_on", "Stage since": "stage_date",
        "Updated": "", "Salary": "salary", "Notes": "notes", "Contact": "contact", "Contact email": "contact_email",
        "Tags": "tags",
    }, signature=("Title", "Company", "URL", "Stage", "Stage since")),
)
PLAIN = Preset("plain", "Plain spreadsheet", frozenset(), {})

_HEADER_LOOKUP = {fold(word): name for name, words in HEADERS.items() for word in words}
_STATUS_LOOKUP = {fold(word): stage for stage, words in STATUSES.items() for word in words}
_STATUS_PHRASES = sorted(_STATUS_LOOKUP, key=len, reverse=True)


def choose_preset(headers: list[str]) -> Preset:
    """The most specific preset whose signature the headers carry, else the plain spreadsheet."""
    present = {fold(h) for h in headers}
    fitting = [p for p in PRESETS if p.signature <= present]
    return max(fitting, key=lambda p: len(p.signature), default=PLAIN)


def match_headers(headers: list[str], preset: Preset | None = None) -> list[str]:
    """The field for each column ("" when unknown); a field is given to its first column only."""
    preset = preset or choose_preset(headers)
    taken: set[str] = set()
    out = []
    for header in headers:
        key = fold(header)
        name = preset.columns.get(key, _HEADER_LOOKUP.get(key, "")) if key else ""
        if name and name in taken:
            name = ""
        taken.add(name)
        out.append(name)
    return out


def stage_for(status: str, preset: Preset = PLAIN) -> str | None:
    """The stage a status word means, or None when it is not recognized."""
    key = fold(status)
    if not key:
        return None
    if key in preset.statuses:
        return preset.statuses[key]
    if key in _STATUS_LOOKUP:
        return _STATUS_LOOKUP[key]
    padded = f" {key} "
    for phrase in _STATUS_PHRASES:  # longest first: "offer declined" before "offer"
        if f" {phrase} " in padded:
            return _STATUS_LOOKUP[phrase]
    return None
