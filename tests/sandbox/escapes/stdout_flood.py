"""Stdout flood: print without end.

Contained when the output cap (1 MiB) stops the run with status output_limit and no more
than the cap reaches the client.
"""

line = "flood " * 20 + "\n"
while True:
    print(line, end="")
