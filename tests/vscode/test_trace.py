"""The lionagi Trace view in a real VS Code workbench (code-server in Debian's Chromium), with
the real server and runtime: a lionagi program whose model (the offline one) calls a tool shows
the tool call and its arguments in the tree; the arguments open as a read-only document; Save
Trace as JSON writes the server's whole trace (playground/trace/get) beside the file."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, expect

from tests.vscode.workbench import (
    TIMEOUT,
    Workbench,
    notification,
    open_file,
    open_workbench,
    quick_input,
    readme_screenshot,
    run_command,
    start_workbench,
    terminal_rows,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

PROGRAM = (
    "import asyncio\n\n"
    "from lionagi import Branch\n\n\n"
    "def multiply(a: int, b: int) -> int:\n"
    '    """Multiply two whole numbers."""\n'
    "    return a * b\n\n\n"
    "async def main():\n"
    "    branch = Branch(name='calculator', system='You are a careful calculator.',"
    " tools=[multiply])\n"
    "    result = await branch.operate(instruction='What is 6 times 7?', actions=True)\n"
    "    for response in result.action_responses:\n"
    "        print(f'result: {response.output}')\n\n\n"
    "asyncio.run(main())\n"
)


@pytest.fixture(scope="module")
def workbench(
    tmp_path_factory: pytest.TempPathFactory, extensions_dir: Path
) -> Iterator[Workbench]:
    home = tmp_path_factory.mktemp("vscode-trace")
    folder = home / "project"
    folder.mkdir()
    (folder / "tools.py").write_text(PROGRAM)
    running = start_workbench(home, folder, extensions_dir)
    yield running
    running.stop()


def trace_view(page: Page) -> Locator:
    """The lionagi Trace view's pane (in the Explorer)."""
    header = page.locator(".pane-header", has_text="lionagi Trace")
    return page.locator(".pane", has=header).first


def trace_row(page: Page, label: str) -> Locator:
    return trace_view(page).locator(".monaco-list-row", has_text=label).first


async def test_the_trace_view_shows_the_tool_call_and_its_arguments(
    page: Page, workbench: Workbench
) -> None:
    # Room for the whole tree (the list draws only the rows in view).
    await page.set_viewport_size({"width": 1400, "height": 1300})
    await open_workbench(page, workbench)
    await open_file(page, "tools.py")
    await run_command(page, "lionagi Playground: Run")
    await expect(terminal_rows(page)).to_contain_text("result: 42", timeout=TIMEOUT)
    await expect(terminal_rows(page)).to_contain_text("tools.py: ok", timeout=TIMEOUT)

    # The view showed itself with the run's first events; the run's title and count above.
    view = trace_view(page)
    await expect(view).to_contain_text(re.compile(r"tools\.py: \d+ events"), timeout=TIMEOUT)
    # The files' section folded, so the trace has the Explorer's height.
    await page.locator(".pane-header", has_text="project").first.click()
    await expect(trace_row(page, "calculator")).to_be_visible()
    await expect(trace_row(page, "operate")).to_be_visible()
    model = trace_row(page, "model gpt")
    await expect(model).to_contain_text("tokens")
    await expect(model).to_contain_text("offline")
    tool = trace_row(page, "tool multiply")
    await expect(tool).to_be_visible()
    await expect(tool).to_contain_text(re.compile(r'"a": 6, "b": 7'))
    await expect(tool).to_contain_text(re.compile(r"\d ms"))
    arguments = trace_row(page, "arguments")
    await expect(arguments).to_contain_text('"a": 6')
    await expect(trace_row(page, "result")).to_contain_text("42")

    # Selecting the arguments opens them, whole, in a read-only editor.
    await arguments.click()
    await expect(page.locator(".tab.active", has_text="arguments.json")).to_be_visible(
        timeout=TIMEOUT
    )
    shown = page.locator(".editor-group-container.active .monaco-editor .view-lines").first
    await expect(shown).to_contain_text('"a": 6', timeout=TIMEOUT)
    await readme_screenshot(page, "trace")

    # Save Trace as JSON: the server's whole trace, beside the file by default.
    await run_command(page, "lionagi Playground: Save Trace as JSON")
    await quick_input(page, "Save the trace as JSON", str(workbench.folder / "tools.trace.json"))
    await expect(notification(page, "trace events to tools.trace.json")).to_be_visible(
        timeout=TIMEOUT
    )
    saved = json.loads((workbench.folder / "tools.trace.json").read_text())
    kinds = [event["kind"] for event in saved["events"]]
    assert "model_end" in kinds
    assert "tool_start" in kinds
    assert [event["seq"] for event in saved["events"]] == list(range(1, len(kinds) + 1))


async def test_an_api_key_is_kept_secret_and_asks_the_server_for_the_network(
    page: Page, workbench: Workbench
) -> None:
    await open_workbench(page, workbench)
    await open_file(page, "tools.py")
    await run_command(page, "lionagi Playground: Set API Key")
    await quick_input(page, "Set an API key", "OPENAI_API_KEY")
    await quick_input(page, "Set OPENAI_API_KEY", "sk-test-not-a-real-key")
    await expect(notification(page, "OPENAI_API_KEY stored")).to_be_visible(timeout=TIMEOUT)
    # Secret storage, not settings.json.
    for kind in ("User", "Machine"):
        assert "sk-test" not in (workbench.user_data / kind / "settings.json").read_text()

    # The run sends the key with `limits.network`: this server was not started with
    # --allow-network, and says so (never naming the key's value).
    await run_command(page, "lionagi Playground: Run")
    rows = terminal_rows(page)
    await expect(rows).to_contain_text("Could not run tools.py", timeout=TIMEOUT)
    await expect(rows).to_contain_text("--allow-network", timeout=TIMEOUT)
    assert "sk-test" not in await rows.inner_text()

    await run_command(page, "lionagi Playground: Remove API Keys")
    await expect(notification(page, "API keys removed")).to_be_visible(timeout=TIMEOUT)
    await run_command(page, "lionagi Playground: Run")
    await expect(rows).to_contain_text("tools.py: ok", timeout=TIMEOUT)
