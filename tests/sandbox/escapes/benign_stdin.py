"""Benign: read stdin to the end and echo it upper-cased; the output is exact."""

import sys

for line in sys.stdin:
    print(line.strip().upper())
print("done")
