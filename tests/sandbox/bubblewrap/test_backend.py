"""The bubblewrap backend end to end: stdin, cancel, usage samples, statuses, runtimes."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from lionagi_playground.sandbox import Backend, Exit, Output, RunRequest, Stats
from lionagi_playground.sandbox.bubblewrap.backend import BubblewrapBackend, _reachable_by_others
from lionagi_playground.sandbox.cgroups import RunLimits
from tests.sandbox.harness import collect, leftover_cgroups, run_files, run_uid_processes

REPO = Path(__file__).resolve().parents[3]


async def test_interactive_stdin(bubblewrap: Backend) -> None:
    source = "name = input('name? ')\nprint('hello', name)\n"
    run = await bubblewrap.start(RunRequest({"main.py": source}, "main.py", stdin=None))
    events = run.events()
    prompt = await asyncio.wait_for(anext(events), 20)
    assert prompt == Output("stdout", "name? ")
    await run.write_stdin("ada\n")
    rest = [event async for event in events]
    assert Output("stdout", "hello ada\n") in rest
    last = rest[-1]
    assert isinstance(last, Exit)
    assert (last.status, last.exit_code) == ("ok", 0)


async def test_cancel_stops_the_run(bubblewrap: Backend) -> None:
    source = "import time\nprint('up', flush=True)\ntime.sleep(60)\n"
    run = await bubblewrap.start(RunRequest({"main.py": source}, "main.py"))
    events = run.events()
    printed = ""
    while not printed.endswith("\n"):  # print() may reach the pipe as two writes
        event = await asyncio.wait_for(anext(events), 20)
        assert isinstance(event, Output), event
        printed += event.text
    assert printed == "up\n"
    await run.cancel()
    rest = [event async for event in events]
    assert isinstance(rest[-1], Exit)
    assert rest[-1].status == "cancelled"
    assert run_uid_processes(bubblewrap) == []
    assert leftover_cgroups(bubblewrap) == []


async def test_usage_is_sampled_and_reported(bubblewrap: Backend) -> None:
    source = textwrap.dedent(
        """
        import time
        block = bytearray(450 * 1024 * 1024)
        for offset in range(0, len(block), 4096):
            block[offset] = 1
        end = time.monotonic() + 2.5
        while time.monotonic() < end:
            pass
        print("done")
        """
    )
    result = await run_files(bubblewrap, {"main.py": source}, "main.py")
    assert result.exit.status == "ok"
    assert result.stats, "no usage sample during a 2.5 s run"
    assert all(isinstance(sample, Stats) for sample in result.stats)
    # The largest sample: the last one may land while the interpreter is already exiting.
    assert max(sample.memory_bytes for sample in result.stats) > 400 * 1024 * 1024
    # A busy loop: well above an idle program's ~0%, even on a machine shared with others.
    assert max(sample.cpu_percent for sample in result.stats) > 10
    assert any("memory at" in warning for s in result.stats for warning in s.warnings)
    assert result.exit.max_memory_bytes > 400 * 1024 * 1024
    assert result.exit.cpu_ms > 1500
    assert result.exit.elapsed_ms >= 2500


async def test_display_items_from_the_runtime_protocol(bubblewrap: Backend) -> None:
    source = textwrap.dedent(
        """
        import base64, json, os
        item = {"mime": "image/png", "data": base64.b64encode(b"PNG").decode()}
        frame = base64.b64encode(json.dumps(item).encode())
        nonce = os.environ["PLAYGROUND_DISPLAY_NONCE"].encode()
        print("text", flush=True)
        os.write(1, b"\\x1b]5379;" + nonce + b";" + frame + b"\\x07")
        """
    )
    result = await run_files(bubblewrap, {"main.py": source}, "main.py")
    assert result.text() == "text\n"
    assert [(d.mime, d.data) for d in result.displays] == [("image/png", "UE5H")]


async def test_workspace_files_and_bash(bubblewrap: Backend) -> None:
    files = {
        "main.py": "from pkg.helper import greet\nprint(greet())\n",
        "pkg/__init__.py": "",
        "pkg/helper.py": "def greet() -> str:\n    return 'hi from pkg'\n",
    }
    assert (await run_files(bubblewrap, files, "main.py")).text() == "hi from pkg\n"
    shell = await run_files(bubblewrap, {"run.sh": "echo $((6*7)) $PWD\n"}, "run.sh")
    assert shell.text() == "42 /workspace\n"


async def test_lionagi_is_importable_in_the_runtime(bubblewrap: Backend) -> None:
    result = await run_files(
        bubblewrap, {"main.py": "import lionagi\nprint(lionagi.__name__)\n"}, "main.py"
    )
    assert result.text() == "lionagi\n", result.text("stderr")[-1000:]


async def test_concurrent_runs_all_succeed(bubblewrap: Backend) -> None:
    runs = [
        await bubblewrap.start(RunRequest({"main.py": f"print({n})"}, "main.py")) for n in range(8)
    ]
    results = await asyncio.gather(*(collect(run, 60) for run in runs))
    assert [r.text() for r in results] == [f"{n}\n" for n in range(8)]
    assert all(r.exit.status == "ok" for r in results)


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A scratch folder an ordinary user can read (pytest's own tmp_path is root-only)."""
    path = Path(tempfile.mkdtemp(prefix="playground-unprivileged-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to an ordinary user")
def test_unprivileged_server_mode(open_dir: Path) -> None:
    """The backend run by an ordinary user: user namespace only, rlimits instead of cgroups."""
    site = next(Path(sys.prefix).glob("lib/python3*/site-packages"))
    if not (_reachable_by_others(REPO) and _reachable_by_others(site)):
        pytest.skip("the checkout or its venv is not readable by an ordinary user here")
    tmp_path = open_dir
    driver = tmp_path / "driver.py"
    driver.write_text(
        textwrap.dedent(
            """
            import asyncio, json, sys
            from lionagi_playground.sandbox import RunRequest, Limits
            from lionagi_playground.sandbox.bubblewrap.backend import BubblewrapBackend

            PROGRAMS = {
                "uid": "import os; print(os.getuid())",
                "fork_bomb": (
                    "import os\\nwhile True:\\n    try: os.fork()\\n    except OSError: pass"
                ),
                "memory": "x = bytearray(900 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])",
                "shadow": "open('/etc/shadow')",
            }

            async def main():
                backend = BubblewrapBackend()
                out = {"reason": backend.unavailable_reason()}
                out["cgroups"] = backend.cgroups is not None
                for name, code in PROGRAMS.items():
                    run = await backend.start(
                        RunRequest({"m.py": code}, "m.py", limits=Limits(timeout_s=3))
                    )
                    text, last = "", None
                    async for event in run.events():
                        text += getattr(event, "text", "")
                        last = event
                    out[name] = [last.status, text[-300:]]
                await backend.aclose()
                print(json.dumps(out))

            asyncio.run(main())
            """
        )
    )
    driver.chmod(0o644)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHONPATH": f"{REPO}:{site}",
        "LIONAGI_PLAYGROUND_RUNTIME": str(tmp_path / "no-runtime"),
    }
    done = subprocess.run(
        [
            "setpriv",
            "--reuid=64999",
            "--regid=64999",
            "--clear-groups",
            "--",
            "/usr/bin/python3",
            str(driver),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["reason"] is None
    assert report["cgroups"] is False
    assert report["uid"] == ["ok", "1000\n"]
    assert report["fork_bomb"][0] == "timeout"
    assert report["memory"][0] in ("error", "memory")
    assert "MemoryError" in report["memory"][1] or report["memory"][0] == "memory"
    assert report["shadow"][0] == "error"
    assert "No such file" in report["shadow"][1]
    leftovers = subprocess.run(["pgrep", "-u", "64999"], capture_output=True, text=True)
    assert leftovers.stdout == ""


def test_unavailable_backend_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    backend = BubblewrapBackend()
    assert backend.unavailable_reason() is not None
    assert "bwrap" in (backend.unavailable_reason() or "")


def test_a_new_server_removes_what_a_killed_server_left(bubblewrap: Backend) -> None:
    """A server SIGKILLed mid-run leaves a run cgroup (and maybe its processes) that no one
    owns; the next server kills those processes and removes the cgroup, and leaves the
    cgroups of live servers alone."""
    assert isinstance(bubblewrap, BubblewrapBackend)
    host = bubblewrap.cgroups
    if host is None:
        pytest.fail("root on this machine must have writable cgroups")
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = host.create(f"run-stale0000000-{gone.pid}", RunLimits(64 << 20, 8, 1.0))
    live = host.create(f"run-live00000000-{os.getpid()}", RunLimits(64 << 20, 8, 1.0))
    orphan = subprocess.Popen(["sleep", "300"])
    try:
        stale.adopt(orphan.pid)
        BubblewrapBackend()
        assert orphan.wait(timeout=10) == -9
        assert not any(d.exists() for d in stale.dirs.values())
        assert all(d.exists() for d in live.dirs.values())
    finally:
        orphan.kill()
        stale.remove()
        live.remove()
