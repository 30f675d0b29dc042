"""setuid: become root through setuid(0) or a set-user-id binary.

Contained when both fail: no capabilities, and no_new_privs ignores set-user-id bits.
"""

import os
import subprocess

escaped = []
try:
    os.setuid(0)
    escaped.append("setuid(0)")
except OSError:
    pass
for binary in ("/usr/bin/su", "/usr/bin/passwd", "/usr/bin/mount", "/usr/bin/newgrp"):
    if os.path.exists(binary):
        probe = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, check=False, timeout=10
        )
        if os.geteuid() == 0:
            escaped.append(binary)
        del probe
uid = subprocess.run(["/usr/bin/id", "-u"], capture_output=True, text=True, check=False)
if uid.stdout.strip() == "0":
    escaped.append("id -u is 0")
print("ESCAPED: " + ", ".join(escaped) if escaped else f"still uid {os.getuid()}")
