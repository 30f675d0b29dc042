"""mount and namespaces: mount a tmpfs, bind the root, create a user namespace.

Contained when mount, umount and unshare all fail (seccomp EPERM, no capabilities, user
namespaces disabled).
"""

import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER, CLONE_NEWNS = 0x10000000, 0x00020000
escaped = []
os.makedirs("/tmp/m", exist_ok=True)
if libc.mount(b"none", b"/tmp/m", b"tmpfs", 0, None) == 0:
    escaped.append("mount tmpfs")
if libc.mount(b"/", b"/tmp/m", None, 4096, None) == 0:  # MS_BIND
    escaped.append("bind /")
if libc.umount2(b"/usr", 2) == 0:  # MNT_DETACH
    escaped.append("umount /usr")
if libc.unshare(CLONE_NEWUSER) == 0:
    escaped.append("unshare user")
if libc.unshare(CLONE_NEWNS) == 0:
    escaped.append("unshare mount")
print("ESCAPED: " + ", ".join(escaped) if escaped else "no mounts")
