"""The server as the extension starts it (its configuration's defaults, found on PATH), over
stdio with vscode-jsonrpc in node: the fast check that the extension and the server agree."""

from __future__ import annotations

import subprocess

import pytest

from tests.vscode.workbench import EXTENSION, node_env

pytestmark = pytest.mark.slow


def test_the_server_the_extension_starts_answers_over_vscode_jsonrpc() -> None:
    assert (EXTENSION / "node_modules" / "vscode-jsonrpc").is_dir(), (
        "run `bash scripts/vscode.sh` (npm ci in clients/vscode)"
    )
    done = subprocess.run(
        ["node", "--test", "test/protocol.test.mjs"],
        cwd=EXTENSION,
        env=node_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout
    assert "# pass 4" in done.stdout
