"""Invalid UTF-8 output: bytes that are not text, split characters, then valid text.

Contained when the output still arrives, with U+FFFD for each bad sequence, and status ok.
"""

import os

os.write(1, b"bad \xff\xfe bytes\n")
os.write(1, b"split \xc3")
os.write(1, b"\xa9 ok\n")
os.write(1, b"truncated \xe2\x82\n")
