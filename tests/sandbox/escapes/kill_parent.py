"""Killing the parent: SIGKILL the parent process and every pid the program can name.

Contained when only processes of the run can be reached: the parent is the sandbox's init
(immune to signals from inside its namespace), host processes are invisible.
"""

import os
import signal

os.kill(os.getppid(), signal.SIGKILL)
reached = []
for pid in range(1, 4096):
    if pid == os.getpid():
        continue
    try:
        os.kill(pid, signal.SIGKILL)
        reached.append(pid)
    except OSError:
        pass
print(f"signalled pids: {reached}")
