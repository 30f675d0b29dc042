"""Sleeping forever: use no CPU but hold a run slot.

Contained when the wall clock, not CPU time, ends it: status timeout.
"""

import time

print("sleeping", flush=True)
time.sleep(3600)
