"""DNS: resolve a public name.

Contained when resolution fails without a packet leaving: no resolv.conf, no network, so the
resolver can only try the sandbox's own loopback.
"""

import socket

try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED: resolved example.com")
except OSError as error:
    print(f"no DNS: {error}")
