"""The lionagi Trace view in a real VS Code workbench (code-server in Debian's Chromium), with
the real server and runtime: a lionagi program whose model (the offline one) calls a tool shows
the tool call and its arguments in the tree; the arguments open as a read-only document; Save
Trace as JSON writes the server's whole trace (playground/trace/get) beside the file. An API
key kept in secret storage goes with a run that asks for the network; with a server that allows
it and a stand-in for OpenAI's API on this machine, the run's recording is saved beside the
file, and a run without the key replays it. A shared run of a joined playground (served over
WebSocket) fills the view too."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, expect
from websockets.asyncio.client import connect

from lionagi_playground.server.web.app import DIST
from tests.fake_openai import FakeOpenAI
from tests.programs import TOOL_PROGRAM, online_program
from tests.vscode.test_collaboration import request
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
from tests.web.harness import Served, serve

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def workbench(
    tmp_path_factory: pytest.TempPathFactory, extensions_dir: Path
) -> Iterator[Workbench]:
    home = tmp_path_factory.mktemp("vscode-trace")
    folder = home / "project"
    folder.mkdir()
    (folder / "tools.py").write_text(TOOL_PROGRAM)
    running = start_workbench(home, folder, extensions_dir)
    yield running
    running.stop()


def trace_view(page: Page) -> Locator:
    """The lionagi Trace view's pane (in the Explorer)."""
    header = page.locator(".pane-header", has_text="lionagi Trace")
    return page.locator(".pane", has=header).first


async def fold_files(page: Page) -> None:
    """The Explorer's files section folded (a window remembers it), so the trace has the
    Explorer's height: the list draws only the rows in view."""
    files = page.locator(".pane-header", has_text="project").first
    if await files.get_attribute("aria-expanded") == "true":
        await files.click()
    await expect(files).to_have_attribute("aria-expanded", "false")


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
    await fold_files(page)
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
    # The save dialog offers the file beside tools.py: accepted as it is (typing into it races
    # with its completion of the path).
    dialog = page.locator(".quick-input-widget")
    await expect(dialog).to_contain_text("Save the trace as JSON", timeout=TIMEOUT)
    path = dialog.locator("input")
    await expect(path).to_have_value(re.compile(r"/project/tools\.trace\.json$"))
    await path.press("Enter")
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


KEY = "sk-test-vscode-0123456789abcdef"
ANSWER = "Crisp leaves drift and fall"


@pytest.fixture
def stand_in() -> Iterator[FakeOpenAI]:
    """OpenAI's chat completions answered on 127.0.0.1 (no internet)."""
    with FakeOpenAI([ANSWER]) as model:
        yield model


@pytest.fixture(scope="module")
def online_workbench(
    tmp_path_factory: pytest.TempPathFactory, extensions_dir: Path
) -> Iterator[Workbench]:
    """A workbench whose server allows the network, recording runs made with a key."""
    home = tmp_path_factory.mktemp("vscode-recording")
    folder = home / "project"
    folder.mkdir()
    settings = {
        "lionagiPlayground.server.args": ["lsp", "--allow-network"],
        "lionagiPlayground.run.record": True,
    }
    running = start_workbench(home, folder, extensions_dir, settings=settings)
    yield running
    running.stop()


async def test_a_run_with_a_key_is_recorded_beside_the_file_and_replayed_without_it(
    page: Page, online_workbench: Workbench, stand_in: FakeOpenAI
) -> None:
    base_url = stand_in.base_url
    folder = online_workbench.folder
    (folder / "main.py").write_text(online_program(base_url))
    await open_workbench(page, online_workbench)
    await open_file(page, "main.py")
    await run_command(page, "lionagi Playground: Set API Key")
    await quick_input(page, "Set an API key", "OPENAI_API_KEY")
    await quick_input(page, "Set OPENAI_API_KEY", KEY)
    await expect(notification(page, "OPENAI_API_KEY stored")).to_be_visible(timeout=TIMEOUT)

    await run_command(page, "lionagi Playground: Run")
    rows = terminal_rows(page)
    await expect(rows).to_contain_text("real model, recording", timeout=TIMEOUT)
    await expect(rows).to_contain_text(f"reply: {ANSWER}", timeout=TIMEOUT)
    await expect(rows).to_contain_text("main.py: ok", timeout=TIMEOUT)
    assert stand_in.authorizations() == [f"Bearer {KEY}"]
    await expect(notification(page, "into main.recording.json")).to_be_visible(timeout=TIMEOUT)
    recording = (folder / "main.recording.json").read_text()
    assert json.loads(recording)["format"] == "lionagi-playground-recording"
    assert KEY not in recording
    await expect(trace_row(page, "model gpt")).to_contain_text("network", timeout=TIMEOUT)

    # Without the key: no network, the answer from the recording.
    await run_command(page, "lionagi Playground: Remove API Keys")
    await expect(notification(page, "API keys removed")).to_be_visible(timeout=TIMEOUT)
    await run_command(page, "lionagi Playground: Run")
    await expect(trace_row(page, "model gpt")).to_contain_text("recording", timeout=TIMEOUT)
    await expect(rows).to_contain_text(f"reply: {ANSWER}", timeout=TIMEOUT)
    assert len(stand_in.received) == 1


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    assert (DIST / "index.html").is_file(), "the page is not built: run `make web`"
    running = serve(tmp_path / "data")
    yield running
    running.stop()


async def test_a_shared_run_of_a_joined_playground_fills_the_trace(
    page: Page, served: Served, workbench: Workbench
) -> None:
    async with connect(f"{served.ws}?token={served.token}", origin=None) as owner:
        await request(owner, "initialize", {"capabilities": {}, "processId": None}, 1)
        made = await request(
            owner, "playground/create", {"title": "Tools", "files": {"main.py": TOOL_PROGRAM}}, 2
        )
        invite = await request(
            owner, "playground/invite", {"playground": made["playground"], "role": "edit"}, 3
        )
    await open_workbench(page, workbench)
    await run_command(page, "lionagi Playground: Join Playground")
    await quick_input(page, "Join a playground", f"{served.origin}/?invite={invite['invite']}")
    await expect(page.locator(".tab.active", has_text="main.py")).to_be_visible(timeout=TIMEOUT)
    await run_command(page, "lionagi Playground: Run")
    await expect(terminal_rows(page)).to_contain_text("result: 42", timeout=TIMEOUT)
    await run_command(page, "lionagi Playground: Show the Trace")
    await expect(trace_view(page)).to_contain_text("main.py: ", timeout=TIMEOUT)
    await fold_files(page)
    await expect(trace_row(page, "tool multiply")).to_contain_text('"a": 6', timeout=TIMEOUT)
