"""/etc/shadow and friends: read the password hashes and sudo rules.

Contained when these files are not in the sandbox at all (only a chosen list of /etc is).
"""

leaked = []
for path in ("/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/shadow-", "/etc/security"):
    try:
        with open(path) as secret:
            secret.read()
        leaked.append(path)
    except OSError:
        pass
print("ESCAPED: " + " ".join(leaked) if leaked else "no shadow")
