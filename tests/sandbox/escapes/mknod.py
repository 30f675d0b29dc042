"""mknod and raw devices: create /dev/mem-like nodes, open kernel memory and the console.

Contained when device nodes cannot be made (no CAP_MKNOD) and only bwrap's minimal /dev exists.
"""

import os
import stat

escaped = []
for name, device in (("mem", os.makedev(1, 1)), ("sda", os.makedev(8, 0))):
    try:
        os.mknod(f"/tmp/{name}", stat.S_IFCHR | 0o666, device)
        escaped.append(f"mknod {name}")
    except OSError:
        pass
for path in ("/dev/mem", "/dev/kmem", "/dev/port", "/dev/kmsg", "/dev/sda", "/dev/console"):
    try:
        open(path, "rb").close()
        escaped.append(f"open {path}")
    except OSError:
        pass
print("ESCAPED: " + ", ".join(escaped) if escaped else "no devices")
