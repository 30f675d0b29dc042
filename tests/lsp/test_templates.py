"""Lessons over the real server: `playground/templates` and its get, hint, solution and check.

The whole loop a client goes through is driven here as the web page does it: list, open a
lesson, reveal hints, run the learner's files in the sandbox with the check's entry, stdin
and files (`playground/run`), send what the run printed and showed to
`playground/templates/check`, and show the verdict.
"""

from __future__ import annotations

from typing import Any

import pytest
from pygls.protocol import JsonRPCResponseMessage

from lionagi_playground.server.lessons import load_catalog
from tests.lsp.harness import Client
from tests.lsp.test_run import refused, run_log, start

CATALOG = load_catalog()


def raw_results(client: Client) -> None:
    """Keep this client's results of custom methods as plain JSON.

    pygls turns them into namedtuples, which renames keys that are not identifiers (the file
    `main.js` becomes `_0`); a browser's client reads the JSON as it is. The converter is the
    client's own, so no other test's client changes.
    """
    converter = client.protocol._converter
    converter.register_structure_hook(JsonRPCResponseMessage, lambda obj, cls: cls(**obj))


async def request(client: Client, method: str, params: Any) -> Any:
    raw_results(client)
    return await client.protocol.send_request_async(method, params)  # type: ignore[no-untyped-call]


async def test_the_list_has_every_lesson_with_its_facets(client: Client) -> None:
    listed = await request(client, "playground/templates", {})
    assert [item["id"] for item in listed["templates"]] == [x.id for x in CATALOG]
    first = listed["templates"][0]
    assert first == {
        "id": "lionagi-first-chat",
        "title": "Your first chat",
        "language": "python",
        "category": "lionagi",
        "difficulty": "beginner",
        "summary": first["summary"],
        "hints": 3,
    }
    assert listed["languages"] == ["python", "javascript", "bash"]
    assert listed["categories"] == ["lionagi", "basics", "data"]
    assert listed["difficulties"] == ["beginner", "intermediate", "advanced"]
    # No params at all is the same list.
    assert await request(client, "playground/templates", None) == listed


@pytest.mark.parametrize(
    "filters",
    [
        {"language": "bash"},
        {"category": "data"},
        {"difficulty": "advanced"},
        {"language": "python", "category": "lionagi", "difficulty": "intermediate"},
    ],
)
async def test_the_list_filters(client: Client, filters: dict[str, str]) -> None:
    listed = await request(client, "playground/templates", filters)
    wanted = [
        lesson.id
        for lesson in CATALOG
        if all(getattr(lesson, key) == value for key, value in filters.items())
    ]
    assert wanted
    assert [item["id"] for item in listed["templates"]] == wanted


async def test_a_lesson_its_hints_one_at_a_time_and_its_solution(client: Client) -> None:
    lesson = CATALOG.get("javascript-fizzbuzz")
    assert lesson is not None
    got = await request(client, "playground/templates/get", {"id": lesson.id})
    assert got["files"] == lesson.starter
    assert got["entry"] == "main.js"
    assert got["description"].startswith("The classic")
    assert got["check"] == {
        "entry": "check.js",
        "stdin": None,
        "files": lesson.check.files,
        "displays": [],
    }
    for index, text in enumerate(lesson.hints):
        hint = await request(client, "playground/templates/hint", {"id": lesson.id, "index": index})
        assert hint == {"index": index, "text": text, "count": len(lesson.hints)}
    solution = await request(client, "playground/templates/solution", {"id": lesson.id})
    assert solution == {"id": lesson.id, "entry": "main.js", "files": lesson.solution}


async def run_and_check(client: Client, lesson_id: str, files: dict[str, str]) -> dict[str, Any]:
    """What a client does on "Check": run as the lesson says, then ask the server to judge."""
    template = await request(client, "playground/templates/get", {"id": lesson_id})
    check = template["check"]
    run_id = await start(
        client,
        {
            "files": {**files, **check["files"]},
            "entry": check["entry"],
            "stdin": check["stdin"] or "",
        },
    )
    log = run_log(client)
    finished = await log.exit(run_id, within=60)
    params: dict[str, Any] = {
        "id": lesson_id,
        "stdout": log.text(run_id),
        "stderr": log.text(run_id, "stderr"),
        "exitCode": finished["exitCode"],
    }
    if check["displays"]:
        params["displays"] = [item["mime"] for item in log.of(run_id, "display")]
    verdict: dict[str, Any] = await request(client, "playground/templates/check", params)
    return verdict


@pytest.mark.parametrize("lesson_id", ["python-input", "javascript-fizzbuzz", "python-plot"])
async def test_check_a_run_of_the_solution_and_of_the_starter(
    client: Client, lesson_id: str
) -> None:
    lesson = CATALOG.get(lesson_id)
    assert lesson is not None
    passed = await run_and_check(client, lesson_id, lesson.solution)
    assert passed == {"passed": True, "message": lesson.check.success}
    failed = await run_and_check(client, lesson_id, lesson.starter)
    assert failed["passed"] is False
    assert failed["message"]
    assert "actual" in failed


async def test_a_check_says_what_differs(client: Client) -> None:
    verdict = await request(
        client,
        "playground/templates/check",
        {"id": "lionagi-first-chat", "stdout": "Paris.\nmessages: 1\n", "exitCode": 0},
    )
    assert verdict == {
        "passed": False,
        "message": "Expected a line `messages: 3` after a line matching `.*\\S.*` "
        "(communicate records the system prompt, your question and the reply).",
        "expected": "a line `messages: 3`",
        "actual": "Paris.\nmessages: 1",
    }
    crashed = await request(
        client,
        "playground/templates/check",
        {
            "id": "lionagi-first-chat",
            "stdout": "",
            "stderr": "Traceback (most recent call last):\nTypeError: boom\n",
            "exitCode": 1,
        },
    )
    assert crashed["message"] == "The program exited with code 1, expected 0: TypeError: boom"


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [
        ("playground/templates", [], "must be an object, got an array"),
        ("playground/templates", {"language": "ruby"}, "`language` must be one of python,"),
        ("playground/templates", {"category": 3}, "`category` must be one of lionagi, basics"),
        ("playground/templates", {"level": "x"}, "unknown field 'level'"),
        ("playground/templates/get", {}, "`id` must be a lesson's id"),
        ("playground/templates/get", {"id": "nope"}, "no lesson 'nope'"),
        ("playground/templates/get", {"id": 7}, "got a number"),
        ("playground/templates/get", "lionagi-memory", "must be an object, got a string"),
        ("playground/templates/hint", {"id": "lionagi-memory"}, "`index` must be an integer"),
        ("playground/templates/hint", {"id": "lionagi-memory", "index": 3}, "is 0 to 2, got 3"),
        ("playground/templates/hint", {"id": "lionagi-memory", "index": -1}, "got -1"),
        ("playground/templates/hint", {"id": "lionagi-memory", "index": True}, "a boolean"),
        ("playground/templates/solution", {"id": "x", "all": 1}, "unknown field 'all'"),
        ("playground/templates/check", {"id": "python-input"}, "`stdout` is required"),
        ("playground/templates/check", {"id": "python-input", "stdout": 1}, "must be the run's"),
        (
            "playground/templates/check",
            {"id": "python-input", "stdout": "", "exitCode": "0"},
            "`exitCode` must be an integer, or null",
        ),
        (
            "playground/templates/check",
            {"id": "python-input", "stdout": "", "exitCode": 1.5},
            "`exitCode` must be an integer",
        ),
        (
            "playground/templates/check",
            {"id": "python-plot", "stdout": "plotted 10 points\n"},
            "checks what the run showed: send `displays`",
        ),
        (
            "playground/templates/check",
            {"id": "python-plot", "stdout": "", "displays": "image/png"},
            "`displays` must be a list",
        ),
        (
            "playground/templates/check",
            {"id": "python-plot", "stdout": "", "displays": [None]},
            'MIME types such as "image/png"',
        ),
    ],
)
async def test_bad_params_are_refused_saying_what_was_wrong(
    client: Client, method: str, params: Any, message: str
) -> None:
    answer = await refused(client, method, params)
    assert answer.startswith(f"invalid params for {method}: ")
    assert message in answer, answer
