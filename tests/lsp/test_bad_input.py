"""Bad input gets an error or an empty answer, and the server keeps serving."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from lsprotocol import types

from tests.lsp.harness import SERVER, Client, change_document, complete, open_document, pos

TIMEOUT = 60


class RawStdio:
    """A JSON-RPC peer that writes whatever bytes a test wants to the server's stdin."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, *options: str, stderr: int | None = None) -> RawStdio:
        """The server, with `options` of the command line before its `lsp` subcommand."""
        process = await asyncio.create_subprocess_exec(
            *SERVER[:-1],
            *options,
            SERVER[-1],
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
        )
        return cls(process)

    def send_bytes(self, body: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def send(self, message: dict[str, Any]) -> None:
        self.send_bytes(json.dumps(message).encode())

    async def receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        length = 0
        while True:
            line = await asyncio.wait_for(self.process.stdout.readline(), TIMEOUT)
            if not line:
                raise EOFError("the server closed its stdout")
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
            elif line in (b"\r\n", b"\n"):
                break
        body = await asyncio.wait_for(self.process.stdout.readexactly(length), TIMEOUT)
        message: dict[str, Any] = json.loads(body)
        return message

    async def response(self, msg_id: int | None) -> dict[str, Any]:
        """The response with `msg_id` (an `"id": null` member for None), skipping the rest."""
        while True:
            message = await self.receive()
            if "method" not in message and "id" in message and message["id"] == msg_id:
                return message

    async def request(self, msg_id: int, method: str, params: Any) -> dict[str, Any]:
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return await self.response(msg_id)

    async def close(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()


@pytest.fixture
async def raw() -> Any:
    peer = await RawStdio.start()
    reply = await peer.request(0, "initialize", {"capabilities": {}, "processId": None})
    assert "result" in reply
    peer.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    yield peer
    await peer.close()


async def _still_serving(peer: RawStdio, msg_id: int) -> None:
    uri = f"file:///tmp/alive_{msg_id}.py"
    peer.send(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {
                    "uri": uri,
                    "languageId": "python",
                    "version": 1,
                    "text": "import os\nos.pa",
                }
            },
        }
    )
    # asked again while the answer is the quick, incomplete one of a cold jedi (as editors do)
    for attempt in range(200):
        reply = await peer.request(
            msg_id * 1000 + attempt,
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 5}},
        )
        if not reply["result"]["isIncomplete"]:
            break
    labels = {item["label"] for item in reply["result"]["items"]}
    assert "path" in labels


async def test_malformed_json_gets_a_parse_error(raw: RawStdio) -> None:
    raw.send_bytes(b'{"jsonrpc": "2.0", "id": 5, "method": ')
    reply = await raw.response(None)
    assert reply["error"]["code"] == types.ErrorCodes.ParseError
    await _still_serving(raw, 6)


async def test_valid_json_that_is_not_json_rpc_is_rejected(raw: RawStdio) -> None:
    raw.send_bytes(b"[1, 2, 3]")
    reply = await raw.response(None)
    assert reply["error"]["code"] == types.ErrorCodes.InvalidRequest
    await _still_serving(raw, 7)


async def test_client_mistakes_are_logged_as_one_info_line_not_as_server_errors() -> None:
    peer = await RawStdio.start("--log-level", "INFO", stderr=asyncio.subprocess.PIPE)
    try:
        reply = await peer.request(0, "initialize", {"capabilities": {}, "processId": None})
        assert "result" in reply
        peer.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        unknown = await peer.request(1, "playground/doesNotExist", {})
        assert unknown["error"]["code"] == types.ErrorCodes.MethodNotFound
        invalid = await peer.request(2, "textDocument/hover", "not an object")
        assert invalid["error"]["code"] == types.ErrorCodes.InvalidParams
        bad_run = await peer.request(3, "playground/run", {"entry": 7})
        assert bad_run["error"]["code"] == types.ErrorCodes.InvalidParams
        assert (await peer.request(4, "shutdown", None))["result"] is None
        peer.send({"jsonrpc": "2.0", "method": "exit"})
        assert peer.process.stderr is not None
        log = (await asyncio.wait_for(peer.process.stderr.read(), TIMEOUT)).decode()
    finally:
        await peer.close()
    assert "Traceback" not in log
    assert not [line for line in log.splitlines() if line.startswith(("ERROR", "WARNING"))], log
    info = [line for line in log.splitlines() if line.startswith("INFO")]
    assert any("doesNotExist" in line for line in info), log
    assert any("textDocument/hover" in line for line in info), log


async def test_unknown_method_gets_method_not_found(raw: RawStdio) -> None:
    reply = await raw.request(8, "playground/doesNotExist", {})
    assert reply["error"]["code"] == types.ErrorCodes.MethodNotFound
    await _still_serving(raw, 9)


@pytest.mark.parametrize(
    "params",
    [
        {"textDocument": {"uri": "file:///x.py"}, "position": {"line": "zero", "character": 0}},
        {"textDocument": {"uri": "file:///x.py"}, "position": {"line": -4, "character": 0}},
        "not an object",
        None,
    ],
)
async def test_params_of_the_wrong_type_get_invalid_params(raw: RawStdio, params: Any) -> None:
    reply = await raw.request(10, "textDocument/hover", params)
    assert reply["error"]["code"] == types.ErrorCodes.InvalidParams
    assert "textDocument/hover" in reply["error"]["message"]
    await _still_serving(raw, 11)


async def test_a_number_for_a_uri_names_no_open_document(raw: RawStdio) -> None:
    # lsprotocol's converter reads 42 as the string "42": no such document.
    params = {"textDocument": {"uri": 42}, "position": {"line": 0, "character": 0}}
    reply = await raw.request(14, "textDocument/hover", params)
    assert reply.get("result") is None
    await _still_serving(raw, 15)


async def test_requests_for_documents_never_opened_get_empty_answers(raw: RawStdio) -> None:
    reply = await raw.request(
        12,
        "textDocument/hover",
        {"textDocument": {"uri": "file:///never.py"}, "position": {"line": 0, "character": 0}},
    )
    assert reply["result"] is None
    await _still_serving(raw, 13)


async def test_a_5_mb_file_then_a_completion_answers(client: Client) -> None:
    block = "".join(f"def function_{i}(a, b):\n    return a + b * {i}\n\n" for i in range(2000))
    text = block * (5 * 1024 * 1024 // len(block) + 1)
    assert len(text) >= 5 * 1024 * 1024
    big_uri = open_document(client, text)
    small_uri = open_document(client, "import os\nos.pa\n")
    result = await asyncio.wait_for(
        complete(
            client,
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=small_uri), position=pos(1, 5)
            ),
        ),
        TIMEOUT,
    )
    assert isinstance(result, types.CompletionList)
    assert "path" in {item.label for item in result.items}
    # In the big file itself, jedi's features are off (they would stall every session).
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=big_uri), position=pos(0, 5)
        )
    )
    assert hover is None
    # Its syntax is checked, and a notice says that is all.
    diagnostics = await client.published.wait(big_uri, version=1)
    assert [(d.source, d.code) for d in diagnostics] == [("playground", "large-file")]
    assert diagnostics[0].severity == types.DiagnosticSeverity.Information

    change_document(client, big_uri, 2, text + "def broken(:\n")
    diagnostics = await client.published.wait(big_uri, version=2)
    assert ("syntax", "E999") in {(d.source, d.code) for d in diagnostics}


async def test_every_prefix_of_a_file_is_handled(client: Client) -> None:
    program = (
        "import asyncio\nfrom lionagi import Branch, iModel\n\n"
        "async def main() -> None:\n"
        '    branch = Branch(chat_model=iModel(provider="openai"))\n'
        '    reply = await branch.communicate("hi")\n'
        "    print(reply)\n\nasyncio.run(main())\n"
    )
    uri = open_document(client, "")
    for version, end in enumerate(range(1, len(program) + 1), start=2):
        change_document(client, uri, version, program[:end])
    last = len(program) + 1
    diagnostics = await client.published.wait(uri, version=last)
    assert not [d for d in diagnostics if d.severity == types.DiagnosticSeverity.Error]
    # Completion and hover at the end of every 7th prefix answer without error.
    for end in range(1, len(program) + 1, 7):
        change_document(client, uri, last + end, program[:end])
        lines = program[:end].split("\n")
        position = pos(len(lines) - 1, len(lines[-1]))
        doc = types.TextDocumentIdentifier(uri=uri)
        await complete(client, types.CompletionParams(text_document=doc, position=position))
        await client.text_document_hover_async(
            types.HoverParams(text_document=doc, position=position)
        )
