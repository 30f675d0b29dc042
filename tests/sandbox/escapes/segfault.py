"""Segfault: dereference NULL.

Contained when the crash is reported as status signal 11 (SIGSEGV) and nothing else is hurt.
"""

import ctypes

print("about to crash", flush=True)
ctypes.string_at(0)
