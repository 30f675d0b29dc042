"""The docker backend beyond the escape suite: the pool's promises, hygiene, the CLI.

The escape suite (test_escapes.py) runs every attack against docker too; these tests check
what only a pool has: one container per run, retirement after a limit, refills, the size
bound, and that nothing (process, file, IPC object, daemon) reaches the next run.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from lionagi_playground.sandbox import Limits, RunRequest
from lionagi_playground.sandbox.docker.backend import DockerBackend, DockerRun
from lionagi_playground.sandbox.docker.daemon import Daemon
from lionagi_playground.sandbox.limits import MIB
from tests.sandbox.harness import GRACE_S, Result, collect, docker_leftovers

LEAVE_TRACES = """
import ctypes, os, time
libc = ctypes.CDLL(None, use_errno=True)
shm = libc.shmget(0x5eed, 4096, 0o1600)          # IPC_CREAT | 0600: a System V segment
sem = libc.semget(0x5eed, 1, 0o1600)
for path in ("/tmp/trace", "/workspace/trace", "/dev/shm/trace"):
    with open(path, "w") as out:
        out.write("left behind")
if os.fork() == 0:                                 # a daemon that would outlive the run
    os.setsid()
    if os.fork() == 0:
        while True:
            time.sleep(1)
    os._exit(0)
print("traces", shm >= 0, sem >= 0)
"""

LOOK_FOR_TRACES = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
found = []
if libc.shmget(0x5eed, 0, 0) >= 0:
    found.append("shm")
if libc.semget(0x5eed, 0, 0) >= 0:
    found.append("sem")
found += [p for p in ("/tmp/trace", "/workspace/trace", "/dev/shm/trace") if os.path.exists(p)]
others = [pid for pid in os.listdir("/proc") if pid.isdigit() and int(pid) not in (1, os.getpid())]
found += [f"process {pid}" for pid in others]
print("found", found)
"""


async def run_source(
    backend: DockerBackend, source: str, limits: Limits | None = None, stdin: str | None = ""
) -> tuple[DockerRun, Result]:
    chosen = limits or Limits(timeout_s=20)
    request = RunRequest({"main.py": source}, "main.py", stdin=stdin, limits=chosen)
    run = await backend.start(request)
    assert isinstance(run, DockerRun)
    return run, await collect(run, chosen.timeout_s + GRACE_S)


async def test_nothing_survives_into_the_next_run(docker_backend: DockerBackend) -> None:
    first, result = await run_source(docker_backend, LEAVE_TRACES)
    assert result.exit.status == "ok", result.events
    assert result.text() == "traces True True\n"
    second, result = await run_source(docker_backend, LOOK_FOR_TRACES)
    assert result.text() == "found []\n"
    assert first.container_id != second.container_id
    assert await docker_leftovers(docker_backend) == []


async def test_a_container_serves_one_run(docker_backend: DockerBackend) -> None:
    runs = [await run_source(docker_backend, "print('once')") for _ in range(4)]
    ids = [run.container_id for run, _ in runs]
    assert len(set(ids)) == len(ids)
    pool = docker_backend.pool
    assert set(ids) <= set(pool.served)
    assert await docker_leftovers(docker_backend) == []  # every one of them is gone


async def test_a_container_that_hit_a_limit_is_retired(docker_backend: DockerBackend) -> None:
    hog = "x = bytearray(300 * 1024 * 1024)\nx[::4096] = b'1' * len(x[::4096])\n"
    run, result = await run_source(docker_backend, hog, Limits(timeout_s=20, memory_bytes=64 * MIB))
    assert result.exit.status == "memory", result.events
    after, _ = await run_source(docker_backend, "print('next')")
    assert after.container_id != run.container_id
    await docker_backend.pool.removed()
    listed = await asyncio.to_thread(
        docker_backend.pool.client.api.containers, all=True, filters={"id": run.container_id}
    )
    assert listed == []


async def test_the_pool_refills_and_keeps_to_its_sizes(docker_ready: Daemon) -> None:
    backend = DockerBackend(min_warm=2, max_containers=3)
    assert backend.unavailable_reason() is None
    pool = backend.pool
    try:
        await backend.prewarm()
        assert pool.warm == 2
        warm = set(pool.warm_ids())
        sleeper = "import time\nprint('up', flush=True)\ntime.sleep(60)\n"
        runs = []
        for _ in range(3):
            run = await backend.start(
                RunRequest({"main.py": sleeper}, "main.py", limits=Limits(timeout_s=60))
            )
            runs.append(run)
        # Two came warm, one was made for its run; the pool is full, so nothing refills.
        assert {r.container_id for r in runs if isinstance(r, DockerRun)} >= warm
        await pool.settled()
        assert (pool.busy, pool.warm, pool.total) == (3, 0, 3)
        fourth = asyncio.ensure_future(
            backend.start(RunRequest({"main.py": "print(4)"}, "main.py", stdin=""))
        )
        await asyncio.wait_for(pool.until(lambda: pool.waiting == 1), GRACE_S)
        assert not fourth.done(), "a fourth container would exceed max_containers"
        assert pool.total == 3
        for run in runs:
            await run.cancel()
        last = await asyncio.wait_for(fourth, GRACE_S)
        result = await collect(last, GRACE_S)
        assert result.text() == "4\n"
        for run in runs:
            await asyncio.wait_for(collect(run, GRACE_S), GRACE_S)
        await backend.prewarm()  # refilled to min_warm once runs let go
        await pool.settled()
        assert pool.warm == 2
        assert pool.peak_total <= 3
    finally:
        await backend.aclose()
    assert pool.total == 0


async def test_stdin_written_while_running(docker_backend: DockerBackend) -> None:
    source = "print('name?', flush=True)\nprint('hello', input())\n"
    run = await docker_backend.start(
        RunRequest({"main.py": source}, "main.py", stdin=None, limits=Limits(timeout_s=20))
    )
    events = run.events()
    first = await asyncio.wait_for(anext(events), GRACE_S)
    assert getattr(first, "text", "") == "name?\n"
    await run.write_stdin("world\n")
    await run.close_stdin()
    rest = Result([event async for event in events])
    assert rest.text() == "hello world\n"
    assert rest.exit.status == "ok"


async def test_usage_comes_from_the_container(docker_backend: DockerBackend) -> None:
    source = "import time\nx = bytearray(64 * 1024 * 1024)\nx[::4096] = b'1' * len(x[::4096])\n"
    source += "while time.process_time() < 1.2: pass\n"  # CPU time, whatever else runs
    _, result = await run_source(docker_backend, source)
    assert result.exit.status == "ok"
    assert result.exit.max_memory_bytes >= 64 * MIB
    assert result.exit.cpu_ms >= 1000
    assert result.stats, "a usage sample about once a second"
    assert max(s.memory_bytes for s in result.stats) >= 64 * MIB


async def test_network_only_when_allowed(docker_backend: DockerBackend) -> None:
    source = "import os\nprint(sorted(os.listdir('/sys/class/net')))\n"
    _, closed = await run_source(docker_backend, source)
    assert closed.text() == "['lo']\n"
    _, opened = await run_source(docker_backend, source, Limits(timeout_s=20, network=True))
    assert "eth0" in opened.text()


def test_cli_runs_on_docker(docker_ready: Daemon, tmp_path: Path) -> None:
    program = tmp_path / "main.py"
    program.write_text("import os\nprint('from docker', os.getuid(), input())\n")
    done = subprocess.run(
        [sys.executable, "-m", "lionagi_playground", "run", "--backend", "docker", str(program)],
        input="typed\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "from docker 1000 typed\n"
    assert done.stderr.strip().splitlines()[-1].startswith("[ok]")


def test_image_command_is_idempotent(docker_ready: Daemon) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lionagi_playground", "image"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "is up to date: nothing to build" in done.stdout


@pytest.mark.parametrize("program", ["kill_parent.py", "kill_all.py"])
async def test_pid_1_is_the_agent_and_survives(docker_backend: DockerBackend, program: str) -> None:
    source = (Path(__file__).parents[1] / "escapes" / program).read_text()
    _, result = await run_source(docker_backend, source)
    assert result.exit.status == "ok"
    _, result = await run_source(docker_backend, "print(open('/proc/1/cmdline').read())")
    assert "agent.py" in result.text()
