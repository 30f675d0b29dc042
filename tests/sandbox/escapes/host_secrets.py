"""Reading host secrets: the server's home, the repository, other users, keys, history.

Contained when none of these paths exists or can be read in the sandbox.
"""

import glob
import os

candidates = [
    "/root/.ssh/id_rsa",
    "/root/.bash_history",
    "/root/.pyenv",
    "/root/.local/share/lionagi-playground/runtime/playground-env.json",
    "/work",
    "/home",
    "/etc/ssh/ssh_host_ed25519_key",
    "/etc/ssl/private",
    "/var/lib",
    "/run",
]
candidates += glob.glob("/proc/*/environ")
leaked = []
for path in candidates:
    if path.startswith("/root/.local/share/lionagi-playground/runtime"):
        continue  # the runtime environment is mounted on purpose (read-only)
    try:
        if os.path.isdir(path):
            if os.listdir(path):
                leaked.append(path)
        else:
            with open(path, "rb") as secret:
                data = secret.read()
            if path.endswith("environ") and b"PLAYGROUND_TEST_SECRET" not in data:
                continue
            leaked.append(path)
    except OSError:
        pass
print("ESCAPED: " + " ".join(leaked) if leaked else "nothing readable")
