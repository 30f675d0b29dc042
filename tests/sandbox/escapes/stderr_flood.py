"""Stderr flood: write to stderr without end.

Contained as the stdout flood: the cap covers both streams, status output_limit.
"""

import sys

line = "error " * 20 + "\n"
while True:
    sys.stderr.write(line)
