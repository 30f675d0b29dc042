"""Record a run's model calls online, and replay them offline (docs/trace.md).

**Record** (`boot` arms `patch_module` when `PLAYGROUND_LIONAGI_RECORD=1` and lionagi is
online): lionagi's real `Endpoint._call_http` and `_stream_http`, the two places every HTTP
provider sends a request, also write each call as a display frame of type `MIME`:
`{provider, endpoint, model, stream, request, response | chunks}`. `request` is the JSON
payload sent, never the headers, without any field whose name looks like a key or an
authorization; `chunks` are the stream's events' data in order (JSON as JSON, anything
else, `[DONE]` say, as its text). The server gathers the frames into the recording file.

**Replay** (offline, from `lionagi_patch`'s endpoint): when a recording is found, beside
the entry as `<entry stem>.recording.json` or named by `$PLAYGROUND_LIONAGI_RECORDING`,
model call N is answered with recorded call N while the conversation it sends (`messages`,
or `input` for the Responses API) is the recorded one. At the first call that differs, or
past the last recorded call, one line on stderr names the call and the difference, the
trace gets an `error` event, and the offline model answers that call and every later one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from pathlib import Path
from types import ModuleType
from typing import Any

from playground_runtime import display
from playground_runtime.script import OfflineModelError

MIME = "application/vnd.lionagi-playground.recording+json"
FORMAT = "lionagi-playground-recording"
VERSION = 1
RECORDING_ENV = "PLAYGROUND_LIONAGI_RECORDING"
SUFFIX = ".recording.json"

# A payload field whose name says it holds a credential is never recorded.
_SECRET_NAME = re.compile(
    r"(api[-_]?key|^key$|secret|passw(or)?d|authori[sz]ation|^auth$|bearer|credential"
    r"|(access|auth|refresh|session|id)[-_]?token$|^token$)",
    re.IGNORECASE,
)


# ---------------------------------------------------------------------------------------
# Recording (online)


def scrub(value: Any) -> Any:
    """`value` as JSON, without any mapping field whose name looks like a credential."""
    if isinstance(value, dict):
        return {
            str(key): scrub(item)
            for key, item in value.items()
            if not _SECRET_NAME.search(str(key))
        }
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        try:
            return scrub(dump(mode="json"))
        except Exception:
            pass
    return str(value)


def _chunk_item(line: str) -> Any:
    data = line.removeprefix("data:").strip() if line.startswith("data:") else line
    try:
        value = json.loads(data)
    except ValueError:
        return data
    return value if isinstance(value, dict | list) else data


def _frame(endpoint: Any, payload: Any, stream: bool, answer: dict[str, Any]) -> None:
    config = endpoint.config
    request = scrub(payload) if isinstance(payload, dict) else {}
    model = request.get("model") or config.kwargs.get("model")
    call = {
        "provider": str(config.provider),
        "endpoint": str(config.endpoint),
        "model": model if isinstance(model, str) else None,
        "stream": stream,
        "request": request,
        **answer,
    }
    display.emit(MIME, json.dumps(call, ensure_ascii=False, default=str))


# The stream being recorded in this context: `_line_to_stream_chunk` adds each event's data.
_capture: ContextVar[list[Any] | None] = ContextVar("playground_recording", default=None)


def patch_module(name: str, module: ModuleType) -> None:
    """The hook `boot` runs after lionagi's endpoint module executes, online and recording."""
    endpoint_class = module.Endpoint
    call_http = endpoint_class._call_http
    stream_http = endpoint_class._stream_http
    line_to_chunk = endpoint_class._line_to_stream_chunk
    if getattr(call_http, "playground_recording", False):
        return

    async def _call_http(self: Any, payload: dict[str, Any], headers: Any, **kwargs: Any) -> Any:
        body = await call_http(self, payload, headers, **kwargs)
        _quietly(_frame, self, payload, False, {"response": body})
        return body

    async def _stream_http(
        self: Any, payload: dict[str, Any], headers: Any, **kwargs: Any
    ) -> AsyncIterator[Any]:
        chunks: list[Any] = []
        source = stream_http(self, payload, headers, **kwargs)
        failed = False
        try:
            while True:
                token = _capture.set(chunks)
                try:
                    item = await source.__anext__()
                except StopAsyncIteration:
                    break
                finally:
                    _capture.reset(token)
                yield item
        except GeneratorExit:
            raise
        except BaseException:
            failed = True
            raise
        finally:
            await source.aclose()
            if not failed and chunks:
                _quietly(_frame, self, payload, True, {"chunks": chunks})

    def _line_to_stream_chunk(self: Any, line: str, *args: Any, **kwargs: Any) -> Any:
        chunks = _capture.get()
        if chunks is not None and isinstance(line, str):
            chunks.append(_chunk_item(line))
        return line_to_chunk(self, line, *args, **kwargs)

    for function in (_call_http, _stream_http, _line_to_stream_chunk):
        setattr(function, "playground_recording", True)  # noqa: B010
    endpoint_class._call_http = _call_http
    endpoint_class._stream_http = _stream_http
    endpoint_class._line_to_stream_chunk = _line_to_stream_chunk


def _quietly(function: Callable[..., Any], *args: Any) -> None:
    """A recording that fails loses its frame; the program's call is unaffected."""
    with contextlib.suppress(Exception):
        function(*args)


# ---------------------------------------------------------------------------------------
# Replay (offline)


class Replay:
    """The recorded calls of one recording file, answered in order until one differs."""

    def __init__(self, path: Path, calls: list[dict[str, Any]]) -> None:
        self.path = path
        self.calls = calls
        self.next = 0
        self.stopped = False

    def answer(self, payload: dict[str, Any], stream: bool) -> dict[str, Any] | None:
        """The recorded call that answers this one, or None (then never again)."""
        if self.stopped:
            return None
        number = self.next + 1
        if self.next >= len(self.calls):
            self._stop(
                f"model call {number} is past the end of the recording "
                f"({len(self.calls)} recorded call{'s' if len(self.calls) != 1 else ''})"
            )
            return None
        recorded = self.calls[self.next]
        difference = _difference(recorded, payload, stream)
        if difference is not None:
            self._stop(f"model call {number} does not match the recording: {difference}")
            return None
        self.next += 1
        return recorded

    def _stop(self, reason: str) -> None:
        self.stopped = True
        line = f"{reason}; the offline model answers it and every later call"
        sys.stderr.write(f"[playground] {self.path.name}: {line}\n")
        sys.stderr.flush()
        trace = sys.modules.get("playground_runtime.trace")
        if trace is not None:
            trace.error(f"{self.path.name}: {line}")


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _conversation_key(*requests: dict[str, Any]) -> str | None:
    for key in ("messages", "input"):
        if any(key in request for request in requests):
            return key
    return None


def _difference(recorded: dict[str, Any], payload: dict[str, Any], stream: bool) -> str | None:
    if bool(recorded.get("stream")) != stream:
        said = "streams" if stream else "does not stream"
        return f"it {said} and the recorded call {'does not' if stream else 'does'}"
    request: dict[str, Any] = recorded.get("request") or {}
    key = _conversation_key(request, payload)
    if key is None:
        sent = {k: v for k, v in _json(payload).items() if k != "stream"}
        kept = {k: v for k, v in request.items() if k != "stream"}
        return None if sent == kept else "its request differs"
    now: Any = _json(payload.get(key))
    then: Any = request.get(key)
    if now == then:
        return None
    if isinstance(now, list) and isinstance(then, list):
        for index, (a, b) in enumerate(zip(now, then, strict=False), 1):
            if a != b:
                return f"{key} item {index} is {_brief(a)}, recorded {_brief(b)}"
        return f"it sends {len(now)} {key} items, recorded {len(then)}"
    return f"{key} is {_brief(now)}, recorded {_brief(then)}"


def _brief(value: Any) -> str:
    if isinstance(value, dict) and "content" in value:
        role = value.get("role")
        value = value["content"]
        text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        text = f"{role}: {text}" if role else text
    else:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def find_recording(cwd: Path | None = None) -> Path | None:
    explicit = os.environ.get(RECORDING_ENV)
    if explicit:
        return Path(explicit)
    entry = sys.argv[0] if sys.argv else ""
    if not entry or entry == "-c" or not entry.endswith(".py"):
        return None
    path = Path(entry)
    candidate = (cwd or Path.cwd()) / path.with_name(path.stem + SUFFIX)
    return candidate if candidate.is_file() else None


def load_recording(path: Path) -> Replay:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise OfflineModelError(f"cannot read the recording {path}: {error}") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise OfflineModelError(f"{path}: not valid JSON: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise OfflineModelError(f'{path}: not a recording (expected "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise OfflineModelError(
            f"{path}: recording version {data.get('version')!r} is not supported "
            f"(this playground reads version {VERSION})"
        )
    calls = data.get("calls")
    if not isinstance(calls, list):
        raise OfflineModelError(f"{path}: `calls` must be a list")
    for number, call in enumerate(calls, 1):
        where = f"{path}: call {number}"
        if not isinstance(call, dict) or not isinstance(call.get("request"), dict):
            raise OfflineModelError(f"{where} needs a `request` object")
        if call.get("stream"):
            if not isinstance(call.get("chunks"), list):
                raise OfflineModelError(f"{where} streams and needs a `chunks` list")
        elif "response" not in call:
            raise OfflineModelError(f"{where} needs a `response`")
    return Replay(path, calls)


_replay: Replay | None = None
_looked = False


def replay() -> Replay | None:
    """This process's replay, read at the first model call; None when there is no recording."""
    global _replay, _looked
    if not _looked:
        path = find_recording()
        # A bad file raises at every call, as a bad script does, never answers half-read.
        _replay = load_recording(path) if path is not None else None
        _looked = True
    return _replay


def replayed_response(payload: dict[str, Any]) -> Any:
    """The recorded response body answering this call, or None."""
    source = replay()
    call = source.answer(payload, stream=False) if source is not None else None
    if call is None:
        return None
    _note_recording()
    return _json(call["response"])


def replayed_chunks(payload: dict[str, Any]) -> list[str] | None:
    """The recorded stream's events' data answering this call, or None."""
    source = replay()
    call = source.answer(payload, stream=True) if source is not None else None
    if call is None:
        return None
    _note_recording()
    return [item if isinstance(item, str) else json.dumps(item) for item in call["chunks"]]


def _note_recording() -> None:
    trace = sys.modules.get("playground_runtime.trace")
    if trace is not None:
        trace.note_answer("recording")
