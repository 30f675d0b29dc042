"""One cgroup per run, on cgroup v1 or v2 (found at run time): limits, usage, kill, removal.

The run's processes join the cgroup before anything of the user's runs, so every descendant
(daemons included) is accounted, limited and killed with it. Where no cgroup can be created
(an ordinary user without delegation), `CgroupHost.detect` returns None and the backend falls
back to rlimits.

`run` is one run's cgroup, `host` finds where run cgroups can be made (and which cgroup a
process is in), `files` reads and writes the control files.
"""

from __future__ import annotations

from lionagi_playground.sandbox.cgroups.host import CgroupHost, cgroup_of
from lionagi_playground.sandbox.cgroups.run import RunCgroup, RunLimits

__all__ = ["CgroupHost", "RunCgroup", "RunLimits", "cgroup_of"]
