"""Unbounded recursion with the recursion limit lifted: the C stack overflows.

Contained when the run ends as a crash (signal) or an error, within its limits.
"""

import sys

sys.setrecursionlimit(10**8)


def down(depth: int) -> int:
    return down(depth + 1) + 1


print("recursing", flush=True)
down(0)
