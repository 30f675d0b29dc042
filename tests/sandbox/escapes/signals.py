"""Signals: the program kills itself with SIGTERM.

Contained when reported as status signal with signal 15.
"""

import os
import signal

print("terminating myself", flush=True)
os.kill(os.getpid(), signal.SIGTERM)
