"""The agent trace: what a lionagi program did, as events on the run's display channel.

`boot` arms this module whenever the run has a display nonce (`install`): each of
`HOOKS`' lionagi modules is patched right after it executes, so no user code changes.
Every event is one display frame of type `MIME` whose data is the event's JSON
(docs/trace.md is the contract):

- messages: a callback on each `Branch`'s message manager (`system`, `instruction`,
  `assistant`, `action_request`, `action_response` as they join the conversation);
- operations: lionagi's operation functions (`communicate`, `operate`, `ReAct`, ... and
  `flow` for a `Session`'s graph) as `operation_start`/`operation_end` spans, nested through
  a context variable, so a `ReAct` round's `operate` nests inside its `ReAct`; the steps an
  operation makes of another (the `chat` inside `communicate`, the `communicate` inside
  `operate`, the `ReActStream` inside `ReAct`) are not spans of their own;
- model calls: `iModel.invoke` and `iModel.stream` (`model_start`/`model_end` with the
  tokens the provider's usage reports, and who answered: `network`, `offline`, `recording`);
- tools: `FunctionCalling._invoke` (`tool_start`/`tool_end` with arguments and result);
- errors: an `error` event where an exception first leaves a span.

At most `EVENT_LIMIT` events are written, then one `truncated`. Tracing never breaks the
program: every hook runs its own work under `_safe`, which swallows any failure silently
(stdout is the program's), and the program's own calls and exceptions pass through as they
were.
"""

from __future__ import annotations

import functools
import itertools
import json
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from types import ModuleType
from typing import Any

from playground_runtime import display

MIME = "application/vnd.lionagi-playground.trace+json"
CONTENT_LIMIT = 2_000
EVENT_LIMIT = 5_000
NAME_LIMIT = 200

BRANCH_MODULE = "lionagi.session.branch"
IMODEL_MODULE = "lionagi.service.imodel"
API_CALLING_MODULE = "lionagi.service.connections.api_calling"
FUNCTION_CALLING_MODULE = "lionagi.protocols.action.function_calling"
FLOW_MODULE = "lionagi.operations.flow"

# Module -> (function, operation name, async generator?) for lionagi's operation functions.
OPERATIONS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "lionagi.operations.chat.chat": (("chat", "chat", False),),
    "lionagi.operations.communicate.communicate": (("communicate", "communicate", False),),
    "lionagi.operations.operate.operate": (("operate", "operate", False),),
    "lionagi.operations.parse.parse": (("parse", "parse", False),),
    "lionagi.operations.ReAct.ReAct": (
        ("ReAct", "ReAct", False),
        ("ReActStream", "ReActStream", True),
    ),
    "lionagi.operations.act.act": (("act", "act", False),),
    "lionagi.operations.interpret.interpret": (("interpret", "interpret", False),),
    "lionagi.operations.run.run": (("run", "run", True),),
    FLOW_MODULE: (("flow", "flow", False), ("flow_stream", "flow", True)),
}

# An operation that is a step of its enclosing operation on the same branch is no span of its
# own: operation -> the enclosing operations it is a step of (None: any).
STEP_OF: dict[str, frozenset[str] | None] = {
    "chat": None,
    "communicate": frozenset({"operate"}),
    "ReActStream": frozenset({"ReAct"}),
    "run": frozenset({"operate", "communicate"}),
}

MESSAGE_KINDS = {
    "System": "system",
    "Instruction": "instruction",
    "AssistantResponse": "assistant",
    "ActionRequest": "action_request",
    "ActionResponse": "action_response",
}


class _Span:
    __slots__ = ("branch", "branch_key", "id", "operation", "parent", "start")

    def __init__(
        self,
        operation: str | None,
        branch: dict[str, Any] | None,
        branch_key: object,
        parent: _Span | None,
    ) -> None:
        self.id = f"s{next(_span_ids)}"
        self.operation = operation
        self.branch = branch
        self.branch_key = branch_key
        self.parent = parent
        self.start = time.perf_counter()


_current: ContextVar[_Span | None] = ContextVar("playground_trace_span", default=None)
# Who answered the model call being made in this context: a one-item list the endpoint
# patches fill (`note_answer`), read when the call ends.
_answer_slot: ContextVar[list[str | None] | None] = ContextVar(
    "playground_trace_answer", default=None
)
_answers: dict[int, str] = {}
_span_ids = itertools.count(1)
_armed = False
_written = 0
# The trace's clock starts with the interpreter: `boot` notes the time it ran.
_started = (
    getattr(sys.modules.get("playground_runtime.boot"), "STARTED", None) or time.perf_counter()
)


def _safe(function: Callable[..., Any], *args: Any) -> Any:
    """Run a piece of tracing; a failure is dropped (the trace loses it, the program goes on)."""
    try:
        return function(*args)
    except Exception:
        return None


# ---------------------------------------------------------------------------------------
# Writing events


def _live() -> bool:
    return _armed and _written < EVENT_LIMIT


def _write(event: dict[str, Any]) -> None:
    global _written
    if _written >= EVENT_LIMIT:
        return
    _written += 1
    display.emit(MIME, json.dumps(event, ensure_ascii=False, default=str, separators=(",", ":")))
    if _written == EVENT_LIMIT:
        # The bound: one `truncated`, then nothing more from this process.
        display.emit(MIME, json.dumps(_event("truncated"), separators=(",", ":")))


def _event(kind: str, **fields: Any) -> dict[str, Any]:
    event: dict[str, Any] = {"timeMs": round((time.perf_counter() - _started) * 1000, 1)}
    event["kind"] = kind
    for name, value in fields.items():
        if value is not None:
            event[name] = value
    return event


def _content(text: str) -> dict[str, Any]:
    return {"content": text[:CONTENT_LIMIT], "contentSize": len(text)}


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except Exception:
        return repr(value)


def _error_text(error: BaseException) -> str:
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _branch_info(branch: Any) -> dict[str, Any] | None:
    if branch is None:
        return None
    name = getattr(branch, "name", None)
    return {
        "id": str(getattr(branch, "id", "")),
        "name": name[:NAME_LIMIT] if isinstance(name, str) else None,
    }


def _enclosing_branch(span: _Span | None) -> dict[str, Any] | None:
    while span is not None:
        if span.branch is not None:
            return span.branch
        span = span.parent
    return None


def _already_reported(error: BaseException) -> bool:
    seen: BaseException | None = error
    for _ in range(16):
        if seen is None:
            return False
        if getattr(seen, "_playground_traced", False):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _report_error(error: BaseException, span: _Span) -> None:
    if _already_reported(error):
        return
    _safe(setattr, error, "_playground_traced", True)
    _write(
        _event(
            "error", parent=span.id, branch=_enclosing_branch(span), **_content(_error_text(error))
        )
    )


def error(message: str) -> None:
    """An `error` event in the current span (the recording's replay mismatches)."""
    if _live():
        _safe(_error_event, message)


def _error_event(message: str) -> None:
    span = _current.get()
    parent = span.id if span is not None else None
    _write(_event("error", parent=parent, branch=_enclosing_branch(span), **_content(message)))


def note_answer(answered_by: str) -> None:
    """Who answers the model call being made here (`recording`); called by the endpoint."""
    slot = _answer_slot.get()
    if slot is not None:
        slot[0] = answered_by


# ---------------------------------------------------------------------------------------
# Operations


def _open_operation(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> _Span | None:
    if not _live():
        return None
    parent = _current.get()
    branch = None if name == "flow" else args[0] if args else kwargs.get("branch")
    if name in STEP_OF and parent is not None and parent.operation is not None:
        enclosing = STEP_OF[name]
        if parent.branch_key is branch and (enclosing is None or parent.operation in enclosing):
            return None
    info = _branch_info(branch)
    span = _Span(name, info, branch, parent)
    _write(
        _event(
            "operation_start",
            span=span.id,
            parent=parent.id if parent else None,
            operation=name,
            branch=info,
        )
    )
    return span


def _close_span(kind: str, span: _Span, failure: BaseException | None, **fields: Any) -> None:
    if failure is not None:
        _report_error(failure, span)
    _write(
        _event(
            kind,
            span=span.id,
            parent=span.parent.id if span.parent else None,
            status="ok" if failure is None else "error",
            durationMs=round((time.perf_counter() - span.start) * 1000, 1),
            **fields,
        )
    )


def _close_operation(span: _Span, failure: BaseException | None) -> None:
    _close_span("operation_end", span, failure, operation=span.operation, branch=span.branch)


def _traced_operation(function: Callable[..., Any], name: str) -> Callable[..., Any]:
    @functools.wraps(function)
    async def operation(*args: Any, **kwargs: Any) -> Any:
        span = _safe(_open_operation, name, args, kwargs)
        if span is None:
            return await function(*args, **kwargs)
        token = _current.set(span)
        try:
            result = await function(*args, **kwargs)
        except BaseException as failure:
            _safe(_close_operation, span, failure)
            raise
        finally:
            _safe(_current.reset, token)
        _safe(_close_operation, span, None)
        return result

    operation.playground_traced = True  # type: ignore[attr-defined]
    return operation


def _traced_stream(function: Callable[..., Any], name: str) -> Callable[..., Any]:
    @functools.wraps(function)
    async def operation(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        span = _safe(_open_operation, name, args, kwargs)
        source = function(*args, **kwargs)
        if span is None:
            async for item in source:
                yield item
            return
        failure: BaseException | None = None
        try:
            while True:
                # The span is current only while the source runs: a generator that set it
                # across its yields would leak it into the consumer's code.
                token = _current.set(span)
                try:
                    item = await source.__anext__()
                except StopAsyncIteration:
                    break
                finally:
                    _safe(_current.reset, token)
                yield item
        except GeneratorExit:
            # The consumer stopped early: the operation ends there, as it asked.
            raise
        except BaseException as error:
            failure = error
            raise
        finally:
            _safe(_close_operation, span, failure)
            aclose = getattr(source, "aclose", None)
            if aclose is not None:
                await aclose()

    operation.playground_traced = True  # type: ignore[attr-defined]
    return operation


def patch_operations(module: ModuleType) -> None:
    for attribute, name, streams in OPERATIONS[module.__name__]:
        function = getattr(module, attribute, None)
        if function is None or getattr(function, "playground_traced", False):
            continue
        wrap = _traced_stream if streams else _traced_operation
        setattr(module, attribute, wrap(function, name))


# ---------------------------------------------------------------------------------------
# Messages


def _message_event(branch: Any, message: Any) -> None:
    if not _live():
        return
    kind = MESSAGE_KINDS.get(type(message).__name__)
    if kind is None:
        return
    content = getattr(message, "content", None)
    tool = None
    if kind == "system":
        text = getattr(content, "system_message", None)
        if not isinstance(text, str):
            text = _text(getattr(message, "rendered", ""))
    elif kind == "instruction":
        value = getattr(content, "instruction", None)
        text = _text(value) if value not in (None, "") else _text(getattr(message, "rendered", ""))
    elif kind == "assistant":
        text = _text(getattr(message, "response", ""))
    elif kind == "action_request":
        tool = getattr(content, "function", None)
        text = _text(getattr(content, "arguments", None))
    else:
        tool = getattr(content, "function", None)
        failure = getattr(content, "error", None)
        text = _text(failure if failure else getattr(content, "output", None))
    span = _current.get()
    _write(
        _event(
            kind,
            parent=span.id if span else None,
            branch=_branch_info(branch),
            tool=tool if isinstance(tool, str) else None,
            **_content(text),
        )
    )


def _watch_branch(branch: Any) -> None:
    manager = branch.msgs
    callbacks = manager._on_message_added

    def on_message_added(message: Any) -> None:
        _safe(_message_event, branch, message)

    callbacks.append(on_message_added)
    # The system message joins while the branch is made, before this callback could.
    system = manager.system
    if system is not None:
        _message_event(branch, system)


def patch_branch(module: ModuleType) -> None:
    branch_class = module.Branch
    init = branch_class.__init__
    if getattr(init, "playground_traced", False):
        return

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        _safe(_watch_branch, self)

    __init__.playground_traced = True  # type: ignore[attr-defined]
    branch_class.__init__ = __init__
    # `instruct` comes and goes between lionagi versions; traced where it exists.
    instruct = branch_class.__dict__.get("instruct")
    if instruct is not None and not getattr(instruct, "playground_traced", False):
        traced = _traced_operation(instruct, "instruct")
        branch_class.instruct = traced


# ---------------------------------------------------------------------------------------
# Model calls


def _model_fields(imodel: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    endpoint = getattr(imodel, "endpoint", None)
    config = getattr(endpoint, "config", None)
    model = kwargs.get("model") or getattr(imodel, "model_name", None)
    provider = getattr(config, "provider", None)
    return {
        "model": model if isinstance(model, str) and model else None,
        "provider": str(provider) if provider else None,
    }


def _open_model(imodel: Any, kwargs: dict[str, Any]) -> tuple[_Span, dict[str, Any]] | None:
    if not _live():
        return None
    parent = _current.get()
    branch = _enclosing_branch(parent)
    span = _Span(None, branch, None, parent)
    fields = _model_fields(imodel, kwargs)
    _write(
        _event(
            "model_start",
            span=span.id,
            parent=parent.id if parent else None,
            branch=branch,
            **fields,
        )
    )
    return span, fields


def _default_answer(imodel: Any) -> str:
    endpoint = getattr(imodel, "endpoint", None)
    return "offline" if getattr(endpoint, "playground_offline", False) else "network"


def _usage_tokens(usage: Any) -> dict[str, Any]:
    if not isinstance(usage, dict):
        return {}

    def count(*keys: str) -> int | None:
        for key in keys:
            value = usage.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return value
        return None

    tokens_in = count("prompt_tokens")
    if tokens_in is None:
        fresh = count("input_tokens")
        if fresh is not None:
            tokens_in = fresh + sum(
                count(key) or 0
                for key in ("cache_read_input_tokens", "cache_creation_input_tokens")
            )
    return {"tokensIn": tokens_in, "tokensOut": count("completion_tokens", "output_tokens")}


def _reply_text(response: Any) -> str | None:
    """The text of a provider's answer body (chat completions, Anthropic messages, the
    Responses API), for `model_end`'s content: a bare `iModel` call has no message event."""
    if not isinstance(response, dict):
        return None
    choices = response.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], dict):
        message = choices[0].get("message")
        if isinstance(message, dict) and isinstance(message.get("content"), str):
            return str(message["content"])
    for key in ("content", "output"):
        parts = response.get(key)
        if isinstance(parts, list):
            texts = [_part_text(part) for part in parts]
            if any(texts):
                return "".join(text for text in texts if text)
    for key in ("output_text", "result"):
        if isinstance(response.get(key), str):
            return str(response[key])
    return None


def _part_text(part: Any) -> str | None:
    if not isinstance(part, dict):
        return None
    if isinstance(part.get("text"), str):
        return str(part["text"])
    inner = part.get("content")
    if isinstance(inner, list):
        return "".join(t for t in (_part_text(item) for item in inner) if t) or None
    return None


def _close_model(
    opened: tuple[_Span, dict[str, Any]],
    failure: BaseException | None,
    answered_by: str | None,
    usage: Any,
    reply: str | None = None,
) -> None:
    """`answered_by` is None when the call did not get as far as an answer."""
    span, fields = opened
    tokens = _usage_tokens(usage) if failure is None else {}
    text = _content(reply) if reply is not None and failure is None else {}
    _close_span(
        "model_end",
        span,
        failure,
        answeredBy=answered_by,
        branch=span.branch,
        **tokens,
        **fields,
        **text,
    )


class _CallFailed(Exception):
    """A call lionagi returned as failed (it keeps the error on the call instead of raising)."""


def _call_outcome(call: Any) -> tuple[BaseException | None, Any]:
    if call is None:
        return _CallFailed("the model call returned nothing"), None
    status = getattr(getattr(call, "status", None), "value", getattr(call, "status", None))
    response = getattr(call, "response", None)
    if status == "completed":
        return None, response.get("usage") if isinstance(response, dict) else None
    execution = getattr(call, "execution", None)
    error = getattr(execution, "error", None)
    if isinstance(error, BaseException):
        return error, None
    return _CallFailed(str(error) if error else f"the model call ended {status}"), None


def patch_imodel(module: ModuleType) -> None:
    imodel_class = module.iModel
    invoke = imodel_class.invoke
    stream = imodel_class.stream
    if getattr(invoke, "playground_traced", False):
        return
    merge_usage = getattr(module, "_merge_streamed_usage", None)

    @functools.wraps(invoke)
    async def traced_invoke(self: Any, *args: Any, **kwargs: Any) -> Any:
        opened = _safe(_open_model, self, kwargs)
        if opened is None:
            return await invoke(self, *args, **kwargs)
        token = _current.set(opened[0])
        try:
            call = await invoke(self, *args, **kwargs)
        except BaseException as error:
            _safe(_close_model, opened, error, None, None)
            raise
        finally:
            _safe(_current.reset, token)
        answered_by = _answers.pop(id(call), None) or _safe(_default_answer, self)
        failure, usage = _safe(_call_outcome, call) or (None, None)
        reply = _safe(_reply_text, getattr(call, "response", None))
        _safe(_close_model, opened, failure, answered_by, usage, reply)
        return call

    @functools.wraps(stream)
    async def traced_stream(self: Any, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        opened = _safe(_open_model, self, kwargs)
        source = stream(self, *args, **kwargs)
        if opened is None:
            async for item in source:
                yield item
            return
        slot: list[str | None] = [None]
        usage: dict[str, Any] = {}
        pieces: list[str] = []
        failure: BaseException | None = None
        try:
            while True:
                token = _current.set(opened[0])
                slot_token = _answer_slot.set(slot)
                try:
                    item = await source.__anext__()
                except StopAsyncIteration:
                    break
                finally:
                    _safe(_answer_slot.reset, slot_token)
                    _safe(_current.reset, token)
                if merge_usage is not None:
                    _safe(merge_usage, usage, item)
                if getattr(item, "type", None) == "text" and isinstance(
                    getattr(item, "content", None), str
                ):
                    pieces.append(item.content)
                yield item
        except GeneratorExit:
            raise
        except BaseException as error:
            failure = error
            raise
        finally:
            answered_by = slot[0] or _safe(_default_answer, self)
            _safe(_close_model, opened, failure, answered_by, usage, "".join(pieces))
            await source.aclose()

    traced_invoke.playground_traced = True  # type: ignore[attr-defined]
    traced_stream.playground_traced = True  # type: ignore[attr-defined]
    imodel_class.invoke = traced_invoke
    imodel_class.stream = traced_stream


def patch_api_calling(module: ModuleType) -> None:
    """Who answered each call, kept by the call's identity until its `model_end` reads it.

    The call may run in another task than the `iModel.invoke` that made it (lionagi's
    processor sends whatever is queued), so the answer is caught where the call itself runs.
    """
    calling_class = module.APICalling
    core_invoke = calling_class._core_invoke
    if getattr(core_invoke, "playground_traced", False):
        return

    @functools.wraps(core_invoke)
    async def _core_invoke(self: Any) -> Any:
        slot: list[str | None] = [None]
        token = _answer_slot.set(slot)
        try:
            return await core_invoke(self)
        finally:
            _safe(_answer_slot.reset, token)
            if slot[0] is not None:
                if len(_answers) > 1_000:
                    _answers.clear()
                _answers[id(self)] = slot[0]

    _core_invoke.playground_traced = True  # type: ignore[attr-defined]
    calling_class._core_invoke = _core_invoke


# ---------------------------------------------------------------------------------------
# Tools


def _open_tool(calling: Any) -> _Span | None:
    if not _live():
        return None
    parent = _current.get()
    branch = _enclosing_branch(parent)
    span = _Span(None, branch, None, parent)
    tool = getattr(calling, "function", None)
    _write(
        _event(
            "tool_start",
            span=span.id,
            parent=parent.id if parent else None,
            branch=branch,
            tool=tool if isinstance(tool, str) else None,
            **_content(_text(getattr(calling, "arguments", None))),
        )
    )
    return span


def _close_tool(span: _Span, calling: Any, failure: BaseException | None, result: Any) -> None:
    tool = getattr(calling, "function", None)
    fields = _content(_text(result)) if failure is None else {}
    _close_span(
        "tool_end",
        span,
        failure,
        branch=span.branch,
        tool=tool if isinstance(tool, str) else None,
        **fields,
    )


def patch_function_calling(module: ModuleType) -> None:
    calling_class = module.FunctionCalling
    invoke = calling_class._invoke
    if getattr(invoke, "playground_traced", False):
        return

    @functools.wraps(invoke)
    async def _invoke(self: Any) -> Any:
        span = _safe(_open_tool, self)
        if span is None:
            return await invoke(self)
        token = _current.set(span)
        try:
            result = await invoke(self)
        except BaseException as failure:
            _safe(_close_tool, span, self, failure, None)
            raise
        finally:
            _safe(_current.reset, token)
        _safe(_close_tool, span, self, None, result)
        return result

    _invoke.playground_traced = True  # type: ignore[attr-defined]
    calling_class._invoke = _invoke


# ---------------------------------------------------------------------------------------
# Arming

PATCHES: dict[str, Callable[[ModuleType], None]] = {
    BRANCH_MODULE: patch_branch,
    IMODEL_MODULE: patch_imodel,
    API_CALLING_MODULE: patch_api_calling,
    FUNCTION_CALLING_MODULE: patch_function_calling,
    **dict.fromkeys(OPERATIONS, patch_operations),
}


def patch_module(name: str, module: ModuleType) -> None:
    """The hook `boot` runs after each of PATCHES' modules executes; a failure is dropped."""
    global _armed
    _armed = True
    _safe(PATCHES[name], module)
