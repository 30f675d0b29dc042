"""Running programs in a backend for the tests: collect every event, with a deadline."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lionagi_playground.sandbox import (
    Backend,
    Display,
    Event,
    Execution,
    Exit,
    Limits,
    Output,
    RunRequest,
    Stats,
)
from lionagi_playground.sandbox.bubblewrap.backend import BubblewrapBackend
from lionagi_playground.sandbox.docker.backend import DockerBackend
from lionagi_playground.sandbox.docker.sweep import POOL_LABEL

GRACE_S = 20.0
"""How long past its own timeout a run may take to report its exit before a test fails."""


@dataclass
class Result:
    events: list[Event] = field(default_factory=list)

    @property
    def exit(self) -> Exit:
        last = self.events[-1]
        assert isinstance(last, Exit), f"the last event is not an exit: {last}"
        return last

    def text(self, stream: str = "stdout") -> str:
        return "".join(e.text for e in self.events if isinstance(e, Output) and e.stream == stream)

    @property
    def displays(self) -> list[Display]:
        return [e for e in self.events if isinstance(e, Display)]

    @property
    def stats(self) -> list[Stats]:
        return [e for e in self.events if isinstance(e, Stats)]


async def collect(run: Execution, deadline_s: float) -> Result:
    result = Result()

    async def read() -> None:
        async for event in run.events():
            result.events.append(event)

    await asyncio.wait_for(read(), deadline_s)
    exits = [e for e in result.events if isinstance(e, Exit)]
    assert len(exits) == 1, "exactly one exit"
    assert result.events[-1] is exits[0], "the exit comes last"
    return result


async def run_files(
    backend: Backend,
    files: Mapping[str, str],
    entry: str,
    *,
    stdin: str | None = "",
    limits: Limits | None = None,
    language: str | None = None,
) -> Result:
    chosen = limits or Limits(timeout_s=10)
    request = RunRequest(dict(files), entry, language=language, stdin=stdin, limits=chosen)
    run = await backend.start(request)
    return await collect(run, chosen.timeout_s + GRACE_S)


def run_uid_processes(backend: Backend) -> list[str]:
    """Host processes owned by the backend's run uids (root mode): none may outlive a run."""
    if not isinstance(backend, BubblewrapBackend) or backend.uid_range is None:
        return []
    uids = backend.uid_range
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("Uid:") and int(line.split()[1]) in uids:
                found.append(f"{entry.name}: {status.splitlines()[0]}")
    return found


def leftover_cgroups(backend: Backend) -> list[Path]:
    if isinstance(backend, BubblewrapBackend) and backend.cgroups is not None:
        return backend.cgroups.leftovers()
    return []


def owned_files(root: Path, uids: range) -> list[Path]:
    """Files under `root` owned by a run uid (none may be left on the host)."""
    found = []
    for directory, names, files in os.walk(root, onerror=lambda error: None):
        for name in [*names, *files]:
            path = Path(directory) / name
            try:
                if path.lstat().st_uid in uids:
                    found.append(path)
            except OSError:
                continue
    return found


async def docker_leftovers(backend: Backend) -> list[str]:
    """What is left of finished docker runs: containers not removed, processes in them.

    Every container that served a run must be gone once the pool's removals are done, and
    no host process may still sit in one of their cgroups.
    """
    if not isinstance(backend, DockerBackend):
        return []
    pool = backend.pool
    await asyncio.wait_for(pool.removed(), GRACE_S)
    served = set(pool.served)
    found = [f"busy container count {pool.busy}"] if pool.busy else []
    listed = await asyncio.to_thread(
        pool.client.api.containers, all=True, filters={"label": POOL_LABEL}
    )
    found += [f"container {item['Id'][:12]}" for item in listed if item["Id"] in served]
    found += await asyncio.to_thread(_processes_in, served)
    return found


def _processes_in(containers: set[str]) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            groups = (entry / "cgroup").read_text()
        except OSError:
            continue
        if any(container_id in groups for container_id in containers):
            found.append(f"process {entry.name} in a finished run's container")
    return found
