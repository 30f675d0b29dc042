"""The analysis cache: LRU by content hash, knowledge and file name; counters; thread safety."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import pytest

from lionagi_playground.server.analysis.cache import AnalysisCache
from lionagi_playground.server.analysis.findings import Finding, Severity, Span

if TYPE_CHECKING:
    from lionagi_playground.server.knowledge import Knowledge


@dataclass(frozen=True)
class FakeKnowledge:
    fingerprint: str


def knowledge(fingerprint: str) -> Knowledge:
    return cast("Knowledge", FakeKnowledge(fingerprint))


def result(tag: str) -> tuple[Finding, ...]:
    return (Finding(Span(0, 0, 0, 1), Severity.HINT, "test", tag, tag),)


class Counting:
    """A stand-in for analyze() that records what it was asked."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.lock = threading.Lock()

    def __call__(
        self, text: str, knowledge: Knowledge | None, filename: str
    ) -> tuple[Finding, ...]:
        with self.lock:
            self.calls.append(text)
        return result(text)


def test_get_put_and_counters() -> None:
    cache = AnalysisCache(maxsize=10)
    assert cache.get("x = 1", None, "a.py") is None
    cache.put("x = 1", None, "a.py", result("one"))
    assert cache.get("x = 1", None, "a.py") == result("one")
    assert (cache.hits, cache.misses, len(cache)) == (1, 1, 1)


def test_key_is_text_knowledge_and_filename() -> None:
    cache = AnalysisCache()
    cache.put("x = 1", knowledge("v1"), "a.py", result("one"))
    assert cache.get("x = 1", knowledge("v1"), "a.py") == result("one")
    assert cache.get("x = 1", knowledge("v2"), "a.py") is None  # lionagi upgraded
    assert cache.get("x = 1", None, "a.py") is None
    assert cache.get("x = 1", knowledge("v1"), "b.py") is None
    assert cache.get("x = 2", knowledge("v1"), "a.py") is None


def test_least_recently_used_is_evicted() -> None:
    cache = AnalysisCache(maxsize=2)
    cache.put("a", None, "f", result("a"))
    cache.put("b", None, "f", result("b"))
    assert cache.get("a", None, "f") is not None  # "a" is now the most recent
    cache.put("c", None, "f", result("c"))
    assert len(cache) == 2
    assert cache.get("b", None, "f") is None
    assert cache.get("a", None, "f") == result("a")
    assert cache.get("c", None, "f") == result("c")


def test_put_of_an_existing_key_refreshes_it() -> None:
    cache = AnalysisCache(maxsize=2)
    cache.put("a", None, "f", result("a"))
    cache.put("b", None, "f", result("b"))
    cache.put("a", None, "f", result("a2"))
    cache.put("c", None, "f", result("c"))
    assert cache.get("a", None, "f") == result("a2")
    assert cache.get("b", None, "f") is None


def test_get_or_compute_computes_once() -> None:
    cache = AnalysisCache()
    compute = Counting()
    first = cache.get_or_compute("x = 1", None, "a.py", compute)
    second = cache.get_or_compute("x = 1", None, "a.py", compute)
    assert first == second == result("x = 1")
    assert compute.calls == ["x = 1"]
    assert (cache.hits, cache.misses) == (1, 1)


def test_get_or_compute_defaults_to_the_real_analysis() -> None:
    findings = AnalysisCache().get_or_compute("import os\n", None, "a.py")
    assert [finding.code for finding in findings] == ["F401"]


def test_text_with_a_lone_surrogate_can_be_cached() -> None:
    cache = AnalysisCache()
    text = "x = '\udcff'\n"
    assert cache.get_or_compute(text, None, "a.py")[0].code == "E999"
    assert cache.get(text, None, "a.py") is not None


def test_concurrent_use_keeps_the_bounds_and_the_counts() -> None:
    cache = AnalysisCache(maxsize=8)
    compute = Counting()
    texts = [f"x = {index}" for index in range(16)]
    rounds = 50
    start = threading.Barrier(4)

    def work(offset: int) -> None:
        start.wait()
        for round_ in range(rounds):
            text = texts[(offset + round_) % len(texts)]
            assert cache.get_or_compute(text, None, "f", compute) == result(text)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) == 8
    assert cache.hits + cache.misses == 4 * rounds
    assert len(compute.calls) == cache.misses


def test_clear() -> None:
    cache = AnalysisCache()
    cache.put("a", None, "f", result("a"))
    cache.get("a", None, "f")
    cache.clear()
    assert (len(cache), cache.hits, cache.misses) == (0, 0, 0)


def test_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="maxsize must be at least 1, got 0"):
        AnalysisCache(maxsize=0)
