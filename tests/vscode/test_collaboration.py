"""Joining a playground served by `lionagi-playground serve` from the workbench with an
invitation link, while a person edits it in the web playground (a Playwright page): their edit
and their cursor, with their name, arrive in VS Code; VS Code's edit arrives in the browser; a
run started in VS Code is shared."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Locator, Page, expect
from websockets.asyncio.client import ClientConnection, connect

from lionagi_playground.server.web.app import DIST
from tests.vscode.workbench import (
    TIMEOUT,
    Workbench,
    active_editor,
    open_workbench,
    quick_input,
    readme_screenshot,
    run_command,
    start_workbench,
    terminal_rows,
)
from tests.web.harness import Served, serve

# A fresh workbench on a busy machine takes a while: more than the suite's default timeout.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

START = "print('hello from the playground')\n"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    assert (DIST / "index.html").is_file(), "the page is not built: run `make web`"
    running = serve(tmp_path / "data")
    yield running
    running.stop()


@pytest.fixture
def workbench(tmp_path: Path, extensions_dir: Path) -> Iterator[Workbench]:
    folder = tmp_path / "project"
    folder.mkdir()
    running = start_workbench(
        tmp_path / "vscode",
        folder,
        extensions_dir,
        settings={"lionagiPlayground.collab.name": "Ada"},
    )
    yield running
    running.stop()


async def request(socket: ClientConnection, method: str, params: Any, id_: int) -> Any:
    await socket.send(json.dumps({"jsonrpc": "2.0", "id": id_, "method": method, "params": params}))
    while True:
        message = json.loads(await socket.recv())
        if message.get("id") == id_:
            assert "error" not in message, message
            return message.get("result")


async def invitation(served: Served) -> str:
    """A playground made by its owner (the token holder), and an edit invitation to it."""
    async with connect(f"{served.ws}?token={served.token}", origin=None) as owner:
        await request(owner, "initialize", {"capabilities": {}, "processId": None}, 1)
        made = await request(
            owner, "playground/create", {"title": "Shared", "files": {"main.py": START}}, 2
        )
        invite = await request(
            owner, "playground/invite", {"playground": made["playground"], "role": "edit"}, 3
        )
    return f"{served.origin}/?invite={invite['invite']}"


async def text_of(lines: Locator) -> str:
    """An editor's text as shown (Monaco draws spaces as no-break spaces)."""
    return (await lines.inner_text()).replace("\xa0", " ")


async def browser_participant(context: BrowserContext, link: str, name: str) -> Page:
    page = await context.new_page()
    await page.goto(link)
    await page.wait_for_selector("[data-testid=editor] .monaco-editor", timeout=TIMEOUT)
    field = page.get_by_test_id("your-name")
    await field.fill(name)
    await field.press("Enter")
    return page


async def test_join_see_a_browser_participants_edit_and_cursor_and_share_a_run(
    page: Page, browser_context: BrowserContext, served: Served, workbench: Workbench
) -> None:
    link = await invitation(served)
    bob = await browser_participant(browser_context, link, "Bob")
    bob_editor = bob.locator("[data-testid=editor] .view-lines")
    await expect(bob_editor).to_contain_text("hello from the playground", timeout=TIMEOUT)

    await open_workbench(page, workbench)
    await run_command(page, "lionagi Playground: Join Playground")
    await quick_input(page, "Join a playground", link)
    await expect(page.locator(".tab.active", has_text="main.py")).to_be_visible(timeout=TIMEOUT)
    await expect(active_editor(page)).to_contain_text("hello from the playground", timeout=TIMEOUT)

    # Bob types at the end: the text, then his caret with his name, arrive in VS Code.
    await bob_editor.click()
    await bob.keyboard.press("ControlOrMeta+End")
    await bob.keyboard.type("print('bob was here')")
    await expect(active_editor(page)).to_contain_text("bob was here", timeout=TIMEOUT)
    await page.wait_for_function(
        """name => [...document.querySelectorAll(
                '.editor-group-container.active .view-lines span')]
            .some(e => getComputedStyle(e, '::after').content.includes(name))""",
        arg="Bob",
        timeout=TIMEOUT,
    )
    await readme_screenshot(page, "collaboration")
    # Ada (VS Code) types at the start: it arrives in the browser, and she is in Bob's list.
    await active_editor(page).click()
    await page.keyboard.press("Control+Home")
    await page.keyboard.type("# from vscode\n")
    await expect(bob_editor).to_contain_text("# from vscode", timeout=TIMEOUT)
    await expect(bob.get_by_test_id("participants")).to_contain_text("Ada", timeout=TIMEOUT)

    # Ada runs the shared file: both see its output.
    await page.keyboard.press("Control+Enter")
    await expect(terminal_rows(page)).to_contain_text("bob was here", timeout=TIMEOUT)
    await expect(bob.get_by_test_id("console-text")).to_contain_text(
        "bob was here", timeout=TIMEOUT
    )

    # Both type at once, keystroke by keystroke: Ada at the end of the first line, Bob at the
    # end of the file. VS Code applies Bob's edits while Ada's are on their way: both end
    # with the same text.
    await active_editor(page).click()
    await page.keyboard.press("Control+Home")
    await page.keyboard.press("End")
    await bob_editor.click()
    await bob.keyboard.press("ControlOrMeta+End")
    ada_typed, bob_typed = "  # ada types", "\n# bob types too"
    for a, b in zip(ada_typed, bob_typed, strict=False):
        await page.keyboard.type(a)
        await bob.keyboard.type(b)
    await bob.keyboard.type(bob_typed[len(ada_typed) :])
    for editor in (active_editor(page), bob_editor):
        await expect(editor).to_contain_text(re.compile(r"#\s+ada\s+types"), timeout=TIMEOUT)
        await expect(editor).to_contain_text(re.compile(r"#\s+bob\s+types\s+too"), timeout=TIMEOUT)
    ada_text = await text_of(active_editor(page))
    assert ada_text == await text_of(bob_editor)
    lines = ada_text.splitlines()
    assert lines[0] == "# from vscode  # ada types", lines
    assert lines[-1] == "# bob types too", lines
