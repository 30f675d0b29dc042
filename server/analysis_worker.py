"""The analysis worker process: reads analysis jobs on stdin, writes findings on stdout.

Run as `python -m lionagi_playground.server.analysis_worker` by the analyzer.
Frames are a 4-byte big-endian length and a pickle, both ways (the peer is
our own server, so pickle is safe here). The first frame carries the lionagi
knowledge; each later one is `(job_id, text, filename)` and is answered by
`(job_id, findings)`. The worker exits when its stdin reaches EOF, which is
also what happens when the server dies, however it dies.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
from typing import TYPE_CHECKING, BinaryIO, cast

if TYPE_CHECKING:
    from lionagi_playground.server.knowledge import Knowledge

HEADER = struct.Struct(">I")


def read_frame(stream: BinaryIO) -> object | None:
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (length,) = HEADER.unpack(header)
    body = stream.read(length)
    if len(body) < length:
        return None
    value: object = pickle.loads(body)
    return value


def frame(value: object) -> bytes:
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(body)) + body


def main() -> None:
    # Keep the protocol on a private copy of stdout, and point fd 1 and
    # sys.stdout at stderr, so that nothing a check prints can corrupt it.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    jobs = sys.stdin.buffer

    from lionagi_playground.server.analysis.pipeline import analyze
    from lionagi_playground.server.limits import LARGE_DOCUMENT_CHARS

    knowledge = read_frame(jobs)
    while (job := read_frame(jobs)) is not None:
        job_id, text, filename = cast(tuple[int, str, str], job)
        try:
            findings = analyze(
                text,
                cast("Knowledge | None", knowledge),
                filename,
                full_analysis_limit=LARGE_DOCUMENT_CHARS,
            )
        except Exception as error:  # analyze() isolates checks; this is a last resort
            findings = ()
            print(f"analysis worker: {error!r}", file=sys.stderr)
        replies.write(frame((job_id, findings)))
        replies.flush()


if __name__ == "__main__":
    main()
