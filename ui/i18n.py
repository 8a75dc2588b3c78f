"""Interface language. Simplified Chinese is the source language of every label; English comes from
``resources/translations/en.json`` (Chinese text → English text).

Import ``tr`` from this module (never injected into builtins). The language is chosen once at start-up
(settings or ``--lang``); widgets built afterwards use it.
"""

from __future__ import annotations

import json
from functools import cache

from hazdesk.paths import resource_path

_language = "zh"


def set_language(language: str) -> None:
    global _language
    _language = "en" if language.lower().startswith("en") else "zh"


def language() -> str:
    return _language


@cache
def _english() -> dict[str, str]:
    path = resource_path("translations", "en.json")
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def tr(text: str, context: str | None = None) -> str:
    """The label in the current language; untranslated labels stay Chinese rather than disappear.

    ``context`` tells apart one Chinese word that English says two ways (隐患: "Findings" as a list,
    "Finding" for one): en.json may hold ``"隐患#one"`` beside ``"隐患"``."""
    if _language == "zh":
        return text
    english = _english()
    if context is not None and f"{text}#{context}" in english:
        return english[f"{text}#{context}"]
    return english.get(text, text)
