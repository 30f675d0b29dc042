"""Lessons over LSP: `playground/templates` and its `/get`, `/hint`, `/solution`, `/check`.

Thin: params are read by `lessons.params`, the lessons come from `lessons.catalog` (loaded
once per process), a check is judged by `lessons.check`. The client runs the learner's code
itself (`playground/run`, with the lesson's check `entry`, `stdin` and `files`) and sends
what the run printed; the server says whether it passes, so every client shows the same
verdict. docs/protocol.md, "Lessons and templates", has the shapes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcInvalidParams

from lionagi_playground.server.lessons import (
    CATEGORIES,
    DIFFICULTIES,
    LANGUAGES,
    Lesson,
    Verdict,
    judge,
    load_catalog,
)
from lionagi_playground.server.lessons.params import (
    CHECK,
    GET,
    HINT,
    LIST,
    SOLUTION,
    TemplateParamsError,
    check_params,
    hint_params,
    lesson_params,
    list_params,
)

if TYPE_CHECKING:
    from lionagi_playground.server.session import PlaygroundServer


@contextlib.contextmanager
def _answering(method: str) -> Iterator[None]:
    try:
        yield
    except TemplateParamsError as error:
        raise JsonRpcInvalidParams(f"invalid params for {method}: {error}") from None


def lsp_template_summary(lesson: Lesson) -> dict[str, Any]:
    return {
        "id": lesson.id,
        "title": lesson.title,
        "language": lesson.language,
        "category": lesson.category,
        "difficulty": lesson.difficulty,
        "summary": lesson.summary,
        "hints": len(lesson.hints),
    }


def lsp_template(lesson: Lesson) -> dict[str, Any]:
    check = lesson.check
    return {
        **lsp_template_summary(lesson),
        "description": lesson.description,
        "entry": lesson.entry,
        "files": dict(lesson.starter),
        "check": {
            "entry": check.entry or lesson.entry,
            "stdin": check.stdin,
            "files": dict(check.files),
            "displays": list(check.displays),
        },
    }


def lsp_verdict(verdict: Verdict) -> dict[str, Any]:
    answer: dict[str, Any] = {"passed": verdict.passed, "message": verdict.message}
    if verdict.expected is not None:
        answer["expected"] = verdict.expected
    if verdict.actual is not None:
        answer["actual"] = verdict.actual
    return answer


def register(server: PlaygroundServer) -> None:
    @server.feature(LIST)
    async def templates(ls: PlaygroundServer, raw: object) -> dict[str, Any]:
        with _answering(LIST):
            params = list_params(raw)
        chosen = [
            lsp_template_summary(lesson)
            for lesson in load_catalog()
            if params.language in (None, lesson.language)
            and params.category in (None, lesson.category)
            and params.difficulty in (None, lesson.difficulty)
        ]
        return {
            "templates": chosen,
            "languages": list(LANGUAGES),
            "categories": list(CATEGORIES),
            "difficulties": list(DIFFICULTIES),
        }

    @server.feature(GET)
    async def get(ls: PlaygroundServer, raw: object) -> dict[str, Any]:
        with _answering(GET):
            lesson = lesson_params(raw, GET, load_catalog())
        return lsp_template(lesson)

    @server.feature(HINT)
    async def hint(ls: PlaygroundServer, raw: object) -> dict[str, Any]:
        with _answering(HINT):
            params = hint_params(raw, load_catalog())
        hints = params.lesson.hints
        return {"index": params.index, "text": hints[params.index], "count": len(hints)}

    @server.feature(SOLUTION)
    async def solution(ls: PlaygroundServer, raw: object) -> dict[str, Any]:
        with _answering(SOLUTION):
            lesson = lesson_params(raw, SOLUTION, load_catalog())
        return {"id": lesson.id, "entry": lesson.entry, "files": dict(lesson.solution)}

    @server.feature(CHECK)
    async def check(ls: PlaygroundServer, raw: object) -> dict[str, Any]:
        with _answering(CHECK):
            params = check_params(raw, load_catalog())
        verdict = judge(
            params.lesson.check,
            params.stdout,
            exit_code=params.exit_code,
            exit_given=params.exit_given,
            stderr=params.stderr,
            displays=params.displays or (),
        )
        return lsp_verdict(verdict)
