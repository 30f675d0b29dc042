"""Memory in one process: touch 1.5 GiB of memory, far above the 512 MiB limit.

Contained when the run ends with status memory (the cgroup's OOM kill, no swap) and the host
keeps its memory.
"""

chunks = []
for _ in range(150):
    block = bytearray(10 * 1024 * 1024)
    for offset in range(0, len(block), 4096):
        block[offset] = 1
    chunks.append(block)
print("ESCAPED: allocated 1.5 GiB")
