"""The escape suite: every program in escapes/ against every backend, each contained.

One file per attack (its docstring says what it tries and what containment means); this
module holds what each must end as, plus the host-side checks: after every program no process
of a run uid is left, no run cgroup, nothing on the host the program made.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lionagi_playground.sandbox import Backend, Display, Limits, Output
from lionagi_playground.sandbox.bubblewrap.backend import BubblewrapBackend
from lionagi_playground.sandbox.display import NONCE_ENV
from lionagi_playground.sandbox.docker.backend import DockerBackend
from lionagi_playground.sandbox.runtimes import BASE_ENV, PYTHON_ENV
from tests.sandbox.harness import (
    Result,
    docker_leftovers,
    leftover_cgroups,
    owned_files,
    run_files,
    run_uid_processes,
)

ESCAPES = Path(__file__).parent / "escapes"
PROGRAMS = sorted(p.name for p in ESCAPES.iterdir() if p.suffix in (".py", ".sh", ".js"))
PROGRAMS.remove("__init__.py")


@dataclass(frozen=True)
class Expect:
    status: frozenset[str]
    stdout: str | None = None
    """The exact stdout, when the program's output is deterministic."""
    contains: tuple[str, ...] = ()
    timeout_s: float = 10.0
    stdin: str = ""
    one_cpu: bool = False
    """CPU time may not exceed wall time by much: the run had one CPU, not the machine."""
    check: Callable[[Result], None] | None = field(default=None)


def statuses(*names: str) -> frozenset[str]:
    return frozenset(names)


def only_sandbox_env(result: Result) -> None:
    allowed = {name for name, _ in (*BASE_ENV, *PYTHON_ENV)} | {NONCE_ENV, "PWD"}
    names = set(result.text().split())
    # Names beyond the sandbox's own may only come from inside (the runtime package sets
    # some at start-up), never from the server's environment.
    leaked = (names - allowed) & set(os.environ)
    assert not leaked, f"server variables in the sandbox: {leaked}"
    assert "PLAYGROUND_TEST_SECRET" not in names


def replaced_bad_bytes(result: Result) -> None:
    text = result.text()
    assert "bad \ufffd\ufffd bytes\n" in text
    assert "split \u00e9 ok\n" in text
    assert "truncated \ufffd\n" in text


def capped_output(result: Result) -> None:
    total = sum(len(e.text.encode()) for e in result.events if isinstance(e, Output))
    assert 0 < total <= Limits().output_bytes + 200  # the cap, plus the sandbox's own notice


def real_display_only(result: Result) -> None:
    assert result.displays == [Display("text/plain", "real")]
    assert "before\n" in result.text()
    assert "deadbeef" in result.text()
    assert result.text().endswith("after\n")


def crashed_with(number: int) -> Callable[[Result], None]:
    def check(result: Result) -> None:
        assert result.exit.signal == number, result.exit

    return check


def exit_42(result: Result) -> None:
    assert result.exit.exit_code == 42


EXPECTED: dict[str, Expect] = {
    "fork_bomb.py": Expect(statuses("timeout"), timeout_s=2),
    "memory_one_process.py": Expect(statuses("memory")),
    "memory_many_processes.py": Expect(statuses("memory")),
    "cpu_threads.py": Expect(statuses("timeout"), timeout_s=2, one_cpu=True),
    "cpu_processes.py": Expect(statuses("timeout"), timeout_s=2, one_cpu=True),
    "disk_fill.py": Expect(statuses("ok"), contains=("stopped in /workspace", "contained")),
    "stdout_flood.py": Expect(statuses("output_limit"), check=capped_output),
    "stderr_flood.py": Expect(statuses("output_limit"), check=capped_output),
    "too_many_files.py": Expect(statuses("ok"), contains=("stopped after",)),
    "double_fork_daemon.py": Expect(statuses("ok"), stdout="parent exits, daemon detached\n"),
    "listening_port.py": Expect(statuses("ok"), stdout="listener started\n"),
    "kill_parent.py": Expect(statuses("ok"), contains=("signalled pids",)),
    "kill_all.py": Expect(statuses("ok"), stdout="still here after kill(-1)\n"),
    "persist_state.py": Expect(statuses("ok"), stdout="fresh\n"),
    "host_secrets.py": Expect(statuses("ok"), stdout="nothing readable\n"),
    "env_leak.py": Expect(statuses("ok"), check=only_sandbox_env),
    "etc_shadow.py": Expect(statuses("ok"), stdout="no shadow\n"),
    "write_outside.py": Expect(statuses("ok"), stdout="nothing written\n"),
    "proc1_root.py": Expect(statuses("ok"), contains=("pid 1 is closed",)),
    "ptrace.py": Expect(statuses("ok"), contains=("denied",)),
    "mount.py": Expect(statuses("ok"), stdout="no mounts\n"),
    "mknod.py": Expect(statuses("ok"), stdout="no devices\n"),
    "setuid.py": Expect(statuses("ok"), stdout="still uid 1000\n"),
    "symlink_trap.py": Expect(statuses("ok"), contains=("planted",)),
    "fifo_trap.py": Expect(statuses("ok"), stdout="planted fifos\n"),
    "host_loopback.py": Expect(statuses("ok"), contains=("refused",)),
    "external_address.py": Expect(statuses("ok"), contains=("no route",)),
    "dns.py": Expect(statuses("ok"), contains=("no DNS",)),
    "segfault.py": Expect(statuses("signal"), stdout="about to crash\n", check=crashed_with(11)),
    "recursion.py": Expect(statuses("signal", "error", "memory"), stdout="recursing\n"),
    "invalid_utf8.py": Expect(statuses("ok"), check=replaced_bad_bytes),
    "exit_codes.py": Expect(statuses("error"), stdout="exiting with 42\n", check=exit_42),
    "signals.py": Expect(statuses("signal"), check=crashed_with(15)),
    "seccomp_denied.py": Expect(statuses("ok"), stdout="all denied\n"),
    "cgroup_escape.py": Expect(statuses("ok"), stdout="cgroup untouched\n"),
    "sleep_forever.py": Expect(statuses("timeout"), stdout="sleeping\n", timeout_s=1),
    "display_forgery.py": Expect(statuses("ok"), check=real_display_only),
    "benign_threads.py": Expect(
        statuses("ok"), stdout="1 499500\n2 1999000\n3 4498500\n4 7998000\n"
    ),
    "benign_subprocess.py": Expect(statuses("ok"), stdout="from echo\nchild said 42\n"),
    "benign_stdin.py": Expect(statuses("ok"), stdout="A\nB\ndone\n", stdin="a\nb\n"),
    "benign_bash.sh": Expect(statuses("ok"), stdout="line 9\nline 4\nline 1\nuid 1000\n"),
    "benign_node.js": Expect(statuses("ok"), stdout="squares 1,4,9\n"),
}
SPECIAL = {"benign_streaming.py"}
"""Programs with a test of their own below."""


def test_every_program_has_an_expectation() -> None:
    assert set(PROGRAMS) == set(EXPECTED) | SPECIAL
    assert len(PROGRAMS) >= 30


def test_every_program_says_what_it_tries() -> None:
    for name in PROGRAMS:
        head = (ESCAPES / name).read_text().lstrip()
        assert head.startswith(('"""', "#", "//")), f"{name} needs a docstring or comment"


@pytest.fixture
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def sentinel() -> Iterator[subprocess.Popen[bytes]]:
    """A host process that kill(-1) and friends must not reach."""
    process = subprocess.Popen(["sleep", "300"])
    yield process
    process.kill()
    process.wait()


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_program_is_contained(
    backend: Backend,
    name: str,
    free_port: int,
    sentinel: subprocess.Popen[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expect = EXPECTED[name]
    if name.endswith(".js") and "javascript" not in backend.languages():
        pytest.skip("no node on this machine")
    monkeypatch.setenv("PLAYGROUND_TEST_SECRET", "hunter2")
    disk_before = shutil.disk_usage("/").free
    host_server = socket.create_server(("127.0.0.1", free_port))
    host_server.setblocking(False)
    files = {name: (ESCAPES / name).read_text(), "port.txt": str(free_port)}
    result = await run_files(
        backend, files, name, stdin=expect.stdin, limits=Limits(timeout_s=expect.timeout_s)
    )
    host_server_saw = _accepted(host_server)
    host_server.close()

    exit_ = result.exit
    assert exit_.status in expect.status, (
        exit_,
        result.text()[-500:],
        result.text("stderr")[-800:],
    )
    everything = result.text() + result.text("stderr")
    assert "ESCAPED" not in everything
    if expect.stdout is not None:
        assert result.text() == expect.stdout, result.text("stderr")[-800:]
    for fragment in expect.contains:
        assert fragment in result.text(), (fragment, result.text()[-500:])
    if expect.one_cpu and _has_cgroups(backend):
        assert exit_.cpu_ms <= exit_.elapsed_ms * 1.25 + 300, exit_
    if expect.check is not None:
        expect.check(result)

    assert not host_server_saw, "the host's loopback server got a connection"
    assert sentinel.poll() is None, "a host process was killed"
    assert shutil.disk_usage("/").free > disk_before - 64 * 1024 * 1024
    await _assert_host_clean(backend, free_port)
    if name == "persist_state.py":
        again = await run_files(backend, files, name)
        assert again.text() == "fresh\n"


async def test_output_streams_before_the_program_ends(backend: Backend) -> None:
    """A line printed before a long sleep arrives while the program still sleeps."""
    from lionagi_playground.sandbox import RunRequest

    source = (ESCAPES / "benign_streaming.py").read_text()
    run = await backend.start(
        RunRequest({"main.py": source}, "main.py", stdin="", limits=Limits(timeout_s=60))
    )
    events = run.events()
    printed = ""
    while not printed.endswith("\n"):  # print() may reach the pipe as two writes
        event = await asyncio.wait_for(anext(events), 20)
        assert isinstance(event, Output), event  # the program has not ended
        printed += event.text
    assert printed == "first line\n"
    await run.cancel()
    rest: list[object] = [event async for event in events]
    assert rest[-1].status == "cancelled"  # type: ignore[attr-defined]
    assert rest[-1].elapsed_ms < 60_000  # type: ignore[attr-defined]


def _accepted(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


def _has_cgroups(backend: Backend) -> bool:
    if isinstance(backend, DockerBackend):
        return True  # every container has its own cgroup
    return isinstance(backend, BubblewrapBackend) and backend.cgroups is not None


async def _assert_host_clean(backend: Backend, port: int) -> None:
    assert run_uid_processes(backend) == []
    assert leftover_cgroups(backend) == []
    assert await docker_leftovers(backend) == []
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 2):
        pass
    if isinstance(backend, BubblewrapBackend) and backend.uid_range is not None:
        state = backend.state_dir
        if state is not None:
            assert owned_files(state, backend.uid_range) == []
            assert {p.name for p in state.iterdir()} <= {"etc"} | {
                p.name for p in state.iterdir() if p.name.startswith("stage-")
            }
            assert not any(p.is_symlink() or p.is_fifo() for p in state.rglob("*"))
