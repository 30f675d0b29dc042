"""Too many files: open descriptors until the kernel refuses.

Contained when RLIMIT_NOFILE stops it at the run's open-files limit (256), not at the host's.
"""

opened = []
try:
    while True:
        opened.append(open("/dev/null"))  # noqa: SIM115 (kept open on purpose)
except OSError as error:
    print(f"stopped after {len(opened)} files: {error.strerror}")
if len(opened) > 256:
    print("ESCAPED: more files than the limit")
