"""Two and three browsers on one playground: edits converge, each sees the other's cursor and
name, a run's output reaches everyone, and a view link can neither edit nor run."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import open_playground
from tests.browser.test_page import replace_text
from tests.web.harness import Served

pytestmark = pytest.mark.slow

TIMEOUT = 30_000


async def invite_link(page: Page, role: str) -> str:
    await page.get_by_test_id("invite").click()
    await page.get_by_test_id(f"invite-{role}").click()
    url = page.get_by_test_id("invite-url")
    await expect(url).to_have_value(re.compile(r"invite="), timeout=TIMEOUT)
    value = await url.input_value()
    await page.keyboard.press("Escape")
    return value


async def join_by_link(browser: Browser, link: str) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    await page.goto(link)
    await page.wait_for_selector("[data-testid=editor] .monaco-editor", timeout=TIMEOUT)
    return context, page


async def editor_text(page: Page) -> str:
    text = await page.locator("[data-testid=editor] .view-lines").inner_text()
    return text.replace("\xa0", " ")


async def set_name(page: Page, name: str) -> None:
    field = page.get_by_test_id("your-name")
    await field.fill(name)
    await field.press("Enter")


LABEL = "[data-testid=editor] [data-testid=remote-cursor-name]"
CARET = "[data-testid=editor] .rc-caret"

# The label's and the caret's boxes once the label sits by the caret (above its line, or below
# on the first line), with the label's colour and the caret's.
LABEL_BY_CARET = """([labelSelector, caretSelector]) => {
    const label = document.querySelector(labelSelector);
    const caret = document.querySelector(caretSelector);
    if (!label || !caret) return null;
    const l = label.getBoundingClientRect(), c = caret.getBoundingClientRect();
    const beside = Math.abs(l.left - c.left) <= 4;
    const touching = Math.abs(l.bottom - c.top) <= 4 || Math.abs(l.top - c.bottom) <= 4;
    if (!beside || !touching) return null;
    return [
        getComputedStyle(label).backgroundColor,
        getComputedStyle(caret, "::before").borderLeftColor,
    ];
}"""


async def expect_name_at_caret(page: Page, name: str) -> None:
    """The collaborator's name shows in a label in the editor, by their caret, in its colour."""
    label = page.locator(LABEL)
    await expect(label).to_have_count(1, timeout=TIMEOUT)
    await expect(label).to_have_text(name, timeout=TIMEOUT)
    await expect(label).to_be_visible()
    await expect(page.locator(CARET)).to_have_count(1, timeout=TIMEOUT)
    found = await page.wait_for_function(LABEL_BY_CARET, arg=[LABEL, CARET], timeout=TIMEOUT)
    label_colour, caret_colour = await found.json_value()
    assert label_colour == caret_colour


async def test_two_browsers_converge_see_each_other_and_share_a_run(
    browser: Browser, context: BrowserContext, served: Served
) -> None:
    alice = await open_playground(context, served)
    await set_name(alice, "Alice")
    await replace_text(alice, "print('from alice')\n")
    link = await invite_link(alice, "edit")
    bob_context, bob = await join_by_link(browser, link)
    try:
        await set_name(bob, "Bob")
        await expect(bob.locator("[data-testid=editor] .view-lines")).to_contain_text(
            "from alice", timeout=TIMEOUT
        )
        # Both type at once: Alice at the start, Bob at the end.
        await alice.locator("[data-testid=editor] .view-lines").click()
        await alice.keyboard.press("ControlOrMeta+Home")
        await bob.locator("[data-testid=editor] .view-lines").click()
        await bob.keyboard.press("ControlOrMeta+End")
        for a, b in zip("# alice was here\n", "print('bob too')", strict=False):
            await alice.keyboard.type(a)
            await bob.keyboard.type(b)
        await bob.keyboard.type("print('bob too')"[len("# alice was here\n") :])
        for page in (alice, bob):
            await expect(page.locator("[data-testid=editor] .view-lines")).to_contain_text(
                "bob too", timeout=TIMEOUT
            )
            await expect(page.locator("[data-testid=editor] .view-lines")).to_contain_text(
                "# alice was here", timeout=TIMEOUT
            )
        assert await editor_text(alice) == await editor_text(bob)

        # Each sees the other: a caret in the other's colour, and the name in the list.
        await expect(alice.locator("[data-testid=editor] .rc-caret").first).to_be_attached(
            timeout=TIMEOUT
        )
        await expect(bob.locator("[data-testid=editor] .rc-caret").first).to_be_attached(
            timeout=TIMEOUT
        )
        await expect(alice.get_by_test_id("participants")).to_contain_text("Bob", timeout=TIMEOUT)
        await expect(bob.get_by_test_id("participants")).to_contain_text("Alice", timeout=TIMEOUT)
        # ... and the other's name in a label of their colour at that caret, in the editor.
        await expect_name_at_caret(alice, "Bob")
        await expect_name_at_caret(bob, "Alice")

        # Bob runs; both consoles show the output.
        await bob.get_by_test_id("run").click()
        for page in (alice, bob):
            await expect(page.get_by_test_id("console-text")).to_contain_text(
                "bob too", timeout=TIMEOUT
            )
    finally:
        await bob_context.close()


async def test_a_view_link_can_neither_edit_nor_run(
    browser: Browser, context: BrowserContext, served: Served
) -> None:
    owner = await open_playground(context, served)
    await replace_text(owner, "print('read only for guests')\n")
    link = await invite_link(owner, "view")
    viewer_context, viewer = await join_by_link(browser, link)
    try:
        await expect(viewer.locator("[data-testid=editor] .view-lines")).to_contain_text(
            "read only for guests", timeout=TIMEOUT
        )
        await viewer.locator("[data-testid=editor] .view-lines").click()
        await viewer.keyboard.type("GUEST WAS HERE")
        await expect(viewer.get_by_test_id("run")).to_be_disabled()
        # The owner runs: the viewer watches the output.
        await owner.get_by_test_id("run").click()
        await expect(viewer.get_by_test_id("console-text")).to_contain_text(
            "read only for guests", timeout=TIMEOUT
        )
        assert "GUEST WAS HERE" not in await editor_text(viewer)
        assert "GUEST WAS HERE" not in await editor_text(owner)
    finally:
        await viewer_context.close()


async def test_ctrl_z_undoes_only_your_own_edits(
    browser: Browser, context: BrowserContext, served: Served
) -> None:
    alice = await open_playground(context, served)
    await replace_text(alice, "base\n")
    bob_context, bob = await join_by_link(browser, await invite_link(alice, "edit"))
    try:
        await expect(bob.locator("[data-testid=editor] .view-lines")).to_contain_text(
            "base", timeout=TIMEOUT
        )
        await alice.locator("[data-testid=editor] .view-lines").click()
        await alice.keyboard.press("ControlOrMeta+End")
        await alice.keyboard.type("alice-line")
        await expect(bob.locator("[data-testid=editor] .view-lines")).to_contain_text(
            "alice-line", timeout=TIMEOUT
        )
        await bob.locator("[data-testid=editor] .view-lines").click()
        await bob.keyboard.press("ControlOrMeta+Home")
        await bob.keyboard.type("bob-line ")
        await expect(alice.locator("[data-testid=editor] .view-lines")).to_contain_text(
            "bob-line", timeout=TIMEOUT
        )
        # Alice undoes her last step (the typing, one step): her line goes, Bob's edit (made
        # after hers) stays.
        await alice.locator("[data-testid=editor] .view-lines").click()
        await alice.keyboard.press("ControlOrMeta+z")
        for page in (alice, bob):
            lines = page.locator("[data-testid=editor] .view-lines")
            await expect(lines).not_to_contain_text("alice-line", timeout=TIMEOUT)
            await expect(lines).to_contain_text("bob-line base")
    finally:
        await bob_context.close()
