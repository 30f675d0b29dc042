"""Sandbox benchmark: what running code costs, measured in one interleaved run.

    .venv/bin/python bench/run.py [--rounds 30] [--write docs/benchmarks.md]

1. `print(1)` as bare python (the runtime environment's interpreter), through
   `lionagi-playground run`, the backend API, and `playground/run` over the language server
   (request -> `playground/exit` notification, a server over stdio per backend), on
   bubblewrap and on docker, plus two Docker
   references: a cold container (create, attach, start, wait: what `docker run` does) and
   an SDK exec into a warm container. Interleaved round by round so machine noise hits all
   alike. Medians and ratios. The docker API path runs with a warm pool (refilled, and the
   refill finished, before each sample: the steady state of a server).
2. 20 concurrent `print(1)` runs through the scheduler, per backend: all must succeed.
3. The latency of a `print(1)` run while a fork bomb runs in another sandbox, against the
   same run without it (target: less than 2x), per backend.
Targets (issue 3): bubblewrap at most 25 ms more than bare python; the warm Docker pool
under 80 ms. Needs a Docker daemon and the image (`lionagi-playground image`).
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
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from lionagi_playground.runtime_env import find_runtime_env
from lionagi_playground.sandbox import Backend, Exit, Limits, RunRequest, Scheduler
from lionagi_playground.sandbox.bubblewrap.backend import BubblewrapBackend
from lionagi_playground.sandbox.docker.backend import DockerBackend
from lionagi_playground.sandbox.docker.build import RUNTIME_IN_IMAGE
from lionagi_playground.sandbox.docker.daemon import ensure_daemon
from lionagi_playground.sandbox.docker.host_config import Shape, host_config

REPO = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("lionagi-playground"))
PRINT = "print(1)\n"
FORK_BOMB = (
    "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
)
SECTION = "## Sandbox"


class LspRunner:
    """A language server over stdio, and `print(1)` timed through `playground/run`."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self._exits: dict[str, asyncio.Future[Any]] = {}
        self._output: dict[str, str] = {}

        @client.feature("playground/output")  # type: ignore[untyped-decorator]
        def on_output(params: Any) -> None:
            self._output[params.runId] = self._output.get(params.runId, "") + params.text

        @client.feature("playground/exit")  # type: ignore[untyped-decorator]
        def on_exit(params: Any) -> None:
            self._exit(params.runId).set_result(params)

    def _exit(self, run_id: str) -> asyncio.Future[Any]:
        # The exit may arrive before the awaiting side resumes: whoever comes first makes it.
        future = self._exits.get(run_id)
        if future is None:
            future = self._exits[run_id] = asyncio.get_running_loop().create_future()
        return future

    @classmethod
    async def start(cls, backend: str) -> LspRunner:
        client = LanguageClient("bench", "1")
        runner = cls(client)
        await client.start_io(CLI, "lsp", "--backend", backend)
        await client.initialize_async(
            types.InitializeParams(capabilities=types.ClientCapabilities())
        )
        client.initialized(types.InitializedParams())
        return runner

    async def once(self) -> float:
        start = time.perf_counter()
        reply = await self.client.protocol.send_request_async(
            "playground/run", {"files": {"main.py": PRINT}, "entry": "main.py", "stdin": ""}
        )
        exit_ = await asyncio.wait_for(self._exit(reply.runId), 60)
        elapsed = _ms(start)
        output = self._output.pop(reply.runId, "")
        if exit_.status != "ok" or output != "1\n":
            raise RuntimeError(f"playground/run print(1) failed: {exit_.status} {output!r}")
        return elapsed

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()  # type: ignore[no-untyped-call]


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


IMAGE_PYTHON = f"{RUNTIME_IN_IMAGE}/bin/python"


async def api_once(backend: Backend) -> float:
    if isinstance(backend, DockerBackend):
        await backend.pool.fill()  # the steady state: a warm container, no refill running
        await backend.pool.settled()
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


def docker_cold(client: Any, image: str) -> float:
    """A fresh hardened container for print(1): create, attach, start, wait (`docker run`)."""
    api = client.api
    start = time.perf_counter()
    created = api.create_container(
        image,
        command=[IMAGE_PYTHON, "-c", "print(1)"],
        user="1000:1000",
        host_config=api.create_host_config(**host_config(Shape.of(Limits()))),
    )
    stream = api.attach_socket(created["Id"], params={"stdout": 1, "stream": 1})
    api.start(created["Id"])
    output = b""
    while chunk := stream._sock.recv(65536):
        output += chunk
    code = api.wait(created["Id"])["StatusCode"]
    elapsed = _ms(start)
    sock = stream._sock
    stream.close()
    sock.close()
    api.remove_container(created["Id"], force=True)
    if code != 0 or not output.endswith(b"1\n"):
        raise RuntimeError(f"docker run print(1) failed: {code} {output!r}")
    return elapsed


def docker_exec(client: Any, container_id: str) -> float:
    """An SDK exec of print(1) into a running container (create, start, read, inspect)."""
    container = client.containers.get(container_id)
    start = time.perf_counter()
    code, output = container.exec_run([IMAGE_PYTHON, "-c", "print(1)"], user="1000:1000")
    elapsed = _ms(start)
    if code != 0 or output != b"1\n":
        raise RuntimeError(f"docker exec print(1) failed: {code} {output!r}")
    return elapsed


async def interleaved(
    bubblewrap: BubblewrapBackend, docker: DockerBackend, rounds: int, program: Path
) -> dict[str, float]:
    env = find_runtime_env()
    python = str(env.python) if env is not None else "/usr/bin/python3"
    client = docker.pool.client
    sleeper = client.containers.run(
        docker.image,
        ["sleep", "infinity"],
        detach=True,
        user="1000:1000",
        init=True,
        **{k: v for k, v in host_config(Shape.of(Limits())).items() if k != "init"},
    )
    names = (
        "bare", "api", "lsp", "cli", "docker_api", "docker_lsp", "docker_exec", "docker_run",
        "docker_cli",
    )  # fmt: skip
    samples: dict[str, list[float]] = {name: [] for name in names}
    lsp = await LspRunner.start("bubblewrap")
    docker_lsp = await LspRunner.start("docker")
    try:
        for _ in range(3):  # warm caches (and the docker server's pool)
            await process_once([python, str(program)])
            await api_once(bubblewrap)
            await api_once(docker)
            await lsp.once()
            await docker_lsp.once()
            await asyncio.to_thread(docker_exec, client, sleeper.id)
        for _ in range(rounds):
            samples["bare"].append(await process_once([python, str(program)]))
            samples["api"].append(await api_once(bubblewrap))
            samples["lsp"].append(await lsp.once())
            samples["docker_lsp"].append(await docker_lsp.once())
            samples["cli"].append(await process_once([CLI, "run", str(program)]))
            samples["docker_api"].append(await api_once(docker))
            samples["docker_exec"].append(await asyncio.to_thread(docker_exec, client, sleeper.id))
            samples["docker_run"].append(await asyncio.to_thread(docker_cold, client, docker.image))
            docker_cli = [CLI, "run", "--backend", "docker", str(program)]
            samples["docker_cli"].append(await process_once(docker_cli))
    finally:
        sleeper.remove(force=True)
        await lsp.stop()
        await docker_lsp.stop()
    return {name: statistics.median(values) for name, values in samples.items()}


async def concurrent(backend: Backend, count: int) -> tuple[int, float]:
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


async def under_fork_bomb(backend: Backend, rounds: int) -> tuple[float, float]:
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
    ensure_daemon()
    docker = DockerBackend()
    reason = docker.unavailable_reason()
    if reason is not None:
        raise SystemExit(f"docker backend unavailable: {reason}")
    with tempfile.TemporaryDirectory() as folder:
        program = Path(folder) / "main.py"
        program.write_text(PRINT)
        figures = await interleaved(backend, docker, rounds, program)
    for prefix, chosen in (("", backend), ("docker_", docker)):
        ok, wall = await concurrent(chosen, 20)
        quiet, loaded = await under_fork_bomb(chosen, max(10, rounds // 2))
        figures.update(
            {
                f"{prefix}concurrent_ok": ok,
                f"{prefix}concurrent_wall": wall,
                f"{prefix}quiet": quiet,
                f"{prefix}loaded": loaded,
            }
        )
    figures["docker_created"] = docker.pool.created
    await backend.aclose()
    await docker.aclose()
    figures["load"] = os.getloadavg()[0]
    return figures


def report(figures: dict[str, float], rounds: int) -> str:
    bare, api, cli, lsp = figures["bare"], figures["api"], figures["cli"], figures["lsp"]
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
        f"| `playground/run` over the language server (bubblewrap) | {lsp:.1f} ms "
        f"| +{lsp - bare:.1f} ms | {lsp / bare:.2f} |",
        f"| `lionagi-playground run` | {cli:.1f} ms | +{cli - bare:.1f} ms | {cli / bare:.2f} |",
        *docker_rows(figures),
        "",
        f"- Target: over the language server, bubblewrap at most 25 ms over bare python: "
        f"{'met' if lsp - bare <= 25 else 'missed'} (+{lsp - bare:.1f} ms; "
        f"+{api - bare:.1f} ms through the API). "
        "The CLI adds its own interpreter start-up and imports on top.",
        f"- Target: the warm Docker pool under 80 ms over the language server: "
        f"{'met' if figures['docker_lsp'] < 80 else 'missed'} "
        f"({figures['docker_lsp']:.1f} ms; {figures['docker_api']:.1f} ms through the API).",
        *neighbours(figures),
        "",
        "Where the time goes (an instrumented run on a quieter moment: 28 ms against 17 ms "
        "bare): the launch chain (sh, unshare + mount to stage the runtime environment, "
        "setpriv, bwrap) reaches bwrap's clone in ~7 ms; moving the sandbox into its v1 cgroup "
        "costs an RCU grace period (5-10 ms), overlapped with bwrap's set-up through "
        "`--block-fd`; reaping and cgroup removal take under 1 ms. The figures above swing "
        "with the load other work puts on the 2 cores; rerun to compare like with like.",
        "",
        "Docker's warm path: the run header goes down the container's attach stream, already "
        "open, to the agent (pid 1), which writes the files and forks the interpreter; output "
        "comes back through dockerd on the same connection; after the agent's end report the "
        "host reads the container's cgroup and kills the agent through a pidfd. No container "
        "start and no exec is on that path; removing the container and refilling the pool "
        "happen after the exit, in the background. An SDK exec is three API calls (create, "
        "start, inspect) around runc joining the container; a cold container pays create, "
        "attach and start (runc, mounts, cgroup): what the pool hides. The docker CLI figure is "
        "a fresh process with no pool: a cold container plus importing the Docker SDK "
        "(~120 ms). Every run uses up a container, so a burst of 20 costs 20 container starts, "
        f"{int(figures['docker_created'])} created in all during this benchmark; a server "
        "expecting bursts raises `min_warm`.",
        "",
    ]
    return "\n".join(lines)


def docker_rows(figures: dict[str, float]) -> list[str]:
    bare = figures["bare"]
    rows = [
        ("backend API (docker, warm pool)", "docker_api"),
        ("`playground/run` over the language server (docker, warm pool)", "docker_lsp"),
        ("`lionagi-playground run --backend docker`", "docker_cli"),
        ("Docker SDK exec into a warm container", "docker_exec"),
        ("a cold container (`docker run`)", "docker_run"),
    ]
    return [
        f"| {label} | {figures[key]:.1f} ms | +{figures[key] - bare:.1f} ms | "
        f"{figures[key] / bare:.2f} |"
        for label, key in rows
    ]


def neighbours(figures: dict[str, float]) -> list[str]:
    lines = []
    for prefix, name in (("", "bubblewrap"), ("docker_", "docker")):
        quiet, loaded = figures[f"{prefix}quiet"], figures[f"{prefix}loaded"]
        lines += [
            f"- {name}: 20 concurrent `print(1)` runs through the scheduler: "
            f"{int(figures[f'{prefix}concurrent_ok'])}/20 ok in "
            f"{figures[f'{prefix}concurrent_wall']:.0f} ms.",
            f"- {name}: a `print(1)` run while a fork bomb runs in another sandbox: "
            f"{loaded:.1f} ms against {quiet:.1f} ms without ({loaded / quiet:.2f}x; "
            f"target < 2x: {'met' if loaded / quiet < 2 else 'missed'}).",
        ]
    return lines


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
