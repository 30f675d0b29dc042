"""The browser tests: Debian's Chromium, headless, driven by Playwright, against a real
`lionagi-playground serve` with the built page (`make web`)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from lionagi_playground.server.web.app import DIST
from tests.web.harness import Served, serve

CHROMIUM = "/usr/bin/chromium"
# As the machine's own probe starts it: no background traffic (there is no internet to reach),
# no sandbox (the tests run as root), a fresh profile per browser.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def page_built() -> Path:
    index = DIST / "index.html"
    assert index.is_file(), "the page is not built: run `make web` (make test does)"
    chromium = shutil.which("chromium") or CHROMIUM
    assert Path(chromium).exists(), "Debian's chromium is needed: `make browser` installs it"
    return index


@pytest.fixture
def served(tmp_path: Path, page_built: Path) -> Iterator[Served]:
    running = serve(tmp_path / "data")
    yield running
    running.stop()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=shutil.which("chromium") or CHROMIUM, args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    made = await browser.new_context(viewport={"width": 1400, "height": 900})
    yield made
    await made.close()


async def open_playground(context: BrowserContext, served: Served, query: str = "") -> Page:
    """The printed link, as a person clicks it; the page, once its editor is ready."""
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{served.origin}/?token={served.token}{query}")
    await page.wait_for_selector("[data-testid=editor] .monaco-editor", timeout=30_000)
    assert errors == [], errors
    return page
