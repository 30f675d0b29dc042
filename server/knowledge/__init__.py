"""What the playground knows about lionagi: read from the runtime environment, plus curated history.

(Stub: the knowledge helper replaces this file.)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Knowledge:
    fingerprint: str
