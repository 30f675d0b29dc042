"""ptrace: attach to the parent process to read or change its memory.

Contained when the seccomp filter answers EPERM (PTRACE_TRACEME and PTRACE_ATTACH alike).
"""

import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
PTRACE_TRACEME, PTRACE_ATTACH = 0, 16
results = []
for request, pid in ((PTRACE_ATTACH, os.getppid()), (PTRACE_ATTACH, 1), (PTRACE_TRACEME, 0)):
    if libc.ptrace(request, pid, None, None) == 0:
        results.append(f"ESCAPED: ptrace({request}, {pid}) worked")
    else:
        results.append(f"ptrace({request}) denied: {os.strerror(ctypes.get_errno())}")
print("\n".join(results))
