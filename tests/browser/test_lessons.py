"""Every lesson in the page: started from the Lessons panel, its solution pasted in the editor,
the Check button says it passed (a real run in the sandbox, judged by the server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, expect

from lionagi_playground.server.lessons.catalog import load_catalog
from tests.browser.conftest import open_playground
from tests.browser.test_page import replace_text
from tests.web.harness import Served, serve

pytestmark = pytest.mark.slow

TIMEOUT = 60_000
LESSONS = [lesson.id for lesson in load_catalog().lessons]


@pytest.fixture(scope="module")
def lessons_server(tmp_path_factory: pytest.TempPathFactory, page_built: Path) -> Iterator[Served]:
    running = serve(tmp_path_factory.mktemp("lessons") / "data")
    yield running
    running.stop()


def test_the_catalog_has_the_lessons_the_page_lists() -> None:
    assert len(LESSONS) >= 14


@pytest.mark.parametrize("lesson", LESSONS)
async def test_a_lessons_solution_passes_its_check_in_the_page(
    context: BrowserContext, lessons_server: Served, lesson: str
) -> None:
    page = await open_playground(context, lessons_server)
    await page.get_by_role("tab", name="Lessons").click()
    item = page.locator(f"[data-testid=lesson][data-id='{lesson}']")
    await item.click()
    await item.get_by_test_id("lesson-open").click()
    # A new playground with the lesson's starter files; the page reloads into it.
    detail = page.get_by_test_id("lesson-detail")
    await expect(detail).to_be_visible(timeout=TIMEOUT)
    await page.wait_for_selector("[data-testid=editor] .monaco-editor", timeout=TIMEOUT)
    solution = page.get_by_test_id("lesson-solution")
    await solution.locator("summary").click()
    code = await solution.locator("pre").first.inner_text(timeout=TIMEOUT)
    await replace_text(page, code)
    await expect(page.get_by_test_id("save-status")).to_have_attribute(
        "data-state", "saved", timeout=TIMEOUT
    )
    await page.get_by_test_id("lesson-check").click()
    result = page.get_by_test_id("lesson-result")
    await expect(result).to_have_attribute("data-passed", "true", timeout=TIMEOUT)
    await expect(result).to_contain_text("Passed")
