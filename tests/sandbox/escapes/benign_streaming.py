"""Benign streaming: a line printed before a long sleep must reach the client during the sleep.

The test waits for the first line's event while the program sleeps, then cancels the run.
"""

import time

print("first line", flush=True)
time.sleep(60)
print("never printed")
