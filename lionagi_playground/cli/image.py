"""`lionagi-playground image`: build the Docker backend's sandbox image (idempotent).

Makes sure a Docker daemon answers (as root, starts `dockerd` in the background when none
is running, and leaves it running: the docker backend needs it), then builds the image
unless one with the same content-hash tag exists. Prints each step and how long it took.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from lionagi_playground.sandbox.docker.daemon import DockerDaemonError, ensure_daemon


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runtime", type=Path, help="the runtime environment (default: setup's)")
    parser.add_argument("--force", action="store_true", help="build even if the tag exists")


def main(args: argparse.Namespace) -> int:
    from lionagi_playground.sandbox.docker.build import ImageBuildError, build_image

    started = time.monotonic()
    try:
        daemon = ensure_daemon()
    except DockerDaemonError as error:
        print(f"lionagi-playground image: {error}", file=sys.stderr)
        return 1
    if daemon.started_here:
        print(
            f"[image] started dockerd {daemon.version} (pid {daemon.pid}) at {daemon.url} "
            f"in {time.monotonic() - started:.1f} s; it keeps running (log: {daemon.log})"
        )
    else:
        print(f"[image] Docker {daemon.version} answers at {daemon.url}")
    import docker

    client = docker.DockerClient(base_url=daemon.url, version="auto", timeout=600)
    try:
        build_image(client, args.runtime, progress=_say, force=args.force)
    except ImageBuildError as error:
        print(f"lionagi-playground image: {error}", file=sys.stderr)
        return 1
    finally:
        client.close()
    return 0


def _say(line: str) -> None:
    print(line, flush=True)
