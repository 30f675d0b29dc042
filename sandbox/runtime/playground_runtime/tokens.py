"""Token counts without tiktoken's encoding files, for the offline mode.

tiktoken downloads its encoding (o200k_base) on first use and no package on the registries
this project uses ships it, so offline lionagi counts approximately instead: a token per
four characters (about what o200k_base gives on English), four more per chat message.
The counts only feed lionagi's rate limits, input cap and "Estimated Current Token Usage"
note; nothing in an offline reply depends on them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

_PAYLOAD_KEYS = (
    "system",
    "instructions",
    "messages",
    "input",
    "prompt",
    "tools",
    "response_format",
)


def count(text: Any) -> int:
    if not text:
        return 0
    value = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False, default=str)
    return math.ceil(len(value) / 4)


def count_messages(messages: list[dict[str, Any]], /, **_: Any) -> int:
    return sum(4 + count(m.get("content")) for m in messages if isinstance(m, dict))


def count_embed_inputs(inputs: list[str], /, **_: Any) -> int:
    return sum(count(item) for item in inputs)


def estimate_payload(payload: dict[str, Any]) -> int:
    """lionagi's `estimate_payload_input_tokens`, over the same parts of the payload."""
    parts = [payload[key] for key in _PAYLOAD_KEYS if payload.get(key) is not None]
    return count(parts) if parts else 0


def tokenize(
    s_: str | None = None,
    /,
    encoding_name: str | None = None,
    tokenizer: Callable[[str], list[int]] | None = None,
    decoder: Callable[[list[int]], str] | None = None,
    return_tokens: bool = False,
    return_decoded: bool = False,
) -> int | list[int] | tuple[int, str]:
    """lionagi's `TokenCalculator.tokenize` with a caller's tokenizer, else by approximation.

    Without a tokenizer, tokens are stand-in ids (0, 1, ...) and "decoding" gives the text back.
    """
    if not s_:
        return 0
    if callable(tokenizer):
        tokens = tokenizer(s_)
        if return_tokens and return_decoded:
            return len(tokens), decoder(tokens) if callable(decoder) else s_
        return tokens if return_tokens else len(tokens)
    n = count(s_)
    if return_tokens:
        return (n, s_) if return_decoded else list(range(n))
    return n
