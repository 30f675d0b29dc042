"""Limits: defaults, client clamping to server maxima, and clear refusals of bad values."""

from __future__ import annotations

import math

import pytest

from lionagi_playground.sandbox import DEFAULT_LIMITS, InvalidRequestError, Limits, clamp
from lionagi_playground.sandbox.limits import MIB


def test_defaults_match_the_issue() -> None:
    assert DEFAULT_LIMITS.timeout_s == 30
    assert DEFAULT_LIMITS.memory_bytes == 512 * MIB
    assert DEFAULT_LIMITS.cpus == 1
    assert DEFAULT_LIMITS.pids == 64
    assert DEFAULT_LIMITS.output_bytes == MIB
    assert DEFAULT_LIMITS.network is False


def test_a_client_may_lower_any_limit() -> None:
    chosen = clamp({"timeout": 2, "memoryMb": 64, "pids": 8})
    assert (chosen.timeout_s, chosen.memory_bytes, chosen.pids) == (2, 64 * MIB, 8)


def test_a_client_may_raise_only_up_to_the_maxima() -> None:
    maxima = Limits(timeout_s=60, memory_bytes=1024 * MIB)
    chosen = clamp({"timeout": 3600, "memoryMb": 4096}, maxima)
    assert chosen.timeout_s == 60
    assert chosen.memory_bytes == 1024 * MIB


def test_network_needs_the_server_to_allow_it() -> None:
    assert clamp({"network": True}).network is False
    assert clamp({"network": True}, Limits(network=True)).network is True


@pytest.mark.parametrize(
    ("requested", "message"),
    [
        ({"timeout": -1}, "timeout_s must be at least"),
        ({"timeout": math.nan}, "must be finite"),
        ({"timeout": "10"}, "must be a number"),
        ({"memoryMb": True}, "memoryMb must be a number"),
        ({"pids": 2.5}, "whole number"),
        ({"network": "yes"}, "true or false"),
        ({"cores": 4}, "unknown limit 'cores'"),
    ],
)
def test_bad_values_are_refused_with_the_field_named(
    requested: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidRequestError, match=message):
        clamp(requested)


def test_limits_themselves_refuse_bad_values() -> None:
    with pytest.raises(InvalidRequestError, match="memory_bytes"):
        Limits(memory_bytes=-5)
