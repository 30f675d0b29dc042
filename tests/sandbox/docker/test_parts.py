"""The docker backend's parts on their own: the daemon helper, the stream, the profile, the image.

The daemon helper is tested on a private daemon (its own socket, data and exec roots, no
bridge), so starting and stopping it never touches the daemon the other tests use.
"""

from __future__ import annotations

import ast
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lionagi_playground.sandbox.docker.build import IMAGE_DIR
from lionagi_playground.sandbox.docker.daemon import (
    Daemon,
    DockerDaemonError,
    ensure_daemon,
    server_version,
    stop_daemon,
)
from lionagi_playground.sandbox.docker.rootfs import _mirror_in
from lionagi_playground.sandbox.docker.seccomp import SOCKET_FAMILIES, allowed_names, profile
from lionagi_playground.sandbox.docker.streams import END_MARKER, EndScanner
from lionagi_playground.sandbox.seccomp import DENIED


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A short path: containerd's socket lives under the exec root (108-byte limit)."""
    path = Path(tempfile.mkdtemp(prefix="lpd-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def start_private(folder: Path) -> Daemon:
    """A second daemon beside the tests' own, in a network namespace of its own: one
    started with no bridge deletes the host's docker0, which the first one needs."""
    return ensure_daemon(
        folder / "d.sock",
        folder / "data",
        exec_root=folder / "x",
        extra_args=["--bridge=none"],
        launcher=["unshare", "--net", "--"],
    )


@pytest.mark.timeout(180)
def test_daemon_helper_starts_waits_and_is_idempotent(short_dir: Path) -> None:
    daemon = start_private(short_dir)
    try:
        assert daemon.started_here
        assert daemon.pid is not None
        assert server_version(daemon.url) == daemon.version
        again = start_private(short_dir)
        assert not again.started_here
        assert again.url == daemon.url
    finally:
        stop_daemon(daemon)
    assert server_version(daemon.url) is None
    assert not Path(f"/proc/{daemon.pid}").exists()


def test_daemon_helper_fails_loudly(short_dir: Path) -> None:
    with pytest.raises(DockerDaemonError, match="exited at start-up"):
        ensure_daemon(short_dir / "d.sock", short_dir / "data", dockerd="false", timeout_s=20)
    with pytest.raises(DockerDaemonError, match="not installed"):
        ensure_daemon(short_dir / "e.sock", short_dir / "data", dockerd="no-such-dockerd")


def test_agent_and_stream_agree_on_the_end_marker() -> None:
    tree = ast.parse((IMAGE_DIR / "agent.py").read_text())
    values = [
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "END_MARKER" for t in node.targets)
        and isinstance(node.value, ast.Constant)
    ]
    assert values == [END_MARKER]


@given(
    st.binary(max_size=300),
    st.lists(st.integers(min_value=0, max_value=400), max_size=8),
)
def test_the_end_marker_is_found_across_any_split(output: bytes, cuts: list[int]) -> None:
    """Output before the marker comes out exactly, whatever the pieces; the tail after it too."""
    marker = END_MARKER + b"0123abcd"
    stream = output + marker + b' {"status": 0}\n'
    points = sorted({min(c, len(stream)) for c in cuts})
    pieces = [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]
    scanner = EndScanner(marker)
    passed, after = b"", None
    for piece in pieces:
        if after is not None:
            after += piece
            continue
        out, rest = scanner.feed(piece)
        passed += out
        after = rest
    if marker in output:
        assert passed == output[: output.index(marker)]
    else:
        assert passed == output
        assert after == b' {"status": 0}\n'


def test_ordinary_text_is_never_held_back() -> None:
    scanner = EndScanner(END_MARKER + b"token")
    assert scanner.feed(b"first line\n") == (b"first line\n", None)
    assert scanner.feed(b"ends in NUL\x00") == (b"ends in NUL", None)  # a possible start
    assert scanner.feed(b"x") == (b"\x00x", None)


def test_the_profile_allows_nothing_bubblewrap_denies() -> None:
    allowed = set(allowed_names())
    assert not allowed & set(DENIED)
    for name in ("ptrace", "io_uring_setup", "keyctl", "bpf", "perf_event_open", "mount"):
        assert name not in allowed
    data = profile()
    assert data["defaultAction"] == "SCMP_ACT_ERRNO"
    families = {
        rule["args"][0]["value"] for rule in data["syscalls"] if rule["names"] == ["socket"]
    }
    assert families == set(SOCKET_FAMILIES)
    assert not families & {17, 40}  # AF_PACKET, AF_VSOCK


def test_the_mirror_comes_from_apt_sources() -> None:
    one_line = "deb [arch=amd64] http://mirror.example/debian bookworm main\n"
    deb822 = (
        "Types: deb\nURIs: http://deb.example/debian-security\nSuites: bookworm-security\n\n"
        "Types: deb\nURIs: http://deb.example/debian\nSuites: bookworm bookworm-updates\n"
    )
    assert _mirror_in(one_line) == "http://mirror.example/debian"
    assert _mirror_in(deb822) == "http://deb.example/debian"
    assert _mirror_in("deb http://other.example/ubuntu jammy main\n") is None
