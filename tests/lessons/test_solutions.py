"""Every lesson, run as a learner's client runs it, in the real sandbox with the offline model.

For each lesson: the workspace a client sends for its check (the lesson's files, plus the
check's own files, started at the check's entry, with the check's stdin) runs in bubblewrap
under the default limits, and the server's judge reads what it printed and showed. The
solution must pass; the starter must not (a check that an unfinished program passes checks
nothing).
"""

from __future__ import annotations

import asyncio

import pytest

from lionagi_playground.sandbox import Backend, Limits, RunRequest
from lionagi_playground.server.lessons import Lesson, Verdict, judge, load_catalog
from tests.sandbox.harness import Result, collect

LESSONS = load_catalog().lessons
RUN_TIMEOUT_S = 60.0
"""The default limit is 30 s; scikit-learn's first import on a loaded machine is slow."""


async def run_for_check(backend: Backend, lesson: Lesson, files: dict[str, str]) -> Result:
    check = lesson.check
    request = RunRequest(
        {**files, **check.files},
        check.entry or lesson.entry,
        stdin=check.stdin if check.stdin is not None else "",
        limits=Limits(timeout_s=RUN_TIMEOUT_S),
    )
    return await collect(await backend.start(request), RUN_TIMEOUT_S + 20)


def verdict_of(lesson: Lesson, result: Result) -> Verdict:
    return judge(
        lesson.check,
        result.text(),
        exit_code=result.exit.exit_code,
        exit_given=True,
        stderr=result.text("stderr"),
        displays=[item.mime for item in result.displays],
    )


@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.id for lesson in LESSONS])
async def test_the_solution_passes_and_the_starter_does_not(
    sandbox: Backend, lesson: Lesson
) -> None:
    solved, started = await asyncio.gather(
        run_for_check(sandbox, lesson, lesson.solution),
        run_for_check(sandbox, lesson, lesson.starter),
    )
    verdict = verdict_of(lesson, solved)
    assert verdict.passed, (
        f"{lesson.id}: {verdict.message}\nstdout:\n{solved.text()}\n"
        f"stderr:\n{solved.text('stderr')}\nexit: {solved.exit}"
    )
    assert solved.exit.status == "ok"
    assert solved.text("stderr") == "", "a solution should run without warnings"
    unfinished = verdict_of(lesson, started)
    assert not unfinished.passed, f"{lesson.id}: the starter passes its check"
