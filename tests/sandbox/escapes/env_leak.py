"""Reading the server's environment: print every variable the program inherits.

Contained when the environment is exactly the sandbox's own (bwrap --clearenv): no variable
of the server (the test sets PLAYGROUND_TEST_SECRET in its own environment) gets through.
"""

import os

print(" ".join(sorted(os.environ)))
