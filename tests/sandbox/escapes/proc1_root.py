"""/proc/1/root: reach the host's root file system through pid 1's root link.

Contained when pid 1 is the sandbox's own init (bwrap, same uid as the program), so its root
link is the sandbox's own root, its environment holds nothing of the server's, and the
host's /etc/shadow is not reachable through it.
"""

import os

with open("/proc/1/cmdline", "rb") as cmdline:
    init = cmdline.read().split(b"\0")[0].decode()
print(f"pid 1 is {init}")
escaped = []
try:
    mine, its = os.stat("/"), os.stat("/proc/1/root/")
    if (mine.st_dev, mine.st_ino) != (its.st_dev, its.st_ino):
        escaped.append("pid 1 has another root")
except OSError:
    pass
if os.path.exists("/proc/1/root/etc/shadow"):
    escaped.append("/etc/shadow through /proc/1/root")
try:
    with open("/proc/1/environ", "rb") as environ:
        if b"PLAYGROUND_TEST_SECRET" in environ.read():
            escaped.append("server environment in pid 1")
except OSError:
    pass
print("ESCAPED: " + ", ".join(escaped) if escaped else "pid 1 is closed")
