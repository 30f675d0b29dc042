"""CPU in processes: four processes spin, trying to take every core.

Contained when the run as a whole gets one CPU (the cgroup's quota) and ends with timeout.
"""

import os

for _ in range(3):
    if os.fork() == 0:
        break
while True:
    pass
