"""How every sandbox container is created: its shape (the limits fixed at creation) and the
hardened Docker host config that enforces it (docs/security.md lists the settings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lionagi_playground.sandbox.datasets import EXAMPLES_DIR, EXAMPLES_IN_RUN
from lionagi_playground.sandbox.docker.seccomp import profile_json
from lionagi_playground.sandbox.limits import MIB, Limits

SHM_MAX = 64 * MIB


@dataclass(frozen=True)
class Shape:
    """What a container is created with: the limits that cannot change once it runs."""

    memory_bytes: int
    cpus: float
    pids: int
    disk_bytes: int
    open_files: int
    network: bool

    @classmethod
    def of(cls, limits: Limits) -> Shape:
        return cls(
            limits.memory_bytes,
            limits.cpus,
            limits.pids,
            limits.disk_bytes,
            limits.open_files,
            limits.network,
        )


def host_config(shape: Shape) -> dict[str, Any]:
    """The hardened settings of every sandbox container (docs/security.md lists them)."""
    from docker.types import LogConfig, Mount, Ulimit

    disk = shape.disk_bytes
    return {
        "network_mode": "bridge" if shape.network else "none",
        "mem_limit": shape.memory_bytes,
        "memswap_limit": shape.memory_bytes,  # equal: no swap at all
        "mem_swappiness": 0,
        "nano_cpus": int(shape.cpus * 1e9),
        "pids_limit": shape.pids,
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges:true", f"seccomp={profile_json()}"],
        "read_only": True,
        "tmpfs": {
            "/tmp": f"rw,nosuid,nodev,size={disk},mode=1777",
            "/workspace": f"rw,nosuid,nodev,size={disk},mode=0755,uid=1000,gid=1000",
        },
        # The example datasets, read-only over the workspace's tmpfs (docker mounts the
        # tmpfs first: mounts are made in the order of their depth).
        "mounts": [
            Mount(
                target=str(EXAMPLES_IN_RUN),
                source=str(EXAMPLES_DIR),
                type="bind",
                read_only=True,
                propagation="rprivate",
            )
        ],
        "shm_size": min(disk, SHM_MAX),
        "ipc_mode": "private",
        "ulimits": [
            Ulimit(name="nofile", soft=shape.open_files, hard=shape.open_files),
            Ulimit(name="fsize", soft=disk, hard=disk),
            Ulimit(name="core", soft=0, hard=0),
        ],
        # No log driver: a flood must not fill the host's disk under /var/lib/docker.
        "log_config": LogConfig(type="none"),
        # docker-init is not used: the agent is this container's init (see image/agent.py).
        "init": False,
        "auto_remove": False,
    }
