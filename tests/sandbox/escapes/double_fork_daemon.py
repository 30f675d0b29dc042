"""Double-fork daemon: detach a grandchild into its own session and exit at once.

Contained when the daemon dies with the run: the run's pid namespace and cgroup are torn
down, so no process of the run is left on the host afterwards (the test checks).
"""

import os
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.close(1)
        os.close(2)
        while True:
            time.sleep(1)
    os._exit(0)
print("parent exits, daemon detached")
