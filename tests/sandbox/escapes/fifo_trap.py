"""FIFO traps for the host: named pipes where the host might read results.

A host that opened one would block forever (Judge0, CVE-2024-28189). Contained when the run
ends normally and the host never opens anything the program made (the test checks).
"""

import os

for name in ("output.txt", "stdout", "result.json"):
    os.mkfifo(os.path.join("/workspace", name))
os.mkfifo("/tmp/result")
print("planted fifos")
