"""Bad input from the page, and from a tab gone wild: refused or bounded with a reason shown,
and the others on the same playground keep working."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import open_playground
from tests.browser.test_collaboration import invite_link, join_by_link
from tests.browser.test_page import paste, replace_text
from tests.web.harness import Served

pytestmark = pytest.mark.slow

TIMEOUT = 30_000


async def _still_converges(typist: Page, watcher: Page, text: str) -> None:
    await typist.locator("[data-testid=editor] .view-lines").click()
    await typist.keyboard.press("ControlOrMeta+End")
    await typist.keyboard.type(text)
    await expect(watcher.locator("[data-testid=editor] .view-lines")).to_contain_text(
        text, timeout=TIMEOUT
    )


async def test_a_5_mb_paste_is_refused_saying_why_and_the_other_tab_keeps_working(
    browser: Browser, context: BrowserContext, served: Served
) -> None:
    alice = await open_playground(context, served)
    await replace_text(alice, "print('small')\n")
    bob_context, bob = await join_by_link(browser, await invite_link(alice, "edit"))
    try:
        await alice.locator("[data-testid=editor] .view-lines").click()
        await alice.keyboard.press("ControlOrMeta+End")
        await paste(alice, "x = 1  # padding\n" * 320_000)  # 5.4 MB
        await expect(alice.get_by_test_id("editor-error")).to_contain_text(
            "too big", timeout=TIMEOUT
        )
        await _still_converges(bob, alice, "# bob still types")
        await _still_converges(alice, bob, "# so does alice")
        assert "padding" not in await bob.locator("[data-testid=editor] .view-lines").inner_text()
    finally:
        await bob_context.close()


async def test_a_file_name_with_dot_dot_is_refused_with_the_servers_reason(
    context: BrowserContext, served: Served
) -> None:
    page = await open_playground(context, served)
    await page.get_by_test_id("file-new").click()
    await page.get_by_test_id("file-name-input").fill("../escape.py")
    await page.get_by_test_id("file-name-input").press("Enter")
    await expect(page.get_by_test_id("files-error")).to_contain_text("'..'", timeout=TIMEOUT)
    await expect(page.get_by_test_id("file").filter(has_text="escape")).to_have_count(0)


async def test_a_flooding_tab_is_cut_off_alone(
    browser: Browser, context: BrowserContext, served: Served
) -> None:
    alice = await open_playground(context, served)
    bob_context, bob = await join_by_link(browser, await invite_link(alice, "edit"))
    try:
        # A script in Bob's tab opens its own socket (the cookie and origin are the page's)
        # and floods it: the server says why and closes that socket only.
        closed = await bob.evaluate(
            """() => new Promise(done => {
                const socket = new WebSocket(`ws://${location.host}/lsp${location.search}`);
                socket.onopen = () => {
                    const ping = JSON.stringify({ jsonrpc: "2.0", method: "$/flood", params: {} });
                    for (let i = 0; i < 5000; i++) socket.send(ping);
                };
                socket.onclose = event => done({ code: event.code, reason: event.reason });
            })"""
        )
        assert closed["code"] == 1008
        assert "messages per second" in closed["reason"]
        await _still_converges(bob, alice, "# bob's page is fine")
        await _still_converges(alice, bob, "# and alice's")
    finally:
        await bob_context.close()
