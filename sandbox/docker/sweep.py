"""Which process owns a sandbox container, and finding the containers of processes now dead.

Every container carries the pool's label and its owner: the boot, pid and start time of the
process that created it, which stays unique across pid reuse. A pool sweeps once, at its first
use, what pools of dead processes (a crash) left behind.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

POOL_LABEL = "org.lionagi-playground.pool"
OWNER_LABEL = "org.lionagi-playground.owner"


def owner() -> str:
    """This process, in a form that stays unique across pid reuse: boot, pid, start time."""
    return f"{boot_id()}:{os.getpid()}:{start_time(os.getpid())}"


def boot_id() -> str:
    with contextlib.suppress(OSError):
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    return "unknown"


def start_time(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "gone"


def stale_containers(client: Any) -> list[str]:
    """The sandbox containers whose owner process is gone (a crash left them)."""
    stale = []
    for item in client.api.containers(all=True, filters={"label": POOL_LABEL}):
        owner = str(item.get("Labels", {}).get(OWNER_LABEL, ""))
        boot, _, rest = owner.partition(":")
        pid_text, _, started = rest.partition(":")
        alive = boot == boot_id() and pid_text.isdigit() and start_time(int(pid_text)) == started
        if not alive:
            stale.append(str(item["Id"]))
    return stale
