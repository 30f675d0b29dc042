"""The page in a real Chromium against a real `lionagi-playground serve`: opening the link,
code intelligence while typing, runs with output, plots, input, Stop and meters, and what
survives a reload and a restart."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import BrowserContext, Page, expect

from tests.browser.conftest import open_playground
from tests.web.harness import Served, serve

pytestmark = pytest.mark.slow

TIMEOUT = 30_000


async def replace_text(page: Page, text: str) -> None:
    """Select everything in the editor and paste `text` over it, as a person pastes (a real
    paste event: typing would have the editor indent each new line again)."""
    await page.locator("[data-testid=editor] .monaco-editor .view-lines").first.click()
    await page.keyboard.press("ControlOrMeta+a")
    await paste(page, text)


async def paste(page: Page, text: str) -> None:
    """A paste of `text` where the focus is (the editor's input area)."""
    await page.evaluate(
        """text => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            const init = { clipboardData: data, bubbles: true, cancelable: true };
            document.activeElement.dispatchEvent(new ClipboardEvent("paste", init));
        }""",
        text,
    )


async def console_text(page: Page) -> str:
    return await page.get_by_test_id("console-text").inner_text()


async def test_the_link_opens_the_page_and_the_token_leaves_the_address_bar(
    context: BrowserContext, served: Served
) -> None:
    page = await open_playground(context, served)
    assert served.token not in page.url
    # The page works after the token has gone: a run answers.
    await page.get_by_test_id("run").click()
    await expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", re.compile("ok|error"), timeout=TIMEOUT
    )


async def test_without_the_link_or_from_another_origin_the_websocket_is_refused(
    context: BrowserContext, served: Served
) -> None:
    page = await context.new_page()
    response = await page.goto(f"{served.origin}/")
    assert response is not None
    assert response.status == 401
    # Another origin (localhost is not 127.0.0.1 to a browser): its socket does not open,
    # with or without the cookie the real page holds.
    await open_playground(context, served)
    other = await context.new_page()
    await other.goto(f"http://localhost:{served.port}/health")
    opened = await other.evaluate(
        """url => new Promise(done => {
            const socket = new WebSocket(url);
            socket.onopen = () => done("open");
            socket.onerror = () => done("refused");
        })""",
        f"ws://127.0.0.1:{served.port}/lsp",
    )
    assert opened == "refused"


async def test_completion_shows_lionagi_names(context: BrowserContext, served: Served) -> None:
    page = await open_playground(context, served)
    await replace_text(page, "from lionagi import Bra")
    branch = page.locator(".suggest-widget .monaco-list-row").filter(has_text="Branch").first
    # A fresh server's first answer may be the file's words while jedi warms up (marked
    # incomplete): ask again, as a person would, until lionagi's names come.
    for _ in range(30):
        await page.keyboard.press("Control+Space")
        try:
            await expect(branch).to_be_visible(timeout=1_000)
            break
        except AssertionError:
            await page.keyboard.press("Escape")
    await expect(branch).to_be_visible()


async def test_an_error_squiggle_appears_and_clears(
    context: BrowserContext, served: Served
) -> None:
    page = await open_playground(context, served)
    await replace_text(page, "print(undefined_name)\n")
    squiggle = page.locator("[data-testid=editor] .squiggly-error")
    await expect(squiggle.first).to_be_visible(timeout=TIMEOUT)
    await replace_text(page, "print('fine')\n")
    await expect(squiggle).to_have_count(0, timeout=TIMEOUT)


async def test_a_lionagi_quick_fix_applies(context: BrowserContext, served: Served) -> None:
    page = await open_playground(context, served)
    code = (
        "from lionagi import Branch\n\n\n"
        "async def main() -> None:\n"
        "    branch = Branch()\n"
        "    reply = branch.communicate('hi')\n"
        "    print(reply)\n"
    )
    await replace_text(page, code)
    await expect(page.locator("[data-testid=editor] .squiggly-error").first).to_be_visible(
        timeout=TIMEOUT
    )
    # The cursor into the call on line 6, then the quick-fix menu (Ctrl+.), then the fix.
    await page.keyboard.press("ControlOrMeta+Home")
    for _ in range(5):
        await page.keyboard.press("ArrowDown")
    await page.keyboard.press("Home")
    for _ in range(10):
        await page.keyboard.press("ArrowRight")
    await page.keyboard.press("Control+.")
    fix = page.locator(".action-widget .monaco-list-row", has_text="await")
    await expect(fix.first).to_be_visible(timeout=TIMEOUT)
    await fix.first.click()
    await expect(page.locator("[data-testid=editor] .view-lines")).to_contain_text(
        "await branch.communicate", timeout=TIMEOUT
    )


async def test_a_run_streams_output_shows_a_plot_and_takes_input(
    context: BrowserContext, served: Served
) -> None:
    page = await open_playground(context, served)
    await replace_text(
        page,
        "import matplotlib.pyplot as plt\n"
        "print('before the plot', flush=True)\n"
        "plt.plot([1, 2, 3], [1, 4, 9])\n"
        "plt.show()\n"
        "name = input('your name? ')\n"
        "print(f'hello {name}!')\n",
    )
    await page.keyboard.press("ControlOrMeta+Enter")
    await expect(page.get_by_test_id("console-text")).to_contain_text(
        "before the plot", timeout=TIMEOUT
    )
    await expect(page.get_by_test_id("display-image").first).to_be_visible(timeout=TIMEOUT)
    await expect(page.get_by_test_id("console-text")).to_contain_text("your name?", timeout=TIMEOUT)
    await page.get_by_test_id("stdin").fill("Ada")
    await page.get_by_test_id("stdin").press("Enter")
    await expect(page.get_by_test_id("console-text")).to_contain_text("hello Ada!", timeout=TIMEOUT)
    await expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", "ok", timeout=TIMEOUT
    )
    await expect(page.get_by_test_id("run-usage")).to_contain_text(re.compile(r"\d"))


async def test_stop_ends_an_endless_loop_and_the_meters_move(
    context: BrowserContext, served: Served
) -> None:
    page = await open_playground(context, served)
    await replace_text(
        page,
        "blocks = []\n"
        "while True:\n"
        "    if len(blocks) < 40:\n"
        "        blocks.append(bytearray(2_000_000))\n",
    )
    await page.get_by_test_id("run").click()
    memory = page.get_by_test_id("meter-memory")
    await expect(memory).not_to_have_attribute("aria-valuenow", "0", timeout=TIMEOUT)
    await expect(page.get_by_test_id("meter-cpu")).not_to_have_attribute(
        "aria-valuenow", "0", timeout=TIMEOUT
    )
    await page.get_by_test_id("stop").click()
    await expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", "cancelled", timeout=TIMEOUT
    )


async def test_a_reload_and_a_server_restart_keep_the_files(
    context: BrowserContext, served: Served
) -> None:
    page = await open_playground(context, served)
    await replace_text(page, "print('kept across restarts')\n")
    await expect(page.get_by_test_id("save-status")).to_have_attribute(
        "data-state", "saved", timeout=TIMEOUT
    )
    await page.reload()
    await expect(page.locator("[data-testid=editor] .view-lines")).to_contain_text(
        "kept across restarts", timeout=TIMEOUT
    )
    served.stop()
    restarted = serve(served.data_dir)
    try:
        assert restarted.token == served.token
        # The same browser, the same cookie, another process on another port.
        again = await context.new_page()
        await again.goto(f"{restarted.origin}/?token={restarted.token}")
        await expect(again.locator("[data-testid=editor] .view-lines")).to_contain_text(
            "kept across restarts", timeout=TIMEOUT
        )
    finally:
        restarted.stop()


async def test_a_dropped_connection_comes_back_by_itself_with_the_edits_typed_meanwhile(
    context: BrowserContext, served: Served
) -> None:
    page = await open_playground(context, served)
    await replace_text(page, "print('before the drop')\n")
    await expect(page.get_by_test_id("save-status")).to_have_attribute(
        "data-state", "saved", timeout=TIMEOUT
    )
    served.process.kill()  # SIGKILL: the connection drops without a goodbye
    served.process.wait()
    await expect(page.get_by_test_id("banner-text")).to_be_visible(timeout=TIMEOUT)
    await page.locator("[data-testid=editor] .view-lines").click()
    await page.keyboard.press("ControlOrMeta+End")
    await page.keyboard.type("print('typed while down')")
    back = serve(served.data_dir, env=None, port=served.port)
    try:
        await expect(page.get_by_test_id("banner-text")).to_be_hidden(timeout=TIMEOUT)
        await expect(page.get_by_test_id("save-status")).to_have_attribute(
            "data-state", "saved", timeout=TIMEOUT
        )
        # What the server holds: a fresh page (another browser tab) sees both lines.
        fresh = await context.new_page()
        await fresh.goto(f"{back.origin}/")
        lines = fresh.locator("[data-testid=editor] .view-lines")
        await expect(lines).to_contain_text("before the drop", timeout=TIMEOUT)
        await expect(lines).to_contain_text("typed while down", timeout=TIMEOUT)
    finally:
        back.stop()
