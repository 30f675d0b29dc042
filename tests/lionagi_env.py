"""The runtime environment and lionagi knowledge the tests check against (the real ones).

`make test` builds that environment first; without it these tests fail loudly at
collection rather than being skipped.
"""

from __future__ import annotations

from lionagi_playground.runtime_env import find_runtime_env
from lionagi_playground.server.knowledge import load_knowledge

ENV = find_runtime_env()
if ENV is None:
    raise RuntimeError("no runtime environment: run `lionagi-playground setup` (make test does)")
KNOWLEDGE = load_knowledge(ENV)
