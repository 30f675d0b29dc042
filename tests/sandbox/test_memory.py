"""What a run reports as its memory, on every backend: the program's own, nothing else.

`memoryBytes` (the live samples) and `maxMemoryBytes` (the exit) must count what the program
itself holds: its anonymous memory and the tmpfs files it wrote, not the page cache of the
read-only runtime, not the launch chain (bwrap, the container's agent, or the server whose
peak RSS a vforked child would inherit), not what the cgroup held before the program started.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from lionagi_playground.sandbox import Backend
from lionagi_playground.sandbox.cgroups.run import working_set
from lionagi_playground.sandbox.limits import MIB
from tests.sandbox.harness import run_files

TRIVIAL_BOUND = 20 * MIB
"""Measured on both backends: `print(1)` peaks at about 9 MiB of resident memory (the
interpreter's own pages, ~3 MiB of them anonymous); 20 MiB leaves room for another Python
build while staying far below what was reported before (26 MiB through the command line,
59-135 MiB over the language server: the server's own peak, inherited by the launch chain)."""

ALLOCATED = 200 * MIB
TOUCH_200_MB = """
block = bytearray(200 * 1024 * 1024)
block[::4096] = b"x" * len(block[::4096])  # every page touched, so every page is resident
print(len(block))
"""


async def test_a_trivial_program_reports_a_few_mb(backend: Backend) -> None:
    result = await run_files(backend, {"main.py": "print(1)\n"}, "main.py")
    assert result.exit.status == "ok", result.events
    assert 0 < result.exit.max_memory_bytes < TRIVIAL_BOUND, result.exit


async def test_an_idle_program_is_sampled_at_a_few_mb(backend: Backend) -> None:
    source = "import time\nfor _ in range(5):\n    time.sleep(0.5)\n"
    result = await run_files(backend, {"main.py": source}, "main.py")
    assert result.exit.status == "ok", result.events
    assert result.stats, "a usage sample about once a second"
    assert all(0 < s.memory_bytes < TRIVIAL_BOUND for s in result.stats), result.stats
    assert result.exit.max_memory_bytes < TRIVIAL_BOUND, result.exit


READ_THE_RUNTIME = """
import os, sys, time
def files():
    for root in (sys.prefix, os.path.dirname(os.__file__)):  # the read-only runtime
        for folder, _, names in os.walk(root):
            yield from (os.path.join(folder, name) for name in names)

read = 0
for path in files():
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        continue
    # Dropped from the page cache first, so that reading it charges this run's cgroup.
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    while chunk := os.read(fd, 1 << 20):
        read += len(chunk)
    os.close(fd)
    if read > 96 * 1024 * 1024:
        break
print(read > 64 * 1024 * 1024)
for _ in range(5):
    time.sleep(0.5)
"""


async def test_the_runtime_it_reads_is_not_its_memory(backend: Backend) -> None:
    """The page cache of files the program read is the kernel's (reclaimable), not its own."""
    result = await run_files(backend, {"main.py": READ_THE_RUNTIME}, "main.py")
    assert (result.exit.status, result.text()) == ("ok", "True\n"), result.events
    assert result.stats, "a usage sample about once a second"
    assert all(0 < s.memory_bytes < TRIVIAL_BOUND for s in result.stats), result.stats
    assert result.exit.max_memory_bytes < TRIVIAL_BOUND, result.exit


async def test_200_mb_allocated_reports_about_200_mb(backend: Backend) -> None:
    result = await run_files(backend, {"main.py": TOUCH_200_MB}, "main.py")
    assert result.exit.status == "ok", result.events
    # The block, the interpreter (~9 MiB) and the slice copies' transient pages: never less
    # than the block, never the runtime's page cache or the server's peak on top.
    assert ALLOCATED * 0.95 < result.exit.max_memory_bytes < ALLOCATED + 60 * MIB, result.exit


async def test_tmpfs_files_the_program_wrote_count(backend: Backend) -> None:
    """Files in /tmp live in memory and count against the run's limit, so they are its own."""
    source = textwrap.dedent(
        """
        import time
        with open("/tmp/blob", "wb") as out:
            out.write(b"x" * (48 * 1024 * 1024))  # within the 64 MiB /tmp
        for _ in range(5):
            time.sleep(0.5)
        """
    )
    result = await run_files(backend, {"main.py": source}, "main.py")
    assert result.exit.status == "ok", result.events
    assert result.stats, "a usage sample about once a second"
    assert max(s.memory_bytes for s in result.stats) > 46 * MIB, result.stats
    assert result.exit.max_memory_bytes > 46 * MIB, result.exit


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("version", [1, 2])
def test_the_working_set_is_anonymous_and_shared_memory_on_both_cgroup_versions(
    version: int,
) -> None:
    """memory.stat as a cgroup v1 and a v2 kernel wrote it for one run: 35 MiB of heap and a
    16 MiB tmpfs file, beside 20 MiB of the runtime's page cache. This machine has one cgroup
    version; the other's layout is read from a file it really wrote."""
    stat = (FIXTURES / f"memory.stat.v{version}").read_text()
    assert working_set(version, stat) == 36_691_968 + 16_777_216
