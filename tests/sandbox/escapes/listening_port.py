"""A process left listening on a port: a child serves TCP 127.0.0.1:PORT, the parent exits.

Contained when the listener is gone after the run and was never reachable from the host
(the run has its own network namespace); the test tries to connect after the run.
"""

import os
import socket
import time
from pathlib import Path

port = int(Path("port.txt").read_text())
if os.fork() == 0:
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen()
    while True:
        time.sleep(1)
print("listener started")
