"""Leaving the cgroup: write our pid to the root cgroup or raise our own limits.

Contained when /sys/fs/cgroup is not there to write to (no /sys in the sandbox) or refuses.
"""

import glob
import os

escaped = []
for procs in glob.glob("/sys/fs/cgroup/**/cgroup.procs", recursive=True)[:50]:
    try:
        with open(procs, "w") as target:
            target.write(str(os.getpid()))
        escaped.append(procs)
    except OSError:
        pass
print("ESCAPED: " + " ".join(escaped) if escaped else "cgroup untouched")
