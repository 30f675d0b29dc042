"""Sandbox benchmark: what running code costs, measured in one interleaved run.

    .venv/bin/python bench/run.py [--rounds 30] [--write docs/benchmarks.md]

1. `print(1)` as bare python (the runtime environment's interpreter), through
   `lionagi-playground run` (bubblewrap), and through the backend API directly, interleaved
   round by round so machine noise hits all three alike. Medians and ratios.
2. 20 concurrent `print(1)` runs through the scheduler: all must succeed.
3. The latency of a `print(1)` run while a fork bomb runs in another sandbox, against the
   same run without it (target: less than 2x).
Targets (issue 3): bubblewrap at most 25 ms more than bare python.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lionagi_playground.runtime_env import find_runtime_env
from lionagi_playground.sandbox import Exit, Limits, RunRequest, Scheduler
from lionagi_playground.sandbox.bubblewrap import BubblewrapBackend

REPO = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("lionagi-playground"))
PRINT = "print(1)\n"
FORK_BOMB = (
    "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
)
SECTION = "## Sandbox"


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


async def api_once(backend: BubblewrapBackend) -> float:
    start = time.perf_counter()
    run = await backend.start(RunRequest({"main.py": PRINT}, "main.py", stdin=""))
    async for event in run.events():
        if isinstance(event, Exit) and event.status != "ok":
            raise RuntimeError(f"print(1) failed: {event}")
    return _ms(start)


async def process_once(argv: list[str]) -> float:
    start = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    out, _ = await process.communicate()
    if process.returncode != 0 or out != b"1\n":
        raise RuntimeError(f"{argv[0]} failed: {process.returncode} {out!r}")
    return _ms(start)


async def interleaved(backend: BubblewrapBackend, rounds: int, program: Path) -> dict[str, float]:
    env = find_runtime_env()
    python = str(env.python) if env is not None else "/usr/bin/python3"
    samples: dict[str, list[float]] = {"bare": [], "api": [], "cli": []}
    for _ in range(3):  # warm caches
        await process_once([python, str(program)])
        await api_once(backend)
    for _ in range(rounds):
        samples["bare"].append(await process_once([python, str(program)]))
        samples["api"].append(await api_once(backend))
        samples["cli"].append(await process_once([CLI, "run", str(program)]))
    return {name: statistics.median(values) for name, values in samples.items()}


async def concurrent(backend: BubblewrapBackend, count: int) -> tuple[int, float]:
    scheduler = Scheduler(backend, max_queued=count)
    start = time.perf_counter()
    runs = [
        scheduler.submit(RunRequest({"main.py": PRINT}, "main.py", stdin="", session=f"s{n}"))
        for n in range(count)
    ]
    ok = 0
    for run in runs:
        async for event in run.events():
            if isinstance(event, Exit) and event.status == "ok":
                ok += 1
    await scheduler.aclose()
    return ok, _ms(start)


async def under_fork_bomb(backend: BubblewrapBackend, rounds: int) -> tuple[float, float]:
    quiet = [await api_once(backend) for _ in range(rounds)]
    bomb = await backend.start(
        RunRequest({"bomb.py": FORK_BOMB}, "bomb.py", stdin="", limits=Limits(timeout_s=120))
    )
    events = bomb.events()
    loaded = [await api_once(backend) for _ in range(rounds)]
    await bomb.cancel()
    async for _ in events:
        pass
    return statistics.median(quiet), statistics.median(loaded)


async def main(rounds: int) -> dict[str, float]:
    backend = BubblewrapBackend()
    reason = backend.unavailable_reason()
    if reason is not None:
        raise SystemExit(f"bubblewrap backend unavailable: {reason}")
    with tempfile.TemporaryDirectory() as folder:
        program = Path(folder) / "main.py"
        program.write_text(PRINT)
        figures = await interleaved(backend, rounds, program)
    ok, wall = await concurrent(backend, 20)
    quiet, loaded = await under_fork_bomb(backend, max(10, rounds // 2))
    await backend.aclose()
    figures.update(concurrent_ok=ok, concurrent_wall=wall, quiet=quiet, loaded=loaded)
    figures["load"] = os.getloadavg()[0]
    return figures


def report(figures: dict[str, float], rounds: int) -> str:
    bare, api, cli = figures["bare"], figures["api"], figures["cli"]
    quiet, loaded = figures["quiet"], figures["loaded"]
    lines = [
        SECTION,
        "",
        f"`.venv/bin/python bench/run.py --rounds {rounds}` on this machine (2 cores, cgroup v1, "
        "root: per-run uid, cgroup, seccomp). Medians of interleaved rounds; load average "
        f"{figures['load']:.1f} when measured (other work shares the 2 cores).",
        "",
        "| `print(1)` | median | over bare python | ratio |",
        "| --- | ---: | ---: | ---: |",
        f"| bare python (runtime env) | {bare:.1f} ms | | 1.00 |",
        f"| backend API (bubblewrap) | {api:.1f} ms | +{api - bare:.1f} ms | {api / bare:.2f} |",
        f"| `lionagi-playground run` | {cli:.1f} ms | +{cli - bare:.1f} ms | {cli / bare:.2f} |",
        "",
        f"- Target: bubblewrap at most 25 ms over bare python: "
        f"{'met' if api - bare <= 25 else 'missed'} (+{api - bare:.1f} ms through the API). "
        "The CLI adds its own interpreter start-up and imports on top.",
        f"- 20 concurrent `print(1)` runs through the scheduler: "
        f"{int(figures['concurrent_ok'])}/20 ok in {figures['concurrent_wall']:.0f} ms.",
        f"- A `print(1)` run while a fork bomb runs in another sandbox: {loaded:.1f} ms against "
        f"{quiet:.1f} ms without ({loaded / quiet:.2f}x; target < 2x: "
        f"{'met' if loaded / quiet < 2 else 'missed'}).",
        "",
        "Where the time goes (an instrumented run on a quieter moment: 28 ms against 17 ms "
        "bare): the launch chain (sh, unshare + mount to stage the runtime environment, "
        "setpriv, bwrap) reaches bwrap's clone in ~7 ms; moving the sandbox into its v1 cgroup "
        "costs an RCU grace period (5-10 ms), overlapped with bwrap's set-up through "
        "`--block-fd`; reaping and cgroup removal take under 1 ms. The figures above swing "
        "with the load other work puts on the 2 cores; rerun to compare like with like.",
        "",
    ]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    """Replace the Sandbox section of `path` (other sections are someone else's)."""
    text = path.read_text() if path.exists() else "# Benchmarks\n\n"
    if SECTION in text:
        before, _, rest = text.partition(SECTION)
        _, heading, after = rest.partition("\n## ")
        text = before + section + ("\n## " + after if heading else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--write", type=Path, help="update this file's Sandbox section")
    options = parser.parse_args()
    results = asyncio.run(main(options.rounds))
    text = report(results, options.rounds)
    print(text)
    if options.write is not None:
        write_section(options.write, text)
