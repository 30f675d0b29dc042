"""Fork bomb: every process forks forever and never exits.

Contained when the pids limit (cgroup pids.max, or RLIMIT_NPROC without cgroups) stops the
growth, the wall clock ends the run with status timeout, and no process survives the run.
"""

import contextlib
import os

while True:
    with contextlib.suppress(OSError):
        os.fork()
