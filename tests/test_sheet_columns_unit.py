"""The header and status tables: what a spreadsheet's words mean."""
from __future__ import annotations

import pytest

from jobloop.services import sheet_columns as sc


@pytest.mark.parametrize("header, field", [
    ("Job Title", "title"), ("Role", "title"), ("POSITION", "title"), ("job_title", "title"),
    ("Stellenbezeichnung", "title"), ("Intitulé du poste", "title"), ("Puesto", "title"),
    ("Company", "company"), ("Employer", "company"), ("Organization", "company"), ("Unternehmen", "company"),
    ("Société", "company"), ("Empresa", "company"),
    ("URL", "url"), ("Job link", "url"), ("Lien", "url"), ("Enlace", "url"), ("Stellenlink", "url"),
    ("Status", "status"), ("Stage", "status"), ("Statut", "status"), ("Estado", "status"),
    ("Date applied", "applied_on"), ("Applied on", "applied_on"), ("Beworben am", "applied_on"),
    ("Date de candidature", "applied_on"), ("Fecha de solicitud", "applied_on"),
    ("Location", "location"), ("Standort", "location"), ("Lieu", "location"), ("Ubicación", "location"),
    ("Salary", "salary"), ("Gehalt", "salary"), ("Salaire", "salary"), ("Sueldo", "salary"),
    ("Notes", "notes"), ("Notizen", "notes"), ("Commentaires", "notes"), ("Notas", "notes"),
    ("Contact", "contact"), ("Recruiter", "contact"), ("Ansprechpartner", "contact"), ("Contacto", "contact"),
    ("Favourite colour", ""), ("", ""),
])
def test_headers(header, field):
    assert sc.match_headers([header]) == [field]


def test_a_field_goes_to_its_first_column_only():
    assert sc.match_headers(["Title", "Role", "Company"]) == ["title", "", "company"]


@pytest.mark.parametrize("status, stage", [
    ("Saved", "saved"), ("Wishlist", "saved"), ("Bookmarked", "saved"), ("Merkliste", "saved"),
    ("Applied", "applied"), ("application sent", "applied"), ("Beworben", "applied"), ("Postulé", "applied"),
    ("Phone screen", "screening"), ("Recruiter call", "screening"), ("Take-home", "screening"),
    ("Interviewing", "interviewing"), ("Interview scheduled for Monday", "interviewing"),
    ("Vorstellungsgespräch", "interviewing"), ("Entretien", "interviewing"), ("Entrevista", "interviewing"),
    ("Offer", "offer"), ("Angebot", "offer"), ("Accepted", "accepted"), ("Hired!", "accepted"),
    ("Declined", "rejected"), ("Rejected", "rejected"), ("Absage", "rejected"), ("Refusé", "rejected"),
    ("Rechazado", "rejected"), ("No offer", "rejected"),
    ("Offer declined", "withdrawn"), ("I declined", "withdrawn"), ("Withdrew", "withdrawn"),
    ("No response", "ghosted"), ("No answer", "ghosted"), ("Keine Rückmeldung", "ghosted"),
    ("Pas de réponse", "ghosted"), ("Sin respuesta", "ghosted"),
    ("Daydreaming", None), ("", None), ("???", None),
])
def test_statuses(status, stage):
    assert sc.stage_for(status) == stage


def test_no_status_word_or_header_is_listed_twice():
    for table in (sc.STATUSES, sc.HEADERS):
        words = [sc.fold(w) for words in table.values() for w in words]
        assert len(words) == len(set(words)), {w for w in words if words.count(w) > 1}
    assert set(sc.HEADERS) == set(sc.FIELDS)


@pytest.mark.parametrize("headers, preset", [
    (["Job Title", "Employer", "URL", "List", "Date Applied", "Created At", "Color"], "huntr"),
    (["Company", "Job Position", "Job URL", "Status", "Excitement", "Date Saved"], "teal"),
    (["Title", "Company", "Stage", "URL", "Stage since", "Notes"], "jobloop"),
    (["Title", "Company", "Status"], "plain"),
    (["Job Title", "Employer"], "plain"),  # Huntr's signature needs its "List" too
])
def test_presets_are_chosen_by_their_headers(headers, preset):
    assert sc.choose_preset(headers).name == preset


def test_a_preset_maps_its_own_headers_and_statuses():
    huntr = sc.choose_preset(["Job Title", "Employer", "List", "Description", "Created At"])
    assert sc.match_headers(["Job Title", "Employer", "List", "Description", "Created At"]) == \
        ["title", "company", "status", "", "saved_on"]  # Huntr's description is not our notes
    assert sc.stage_for("Interview", huntr) == "interviewing"
    teal = sc.choose_preset(["Job Position", "Company", "Excitement"])
    assert sc.stage_for("Applying", teal) == "saved"  # Teal: still writing the application
    assert sc.stage_for("Applying") is None
