"""Twenty editors at once through the real server, each running the TypeScript client code the
web page and the VS Code extension use (`clients/shared/ot`: CollabSession over the client
state machine), over loopback WebSockets with random delays on every message, bursts of edits,
and connections dropped and made again (clients/shared/ot/test/simulate.ts drives them).

At quiescence every replica, the server's text, the replay of the stored log and each
client's own LSP view of the file (what its diagnostics and completion see) must agree; in an
insert-only run of unique tokens every token is there exactly once.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.collab.harness import Server, open_peer, start_server
from tests.collab.test_crash import _replay

OT_PACKAGE = Path(__file__).resolve().parents[2] / "clients" / "shared" / "ot"
SIMULATOR = OT_PACKAGE / "dist" / "test" / "simulate.js"
JOIN = "playground/collab/join"
START = "x = 1\nprint('héllo 😀')\n"


@pytest.fixture(scope="module")
def simulator() -> Path:
    """The simulator built from the sources as they are (tsc; `make clients` installs it)."""
    npm = shutil.which("npm")
    assert npm is not None, "npm is needed (make test installs it)"
    assert (OT_PACKAGE / "node_modules").is_dir(), "run `make clients` (npm ci) first"
    subprocess.run([npm, "run", "--silent", "build"], cwd=OT_PACKAGE, check=True, timeout=300)
    return SIMULATOR


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = start_server(tmp_path / "data")
    yield running
    running.stop()


async def _simulate(
    simulator: Path, server: Server, *, insert_only: bool, seed: int, seconds: float
) -> tuple[str, dict[str, Any]]:
    owner = await open_peer(server.url())
    made = await owner.request("playground/create", {"files": {"shared.py": START}})
    await owner.close()
    config = {
        "url": server.url(),
        "playground": made["playground"],
        "path": "shared.py",
        "clients": 20,
        "seconds": seconds,
        "seed": seed,
        "insertOnly": insert_only,
        "rate": 4,
        "dropsPerMinute": 6,
        "maxDelayMs": 40,
        "quiescenceSeconds": 60,
    }
    process = await asyncio.create_subprocess_exec(
        "node",
        "--experimental-websocket",
        "--no-warnings",
        str(simulator),
        json.dumps(config),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), seconds + 120)
    assert process.returncode == 0, err.decode()[-4000:]
    return made["playground"], json.loads(out.decode().strip().splitlines()[-1])


async def _server_text(server: Server, playground: str) -> tuple[str, int]:
    newcomer = await open_peer(server.url())
    joined = await newcomer.request(JOIN, {"playground": playground, "path": "shared.py"})
    await newcomer.close()
    return joined["text"], joined["revision"]


def _check_agreement(server: Server, playground: str, report: dict[str, Any], shown: str) -> None:
    clients = report["clients"]
    assert len(clients) == 20
    assert sum(c["drops"] for c in clients) > 0, "the run dropped connections"
    assert sum(c["edits"] for c in clients) > 100, "the run edited"
    for client in clients:
        assert client["problems"] == [], (client["name"], client["problems"], client["logs"])
        assert client["text"] == shown, f"{client['name']}'s replica differs from the server"
        assert client["lsp"] == shown, f"{client['name']}'s language server sees another text"
    replayed, revision = _replay(server.data_dir, playground, "shared.py")
    assert replayed == shown, "the stored log replays to the server's text"
    assert {c["revision"] for c in clients} == {revision}


@pytest.mark.slow
async def test_twenty_typescript_clients_converge_through_drops_and_delays(
    simulator: Path, server: Server
) -> None:
    playground, report = await _simulate(simulator, server, insert_only=False, seed=7, seconds=12)
    shown, _ = await _server_text(server, playground)
    _check_agreement(server, playground, report, shown)
    assert shown != START


@pytest.mark.slow
async def test_insert_only_every_token_lands_exactly_once(simulator: Path, server: Server) -> None:
    playground, report = await _simulate(simulator, server, insert_only=True, seed=11, seconds=10)
    shown, _ = await _server_text(server, playground)
    _check_agreement(server, playground, report, shown)
    tokens = [t for c in report["clients"] for t in c["tokens"]]
    assert len(tokens) > 100
    found = Counter(re.findall(r"\[c\d+\.\d+😀\]", shown))
    assert found == Counter(tokens), "each token inserted appears exactly once"
    assert re.sub(r"\[c\d+\.\d+😀\]", "", shown) == START, "nothing else changed"
