"""Lessons and snippets: data in the repository (`data/<id>/`, `snippets.toml`), read and checked.

Pure: no LSP, no sandbox. `catalog` loads and validates the lessons, `check` judges what a
run of a learner's program printed against a lesson's check, `snippets` holds the lionagi
snippets offered in completion and decides where they fit. `features/templates.py` serves
them over LSP (docs/protocol.md, "Lessons and templates").
"""

from lionagi_playground.server.lessons.catalog import (
    CATEGORIES,
    DIFFICULTIES,
    LANGUAGES,
    Catalog,
    Lesson,
    LessonDataError,
    load_catalog,
)
from lionagi_playground.server.lessons.check import Check, Expectation, Verdict, judge

__all__ = [
    "CATEGORIES",
    "DIFFICULTIES",
    "LANGUAGES",
    "Catalog",
    "Check",
    "Expectation",
    "Lesson",
    "LessonDataError",
    "Verdict",
    "judge",
    "load_catalog",
]
