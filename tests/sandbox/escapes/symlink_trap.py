"""Symlink traps for the host: links in the workspace to /etc/shadow, the server's files, /.

A host that later copied, read or deleted workspace files while following links would leak or
destroy its own files (Judge0, CVE-2024-28185). Contained when the host never sees the
workspace (it is a tmpfs inside the sandbox) and its own files are untouched (the test checks).
"""

import os

links = {
    "output.txt": "/etc/shadow",
    "result.json": "/root/.ssh/id_rsa",
    "cleanup-me": "/",
    "main.py.bak": "/work",
}
for name, target in links.items():
    os.symlink(target, os.path.join("/workspace", name))
os.symlink("/", "/tmp/host-root")
print("planted " + " ".join(sorted(links)))
