"""Skill vocabulary and extraction: precise rather than exhaustive."""
from __future__ import annotations

import re

# canonical name -> aliases (matched as whole words, case-insensitive)
VOCABULARY: dict[str, tuple[str, ...]] = {
    "Python": ("python",),
    "JavaScript": ("javascript", "js"),
    "TypeScript": ("typescript",),
    "SQL": ("sql",),
    "Kubernetes": ("kubernetes", "k8s"),
    "Docker": ("docker",),
    "AWS": ("aws", "amazon web services"),
    "Stakeholder management": ("stakeholder management",),
}


def _pattern(alias: str) -> re.Pattern:
    return re.compile(r"(?<![\w+#.])" + re.escape(alias) + r"(?![\w+#])", re.I)


_COMPILED = [(name, [_pattern(a) for a in aliases]) for name, aliases in VOCABULARY.items()]


def extract_skills(text: str) -> list[str]:
    text = text or ""
    return [name for name, pats in _COMPILED if any(p.search(text) for p in pats)]
