"""Language-server benchmark: this server beside jedi-language-server (and python-lsp-server).

Every server gets the same documents and the same requests, in interleaved
rounds (the machine is shared and noisy: compare medians and ratios, not
single figures). Measured per server and per file:

- cold: initialize -> didOpen -> the first completion answered;
- completion after a keystroke (the headline): a didChange inserting `name.` on a new line,
  then a completion at its end, timed from the didChange; a different place each round, so
  every completion comes on a version the server has never seen (then the line is removed);
- completion on steady text: median over rounds, at an attribute access and at a bare name
  of a document that does not change between requests;
- diagnostics: an edit that breaks the syntax -> the error published
  (including the server's debounce);
- hover: median;
- memory: peak RSS of the server's process tree (children included); for this
  server also the growth per extra WebSocket session editing its own file.

Usage: python bench/lsp.py [--rounds N] [--servers ours,jls,pylsp] [--json OUT]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from lsprotocol import types
from pygls.io_ import WebSocketWriter, run_websocket
from pygls.lsp.client import LanguageClient
from websockets.asyncio.client import connect

BIN = Path(sys.executable).parent
SERVERS: dict[str, list[str]] = {
    "ours": [sys.executable, "-m", "lionagi_playground", "lsp"],
    "jls": [str(BIN / "jedi-language-server")],
    "pylsp": [str(BIN / "pylsp")],
}
TIMEOUT = 60.0
SETTLE_SECONDS = 3.0
"""The 'settled' first completion comes this long after the file was opened (the user reads
before typing): what a server does with that time shows there."""


def generated_module(lines: int = 2000) -> str:
    """A deterministic module of about `lines` lines: imports, classes, functions."""
    out = [
        '"""Generated benchmark module."""',
        "import os",
        "import json",
        "import collections",
        "from dataclasses import dataclass",
        "",
    ]
    index = 0
    while len(out) < lines - 20:
        out += [
            "@dataclass",
            f"class Record{index}:",
            f'    """Record number {index}."""',
            "    name: str",
            "    size: int = 0",
            "",
            "    def describe(self) -> str:",
            f'        return f"{{self.name}}:{{self.size}}:{index}"',
            "",
            "    def grow(self, amount: int) -> int:",
            "        self.size += amount",
            "        return self.size",
            "",
            "",
            f"def build_{index}(path: str) -> Record{index}:",
            f"    record = Record{index}(os.path.basename(path), {index})",
            "    data = json.dumps({'name': record.name})",
            "    counts = collections.Counter(data)",
            "    return record if counts else record",
            "",
            "",
        ]
        index += 1
    out += [
        "def main() -> None:",
        "    record = build_0('/tmp/x')",
        "    record.describe()",
        "    os.path.join('a', 'b')",
        "",
    ]
    return "\n".join(out) + "\n"


@dataclass
class Workload:
    name: str
    text: str
    attribute: types.Position
    """Just after `record.` (completion of members)."""
    bare: types.Position
    """After a name prefix at statement start (completion of every visible name)."""
    hover: types.Position
    break_line: int
    """A line where the benchmark inserts a syntax error."""
    keystrokes: list[tuple[int, str]]
    """(line, text): a new line `text` (ending in `name.`) inserted before `line`, one per round."""


def _keystrokes(
    lines: list[str], pattern: str, name: str, count: int = 60
) -> list[tuple[int, str]]:
    """Up to `count` places, spread over the file, after a line matching `pattern`."""
    matches = [i for i, line in enumerate(lines) if re.match(pattern, line)]
    step = max(1, len(matches) // count)
    places = []
    for i in matches[::step][:count]:
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        places.append((i + 1, f"{indent}{name}."))
    return places


def workloads() -> list[Workload]:
    generated = generated_module()
    lines = generated.splitlines()
    main = lines.index("def main() -> None:")
    gen = Workload(
        "generated 2,000 lines",
        generated,
        attribute=types.Position(line=main + 2, character=len("    record.")),
        bare=types.Position(line=main + 3, character=len("    os")),
        hover=types.Position(line=main + 3, character=len("    os.path.jo")),
        break_line=len(lines) // 2,
        keystrokes=_keystrokes(lines, r"    record = Record\d+\(", "record"),
    )
    stdlib = Path(sysconfig.get_paths()["stdlib"]) / "asyncio" / "base_events.py"
    text = stdlib.read_text()
    base_lines = text.splitlines()
    target = next(i for i, line in enumerate(base_lines) if "self._check_closed()" in line)
    attribute = types.Position(line=target, character=base_lines[target].index("self.") + 5)
    hover_line = next(i for i, line in enumerate(base_lines) if "socket.getaddrinfo(" in line)
    base = Workload(
        "asyncio/base_events.py",
        text,
        attribute=attribute,
        bare=types.Position(line=target, character=base_lines[target].index("self") + 2),
        hover=types.Position(
            line=hover_line, character=base_lines[hover_line].index("getaddrinfo") + 3
        ),
        break_line=len(base_lines) // 2,
        keystrokes=_keystrokes(base_lines, r"\s+self\._\w+ = ", "self"),
    )
    return [gen, base]


@dataclass
class Figures:
    cold_ms: list[float] = field(default_factory=list)
    """didOpen -> the first answer (ours: the file's words, incomplete, while jedi warms)."""
    cold_full_ms: list[float] = field(default_factory=list)
    """didOpen -> the first complete answer (asking again while incomplete, as editors do)."""
    settled_ms: list[float] = field(default_factory=list)
    completion_ms: list[float] = field(default_factory=list)
    keystroke_ms: list[float] = field(default_factory=list)
    diagnostics_ms: list[float] = field(default_factory=list)
    hover_ms: list[float] = field(default_factory=list)
    peak_rss_mb: float = 0.0


class MemoryWatch:
    """Samples the RSS of a process tree every 20 ms in a thread; keeps the peak.

    Finding the tree's processes scans every process of the machine (about 2 ms in psutil),
    so it is done every TREE_REFRESH_S only: done at each sample, the two watchers of a run
    took a fifth of a core and the client's GIL, and added 4-6 ms to each completion measured
    on two cores. The servers' children (analysis worker, jedi's environment) live long.
    """

    SAMPLE_S = 0.02
    TREE_REFRESH_S = 0.5

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._tree: list[psutil.Process] = []
        self._tree_at = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _processes(self) -> list[psutil.Process]:
        now = time.monotonic()
        if not self._tree or now - self._tree_at >= self.TREE_REFRESH_S:
            try:
                root = psutil.Process(self.pid)
                self._tree = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                self._tree = []
            self._tree_at = now
        return self._tree

    def current(self) -> int:
        total = 0
        for proc in self._processes():
            with contextlib.suppress(psutil.NoSuchProcess):
                total += proc.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.SAMPLE_S):
            self.peak = max(self.peak, self.current())

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


class Session:
    """One client connected to one server, with a way to wait for diagnostics."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        # jedi-language-server announces notebook filters that lsprotocol's
        # converter cannot structure; the benchmark reads nothing from the
        # initialize result, so take it as plain JSON.
        typed_result = client.protocol.get_result_type
        client.protocol.get_result_type = (  # type: ignore[method-assign]
            lambda method: None if method == types.INITIALIZE else typed_result(method)
        )
        self.version = 1
        self._waiters: list[
            tuple[Callable[[types.PublishDiagnosticsParams], bool], asyncio.Future[None]]
        ] = []

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            for predicate, future in list(self._waiters):
                if not future.done() and predicate(params):
                    future.set_result(None)

        @client.feature(types.WORKSPACE_CONFIGURATION)  # type: ignore[untyped-decorator]
        def configuration(params: types.ConfigurationParams) -> list[Any]:
            return [None for _ in params.items]

        @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)  # type: ignore[untyped-decorator]
        def progress(params: types.WorkDoneProgressCreateParams) -> None:
            return None

    def expect(
        self, predicate: Callable[[types.PublishDiagnosticsParams], bool]
    ) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        return future

    async def initialize(self, root: Path) -> None:
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    text_document=types.TextDocumentClientCapabilities(
                        completion=types.CompletionClientCapabilities(
                            completion_item=types.ClientCompletionItemOptions(snippet_support=True)
                        ),
                        hover=types.HoverClientCapabilities(
                            content_format=[types.MarkupKind.Markdown]
                        ),
                        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(),
                    )
                ),
                root_uri=root.as_uri(),
            )
        )
        self.client.initialized(types.InitializedParams())

    def open(self, uri: str, text: str) -> None:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=text
                )
            )
        )

    def replace(self, uri: str, range_: types.Range, text: str) -> None:
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.version),
                content_changes=[types.TextDocumentContentChangePartial(range=range_, text=text)],
            )
        )

    async def complete(self, uri: str, position: types.Position) -> float:
        return (await self.complete_marked(uri, position))[0]

    async def complete_marked(self, uri: str, position: types.Position) -> tuple[float, bool]:
        """(milliseconds, whether the answer was marked incomplete)."""
        start = time.perf_counter()
        result = await asyncio.wait_for(
            self.client.text_document_completion_async(
                types.CompletionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri), position=position
                )
            ),
            TIMEOUT,
        )
        elapsed = (time.perf_counter() - start) * 1000
        items = result.items if isinstance(result, types.CompletionList) else (result or [])
        if not items:
            raise RuntimeError(f"no completion items at {position} (version {self.version})")
        return elapsed, isinstance(result, types.CompletionList) and result.is_incomplete

    async def keystroke_then_complete(self, uri: str, line: int, text: str) -> float:
        """Insert the line `text` before `line`, complete at its end; time both; remove it."""
        here = types.Position(line=line, character=0)
        start = time.perf_counter()
        self.replace(uri, types.Range(start=here, end=here), text + "\n")
        await self.complete(uri, types.Position(line=line, character=len(text)))
        elapsed = (time.perf_counter() - start) * 1000
        self.replace(
            uri, types.Range(start=here, end=types.Position(line=line + 1, character=0)), ""
        )
        return elapsed

    async def hover(self, uri: str, position: types.Position) -> float:
        start = time.perf_counter()
        result = await asyncio.wait_for(
            self.client.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=uri), position=position
                )
            ),
            TIMEOUT,
        )
        elapsed = (time.perf_counter() - start) * 1000
        if result is None:
            raise RuntimeError(f"no hover at {position}")
        return elapsed

    async def break_syntax(self, uri: str, line: int) -> float:
        """Insert `(` at the start of `line`; time until an error on or after it is published."""

        def has_error(params: types.PublishDiagnosticsParams) -> bool:
            return params.uri == uri and any(
                d.severity == types.DiagnosticSeverity.Error and d.range.start.line >= line
                for d in params.diagnostics
            )

        def clean(params: types.PublishDiagnosticsParams) -> bool:
            return params.uri == uri and not any(
                d.severity == types.DiagnosticSeverity.Error for d in params.diagnostics
            )

        waiter = self.expect(has_error)
        here = types.Position(line=line, character=0)
        start = time.perf_counter()
        self.replace(uri, types.Range(start=here, end=here), "x = (\n")
        await asyncio.wait_for(waiter, TIMEOUT)
        elapsed = (time.perf_counter() - start) * 1000
        repaired = self.expect(clean)
        next_line = types.Position(line=line + 1, character=0)
        self.replace(uri, types.Range(start=here, end=next_line), "")
        await asyncio.wait_for(repaired, TIMEOUT)
        return elapsed


async def start_stdio(command: list[str]) -> tuple[Session, int]:
    client = LanguageClient("bench", "1")
    session = Session(client)
    await client.start_io(*command)
    assert client._server is not None
    return session, client._server.pid


async def bench_stdio(names: list[str], rounds: int) -> dict[str, dict[str, Figures]]:
    loads = workloads()
    results: dict[str, dict[str, Figures]] = {n: {w.name: Figures() for w in loads} for n in names}
    root = Path(tempfile.mkdtemp(prefix="lsp-bench-"))
    for load_index, load in enumerate(loads):
        sessions: dict[str, tuple[Session, MemoryWatch]] = {}
        uri = (root / f"module_{load_index}.py").as_uri()
        for name in names:
            session, pid = await start_stdio(SERVERS[name])
            watch = MemoryWatch(pid)
            await session.initialize(root)
            start = time.perf_counter()
            session.open(uri, load.text)
            _, incomplete = await session.complete_marked(uri, load.attribute)
            results[name][load.name].cold_ms.append((time.perf_counter() - start) * 1000)
            while incomplete:  # an editor asks again at the next keystroke
                _, incomplete = await session.complete_marked(uri, load.attribute)
            results[name][load.name].cold_full_ms.append((time.perf_counter() - start) * 1000)
            sessions[name] = (session, watch)
        for name in names:
            settled, _settled_pid = await start_stdio(SERVERS[name])
            await settled.initialize(root)
            settled.open(uri, load.text)
            await asyncio.sleep(SETTLE_SECONDS)  # user think time, not synchronisation
            results[name][load.name].settled_ms.append(await settled.complete(uri, load.attribute))
            await settled.client.shutdown_async(None)
            settled.client.exit(None)
            await settled.client.stop()  # type: ignore[no-untyped-call]
        for round_index in range(rounds):
            for name in names:
                session, _watch = sessions[name]
                figures = results[name][load.name]
                line, text = load.keystrokes[round_index % len(load.keystrokes)]
                figures.keystroke_ms.append(await session.keystroke_then_complete(uri, line, text))
                figures.completion_ms.append(await session.complete(uri, load.attribute))
                figures.completion_ms.append(await session.complete(uri, load.bare))
                figures.hover_ms.append(await session.hover(uri, load.hover))
                figures.diagnostics_ms.append(await session.break_syntax(uri, load.break_line))
        for name in names:
            session, watch = sessions[name]
            results[name][load.name].peak_rss_mb = watch.stop() / 2**20
            await session.client.shutdown_async(None)
            session.client.exit(None)
            await session.client.stop()  # type: ignore[no-untyped-call]
    return results


async def bench_ws_sessions(extra_sessions: int) -> tuple[float, float, float]:
    """Peak RSS of our server with one WebSocket session, then per extra session."""
    process = subprocess.Popen(  # noqa: ASYNC220 - read once, before the loop has work
        [*SERVERS["ours"], "--ws", "127.0.0.1:0", "--token", "bench"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    match = re.search(r"ws://([\d.]+):(\d+)/lsp", process.stdout.readline())
    assert match is not None
    url = f"ws://{match.group(1)}:{match.group(2)}/lsp?token=bench"
    watch = MemoryWatch(process.pid)
    root = Path(tempfile.mkdtemp(prefix="lsp-bench-ws-"))
    text = generated_module()
    load = workloads()[0]
    sessions = []

    async def one_session(index: int) -> Session:
        client = LanguageClient("bench", "1")
        session = Session(client)
        websocket = await connect(url, max_size=None)
        client.protocol.set_writer(WebSocketWriter(websocket), include_headers=False)
        client._async_tasks.append(
            asyncio.create_task(
                run_websocket(
                    stop_event=client._stop_event, websocket=websocket, protocol=client.protocol
                )
            )
        )
        await session.initialize(root)
        uri = (root / f"session_{index}.py").as_uri()
        waiter = session.expect(lambda p: p.uri == uri)
        session.open(uri, text.replace("Record", f"Record{index}_"))
        await asyncio.wait_for(waiter, TIMEOUT)
        await session.complete(uri, load.attribute)
        await session.hover(uri, load.hover)
        return session

    sessions.append(await one_session(0))
    one = watch.peak
    for index in range(1, extra_sessions + 1):
        sessions.append(await one_session(index))
    total = watch.stop()
    process.terminate()
    process.wait(timeout=10)
    per_extra = (total - one) / extra_sessions / 2**20
    return one / 2**20, total / 2**20, per_extra


def report(results: dict[str, dict[str, Figures]], ws: tuple[float, float, float] | None) -> str:
    def med(values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")

    out = []
    names = list(results)
    for load in next(iter(results.values())):
        out.append(f"\n## {load}\n")
        out.append(
            "| server | completion after a keystroke median ms | cold first completion ms "
            "| cold first complete answer ms | first completion 3 s after open ms "
            "| completion on steady text median ms "
            "| edit->diagnostics median ms | hover median ms | peak RSS MB |"
        )
        out.append("|---|---|---|---|---|---|---|---|---|")
        for name in names:
            f = results[name][load]
            out.append(
                f"| {name} | {med(f.keystroke_ms):.1f} | {med(f.cold_ms):.0f} "
                f"| {med(f.cold_full_ms):.0f} "
                f"| {med(f.settled_ms):.0f} | {med(f.completion_ms):.1f} "
                f"| {med(f.diagnostics_ms):.0f} | {med(f.hover_ms):.1f} | {f.peak_rss_mb:.0f} |"
            )
        if "ours" in names:
            for name in names:
                if name == "ours":
                    continue
                ours, other = results["ours"][load], results[name][load]
                keystroke = med(ours.keystroke_ms) / med(other.keystroke_ms)
                completion = med(ours.completion_ms) / med(other.completion_ms)
                out.append(
                    f"\nours / {name}: completion after a keystroke {keystroke:.2f}x, "
                    f"completion on steady text {completion:.2f}x, "
                    f"diagnostics {med(ours.diagnostics_ms) / med(other.diagnostics_ms):.2f}x, "
                    f"hover {med(ours.hover_ms) / med(other.hover_ms):.2f}x"
                )
    if ws is not None:
        one, total, per_extra = ws
        out.append(
            f"\n## WebSocket sessions\n\none session: peak {one:.0f} MB; "
            f"after the extra sessions: {total:.0f} MB; per extra session: {per_extra:.1f} MB"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--servers", default="ours,jls,pylsp")
    parser.add_argument("--ws-sessions", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    names = [n for n in args.servers.split(",") if n]
    unknown = [n for n in names if n not in SERVERS]
    if unknown:
        parser.error(f"unknown servers: {', '.join(unknown)} (choose from {', '.join(SERVERS)})")
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    results = asyncio.run(bench_stdio(names, args.rounds))
    ws = asyncio.run(bench_ws_sessions(args.ws_sessions)) if "ours" in names else None
    print(report(results, ws))
    if args.json:
        args.json.write_text(
            json.dumps(
                {n: {k: vars(v) for k, v in r.items()} for n, r in results.items()}, indent=1
            )
        )


if __name__ == "__main__":
    main()
