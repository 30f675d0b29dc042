"""Memory in many processes: eight children each touch and hold 200 MiB (1.6 GiB together).

Contained when the limit covers the whole run, not each process: status memory.
"""

import os
import time

children = []
for _ in range(8):
    pid = os.fork()
    if pid == 0:
        block = bytearray(200 * 1024 * 1024)
        for offset in range(0, len(block), 4096):
            block[offset] = 1
        time.sleep(60)
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
print("ESCAPED: 1.6 GiB in children")
