"""Disk fill: write to the workspace and /tmp until something stops it.

Contained when the writes end in ENOSPC or EFBIG inside the sandbox's own size-limited tmpfs
(the host's disk never sees a byte) and the run ends without harming the host.
"""

import errno
import os

written = 0
block = b"x" * (1024 * 1024)
for place in ("/workspace", "/tmp"):
    try:
        for number in range(100_000):
            with open(os.path.join(place, f"fill-{number}"), "wb") as out:
                for _ in range(16):
                    out.write(block)
                    written += len(block)
    except OSError as error:
        code = error.errno or 0
        print(f"stopped in {place}: {errno.errorcode.get(code, code)}")
print(f"contained after {written // (1024 * 1024)} MiB")
