"""When the server is missing or crashes, the workbench says so in one clear message, and the
Restart command brings everything back."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import psutil
import pytest
from playwright.async_api import Page, expect

from tests.vscode.workbench import (
    TIMEOUT,
    VENV_BIN,
    notification,
    open_file,
    open_workbench,
    problems,
    readme_screenshot,
    run_command,
    start_workbench,
    status_item,
)

# A fresh workbench on a busy machine takes a while: more than the suite's default timeout.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

CODE = "import os\n\nprint(undefined_name)\n"


def server_processes(root: int) -> list[psutil.Process]:
    """The language servers the workbench's extension hosts started (`... lsp` on stdio)."""
    found = []
    for child in psutil.Process(root).children(recursive=True):
        try:
            cmdline = child.cmdline()
        except psutil.NoSuchProcess:
            continue
        if any("lionagi-playground" in part for part in cmdline) and "lsp" in cmdline:
            found.append(child)
    return found


async def test_a_missing_server_says_how_to_install_it_and_restart_recovers(
    page: Page, tmp_path: Path, extensions_dir: Path
) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "main.py").write_text(CODE)
    # Where a person would point the setting before installing: nothing there yet.
    server = tmp_path / "bin" / "lionagi-playground"
    workbench = start_workbench(
        tmp_path, folder, extensions_dir, settings={"lionagiPlayground.server.path": str(server)}
    )
    try:
        await open_workbench(page, workbench)
        await open_file(page, "main.py")
        message = notification(page, "was not found")
        await expect(message).to_be_visible(timeout=TIMEOUT)
        await expect(message).to_contain_text("pip install lionagi-playground")
        await readme_screenshot(page, "missing-server")
        await expect(status_item(page)).to_contain_text("server not found")
        # Installed now (the project's own), then the command in the message's advice.
        server.parent.mkdir()
        server.symlink_to(VENV_BIN / "lionagi-playground")
        await run_command(page, "lionagi Playground: Restart the Language Server")
        await page.keyboard.press("Control+Shift+M")
        await expect(problems(page)).to_contain_text("undefined_name", timeout=TIMEOUT)
        await expect(status_item(page)).not_to_contain_text("server", timeout=TIMEOUT)
    finally:
        workbench.stop()


async def test_a_crashed_server_is_reported_and_restart_recovers(
    page: Page, tmp_path: Path, extensions_dir: Path
) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "main.py").write_text(CODE)
    workbench = start_workbench(tmp_path, folder, extensions_dir)
    try:
        await open_workbench(page, workbench)
        await open_file(page, "main.py")
        await page.keyboard.press("Control+Shift+M")
        await expect(problems(page)).to_contain_text("undefined_name", timeout=TIMEOUT)

        servers = server_processes(workbench.process.pid)
        assert len(servers) == 1, servers
        os.kill(servers[0].pid, signal.SIGKILL)
        message = notification(page, "stopped unexpectedly")
        await expect(message).to_be_visible(timeout=TIMEOUT)
        await expect(status_item(page)).to_contain_text("server stopped")

        await message.get_by_role("button", name="Restart").click()
        await expect(status_item(page)).not_to_contain_text("server", timeout=TIMEOUT)
        restarted = server_processes(workbench.process.pid)
        assert len(restarted) == 1
        assert restarted[0].pid != servers[0].pid
        # The new server analyses the file again: a new mistake gets its own diagnostic.
        await page.keyboard.press("Control+End")
        await page.keyboard.type("print(another_undefined)\n")
        await expect(problems(page)).to_contain_text("another_undefined", timeout=TIMEOUT)
        await expect(problems(page)).to_contain_text(re.compile("F821"))
    finally:
        workbench.stop()
