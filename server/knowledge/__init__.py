"""What the playground knows about lionagi: read from the runtime environment, plus curated history.

`load_knowledge(env)` gives a `Knowledge` (frozen, picklable, cached on disk);
the server never imports lionagi itself. `build_knowledge(env, progress)`
pre-builds the cache for `lionagi-playground setup`.
"""

from __future__ import annotations

from lionagi_playground.server.knowledge.decode import fallback_knowledge
from lionagi_playground.server.knowledge.history import History
from lionagi_playground.server.knowledge.load import (
    KnowledgeError,
    build_knowledge,
    default_cache_dir,
    load_knowledge,
)
from lionagi_playground.server.knowledge.model import (
    Knowledge,
    Param,
    Provider,
    SchemaOutcome,
    Symbol,
    ToolSchemaInfo,
)

__all__ = [
    "History",
    "Knowledge",
    "KnowledgeError",
    "Param",
    "Provider",
    "SchemaOutcome",
    "Symbol",
    "ToolSchemaInfo",
    "build_knowledge",
    "default_cache_dir",
    "fallback_knowledge",
    "load_knowledge",
]
