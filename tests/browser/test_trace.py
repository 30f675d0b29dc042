"""The Trace panel in a real Chromium against a real `lionagi-playground serve` and sandbox
(docs/trace.md): lionagi programs run on the offline model (and, for recording, on a stand-in
for OpenAI's API on this machine), their trace grows live in the panel beside the console,
for every participant of a shared run; a row's full content, Download JSON, and recording
then replay from the page's Model control."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.conftest import open_playground
from tests.browser.test_collaboration import invite_link, join_by_link
from tests.browser.test_page import replace_text
from tests.fake_openai import FakeOpenAI
from tests.web.harness import Served, serve

pytestmark = pytest.mark.slow

TIMEOUT = 60_000

ROW = "[data-testid=trace-row]"

TOOLS = """\
import asyncio

from lionagi import Branch


def multiply(a: int, b: int) -> int:
    \"\"\"Multiply two whole numbers.\"\"\"
    return a * b


async def main():
    branch = Branch(system="You are a careful calculator.", tools=[multiply])
    result = await branch.operate(instruction="What is 6 times 7?", actions=True)
    for response in result.action_responses:
        print(f"result: {response.output}", flush=True)
    input("go on? ")
    await branch.communicate("y" * 5000)
    print("done")


asyncio.run(main())
"""

WRITER_CRITIC = """\
import asyncio

from lionagi import Session


async def main():
    session = Session()
    writer = session.new_branch(name="writer", system="You write haiku.")
    critic = session.new_branch(name="critic", system="You review poems, briefly.")
    draft = await writer.communicate("Write a haiku about autumn.")
    review = await critic.communicate(f"Review this haiku: {draft}")
    final = await writer.communicate(f"Revise your haiku. The review says: {review}")
    print(f"final: {final}")


asyncio.run(main())
"""


def status_is_final() -> str:
    return "ok|error|timeout|memory|output_limit|cancelled|signal"


async def run_to_end(page: Page, status: str = "ok") -> None:
    await page.get_by_test_id("run").click()
    await expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", re.compile(status_is_final()), timeout=TIMEOUT
    )
    assert await page.get_by_test_id("run-status").get_attribute("data-status") == status, (
        await page.get_by_test_id("console-text").inner_text()
    )


async def show_trace(page: Page) -> None:
    await page.get_by_test_id("view-trace").click()
    await expect(page.get_by_test_id("trace-panel")).to_be_visible()


async def rows_seen(page: Page) -> list[tuple[str | None, ...]]:
    """Each drawn row's kind, name, branch and depth, top to bottom."""
    rows = page.locator(ROW)
    out: list[tuple[str | None, ...]] = []
    for index in range(await rows.count()):
        row = rows.nth(index)
        out.append(
            tuple(
                [
                    await row.get_attribute(name)
                    for name in ("data-kind", "data-name", "data-branch", "data-depth")
                ]
            )
        )
    return out


async def header_tokens(page: Page) -> int:
    value = await page.get_by_test_id("trace-tokens").get_attribute("data-total")
    assert value is not None
    return int(value)


async def download_trace(page: Page, tmp_path: Path) -> tuple[str, Any]:
    async with page.expect_download() as info:
        await page.get_by_test_id("trace-download").click()
    download = await info.value
    target = tmp_path / download.suggested_filename
    await download.save_as(target)
    return download.suggested_filename, json.loads(target.read_text())


async def test_the_trace_grows_live_with_a_tool_call_and_a_rows_full_content(
    context: BrowserContext, served: Served
) -> None:
    page = await open_playground(context, served)
    await replace_text(page, TOOLS)
    await show_trace(page)
    await expect(page.get_by_test_id("trace-empty")).to_be_visible()
    await page.get_by_test_id("run").click()

    # While the program waits for input, the first operation is there already: the tool call
    # with its arguments and result, nested in the operation that ran it, and the tokens.
    tool = page.locator(f"{ROW}[data-kind=tool]")
    await expect(tool).to_have_count(1, timeout=TIMEOUT)
    await expect(tool).to_have_attribute("data-name", "tool multiply")
    await expect(tool).to_contain_text('"a": 6')
    await expect(tool).to_contain_text("42")
    assert int(await tool.get_attribute("data-depth") or "0") >= 1
    await expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "running")
    operations = page.locator(f"{ROW}[data-kind=operation]")
    await expect(operations.first).to_have_attribute("data-name", "operate")
    models = page.locator(f"{ROW}[data-kind=model]")
    await expect(models).to_have_count(1)
    await expect(models.first).to_contain_text(re.compile(r"\d+ → \d+ tok"))
    assert await header_tokens(page) > 0
    first = await page.locator(ROW).count()
    await expect(page.get_by_test_id("trace-calls")).to_contain_text("1 tool call")
    await expect(page.get_by_test_id("view-trace")).to_contain_text(re.compile(r"\d+"))

    # The tool call's detail: its arguments and its result, whole.
    await tool.click()
    detail = page.get_by_test_id("trace-detail")
    await expect(detail).to_be_visible()
    await expect(page.get_by_test_id("trace-detail-title")).to_have_text("tool multiply")
    contents = page.get_by_test_id("trace-detail-content")
    await expect(contents).to_have_count(2)
    assert json.loads(await contents.nth(0).inner_text()) == {"a": 6, "b": 7}
    await expect(contents.nth(1)).to_have_text("42")
    await expect(page.get_by_test_id("trace-detail-cut")).to_have_count(0)

    # The program goes on: the rows grow (a second operation, a second model call).
    await page.get_by_test_id("stdin").fill("yes")
    await page.get_by_test_id("stdin").press("Enter")
    await expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", "ok", timeout=TIMEOUT
    )
    await expect(models).to_have_count(2, timeout=TIMEOUT)
    assert await page.locator(ROW).count() > first
    await expect(page.get_by_test_id("trace-calls")).to_contain_text("2 model calls")

    # A message longer than the trace keeps: its detail says where it was cut.
    long = page.locator(f"{ROW}[data-kind=instruction]").filter(has_text="yyyy")
    await long.click()
    await expect(page.get_by_test_id("trace-detail-cut")).to_have_text(
        re.compile(r"cut at 2,000 of 5,\d{3} characters")
    )
    text = await page.get_by_test_id("trace-detail-content").inner_text()
    assert text.startswith("yyyy")
    assert len(text.strip()) == 2000
    # Open spans all ended: no row is left running, none failed.
    await expect(page.locator(f"{ROW}[data-status=open]")).to_have_count(0)
    await expect(page.locator(f"{ROW}[data-status=error]")).to_have_count(0)
    await expect(page.get_by_test_id("trace-errors")).to_be_hidden()


async def test_a_sessions_branches_and_download_json(
    context: BrowserContext, served: Served, tmp_path: Path
) -> None:
    page = await open_playground(context, served)
    await replace_text(page, WRITER_CRITIC)
    await run_to_end(page)
    await show_trace(page)

    # Two branches, by name, each with its colour and its rows.
    chips = page.get_by_test_id("trace-branch")
    await expect(chips).to_have_count(2, timeout=TIMEOUT)
    assert {await chip.get_attribute("data-name") for chip in await chips.all()} == {
        "writer",
        "critic",
    }
    writer_rows = page.locator(f"{ROW}[data-branch=writer]")
    critic_rows = page.locator(f"{ROW}[data-branch=critic]")
    await expect(page.locator(f"{ROW}[data-kind=operation][data-branch=writer]")).to_have_count(2)
    await expect(page.locator(f"{ROW}[data-kind=operation][data-branch=critic]")).to_have_count(1)
    writer_colour = await writer_rows.first.evaluate("row => getComputedStyle(row).borderLeftColor")
    critic_colour = await critic_rows.first.evaluate("row => getComputedStyle(row).borderLeftColor")
    assert writer_colour != critic_colour
    # A chip shows that branch's rows only; again, all of them.
    critic_chip = chips.filter(has_text="critic")
    await critic_chip.click()
    await expect(critic_chip).to_have_attribute("aria-pressed", "true")
    await expect(writer_rows.first).to_be_hidden()
    await expect(critic_rows.first).to_be_visible()
    await critic_chip.click()
    await expect(writer_rows.first).to_be_visible()

    # The messages are the conversation's: the critic was asked about the writer's draft.
    await expect(page.locator(f"{ROW}[data-kind=instruction][data-branch=critic]")).to_contain_text(
        "Review this haiku"
    )

    # Download JSON: the server's copy of every event, named after the run.
    name, trace = await download_trace(page, tmp_path)
    assert re.fullmatch(r"trace-[A-Za-z0-9_.-]+\.json", name)
    assert name == f"trace-{trace['runId']}.json"
    events = trace["events"]
    assert [event["seq"] for event in events] == list(range(1, len(events) + 1))
    assert len(events) == await page.locator(ROW).count() + sum(
        1 for event in events if event["kind"].endswith("_end")
    )
    assert {event["branch"]["name"] for event in events if "branch" in event} == {
        "writer",
        "critic",
    }
    tokens = sum(
        event.get("tokensIn", 0) + event.get("tokensOut", 0)
        for event in events
        if event["kind"] == "model_end"
    )
    assert tokens > 0
    assert await header_tokens(page) == tokens
    assert trace["finished"] is True


async def test_a_second_participant_sees_the_same_trace_of_a_shared_run(
    browser: Browser, context: BrowserContext, served: Served
) -> None:
    alice = await open_playground(context, served)
    await replace_text(alice, WRITER_CRITIC)
    link = await invite_link(alice, "edit")
    bob_context, bob = await join_by_link(browser, link)
    try:
        await show_trace(bob)
        await expect(bob.locator("[data-testid=editor] .view-lines")).to_contain_text(
            "critic", timeout=TIMEOUT
        )
        await show_trace(alice)
        await run_to_end(alice)
        await expect(bob.get_by_test_id("run-status")).to_have_attribute(
            "data-status", "ok", timeout=TIMEOUT
        )
        await expect(bob.get_by_test_id("trace-branch")).to_have_count(2, timeout=TIMEOUT)
        await expect(bob.locator(ROW)).to_have_count(
            await alice.locator(ROW).count(), timeout=TIMEOUT
        )
        assert await rows_seen(bob) == await rows_seen(alice)
        assert await header_tokens(bob) == await header_tokens(alice) > 0
        # Bob opens a row of the run Alice started: its full content.
        await bob.locator(f"{ROW}[data-kind=assistant][data-branch=critic]").click()
        await expect(bob.get_by_test_id("trace-detail-content")).to_contain_text(
            "Review this haiku"
        )

        # Bob's run of a program without lionagi clears both panels.
        await replace_text(bob, "print('no agents here')\n")
        await expect(alice.locator("[data-testid=editor] .view-lines")).to_contain_text(
            "no agents here", timeout=TIMEOUT
        )
        await run_to_end(bob)
        for page in (alice, bob):
            await expect(page.locator(ROW)).to_have_count(0, timeout=TIMEOUT)
            await expect(page.get_by_test_id("trace-empty")).to_contain_text(
                "made no lionagi trace", timeout=TIMEOUT
            )
            await expect(page.get_by_test_id("trace-detail")).to_be_hidden()
    finally:
        await bob_context.close()


MANY = """\
import asyncio

from lionagi import Branch, iModel


async def main():
    # One model for all, its queue as big as the calls (the default waits between batches).
    model = iModel(
        provider="openai", model="gpt-4.1-mini", queue_capacity=1000, capacity_refresh_time=0.05
    )
    branches = [Branch(name=f"b{n}", chat_model=model) for n in range(20)]
    await asyncio.gather(*(b.communicate(f"q {i}") for b in branches for i in range(43)))
    print("all answered")


asyncio.run(main())
"""


async def test_thousands_of_events_at_once_are_drawn_capped_and_the_page_keeps_up(
    context: BrowserContext, served: Served
) -> None:
    """860 calls on 20 branches at once: over 5,000 events, 20 batches a second, with the
    panel in front. The trace stops at its bound (a notice), 2,000 rows are drawn (a notice),
    and the page keeps its connection and answers a click."""
    page = await open_playground(context, served)
    await replace_text(page, MANY)
    await show_trace(page)
    await page.get_by_test_id("run").click()
    truncated = page.get_by_test_id("trace-truncated")
    await expect(truncated).to_be_visible(timeout=TIMEOUT)
    await expect(truncated).to_contain_text("its bound was reached")
    await expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", re.compile(status_is_final()), timeout=TIMEOUT
    )
    console = await page.get_by_test_id("console-text").inner_text()
    # A busy machine may take longer than the run's 30 s; the connection must not drop.
    assert "connection dropped" not in console, console
    await expect(page.get_by_test_id("banner")).to_be_hidden()
    await expect(page.get_by_test_id("trace-tab-count")).to_have_text("5,000")
    await expect(page.get_by_test_id("trace-calls")).to_contain_text("5,000 events")
    await expect(page.get_by_test_id("trace-cap")).to_contain_text("Showing the first 2,000 of")
    await expect(page.locator(ROW)).to_have_count(2000)
    await expect(page.locator(f"{ROW}[data-kind=truncated]")).to_have_count(0)  # past the cap
    await expect(page.get_by_test_id("trace-branch")).to_have_count(20)
    assert await header_tokens(page) > 0
    row = page.locator(f"{ROW}[data-kind=instruction]").first
    await row.click()
    await expect(page.get_by_test_id("trace-detail-content")).to_have_text(re.compile(r"q \d+"))


# --- recording ------------------------------------------------------------------------------

KEY = "sk-test-browser-0123456789abcdef"
ANSWER = "Crisp leaves drift and fall"


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """OpenAI's chat completions answered on 127.0.0.1 (no internet)."""
    with FakeOpenAI([ANSWER]) as model:
        yield model


@pytest.fixture
def served_online(tmp_path: Path, page_built: Path) -> Iterator[Served]:
    running = serve(tmp_path / "data", "--allow-network")
    yield running
    running.stop()


def recorded_program(base_url: str) -> str:
    return f"""\
import asyncio

from lionagi import Branch, iModel


async def main():
    # The stand-in is on this machine (allow_local_network), and lionagi would count tokens
    # with tiktoken, which downloads its encoding file on first use (requires_tokens=False).
    model = iModel(
        provider="openai",
        model="gpt-4.1-mini",
        base_url="{base_url}",
        allow_local_network=True,
        requires_tokens=False,
    )
    branch = Branch(chat_model=model)
    reply = await branch.communicate("Write a line about autumn.")
    print(f"reply: {{reply}}")


asyncio.run(main())
"""


async def answered_by(page: Page) -> str | None:
    model: Locator = page.locator(f"{ROW}[data-kind=model]")
    await expect(model).to_have_count(1, timeout=TIMEOUT)
    await model.click()
    facts = page.get_by_test_id("trace-detail").locator("dt", has_text="answered by")
    return await facts.locator("xpath=following-sibling::dd[1]").inner_text()


async def test_a_key_and_record_save_the_recording_a_run_without_the_key_replays(
    context: BrowserContext,
    served_online: Served,
    fake_openai: FakeOpenAI,
) -> None:
    base_url = fake_openai.base_url
    page = await open_playground(context, served_online)
    await replace_text(page, recorded_program(base_url))
    await show_trace(page)

    toggle = page.get_by_test_id("model-toggle")
    await expect(toggle).to_have_attribute("data-state", "offline")
    await toggle.click()
    await expect(page.get_by_test_id("model-record")).to_be_disabled()
    await page.get_by_test_id("model-key").fill(KEY)
    await page.get_by_test_id("model-record").check()
    await expect(toggle).to_have_attribute("data-state", "record")
    await page.keyboard.press("Escape")
    await expect(page.get_by_test_id("model-dialog")).to_be_hidden()

    await run_to_end(page)
    console = page.get_by_test_id("console-text")
    await expect(console).to_contain_text(f"reply: {ANSWER}")
    await expect(console).to_contain_text("(real model, recording)")
    # The key reached the model (and nothing else of the page's storage or address).
    assert fake_openai.authorizations() == [f"Bearer {KEY}"]
    assert await answered_by(page) == "network"
    assert KEY not in page.url
    stored = await page.evaluate("() => JSON.stringify(Object.assign({}, localStorage))")
    assert KEY not in stored

    # The recording arrives before the exit and is saved beside main.py, and the page says so.
    await expect(console).to_contain_text("Recording saved: main.recording.json", timeout=TIMEOUT)
    recording_file = page.locator("[data-testid=file][data-path='main.recording.json']")
    await expect(recording_file).to_be_visible(timeout=TIMEOUT)
    await recording_file.locator(".file-name").click()
    view = page.locator("[data-testid=editor] .view-lines")
    await expect(view).to_contain_text("lionagi-playground-recording", timeout=TIMEOUT)
    await page.locator("[data-testid=tab][data-path='main.py']").click()

    # Without the key: offline, answered from the recording, with the same reply.
    await toggle.click()
    await page.get_by_test_id("model-key-clear").click()
    await expect(toggle).to_have_attribute("data-state", "offline")
    await page.keyboard.press("Escape")
    await run_to_end(page)
    await expect(console).to_contain_text(f"reply: {ANSWER}")
    assert len(fake_openai.received) == 1
    assert await answered_by(page) == "recording"

    # Recording again updates the file in place (it is there already).
    await toggle.click()
    await page.get_by_test_id("model-key").fill(KEY)
    await page.get_by_test_id("model-record").check()
    await page.keyboard.press("Escape")
    await run_to_end(page)
    await expect(console).to_contain_text("Recording updated: main.recording.json", timeout=TIMEOUT)
    assert len(fake_openai.received) == 2

    # The file as the playground has it: the recorded answer, and no key.
    await toggle.click()
    await page.get_by_test_id("model-key-clear").click()
    await page.keyboard.press("Escape")
    await replace_text(page, "print(open('main.recording.json').read())\n")
    await run_to_end(page)
    text = await console.inner_text()
    assert '"format": "lionagi-playground-recording"' in text
    assert ANSWER in text
    assert "Write a line about autumn." in text
    assert KEY not in text
