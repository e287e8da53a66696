"""One search on both stores: the same postings and the same queries give the same postings
on SQLite (FTS5) and PostgreSQL (tsvector). Each run checks the store under test against
the expected answers and against an SQLite store built from the same data in this test,
so on the PostgreSQL run (scripts/test-postgres) the two engines are compared directly."""
from __future__ import annotations

import pytest


from factories import make_posting
from jobloop.config import Config
from jobloop.db import database, is_sqlite, open_database
from jobloop.migrations import migrate
from jobloop.services import pipeline, postings, search
from stores import ON_POSTGRES, TEST_DATABASE_URL, fresh_database_url

POSTINGS = [
    dict(title="Senior Software Engineer", company="Zürich Insurance",
         description="<p>Build data pipelines in Python. Full-stack welcome.</p>"),
    dict(title="Ingénieur logiciel", company="Société Générale",
         description="<p>Développement Java, équipe à Paris.</p>"),
    dict(title="Data Engineer", company="Acme Robotics", description="<p>Kafka and dbt; node.js tooling.</p>"),
    dict(title="Frontend Developer", company="Globex", description="<p>React, TypeScript; stack: full JS.</p>"),
    dict(title="Engineering Manager", company="Initech", description="<p>Lead a team of engineers.</p>"),
    dict(title="C++ Developer", company="Umbrella", description='<p>Work "NEAR" the OR desk AND more.</p>'),
]
NOTES = {"Frontend Developer": "Referral from Dana"}

ALL = sorted(p["title"] for p in POSTINGS)
# query -> the titles it finds (None: only that both stores agree, and no error)
QUERIES = {
    # word prefixes
    "eng": ["Data Engineer", "Engineering Manager", "Senior Software Engineer"],
    "ing": ["Ingénieur logiciel"],
    "engineer": ["Data Engineer", "Engineering Manager", "Senior Software Engineer"],
    "kaf": ["Data Engineer"],
    # accents folded, either way round, any case
    "zurich": ["Senior Software Engineer"],
    "ZÜRICH": ["Senior Software Engineer"],
    "societe generale": ["Ingénieur logiciel"],
    "développement": ["Ingénieur logiciel"],
    "equipe paris": ["Ingénieur logiciel"],
    # phrases: in order, next to each other, each word a prefix; never across two fields
    '"data pipelines"': ["Senior Software Engineer"],
    '"pipelines data"': [],
    '"sen soft"': ["Senior Software Engineer"],
    "full-stack": ["Senior Software Engineer"],
    '"full stack"': ["Senior Software Engineer"],
    "node.js": ["Data Engineer"],
    '"engineer zurich"': [],
    # several words: all must appear, in any field (notes and timeline notes included)
    "data engineer": ["Data Engineer", "Senior Software Engineer"],
    "python zurich": ["Senior Software Engineer"],
    "react globex": ["Frontend Developer"],
    "referral dana": ["Frontend Developer"],
    "portfolio": ["Engineering Manager"],
    "lead portfolio": ["Engineering Manager"],
    "nowhere": [],
    # hostile syntax is plain text
    '"near" OR (desk* AND': ["C++ Developer"],
    "c++ umbrella": ["C++ Developer"],
    "NEAR(desk more)": [],  # near and desk joined by punctuation: a phrase, and not in the text
    "NEAR (desk more)": ["C++ Developer"],
    "'); DROP TABLE posting; --": None,
    '"unclosed quote': [],
    "*": ALL, ":*": ALL, "'": ALL, "!!!": ALL, "": ALL,
    "a & b | !c <-> d": None,
    "ʼ ½ ¼": None,
    "%_ \\": ALL,
    "engineer -manager": ["Engineering Manager"],  # a minus is punctuation, not NOT
    " ".join(["eng"] * 40): ["Data Engineer", "Engineering Manager", "Senior Software Engineer"],
}


def answers(config: Config) -> dict[str, list[str]]:
    """Fill the config's store with POSTINGS and answer every query on it."""
    db = open_database(config)
    with db.connection_context():
        migrate(db)
        assert search.fts_ready(db)  # the real index on both: no LIKE fallback here
        for page in POSTINGS:
            posting = make_posting(**page)
            if page["title"] in NOTES:
                postings.update(posting, {"notes": NOTES[page["title"]]})
            if page["title"] == "Engineering Manager":
                pipeline.add_note(posting, "Sent my portfolio")
        found = {q: sorted(p.title for p in postings.search(q=q)) for q in QUERIES}
        counts = {q: search.count(q) for q in QUERIES}
    db.close()
    for q, titles in found.items():  # the index alone counts what the search finds
        assert counts[q] in (None, len(titles)), q
    return found


def test_search_answers_the_same_on_both_stores(config, tmp_path):
    under_test = answers(config)
    engine = "sqlite" if is_sqlite(database.obj) else "postgresql"
    reference = answers(Config(data_dir=tmp_path / "reference", database_url=None, testing=True))
    for q, expected in QUERIES.items():
        if expected is not None:
            assert under_test[q] == expected, (engine, q)
        assert under_test[q] == reference[q], (engine, q)


def test_search_index_follows_renames_notes_and_deletes(config):
    from jobloop.models import Company, Event

    db = open_database(config)
    with db.connection_context():
        migrate(db)
        posting = make_posting(**POSTINGS[0])
        Company.update(name="Basel Rück").where(Company.id == posting.company_id).execute()
        assert [p.title for p in postings.search(q="basel ruck")] == ["Senior Software Engineer"]
        assert list(postings.search(q="zurich")) == []
        pipeline.add_note(posting, "Call with Ottilie")
        assert search.count("ottilie") == 1
        Event.delete().where(Event.kind == "note").execute()
        assert search.count("ottilie") == 0
        postings.delete(posting)
        assert list(postings.search(q="eng")) == [] and search.count("eng") == 0
    db.close()


def test_search_folds_accents_without_unaccent(tmp_path):
    """Where the role may not install `unaccent` (no CREATE on the database, as on many
    managed servers) the schema step falls back to its own fold and answers the same."""
    if not ON_POSTGRES:
        pytest.skip("about PostgreSQL without the unaccent extension; SQLite folds accents in FTS5")
    import psycopg2

    base, _, name = TEST_DATABASE_URL.rpartition("/")
    admin = psycopg2.connect(TEST_DATABASE_URL)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = 'jobloop_plain'")
        if not cur.fetchone():
            cur.execute("CREATE ROLE jobloop_plain LOGIN")
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (f"{name}_plain",))
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}_plain"')
    admin.close()
    plain = fresh_database_url(empty=True, url=f"{base}/{name}_plain")
    con = psycopg2.connect(plain)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute("GRANT ALL ON SCHEMA public TO jobloop_plain")
    con.close()
    role_url = plain.replace("://postgres@", "://jobloop_plain@")
    found = answers(Config(data_dir=tmp_path / "plain", database_url=role_url, testing=True))
    con = psycopg2.connect(role_url)
    with con.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_extension WHERE extname = 'unaccent'")
        assert cur.fetchone() == (0,)  # really without it
    con.close()
    for q, expected in QUERIES.items():
        if expected is not None:
            assert found[q] == expected, q


def test_a_c_locale_database_is_named_when_the_search_index_is_made(tmp_path):
    if not ON_POSTGRES:
        pytest.skip("about PostgreSQL's database locale; SQLite's FTS5 has none")
    import psycopg2

    base, _, name = TEST_DATABASE_URL.rpartition("/")
    admin = psycopg2.connect(TEST_DATABASE_URL)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}_c"')
        cur.execute(f"CREATE DATABASE \"{name}_c\" TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C' LC_COLLATE 'C'")
    admin.close()
    said: list[str] = []
    db = open_database(Config(data_dir=tmp_path / "c", database_url=f"{base}/{name}_c", testing=True))
    with db.connection_context():
        migrate(db, report=said.append)
    db.close()
    assert any("locale is C" in line and "UTF-8" in line for line in said), said
