"""The rest of the seccomp deny list: io_uring, bpf, perf, userfaultfd, keyrings, vsock, packet.

Contained when every call fails (EPERM, or EAFNOSUPPORT for the socket families).
"""

import ctypes
import os
import socket

libc = ctypes.CDLL(None, use_errno=True)
calls = {  # x86_64 numbers
    "io_uring_setup": (425, 8, 0),
    "bpf": (321, 0, 0),
    "perf_event_open": (298, 0, 0),
    "userfaultfd": (323, 0, 0),
    "keyctl": (250, 0, 0),
    "add_key": (248, 0, 0),
    "setns": (308, 0, 0),
}
allowed = []
for name, (number, first, second) in calls.items():
    result = libc.syscall(number, first, second, 0, 0, 0)
    if result >= 0 or ctypes.get_errno() != 1:  # EPERM
        allowed.append(f"{name}({os.strerror(ctypes.get_errno())})")
for family in (40, 17):  # AF_VSOCK, AF_PACKET
    try:
        socket.socket(family, socket.SOCK_STREAM if family == 40 else socket.SOCK_RAW).close()
        allowed.append(f"socket family {family}")
    except OSError:
        pass
print("ESCAPED: " + ", ".join(allowed) if allowed else "all denied")
