"""Forged display frames: a frame with a guessed nonce and one with the run's own.

Contained when only the frame with this run's nonce becomes a display item; the forged one
arrives as plain text.
"""

import base64
import json
import os
import sys

payload = base64.b64encode(json.dumps({"mime": "text/plain", "data": "real"}).encode())
forged = base64.b64encode(json.dumps({"mime": "text/plain", "data": "forged"}).encode())
nonce = os.environ["PLAYGROUND_DISPLAY_NONCE"].encode()
sys.stdout.flush()
os.write(1, b"before\n\x1b]5379;deadbeef;" + forged + b"\x07\n")
os.write(1, b"\x1b]5379;" + nonce + b";" + payload + b"\x07after\n")
