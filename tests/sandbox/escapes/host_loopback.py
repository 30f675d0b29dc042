"""Loopback services of the host: connect to a TCP server the test runs on the host's 127.0.0.1.

Contained when the connection fails: the run's network namespace has its own loopback, so
the host's server never sees a connection (the test checks it accepted none).
"""

import socket
from pathlib import Path

port = int(Path("port.txt").read_text())
try:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
        conn.sendall(b"hello from the sandbox\n")
    print("ESCAPED: reached the host's loopback")
except OSError as error:
    print(f"refused: {error.strerror or error}")
