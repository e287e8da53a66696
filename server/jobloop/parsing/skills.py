"""Skill vocabulary and extraction: precise rather than exhaustive.

Each canonical skill lists aliases matched as whole words, case-insensitively; an alias
written "=Alias" must match its case exactly (Spark, Go, R, Excel are also plain words).
Skills found only in a "nice to have / a plus / preferred" passage are nice-to-have."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .text import find_near, lower

VOCABULARY: dict[str, tuple[str, ...]] = {
    # languages
    "Python": ("python",), "JavaScript": ("javascript", "=JS", "ecmascript"), "TypeScript": ("typescript", "=TS"),
    "Java": ("java",), "Kotlin": ("kotlin",), "Scala": ("scala",), "Go": ("golang", "go programming", "=Go language"),
    "Rust": ("=Rust",), "C++": ("c++", "cpp"), "C#": ("c#", "c sharp"), ".NET": (".net", "dotnet", "asp.net"),
    "Ruby": ("ruby",), "Ruby on Rails": ("ruby on rails", "=Rails"), "PHP": ("php",), "Swift": ("=Swift",),
    "Objective-C": ("objective-c",), "R": ("=R programming", "=R and Python", "=R or Python", "=Python and R", "=Python or R"), "SQL": ("sql",),
    "Bash": ("bash", "shell scripting"), "Elixir": ("elixir",), "Haskell": ("haskell",), "Perl": ("perl",),
    "MATLAB": ("matlab",), "Solidity": ("solidity",), "Dart": ("=Dart",), "Lua": ("=Lua",),
    # web and mobile
    "React": ("react", "react.js", "reactjs"), "React Native": ("react native",), "Angular": ("angular", "angularjs"),
    "Vue.js": ("vue", "vue.js", "vuejs"), "Next.js": ("next.js", "nextjs"), "Node.js": ("node.js", "nodejs", "=Node"),
    "Svelte": ("svelte",), "HTML": ("html", "html5"), "CSS": ("css", "css3", "sass", "scss"), "Tailwind CSS": ("tailwind",),
    "Redux": ("redux",), "GraphQL": ("graphql",), "REST APIs": ("rest api", "rest apis", "restful", "restful apis"),
    "gRPC": ("grpc",), "Django": ("django",), "Flask": ("=Flask",), "FastAPI": ("fastapi",), "Spring": ("spring boot", "=Spring"),
    "Express": ("express.js", "expressjs"), "Laravel": ("laravel",), "Flutter": ("flutter",), "iOS": ("=iOS",),
    "Android": ("=Android",), "jQuery": ("jquery",), "Webpack": ("webpack",),
    # data and ML
    "PostgreSQL": ("postgresql", "postgres"), "MySQL": ("mysql",), "MongoDB": ("mongodb", "mongo"), "Redis": ("redis",),
    "Elasticsearch": ("elasticsearch", "elastic search", "opensearch"), "Cassandra": ("cassandra",), "DynamoDB": ("dynamodb",),
    "Snowflake": ("=Snowflake",), "BigQuery": ("bigquery",), "Redshift": ("redshift",), "Databricks": ("databricks",),
    "Apache Spark": ("apache spark", "=Spark", "pyspark"), "Apache Kafka": ("kafka",), "Airflow": ("airflow",), "dbt": ("=dbt",),
    "Hadoop": ("hadoop",), "Pandas": ("pandas",), "NumPy": ("numpy",), "scikit-learn": ("scikit-learn", "sklearn"),
    "TensorFlow": ("tensorflow",), "PyTorch": ("pytorch",), "Machine learning": ("machine learning", "=ML"),
    "Deep learning": ("deep learning",), "NLP": ("nlp", "natural language processing"), "Computer vision": ("computer vision",),
    "LLMs": ("llm", "llms", "large language model", "large language models"), "Data analysis": ("data analysis", "data analytics"),
    "Statistics": ("statistics", "statistical analysis"), "ETL": ("etl", "elt"), "Data modeling": ("data modeling", "data modelling"),
    "Tableau": ("tableau",), "Power BI": ("power bi", "powerbi"), "Looker": ("looker",), "Excel": ("=Excel", "microsoft excel", "ms excel"),
    "A/B testing": ("a/b testing", "ab testing", "experimentation"),
    # infrastructure
    "AWS": ("aws", "amazon web services"), "Google Cloud": ("gcp", "google cloud"), "Azure": ("azure",),
    "Kubernetes": ("kubernetes", "k8s"), "Docker": ("docker",), "Terraform": ("terraform",), "Ansible": ("ansible",),
    "Helm": ("=Helm",), "Linux": ("linux",), "CI/CD": ("ci/cd", "continuous integration", "continuous delivery", "continuous deployment"),
    "Jenkins": ("jenkins",), "GitHub Actions": ("github actions",), "GitLab CI": ("gitlab ci",), "Git": ("=Git",),
    "Prometheus": ("prometheus",), "Grafana": ("grafana",), "Datadog": ("datadog",), "Microservices": ("microservices", "micro-services"),
    "Distributed systems": ("distributed systems",), "Observability": ("observability",), "DevOps": ("devops",),
    "Site reliability engineering": ("site reliability", "=SRE"), "Networking": ("tcp/ip", "networking protocols"),
    "Security": ("application security", "cybersecurity", "cyber security", "information security"),
    # product, design, business
    "Figma": ("figma",), "UX design": ("ux design", "user experience design", "ux/ui", "ui/ux"), "User research": ("user research",),
    "Product management": ("product management",), "Agile": ("agile",), "Scrum": ("scrum",), "Jira": ("jira",),
    "Salesforce": ("salesforce",), "HubSpot": ("hubspot",), "SEO": ("=SEO", "search engine optimization"), "SEM": ("=SEM",),
    "Google Analytics": ("google analytics",), "Content marketing": ("content marketing",), "Copywriting": ("copywriting",),
    "Performance marketing": ("performance marketing", "paid media", "paid acquisition"), "CRM": ("=CRM",),
    "Financial modeling": ("financial modeling", "financial modelling"), "FP&A": ("fp&a", "financial planning and analysis"),
    "Accounting": ("accounting",), "SAP": ("=SAP",), "Budgeting": ("budgeting",), "Forecasting": ("forecasting",),
    "Project management": ("project management",), "Program management": ("program management", "programme management"),
    "Stakeholder management": ("stakeholder management", "managing stakeholders", "stakeholder engagement"),
    "Communication": ("communication skills", "excellent communication", "written and verbal communication", "verbal and written communication"),
    "Leadership": ("leadership skills", "people management", "team leadership"), "Mentoring": ("mentoring", "mentorship"),
    "Negotiation": ("negotiation",), "Sales": ("b2b sales", "enterprise sales", "saas sales"), "Customer success": ("customer success",),
    "Recruiting": ("full-cycle recruiting", "full cycle recruiting", "technical recruiting", "technical sourcing"), "Problem solving": ("problem-solving", "problem solving"),
    "English": ("fluent english", "english fluency", "fluency in english", "business english"),
    "German": ("fluent german", "fließend deutsch", "deutschkenntnisse", "german fluency"),
    "French": ("fluent french", "fluency in french"), "Spanish": ("fluent spanish", "fluency in spanish"),
}


# Matching is a dictionary lookup of 1–4 word n-grams over the text's tokens: one pass,
# however large the vocabulary grows.
# A token ends on a word character, + or #: trailing ".-/'&" are left out by the pattern
# itself (it backtracks to the last such character) instead of stripped token by token.
_TOKEN = re.compile(r"[\w+#](?:[\w+#&./'-]*[\w+#])?")
_DOTNET = re.compile(r"(?<![\w.])\.net\b", re.I)


def _tokens(text: str) -> list[str]:
    text = _DOTNET.sub(" dotnet ", text) if ".net" in lower(text) else text
    return _TOKEN.findall(text)


_CI: dict[tuple[str, ...], str] = {}
_CS: dict[tuple[str, ...], str] = {}
for _name, _aliases in VOCABULARY.items():
    for _alias in _aliases:
        exact = _alias.startswith("=")
        plain = _alias[1:] if exact else _alias
        key = tuple(_tokens(plain))
        if exact:
            _CS[key] = _name
        else:
            _CI[tuple(t.lower() for t in key)] = _name
_MAX_N = max(len(k) for k in [*_CI, *_CS])
_FIRST_CI = {k[0] for k in _CI}
_FIRST_CS = {k[0] for k in _CS}


def _find(tokens: list[str]) -> set[str]:
    lower = [t.lower() for t in tokens]
    found: set[str] = set()
    first_ci, first_cs = _FIRST_CI, _FIRST_CS
    for i, (token, low) in enumerate(zip(tokens, lower)):
        if "/" in token:  # "Python/Django" names two skills
            for part in token.split("/"):
                hit = _CI.get((part.lower(),)) or _CS.get((part,))
                if hit:
                    found.add(hit)
        if low not in first_ci and token not in first_cs:
            continue
        for n in range(1, _MAX_N + 1):
            if i + n > len(tokens):
                break
            hit = _CI.get(tuple(lower[i:i + n])) or _CS.get(tuple(tokens[i:i + n]))
            if hit:
                found.add(hit)
    return found


_BY_NAME = {name.casefold(): name for name in VOCABULARY}
_ORDER = {name: i for i, name in enumerate(VOCABULARY)}


@lru_cache(maxsize=4096)
def canonical(name: str | None) -> str | None:
    """The vocabulary's name for a skill named on its own, as a user types it into a
    profile or a posting ("k8s" -> "Kubernetes", "postgres" -> "PostgreSQL"); None when
    the vocabulary does not know it."""
    clean = " ".join((name or "").split())
    tokens = tuple(_tokens(clean))
    if not tokens:
        return None
    return _BY_NAME.get(clean.casefold()) or _CI.get(tuple(t.lower() for t in tokens)) or _CS.get(tokens)


_NICE_HEAD = re.compile(r"nice[ -]to[ -]have|bonus|preferred|a plus|pluses|desirable|ideally|good to have|wünschenswert|"
                        r"von vorteil|un plus|idealmente|deseable|sarebbe un plus|buono a sapersi|будет плюсом|буде плюсом", re.I)
_HEADING = re.compile(r"^[^.!?]{2,80}:?$")
# Every phrase of _NICE_HEAD contains one of these: plain substring tests decide which lines
# the (slow, case-insensitive) pattern needs to read at all.
_LINE_ENDS = set("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_NICE_STEMS = ("nice", "bonus", "prefer", "plus", "desirab", "ideal", "good to have", "wünschenswert", "vorteil",
               "deseable", "buono a sapersi", "плюсом")


@dataclass
class Found:
    all: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)
    nice: list[str] = field(default_factory=list)


def extract(text: str, company: str | None = None) -> Found:
    """Skills the description names, split into required and nice-to-have. The hiring
    company's own name is not a skill (Databricks' postings all say "Databricks")."""
    text = (text or "")[:100_000]
    own = (company or "").strip().lower()
    nice_lines, other_lines, in_nice = [], [], False
    # Lines holding a nice-to-have phrase, found near the phrases' words (one long line is
    # common: a JSON-LD description without breaks) and mapped back to lines by offset.
    hits = [m.start() for m in find_near(_NICE_HEAD, text, _NICE_STEMS, reach=40)]
    if not hits:
        other_lines = [text]  # no nice-to-have passage: one pass over the whole text
    offset, h = 0, 0
    for line in text.splitlines(keepends=True) if hits else ():
        end = offset + len(line)
        nice = False
        while h < len(hits) and hits[h] < end:
            nice, h = nice or hits[h] >= offset, h + 1
        offset = end
        line = line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029") if line[-1:] in _LINE_ENDS else line
        if len(line) < 80 and _HEADING.match(line) and not line.startswith(("-", "•", "*")):
            in_nice = nice
        (nice_lines if in_nice or nice else other_lines).append(line)
    in_main_set = _find(_tokens("\n".join(other_lines)))
    in_nice_set = _find(_tokens("\n".join(nice_lines))) - in_main_set
    out = Found()
    # Vocabulary order keeps output stable; only the few names found are looked at.
    for name in sorted(in_main_set | in_nice_set, key=_ORDER.__getitem__):
        if own and (name.lower() in own or own in name.lower()):
            continue
        if name in in_main_set:
            out.required.append(name)
        elif name in in_nice_set:
            out.nice.append(name)
        else:
            continue
        out.all.append(name)
    return out


# ---- comparison keys and families (the plan's skill gaps, services/gaps.py) ------------

def skill_key(name: str | None) -> str:
    """The comparison key of a skill name: the vocabulary's name for an alias ("k8s" ->
    "Kubernetes"), else the name trimmed and inner spaces collapsed; case-folded. Profile
    skills, postings' skills and goals all compare by it. NUL is dropped: no store keeps it
    (models.py), so a name compares as it will be stored."""
    name = (name or "").replace("\x00", "")
    return " ".join((canonical(name) or name).split()).casefold()


def shown_name(name: str | None) -> str:
    """How a skill is shown: the vocabulary's name ("k8s" -> "Kubernetes"), else as typed
    with inner spaces collapsed (and without NUL, as skill_key)."""
    name = (name or "").replace("\x00", "")
    return canonical(name) or " ".join(name.split())


def keyed(names) -> list[tuple[str, str]]:
    """(key, shown name) of each distinct skill in a posting's list, in order: a skill
    listed twice ("Kubernetes", "k8s") is asked once, by its first spelling."""
    out, seen = [], set()
    for name in names or []:
        if not isinstance(name, str):
            continue
        k = skill_key(name)
        if k and k not in seen:
            seen.add(k)
            out.append((k, shown_name(name)))
    return out


# Related skills the plan rolls up under one heading, each still listed on its own: a
# posting asking for AWS and one asking for Azure both ask for a cloud platform. Small and
# explicit on purpose; a family name is never a vocabulary name (tests check it).
FAMILIES: dict[str, tuple[str, ...]] = {
    "Cloud platforms": ("AWS", "Azure", "Google Cloud"),
    "Frontend frameworks": ("React", "Angular", "Vue.js", "Svelte"),
    "Relational databases": ("PostgreSQL", "MySQL"),
    "Data warehouses": ("Snowflake", "BigQuery", "Redshift", "Databricks"),
    "BI tools": ("Tableau", "Power BI", "Looker"),
    "CI/CD tools": ("Jenkins", "GitHub Actions", "GitLab CI"),
    "Infrastructure as code": ("Terraform", "Ansible"),
    "Monitoring": ("Prometheus", "Grafana", "Datadog"),
    "Deep learning frameworks": ("TensorFlow", "PyTorch"),
}
# skill key -> family name
FAMILY_OF: dict[str, str] = {skill_key(member): family for family, members in FAMILIES.items() for member in members}

# A posting's row for a family names the members it asked for, so a family's postings can be
# counted from tallies however the profile narrows its members. The mark is never in a
# skill_key (str.split() takes it for whitespace), so these keys cannot meet a skill's.
FAMILY_MARK = "\x1d"


def posting_rows(names) -> list[tuple[str, str]]:
    """The posting_skill rows (key, shown name) for a posting's skill list: each distinct skill
    (keyed), then one row per family it touches, keyed by the family and the members asked
    ("\x1dCloud platforms\x1daws+azure")."""
    rows = keyed(names)
    members: dict[str, list[str]] = {}
    for k, _ in rows:
        if k in FAMILY_OF:
            members.setdefault(FAMILY_OF[k], []).append(k)
    return rows + [(f"{FAMILY_MARK}{family}{FAMILY_MARK}{'+'.join(sorted(keys))}", family)
                   for family, keys in members.items()]


def family_row(key: str) -> tuple[str, frozenset[str]] | None:
    """(family, member keys) of a family row's key; None for a skill's key."""
    if not key.startswith(FAMILY_MARK):
        return None
    family, _, members = key[1:].partition(FAMILY_MARK)
    return family, frozenset(members.split("+"))
