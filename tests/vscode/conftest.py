"""Fixtures for the workbench tests: the extension installed once, Debian's Chromium, and a
page per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.vscode.workbench import built, install_extension

FAILED = pytest.StashKey[bool]()


def local(url: str) -> bool:
    parsed = urlsplit(url)
    return parsed.scheme in ("data", "blob") or parsed.hostname in ("127.0.0.1", "localhost")


@pytest.fixture(scope="session")
def extensions_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built .vsix installed with `code-server --install-extension`, shared read-only."""
    built()
    home = tmp_path_factory.mktemp("vscode-extensions")
    extensions = home / "extensions"
    install_extension(extensions, home / "user-data")
    return extensions


@pytest.fixture(scope="session")
def chromium_path() -> str:
    chromium = shutil.which("chromium") or CHROMIUM
    assert Path(chromium).exists(), "Debian's chromium is needed: `make browser` installs it"
    return chromium


@pytest.fixture(scope="session")
async def chromium(chromium_path: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@pytest.fixture
async def browser_context(chromium: Browser) -> AsyncIterator[BrowserContext]:
    made = await chromium.new_context(viewport={"width": 1400, "height": 900})
    yield made
    await made.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


@pytest.fixture
async def page(
    browser_context: BrowserContext, request: pytest.FixtureRequest
) -> AsyncIterator[Page]:
    made = await browser_context.new_page()
    elsewhere: list[str] = []
    # Webviews name their files https://*.vscode-resource.vscode-cdn.net/...: the workbench's
    # service worker answers those from this machine. Anything else must be local.
    made.on(
        "response",
        lambda r: elsewhere.append(r.url) if not (local(r.url) or r.from_service_worker) else None,
    )
    made.on("requestfailed", lambda r: elsewhere.append(r.url) if not local(r.url) else None)
    yield made
    # The workbench fetched nothing from outside this machine (no gallery, no CDN, no updates).
    assert elsewhere == [], elsewhere
    # What the workbench showed when a test failed, for whoever reads the failure.
    folder = os.environ.get("VSCODE_TEST_SCREENSHOTS")
    if folder and request.node.stash.get(FAILED, False):
        await made.screenshot(path=os.path.join(folder, f"{request.node.name}.png"))
