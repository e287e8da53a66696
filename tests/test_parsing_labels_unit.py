"""The language table (parsing/labels.json): every language it must cover reads a page of
labelled job facts written in that language — location, employment type, workplace — both
as label/value pairs (a definition list) and as 'Label: value' lines."""
from __future__ import annotations

import json

import pytest

from jobloop.parsing import parse
from jobloop.parsing.labels import TABLE_PATH, languages

# language: (title, description, (location label, place), (type label, value, expected),
#            (workplace label, value, expected))
PAGES = {
    "en": ("Warehouse Supervisor", "Responsibilities: lead the night shift. Requirements: two years of experience.",
           ("Location", "Leeds"), ("Job type", "Part-time", "PART_TIME"), ("Workplace", "Remote", "remote")),
    "de": ("Lagerleiter", "Ihre Aufgaben: Sie führen das Team. Ihr Profil: Erfahrung in der Logistik. Wir bieten: faire Bezahlung.",
           ("Standort", "Berlin"), ("Anstellungsart", "Vollzeit", "FULL_TIME"), ("Arbeitsmodell", "Hybrid", "hybrid")),
    "fr": ("Chef d'équipe logistique", "Vos missions : encadrer l'équipe. Profil recherché : trois ans d'expérience.",
           ("Lieu", "Lyon"), ("Type de contrat", "CDD", "TEMPORARY"), ("Mode de travail", "Télétravail", "remote")),
    "es": ("Jefe de almacén", "Funciones: coordinar el equipo. Requisitos: experiencia previa. Ofrecemos: contrato estable.",
           ("Ubicación", "Sevilla"), ("Jornada", "Tiempo parcial", "PART_TIME"), ("Modalidad", "Presencial", "onsite")),
    "pt": ("Supervisor de armazém", "Responsabilidades: liderar a equipa. Requisitos: experiência. Oferecemos: seguro de saúde.",
           ("Local de trabalho", "Porto"), ("Regime", "Tempo integral", "FULL_TIME"), ("Modelo de trabalho", "Híbrido", "hybrid")),
    "it": ("Responsabile di magazzino", "Mansioni: coordinare il turno. Requisiti: esperienza. Offriamo: buoni pasto.",
           ("Sede di lavoro", "Torino"), ("Tipo di contratto", "Tempo determinato", "TEMPORARY"), ("Modalità", "Da remoto", "remote")),
    "nl": ("Teamleider magazijn", "Wat ga je doen: het team aansturen. Wij bieden: een goed salaris. Functie-eisen: mbo-niveau.",
           ("Standplaats", "Utrecht"), ("Dienstverband", "Deeltijd", "PART_TIME"), ("Werkmodel", "Hybride", "hybrid")),
    "pl": ("Kierownik magazynu", "Obowiązki: zarządzanie zespołem. Wymagania: doświadczenie. Oferujemy: prywatną opiekę medyczną.",
           ("Lokalizacja", "Kraków"), ("Wymiar etatu", "Pełny etat", "FULL_TIME"), ("Tryb pracy", "Zdalna", "remote")),
    "uk": ("Керівник складу", "Обов'язки: керувати командою. Вимоги: досвід від двох років. Ми пропонуємо: офіційне працевлаштування.",
           ("Місто", "Львів"), ("Зайнятість", "Повна зайнятість", "FULL_TIME"), ("Формат роботи", "Віддалено", "remote")),
    "ru": ("Руководитель склада", "Обязанности: руководить сменой. Требования: опыт от года. Условия: оформление по ТК.",
           ("Город", "Казань"), ("Тип занятости", "Частичная занятость", "PART_TIME"), ("Формат работы", "Гибрид", "hybrid")),
    "zh": ("仓库主管", "岗位职责：管理仓库日常运营。任职要求：三年以上相关经验。",
           ("工作地点", "深圳市南山区"), ("工作性质", "实习", "INTERN"), ("办公方式", "远程", "remote")),
    "ja": ("倉庫管理スタッフ", "仕事内容：倉庫の在庫管理。応募資格：未経験歓迎。福利厚生：社会保険完備。",
           ("勤務地", "大阪府大阪市"), ("雇用形態", "アルバイト", "PART_TIME"), ("リモートワーク", "フルリモート", "remote")),
    "ko": ("물류센터 관리자", "담당 업무: 재고 관리. 자격 요건: 관련 경력 2년 이상. 복리후생: 4대 보험.",
           ("근무지", "서울특별시 강남구"), ("고용 형태", "정규직", "FULL_TIME"), ("근무 형태", "재택근무", "remote")),
    "ar": ("مشرف مستودع", "المسؤوليات: إدارة فريق المستودع. المتطلبات: خبرة سنتين. الوصف الوظيفي: دوام مسائي.",
           ("المدينة", "عمّان"), ("نوع الوظيفة", "دوام جزئي", "PART_TIME"), ("نوع العمل", "عن بعد", "remote")),
    "tr": ("Depo Sorumlusu", "İş tanımı: depo ekibini yönetmek. Aranan nitelikler: en az iki yıl deneyim.",
           ("Konum", "İzmir"), ("Çalışma türü", "Tam zamanlı", "FULL_TIME"), ("Çalışma modeli", "Hibrit", "hybrid")),
}


def _page(lang: str, layout: str) -> str:
    title, body, (loc_label, place), (type_label, type_value, _), (work_label, work_value, _) = PAGES[lang]
    pairs = [(loc_label, place), (type_label, type_value), (work_label, work_value)]
    if layout == "dl":
        facts = "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in pairs) + "</dl>"
    else:
        facts = "".join(f"<p>{k}: {v}</p>" for k, v in pairs)
    return (f'<html lang="{lang}"><head><title>{title}</title></head><body><h1>{title}</h1>{facts}'
            f"<div><p>{body}</p></div></body></html>")


def test_table_covers_the_languages_it_must():
    assert set(PAGES) <= set(languages()), set(PAGES) - set(languages())


@pytest.mark.parametrize("lang", sorted(json.loads(TABLE_PATH.read_text(encoding="utf-8")).keys() - {"_about"}))
def test_every_language_fills_every_section(lang):
    entry = json.loads(TABLE_PATH.read_text(encoding="utf-8"))[lang]
    for field in ("locations", "remote", "employment_type", "salary", "date_posted", "company", "title"):
        assert entry["labels"].get(field), f"{lang}: no labels for {field}"
    for kind in ("hybrid", "remote", "onsite", "FULL_TIME", "PART_TIME", "TEMPORARY", "CONTRACTOR", "INTERN"):
        assert entry["values"].get(kind), f"{lang}: no words for {kind}"
    for key in ("up_to", "allowance"):
        assert entry["salary"].get(key), f"{lang}: no salary words for {key}"
    assert entry["posting_words"] and entry["apply"]


@pytest.mark.parametrize("layout", ["dl", "inline"])
@pytest.mark.parametrize("lang", sorted(PAGES))
def test_labelled_facts_in_each_language(lang, layout):
    _, _, (_, place), (_, _, employment), (_, _, workplace) = PAGES[lang]
    draft = parse(_page(lang, layout), "https://jobs.example.com/jobs/4217").to_dict()
    assert draft["is_posting"], draft["reason"]
    assert draft["title"] == PAGES[lang][0]
    assert draft["locations"] == [place], draft["field_sources"]
    assert draft["employment_type"] == employment, draft["field_sources"]
    assert draft["remote"] == workplace, draft["field_sources"]


def test_found_in_agrees_with_reading_every_phrase():
    """found_in looks up whole-word phrases by their first word and skips scripts the text
    does not use: the same hits as checking every phrase of the table."""
    from jobloop.parsing import labels

    def every_phrase(f, section, key, langs=None):
        hits = set()
        for body, prefix, wide, _ascii in labels._phrases(section, key, langs):
            i = f.find(body)
            while i >= 0:
                end = i + len(body)
                if wide or ((i == 0 or not f[i - 1].isalnum()) and (prefix or end == len(f) or not f[end].isalnum())):
                    hits.add(body)
                    break
                i = f.find(body, i + 1)
        return hits

    texts = ["We offer a hybrid role, full-time, permanent; work from home twice a week. Apply now! Responsibilities: code.",
             "Standort: Berlin. Vollzeit, teilweise remote. Wir bieten Homeoffice. Bewerben Sie sich jetzt.",
             "勤務地：東京。正社員。リモート可。応募する", "Гібридний формат, повна зайнятість. Вакансія.", "postdoctoral fellow", ""]
    for text in texts:
        f = labels.lfold(text)
        for section, key in (("values", "hybrid"), ("values", "remote"), ("values", "FULL_TIME"), ("posting_words", ""),
                             ("apply", ""), ("values", "TEMPORARY")):
            for langs in (None, tuple(lang for lang in labels.languages() if lang != "en")):
                assert labels.found_in(f, section, key, langs) == every_phrase(f, section, key, langs), (text, section, key)


def test_label_prefilter_never_hides_a_label():
    """may_hold_label rules strings out before the all-languages label pattern runs: every
    phrase of the table, in every layout the pattern accepts, still gets through, and a
    line with no label word does not."""
    from jobloop.parsing import labels

    layouts = ("{}", "{}:", " • {} : ", "【{}】", "＜{}＞：", "Institution/{}", "{}/Ort", "{}: Berlin, Germany")
    checked = 0
    for field in labels.LABEL_FIELDS:
        for phrase in labels.words("labels", field):
            for layout in layouts:
                f = labels.lfold(layout.format(phrase.rstrip("*")))
                if labels.any_label().match(f) or labels.any_inline().match(f):
                    checked += 1
                    assert labels.may_hold_label(f), (field, phrase, layout)
    assert checked > 1000
    for line in ("Lorem ipsum dolor sit amet", "We build tools for teams", "2024", ""):
        assert not labels.may_hold_label(labels.lfold(line)), line
        assert labels.label_of(labels.lfold(line)) is None


def test_value_prefilter_never_hides_a_value():
    """may_hold_value rules a string out before the kinds' patterns run: never one they find a
    value in (every phrase of the table, run together, spaced out, inside other words and
    between them), and it does rule out strings with no value word."""
    from jobloop.parsing import labels

    kind_sets = (labels.EMPLOYMENT_KINDS, labels.REMOTE_KINDS)
    strings = ["", "Lorem ipsum", "Senior Data Analyst", "Candidati", "Rimuovi foto", "a distanza", "adistanza",
               "fulltime", "full  time", "full-time", "Full Time (40h)", "100% remote", "remotely", "distance",
               "勤務地：東京。正社員", "Гібридний формат", "in office 3 days", "Accedi per candidarti"]
    for kinds in kind_sets:
        for kind in kinds:
            for phrase in labels.words("values", kind):
                body = labels.lfold(phrase.rstrip("*"))
                strings += [body, body.replace(" ", ""), "  ".join(body.split()), f"x {body}s", f"({body})",
                            f"{body}-x", f"x{body}", f"{body}ing y", body.split()[0] if body.split() else ""]
    checked = ruled_out = 0
    for text in strings:
        f = labels.lfold(text)
        for kinds in kind_sets:
            found = any(labels.matcher("values", kind).search(f) for kind in kinds)
            passes = labels.may_hold_value(f, kinds)
            assert passes or not found, (text, kinds)
            checked += found
            ruled_out += not passes
    assert checked > 500 and ruled_out > 100, (checked, ruled_out)
    for line in ("Lorem ipsum dolor sit amet", "Senior Data Analyst", "Rimuovi foto"):
        assert not any(labels.may_hold_value(labels.lfold(line), kinds) for kinds in kind_sets), line


def test_section_lookup_agrees_with_the_pattern():
    """is_section looks the line up without its spaces before the section pattern runs: it says
    what generic_section() says, for every phrase and its spacings, and for other lines."""
    from jobloop.parsing import labels

    lines = ["", "lorem ipsum", "responsibilities", "what we offer", "whatweoffer", "what  we offer", "what we offer x"]
    for phrase in labels.words("posting_words", ""):
        body = labels.lfold(phrase.rstrip("*"))
        lines += [body, body.replace(" ", ""), " ".join(body), body + " x", body + "s", "x " + body]
    for line in lines:
        assert labels.is_section(line) == (labels.generic_section().match(line) is not None), line
    assert sum(labels.is_section(line) for line in lines) > 100
