"""A fake OpenAI chat-completions server on 127.0.0.1 for the record/replay tests: it answers
each `POST .../chat/completions` with the next answer the test chose, and remembers what it
was sent (the Authorization header proves a run's key reached the program)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MAX_BODY = 4 * 1024 * 1024


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeOpenAI:
    answers: list[str]
    received: list[Received] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await self._one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        _method, path, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        size = min(int(headers.get("content-length", "0")), MAX_BODY)
        body = json.loads(await reader.readexactly(size)) if size else None
        self.received.append(Received(path, headers, body))
        if not path.endswith("/chat/completions"):
            payload, status = {"error": {"message": f"no route {path}"}}, "404 Not Found"
        else:
            payload, status = self._completion(body), "200 OK"
        data = json.dumps(payload).encode()
        writer.write(
            f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(data)}\r\nconnection: keep-alive\r\n\r\n".encode()
            + data
        )
        await writer.drain()
        return True

    def _completion(self, body: Any) -> dict[str, Any]:
        number = sum(1 for r in self.received if r.path.endswith("/chat/completions"))
        answer = self.answers[(number - 1) % len(self.answers)]
        model = body.get("model", "gpt-4.1-mini") if isinstance(body, dict) else "gpt-4.1-mini"
        return {
            "id": f"chatcmpl-fake{number}",
            "object": "chat.completion",
            "created": 1_765_000_000 + number,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 11 * number, "completion_tokens": 5, "total_tokens": 16},
        }

    def authorizations(self) -> Iterable[str]:
        return (r.headers.get("authorization", "") for r in self.received)
