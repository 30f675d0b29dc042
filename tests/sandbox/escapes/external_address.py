"""An external address: is there any route out of the sandbox?

Sends no packet: it lists interfaces and routes and asks the kernel to route a UDP socket to
a documentation address (connect() on UDP only looks the route up). Contained when only `lo`
exists, there is no route, and the connect fails with "network unreachable".
"""

import os
import socket

interfaces = sorted(os.listdir("/sys/class/net")) if os.path.isdir("/sys/class/net") else []
with open("/proc/net/route") as routes:
    route_lines = routes.read().splitlines()[1:]
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    sock.connect(("192.0.2.1", 9))
    print(f"ESCAPED: a route exists ({interfaces}, {len(route_lines)} routes)")
except OSError as error:
    print(f"no route: {error.strerror}; routes: {len(route_lines)}")
finally:
    sock.close()
