"""Writing outside the workspace: system directories, the runtime environment, /proc/sys.

Contained when every write fails (read-only binds, no permission) and the host is unchanged.
"""

import os
import sys

targets = [
    "/usr/playground-escape",
    "/usr/bin/playground-escape",
    "/etc/playground-escape",
    "/playground-escape",
    os.path.join(sys.prefix, "playground-escape"),
    "/proc/sys/kernel/hostname",
    "/proc/sysrq-trigger",
    "/sys/playground-escape",
]
written = []
for target in targets:
    try:
        with open(target, "w") as out:
            out.write("h\n")
        written.append(target)
    except OSError:
        pass
print("ESCAPED: " + " ".join(written) if written else "nothing written")
