"""A request's `env` (model API keys, the runtime's switches) reaches the program on every
backend, over the runtime's own values, and never appears on a host command line."""

from __future__ import annotations

import asyncio
import hashlib

import psutil

from lionagi_playground.sandbox import Backend, Limits, Output, RunRequest
from tests.sandbox.harness import GRACE_S, collect

KEY = "sk-env-test-5f1e2d3c4b5a69788796a5b4"

PROGRAM = """
import hashlib, os
print(hashlib.sha256(os.environ["OPENAI_API_KEY"].encode()).hexdigest())
print(os.environ["PLAYGROUND_LIONAGI_OFFLINE"])
print("waiting", flush=True)
input()
"""
"""Prints a digest of the key, so that the key is in no file of the run either."""


def host_command_lines() -> list[str]:
    lines = []
    for process in psutil.process_iter(["cmdline"]):
        lines.append(" ".join(process.info["cmdline"] or []))
    return lines


async def test_env_reaches_the_program_and_no_command_line(backend: Backend) -> None:
    request = RunRequest(
        {"main.py": PROGRAM},
        "main.py",
        stdin=None,
        limits=Limits(timeout_s=20),
        env={"OPENAI_API_KEY": KEY, "PLAYGROUND_LIONAGI_OFFLINE": "0"},
    )
    run = await backend.start(request)
    events = []

    async def until_waiting() -> None:
        async for event in run.events():
            events.append(event)
            text = "".join(e.text for e in events if isinstance(e, Output))
            if "waiting" in text:
                return

    await asyncio.wait_for(until_waiting(), 20 + GRACE_S)
    assert not any(KEY in line for line in await asyncio.to_thread(host_command_lines))
    await run.write_stdin("\n")
    rest = await collect(run, 20 + GRACE_S)
    everything = events + rest.events
    stdout = "".join(e.text for e in everything if isinstance(e, Output) and e.stream == "stdout")
    digest = hashlib.sha256(KEY.encode()).hexdigest()
    assert stdout == f"{digest}\n0\nwaiting\n", stdout
    assert rest.exit.status == "ok"
