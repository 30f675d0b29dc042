"""Benign: a subprocess (echo) and a child Python; the output is exact."""

import subprocess
import sys

print(subprocess.run(["echo", "from echo"], capture_output=True, text=True).stdout, end="")
child = subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True)
print("child said", child.stdout.strip())
