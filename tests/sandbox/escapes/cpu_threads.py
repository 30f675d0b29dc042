"""CPU in threads: four threads hash without the GIL, trying to take every core.

Contained when the run gets at most its one CPU (CPU time / wall time stays near 1) and the
wall clock ends it with status timeout.
"""

import hashlib
import threading


def burn() -> None:
    while True:
        hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 200_000)


for _ in range(4):
    threading.Thread(target=burn, daemon=True).start()
burn()
