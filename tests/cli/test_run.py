"""`lionagi-playground run`: streams output, forwards stdin, exits with the documented codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "lionagi_playground", "run"]


def run_cli(
    path: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, str(path), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env} if env else None,
    )


@pytest.mark.parametrize(
    ("source", "args", "code", "status"),
    [
        ("print('hi')", [], 0, "[ok]"),
        ("import sys; sys.exit(7)", [], 7, "[error"),
        ("import time; time.sleep(30)", ["--timeout", "0.5"], 124, "[timeout"),
        ("while True: print('x' * 100)", [], 125, "[output_limit"),
        (
            "x = bytearray(200 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])",
            ["--memory", "64"],
            137,
            "[memory",
        ),
        ("import os, signal; os.kill(os.getpid(), signal.SIGTERM)", [], 143, "[signal"),
    ],
)
def test_exit_codes_and_summary(
    tmp_path: Path, source: str, args: list[str], code: int, status: str
) -> None:
    program = tmp_path / "main.py"
    program.write_text(source + "\n")
    done = run_cli(program, *args)
    assert done.returncode == code, done.stderr[-1000:]
    summary = done.stderr.strip().splitlines()[-1]
    assert summary.startswith(status)
    assert "ms wall" in summary
    assert "MiB peak" in summary


def test_stdin_and_sibling_files(tmp_path: Path) -> None:
    (tmp_path / "helper.py").write_text("WORD = 'sibling'\n")
    program = tmp_path / "main.py"
    program.write_text("from helper import WORD\nprint(WORD, input())\n")
    assert run_cli(program, stdin="piped\n").stdout == "sibling piped\n"
    assert run_cli(program, "--stdin", "given\n").stdout == "sibling given\n"


def test_refusals(tmp_path: Path) -> None:
    program = tmp_path / "main.py"
    program.write_text("print(1)\n")
    nowhere = {"DOCKER_HOST": f"unix://{tmp_path}/no-daemon.sock"}
    docker = run_cli(program, "--backend", "docker", env=nowhere)
    assert docker.returncode == 3
    assert "no Docker daemon answers" in docker.stderr
    assert run_cli(tmp_path / "missing.py").returncode == 2
    assert run_cli(program, "--timeout", "-1").returncode == 2
