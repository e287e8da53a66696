"""Normalizers: salary, employment type, remote, dates, locations, canonical URLs, skills."""
from __future__ import annotations

from datetime import datetime

import pytest

from jobloop.parsing import fields, salary, skills
from jobloop.parsing.urls import canonical_url


@pytest.mark.parametrize("text,expected", [
    ("Salary: $120k–$150k", (120000, 150000, "USD", "year")),
    ("€45.000 – 65.000 brutto/Jahr", (45000, 65000, "EUR", "year")),
    ("Pay: £18 per hour", (18, 18, "GBP", "hour")),
    ("USD 10,000/month", (10000, 10000, "USD", "month")),
    ("$147000/YR - $237500/YR", (147000, 237500, "USD", "year")),
    ("Local Pay Range $189,800 — $256,160 USD", (189800, 256160, "USD", "year")),
    ("Rémunération : 1.500,50 € par mois", (1500.5, 1500.5, "EUR", "month")),
    ("Compensation: CA$95,000 to CA$110,000 annually", (95000, 110000, "CAD", "year")),
])
def test_salary_from_text(text, expected):
    s = salary.from_text(text)
    assert (s.min, s.max, s.currency, s.period) == expected


@pytest.mark.parametrize("text", ["We raised $50M in funding", "a $1bn firm", "Competitive salary", "Call 555-1234", ""])
def test_text_without_a_salary(text):
    assert salary.from_text(text) is None


@pytest.mark.parametrize("base", [
    {"currency": "USD", "value": {"minValue": 0, "maxValue": 0, "unitText": "YEAR"}},
    {"currency": "", "value": {"minValue": 50000, "maxValue": 60000}},
    {"currency": "UNAVAILABLE", "value": {"minValue": 50000}},
    {"currency": "EUR", "value": {"minValue": 0.0, "maxValue": 0.0, "unitText": "MONTH"}},
])
def test_placeholder_salaries_are_no_value(base):
    assert salary.from_structured(base) is None


def test_structured_salary():
    s = salary.from_structured({"@type": "MonetaryAmount", "currency": "aud",
                                "value": {"minValue": "130000", "maxValue": 160000, "unitText": "YEAR"}})
    assert (s.min, s.max, s.currency, s.period) == (130000, 160000, "AUD", "year")


@pytest.mark.parametrize("label,expected", [
    ("Full time", "FULL_TIME"), ("FULL_TIME", "FULL_TIME"), ("Vollzeit", "FULL_TIME"), ("CDI", "FULL_TIME"),
    ("A tempo pieno", "FULL_TIME"), ("Tiempo completo", "FULL_TIME"), ("Teilzeit", "PART_TIME"), ("Part-time", "PART_TIME"),
    ("Contract", "CONTRACTOR"), ("Freelance", "CONTRACTOR"), ("CDD", "TEMPORARY"), ("Befristet", "TEMPORARY"),
    ("Internship", "INTERN"), ("Praktikum", "INTERN"), ("Tirocinio", "INTERN"), (["FULL_TIME", "PART_TIME"], "FULL_TIME"),
    ("Senior", None), ("", None),
    ("This role can be part-time or full-time depending on workload and your wishes as we grow", None),
])
def test_employment_type(label, expected):
    assert fields.employment_type(label) == expected


@pytest.mark.parametrize("label,expected", [
    ("TELECOMMUTE", "remote"), ("Fully Remote", "remote"), ("Hybrid work", "hybrid"), ("REMOTE_HYBRID", "hybrid"),
    ("On-site", "onsite"), ("In-Office", "onsite"), ("Vor Ort", "onsite"), ("Télétravail", "remote"), ("Hybride", "hybrid"),
    ("Тільки віддалено", "remote"), ("Engineering", None),
])
def test_remote_kind(label, expected):
    assert fields.remote_kind(label) == expected


def test_remote_from_text_is_strict():
    assert fields.remote_from_text("This is a hybrid role, two days a week in the office.") == "hybrid"
    assert fields.remote_from_text("We are a fully remote company.") == "remote"
    assert fields.remote_from_text("We build hybrid cloud products and remote controls.") is None


NOW = datetime(2025, 5, 10, 12, 0)


@pytest.mark.parametrize("text,expected", [
    ("3 days ago", "2025-05-07"), ("Posted 2 weeks ago", "2025-04-26"), ("il y a 2 jours", "2025-05-08"),
    ("vor 3 Tagen", "2025-05-07"), ("hace 1 mes", "2025-04-10"), ("2 giorni fa", "2025-05-08"), ("Posted today", "2025-05-10"),
    ("yesterday", "2025-05-09"), ("30+ days ago", "2025-04-10"), ("no date here", None),
])
def test_relative_dates(text, expected):
    assert fields.relative_date(text, NOW) == expected


@pytest.mark.parametrize("value,expected", [
    ("2024-06-11T13:47:28.000Z", "2024-06-11"), ("2026-03-09T13:46:33-04:00", "2026-03-09"), (1786599036686, "2026-08-13"),
    ("June 14, 2024", "2024-06-14"), ("14 juillet 2024", "2024-07-14"), ("2024-02-30", None), ("UNAVAILABLE", None),
])
def test_iso_dates(value, expected):
    assert fields.iso_date(value, NOW) == expected


def test_locations_split_and_decode():
    assert fields.split_locations("Mountain View, California; San Francisco, California") == [
        "Mountain View, California", "San Francisco, California"]
    assert fields.split_locations(["S&atilde;o Paulo, BR", "UNAVAILABLE", "S&atilde;o Paulo, BR"]) == ["São Paulo, BR"]


@pytest.mark.parametrize("url,expected", [
    ("https://www.linkedin.com/jobs/search/?currentJobId=3999888777&keywords=x", "https://www.linkedin.com/jobs/view/3999888777/"),
    ("https://de.linkedin.com/jobs/view/data-engineer-at-x-4012345678?trk=abc", "https://www.linkedin.com/jobs/view/4012345678/"),
    ("https://Job-Boards.Greenhouse.io/acme/jobs/123?gh_src=x&utm_source=y#app", "https://job-boards.greenhouse.io/acme/jobs/123"),
    ("https://uk.indeed.com/viewjob?jk=a1b2c3d4e5f60718&from=serp&tk=1", "https://uk.indeed.com/viewjob?jk=a1b2c3d4e5f60718"),
    ("https://www.indeed.com/jobs?q=nurse&vjk=a1b2c3d4e5f60718", "https://www.indeed.com/viewjob?jk=a1b2c3d4e5f60718"),
])
def test_canonical_urls(url, expected):
    assert canonical_url(url) == expected


def test_skills_aliases_precision_and_nice_to_have():
    found = skills.extract(
        "We use JS, k8s and Python/Django on AWS, with strong stakeholder management.\n"
        "Nice to have:\n- Terraform\n- a spark of creativity and the drive to go further", company="Acme")
    assert {"JavaScript", "Kubernetes", "Python", "Django", "AWS", "Stakeholder management"} <= set(found.required)
    assert found.nice == ["Terraform"]
    assert "Apache Spark" not in found.all and "Go" not in found.all
    assert skills.extract("Databricks is hiring. Databricks rocks.", company="Databricks").all == []


def test_search_near_stems_finds_what_the_whole_text_search_finds():
    """The long-text passes read only around their words: same matches, in the same order, as
    reading everything — a window never ends inside a word, a match never needs text beyond it."""
    import random
    import re

    from jobloop.parsing.text import find_near, search_near

    rx = re.compile(r"\b(?:this|a) (full[- ]time|part[- ]time) (role|position)\b", re.I)
    words = ["We", "offer", "this", "a", "full-time", "Full time", "part-time", "role", "roles", "position", "positionX",
             "lorem", "ipsum", "\n", "PART-TIME", "fulltime", "é", "İ"]
    rng = random.Random(7)
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 400)))
        expected = [m.span() for m in rx.finditer(text)]
        assert [m.span() for m in find_near(rx, text, ("full", "part"), reach=40)] == expected
        first = search_near(rx, text, ("full", "part"), reach=40)
        assert (first.span() if first else None) == (expected[0] if expected else None)
    # A window that would end inside "positionX" reads on to the word's end: no false match.
    text = "x" * 500 + " this full-time positionX " + "y" * 500
    assert search_near(rx, text, ("full",), reach=14) is None
    assert rx.search(text) is None


@pytest.mark.parametrize("text", [
    "Pay: USD 5,000 a month, or 5 usd/hour", "Xusd 5 and usd_ 6", "kr 500 / 500 KR / krone", "zł 4000 – ZŁ 5000",
    "грн 5000", "€45.000 – 65.000 brutto/Jahr", "strong audit details: eur, Europe", "Straße ÉUR 5 İstanbul usd 100", "",
])
def test_salary_markers_are_where_the_marker_pattern_matches(text):
    """Currency markers are found by substring search (fast), exactly where _MARKER matches."""
    assert salary._markers(text) == [m.span() for m in salary._MARKER.finditer(text)]


def test_legal_form_agrees_with_the_pattern():
    """company.legal_form skips the legal-form pattern for ASCII lines without its words; it
    must say what the pattern says for every form, dotted or not, and for lines without one."""
    from jobloop.parsing import company

    forms = ["Inc", "Inc.", "Ltd", "Ltd.", "LLC", "PLC", "GmbH", "AG", "S.A.", "SA", "S.A", "S.L.", "SL", "S.r.l.", "Sr.l",
             "SRL", "S.p.A.", "SpA", "Sp.A", "B.V.", "BV", "N.V.", "NV", "Oy", "AB", "AS", "Sp. z o.o.", "Corp", "Corp.",
             "Corporation", "Company", "Co.", "Limited", "Group", "Holding", "University", "Universität", "Universitat",
             "Université", "Universita", "Università", "Universidad", "Universidade", "Uniwersytet",
             "Institute", "Institut", "Instituto", "Istituto", "College", "Council", "Hospital", "Laboratory", "Lab",
             "Labs", "ООО", "ТОВ", "АО", "ПАО", "株式会社", "大学", "연구실"]
    lines = [f"Acme {form}" for form in forms] + [f"{form} of Acme" for form in forms] + [
        "Senior Engineer", "We build tools for teams", "Incredible labour", "Co-founder", "Sales/Accounting", "Macy's"]
    for line in lines:
        for text in (line, line.upper(), line.lower()):
            assert company.legal_form(text) == (company.LEGAL.search(text) is not None), text
    assert all(company.legal_form(f"Acme {form}") for form in forms)
    assert not company.legal_form("Senior Engineer")


# --- cheap tests that stand in front of costly patterns ------------------------------------
# Each must say what its pattern says (a substring test or a set look-up only rules lines
# out): if a pattern gains a word, these fail until the cheap test learns it too.

def _samples(words, seed, count=3000):
    import random

    rng = random.Random(seed)
    seps = [" ", "", "-", "_", "/", ": ", ", ", "(", ")"]
    out = list(words)
    for _ in range(count):
        out.append("".join(rng.choice(words) + rng.choice(seps) for _ in range(rng.randint(1, 4))))
    return out + [s.upper() for s in out[:500]] + [s.title() for s in out[:500]]


def test_job_opening_words_test_agrees_with_the_pattern():
    from jobloop.parsing import title

    words = ["position", "positions", "opening", "vacancy", "job", "jobs", "stelle", "poste", "puesto", "vaga",
             "posizione", "vacature", "Stellenangebot", "募集", "招聘", "박사후 채용", "reposition", "jobless", "role",
             "Postdoctoral", "Lab", "é", "İ"]
    for text in _samples(words, 1):
        assert title._jobish(text) == (title._JOBISH.search(text) is not None), text


def test_markup_name_test_agrees_with_the_pattern():
    from jobloop.parsing import title

    words = ["job", "posting", "position", "vacancy", "req", "opening", "career", "title", "name", "jobtitle",
             "header", "main", "TitleJob", "company", "Name", "x", "ı", "İ"]
    for text in _samples(words, 2):
        assert title._markup_name(text) == (title._MARKUP.search(text) is not None), text


def test_copyright_test_agrees_with_the_pattern():
    from jobloop.parsing import company

    words = ["©", "(c)", "(C)", "copyright", "Copyright", "COPYRIGHT", "copy right", "(c", "c)", "2024", "Acme",
             "All rights reserved", "ı", "é"]
    for text in _samples(words, 3):
        assert company._copyright_mark(text) == (company._COPYRIGHT_MARK.search(text) is not None), text


def test_label_start_admits_every_english_label():
    """A short line is tried against the LABELS alternation only if its first character can
    begin one of the alternatives (a character class built from them)."""
    import re

    from jobloop.parsing import heuristics

    for field, pattern in heuristics.LABELS.items():
        alternation = re.compile(rf"(?:{pattern})", re.I)
        for c in map(chr, range(0x2000)):
            if alternation.match(c + "x" * 30) or any(alternation.fullmatch(c + rest) for rest in ("", "s")):
                assert heuristics._LABEL_START.match(c), (field, c)
    for line in ("Location", "Job location:", "Lieu de travail", "Télétravail", "Ubicación", "Gehalt", "Зарплата",
                 "Компания", "Date posted", "Work place", "Workplace type", "Sede di lavoro"):
        assert heuristics._LABEL_START.match(line) and heuristics._ANY_LABEL.match(line), line
    # An alternative the class cannot describe (one that may begin otherwise) lets every line through.
    assert heuristics._label_start(["(?:a|b)c"]).match("z")
    assert heuristics._label_start(["s?alary"]).match("z")


def test_amount_pattern_lookahead_only_prunes():
    """_TEXT_RE begins with a lookahead for a digit within five characters: it must find what
    the pattern without it finds, for every currency prefix the pattern knows."""
    import re

    from jobloop.parsing.salary import _TEXT_RE

    plain = re.compile(_TEXT_RE.pattern.replace(r"(?=[\s\S]{0,4}\d)", "", 1), _TEXT_RE.flags)
    assert plain.pattern != _TEXT_RE.pattern
    prefixes = ["US$", "CA$", "AU$", "NZ$", "HK$", "C$", "A$", "S$", "R$", "$", "€", "£", "¥", "₹", "₴", "₽", "₩", "₪",
                "USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK", "PLN", "INR", "UAH", "NZD", "SGD", "JPY",
                "CZK", "RON", "HUF", "BRL", "MXN", "ZAR", "ILS", "AED", "usd", "Eur"]
    texts = []
    for p in prefixes:
        for gap in ("", " ", "\u00a0", "\n"):
            texts.append(f"Salary: {p}{gap}45,000 - {p}{gap}60,000 per year, or {p}{gap}25/hour")
    texts += ["Pay 120k-150k USD", "x$ 5 and 7 kr", "€45.000 – 65.000 brutto/Jahr", "no amount here", ""]
    for text in texts:
        assert [m.groupdict() | {"span": m.span()} for m in _TEXT_RE.finditer(text)] == \
            [m.groupdict() | {"span": m.span()} for m in plain.finditer(text)], text


def test_stripped_text_is_get_text():
    """document.stripped_text is el.get_text(" ", strip=True), with a shortcut for an element
    holding one string: same strings counted (no comments, no script text)."""
    from jobloop.parsing.document import Page, stripped_text

    page = Page("<body><a> Apply  now </a><a><!-- x --></a><a>   </a><button><span>Apply</span> here</button>"
                "<a><![CDATA[cdata]]></a><p>one<b>two</b> three</p><a></a><button><script>var x</script></button>"
                "<h1>\n Title \n</h1><template>t</template><a>tail<!-- c --></a></body>", "https://example.com/")
    elements = page.soup.find_all(True)
    assert len(elements) > 10
    for el in elements:
        assert stripped_text(el) == el.get_text(" ", strip=True), el


def test_skill_tokens_end_on_a_word_character():
    """The token pattern leaves trailing . - / ' & out itself: the tokens a strip after the
    match gave."""
    import random
    import re

    old = re.compile(r"[\w+#][\w+#&./'-]*")
    rng = random.Random(4)
    chars = "ab1_+#&./'- \nÄé\u00a0,;:x"
    for _ in range(20000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 14)))
        assert skills._tokens(text) == [t.rstrip(".-/'&") for t in old.findall(text)] or ".net" in text.lower(), text
