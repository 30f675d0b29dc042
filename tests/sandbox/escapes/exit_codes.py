"""Exit codes: end with 42.

Contained when the code is reported as is: status error, exit code 42.
"""

import sys

print("exiting with 42")
sys.exit(42)
