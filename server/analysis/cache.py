"""A process-wide LRU of analysis results, keyed by content hash, knowledge and file name."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from lionagi_playground.server.analysis.findings import Finding
from lionagi_playground.server.analysis.pipeline import analyze

if TYPE_CHECKING:
    from lionagi_playground.server.knowledge import Knowledge

Key = tuple[bytes, str | None, str]
Compute = Callable[[str, "Knowledge | None", str], tuple[Finding, ...]]


def cache_key(text: str, knowledge: Knowledge | None, filename: str) -> Key:
    # A digest, not the text: a thousand entries must not pin a thousand documents.
    # surrogatepass: a lone surrogate is a valid (if unparsable) document.
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return (digest, knowledge.fingerprint if knowledge is not None else None, filename)


class AnalysisCache:
    """Thread-safe LRU of findings. Identical text analyzed twice is analyzed once."""

    def __init__(self, maxsize: int = 1000) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, got {maxsize}")
        self.maxsize = maxsize
        self._entries: OrderedDict[Key, tuple[Finding, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0

    @property
    def hits(self) -> int:
        return self._hits

    @property
    def misses(self) -> int:
        return self._misses

    def __len__(self) -> int:
        return len(self._entries)

    def get(
        self, text: str, knowledge: Knowledge | None, filename: str
    ) -> tuple[Finding, ...] | None:
        key = cache_key(text, knowledge, filename)
        with self._lock:
            findings = self._entries.get(key)
            if findings is None:
                self._misses += 1
                return None
            self._entries.move_to_end(key)
            self._hits += 1
            return findings

    def put(
        self,
        text: str,
        knowledge: Knowledge | None,
        filename: str,
        findings: tuple[Finding, ...],
    ) -> None:
        key = cache_key(text, knowledge, filename)
        with self._lock:
            self._entries[key] = findings
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def get_or_compute(
        self,
        text: str,
        knowledge: Knowledge | None,
        filename: str,
        compute: Compute = analyze,
    ) -> tuple[Finding, ...]:
        """The cached findings, or `compute`'s, cached. Computes outside the lock, so a
        slow analysis never blocks lookups (two threads may then compute the same text)."""
        findings = self.get(text, knowledge, filename)
        if findings is None:
            findings = compute(text, knowledge, filename)
            self.put(text, knowledge, filename, findings)
        return findings

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._hits = self._misses = 0
