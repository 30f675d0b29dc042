"""A stand-in for OpenAI's chat-completions API on 127.0.0.1, for the tests of online runs,
recording and replay (this machine has no internet). One for every suite: the runtime's, the
server's, the page's and the editors'.

It answers each `POST .../chat/completions` with the next of the answers the test chose (round
and round), as JSON or, when the request asks to stream, as server-sent events (the answer in
word-sized pieces, then `[DONE]`), and remembers every request: its path, its headers (the
Authorization header proves a run's key reached the program) and its body. It runs in a
thread, so sync and async tests use it alike.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

MAX_BODY = 4 * 1024 * 1024
USAGE = {"prompt_tokens": 17, "completion_tokens": 6, "total_tokens": 23}


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    """Lower-cased names."""
    body: Any


class FakeOpenAI:
    """`with FakeOpenAI(["an answer", ...]) as model:` then `model.base_url` for the program
    and `model.received` for what it sent."""

    def __init__(self, answers: Iterable[str]) -> None:
        self.answers = list(answers)
        if not self.answers:
            raise ValueError("the stand-in needs at least one answer")
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def authorizations(self) -> list[str | None]:
        return [request.headers.get("authorization") for request in self.received]

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _next(self, request: Received) -> tuple[int, str]:
        """(the call's number from 1, its answer), the request remembered."""
        with self._lock:
            self.received.append(request)
            number = sum(1 for r in self.received if r.path.endswith("/chat/completions"))
        return number, self.answers[(number - 1) % len(self.answers)]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                size = min(int(self.headers.get("content-length", "0")), MAX_BODY)
                raw = self.rfile.read(size) if size else b""
                body = json.loads(raw) if raw else None
                headers = {name.lower(): value for name, value in self.headers.items()}
                number, answer = fake._next(Received(self.path, headers, body))
                if not self.path.endswith("/chat/completions"):
                    self._send(404, "application/json", {"error": {"message": "no route"}})
                    return
                model = body.get("model", "gpt-4.1-mini") if isinstance(body, dict) else "?"
                if isinstance(body, dict) and body.get("stream"):
                    self._stream(number, model, answer)
                else:
                    self._send(200, "application/json", _completion(number, model, answer))

            def _send(self, status: int, mime: str, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", mime)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, number: int, model: str, answer: str) -> None:
                chunk = {
                    "id": f"chatcmpl-fake{number}",
                    "object": "chat.completion.chunk",
                    "created": 1_765_000_000 + number,
                    "model": model,
                }
                pieces = re.findall(r"\s*\S+", answer) or [answer]
                events = [
                    {**chunk, "choices": [{"index": 0, "delta": {"content": piece}}]}
                    for piece in pieces
                ]
                data = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("content-length", str(len(data.encode())))
                self.end_headers()
                self.wfile.write(data.encode())

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _completion(number: int, model: str, answer: str) -> dict[str, Any]:
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
        "usage": USAGE,
    }
