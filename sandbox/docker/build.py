"""The sandbox image: its content-hash tag, and building it (`lionagi-playground image`).

The image is `image/Dockerfile` over a Debian 12 base: from a registry where one answers,
else from `rootfs` (debootstrap). The runtime environment goes in from wheels made
on the host (`pip wheel` of exactly what the host's runtime environment holds), so the code
a run sees in a container is the code the editor's completions were read from.

The tag is a hash of every input (the Dockerfile, the container's init, the runtime
environment's record, the base's packages), so building is skipped when an image with the
same tag exists, and the backend knows which tag to run without asking anyone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from lionagi_playground.runtime_env import RuntimeEnv, find_runtime_env, runtime_package_source
from lionagi_playground.sandbox.docker.rootfs import (
    PACKAGES,
    SUITE,
    ImageBuildError,
    build_base,
    debian_mirror,
)

IMAGE_REPOSITORY = "lionagi-playground-sandbox"
REGISTRY_BASE = "debian:bookworm-slim"
IMAGE_DIR = Path(__file__).resolve().parent / "image"
RUNTIME_IN_IMAGE = PurePosixPath("/opt/playground/runtime")
AGENT_IN_IMAGE = PurePosixPath("/opt/playground/agent.py")
IMAGE_PYTHON = "3.11"
INPUTS_LABEL = "org.lionagi-playground.inputs"
STAGE_LABEL = "org.lionagi-playground.stage=runtime"
FORMAT = "1"
"""Bumped when the way the image is put together changes in a way the inputs do not show."""

Progress = Callable[[str], None]

__all__ = ["ImageBuildError", "build_image", "image_tag"]


@dataclass(frozen=True)
class BuildReport:
    tag: str
    built: bool
    seconds: float = 0.0
    steps: tuple[tuple[str, float], ...] = ()


def _env(runtime_root: Path | None) -> RuntimeEnv:
    env = find_runtime_env(runtime_root)
    if env is None:
        raise ImageBuildError(
            "no runtime environment to put in the image: run `lionagi-playground setup` first"
        )
    return env


def image_tag(runtime_root: Path | None = None) -> str:
    """The tag the image for this runtime environment has (built or not)."""
    env = _env(runtime_root)
    digest = hashlib.sha256()
    for part in (
        FORMAT.encode(),
        (IMAGE_DIR / "Dockerfile").read_bytes(),
        (IMAGE_DIR / "agent.py").read_bytes(),
        env.marker.read_bytes(),
        " ".join((SUITE, *PACKAGES)).encode(),
    ):
        digest.update(hashlib.sha256(part).digest())
    return f"{IMAGE_REPOSITORY}:{digest.hexdigest()[:16]}"


def image_exists(client: Any, tag: str) -> bool:
    from docker.errors import ImageNotFound

    try:
        client.images.get(tag)
    except ImageNotFound:
        return False
    return True


def build_image(
    client: Any,
    runtime_root: Path | None = None,
    *,
    progress: Progress = print,
    force: bool = False,
) -> BuildReport:
    """Build the sandbox image unless an image with its tag exists (or `force`)."""
    env = _env(runtime_root)
    tag = image_tag(runtime_root)
    if not force and image_exists(client, tag):
        progress(f"[image] {tag} is up to date: nothing to build")
        return BuildReport(tag, built=False)
    _check_python(env)
    started = time.monotonic()
    steps: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="lionagi-playground-image-", dir="/var/tmp") as tmp:
        context = Path(tmp)
        progress("[image 1/3] the base: Debian 12")
        mark = time.monotonic()
        base, network = _base(client, progress)
        steps.append(("base", time.monotonic() - mark))
        progress("[image 2/3] wheels of the runtime environment")
        mark = time.monotonic()
        count = _wheels(env, context / "wheels", progress)
        steps.append(("wheels", time.monotonic() - mark))
        progress(f"    {count} wheels")
        shutil.copy2(IMAGE_DIR / "Dockerfile", context / "Dockerfile")
        shutil.copy2(IMAGE_DIR / "agent.py", context / "agent.py")
        progress(f"[image 3/3] docker build {tag} from {base}")
        mark = time.monotonic()
        _docker_build(client, context, tag, base, network, progress)
        steps.append(("build", time.monotonic() - mark))
    _remove_superseded(client, tag, progress)
    seconds = time.monotonic() - started
    shown = ", ".join(f"{name} {spent:.0f} s" for name, spent in steps)
    progress(f"[image] built {tag} in {seconds:.0f} s ({shown})")
    return BuildReport(tag, built=True, seconds=seconds, steps=tuple(steps))


def _remove_superseded(client: Any, tag: str, progress: Progress) -> None:
    """Remove the sandbox images this one replaces (kept while a container still uses one)."""
    from docker.errors import APIError

    for image in client.images.list(name=IMAGE_REPOSITORY):
        old = [t for t in image.tags if t != tag]
        if old and tag not in image.tags:
            for name in old:
                with contextlib.suppress(APIError):
                    client.images.remove(name)
                    progress(f"    removed the superseded {name}")


def _check_python(env: RuntimeEnv) -> None:
    version = subprocess.run(
        [str(env.python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if version != IMAGE_PYTHON:
        raise ImageBuildError(
            f"the image's Python is {IMAGE_PYTHON} (Debian {SUITE}); the runtime environment "
            f"at {env.root} uses Python {version}, whose wheels would not fit"
        )


def _base(client: Any, progress: Progress) -> tuple[str, str]:
    """(base image, build network): the registry's Debian, else our debootstrap'd one."""
    from docker.errors import APIError

    try:
        client.images.pull(REGISTRY_BASE)
        progress(f"    pulled {REGISTRY_BASE}")
        return REGISTRY_BASE, "default"
    except APIError as error:
        reason = str(error.explanation or error).splitlines()[0][:160]
        progress(f"    no image registry answers ({reason}): building the base with debootstrap")
    return build_base(client, debian_mirror(), progress), "none"


def _wheels(env: RuntimeEnv, folder: Path, progress: Progress) -> int:
    """Wheels of exactly what the runtime environment holds, plus the runtime package."""
    folder.mkdir()
    frozen = subprocess.run(
        [str(env.python), "-m", "pip", "freeze", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    pinned = [line for line in frozen if "==" in line and not line.startswith("playground-")]
    requirements = folder.parent / "requirements.txt"
    requirements.write_text("\n".join(pinned) + "\n")
    pip = [str(env.python), "-m", "pip", "wheel", "--disable-pip-version-check", "-q"]
    steps = [
        [*pip, "--no-deps", "-w", str(folder), "-r", str(requirements)],
        # The runtime package's in-tree backend needs nothing: no index, as in `setup`.
        [*pip, "--no-deps", "--no-index", "-w", str(folder), str(runtime_package_source())],
    ]
    for command in steps:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
        if result.returncode != 0:
            tail = " | ".join((result.stdout + result.stderr).strip().splitlines()[-6:])
            raise ImageBuildError(f"pip wheel failed: {tail}")
    return len(list(folder.glob("*.whl")))


def _docker_build(
    client: Any, context: Path, tag: str, base: str, network: str, progress: Progress
) -> None:
    from docker.errors import APIError

    try:
        stream = client.api.build(
            path=str(context),
            tag=tag,
            buildargs={"BASE": base},
            network_mode=network,
            labels={INPUTS_LABEL: tag.rpartition(":")[2]},
            rm=True,
            forcerm=True,
            pull=False,
            decode=True,
        )
        for item in stream:
            if "error" in item:
                raise ImageBuildError(f"docker build failed: {str(item['error']).strip()}")
            text = str(item.get("stream", "")).rstrip()
            if text.startswith("Step "):
                progress("    " + (text if len(text) <= 100 else text[:97] + "..."))
    except APIError as error:
        raise ImageBuildError(f"docker build failed: {error.explanation or error}") from error
    finally:
        # The runtime stage's image is only a step: only ours carry this label.
        with contextlib.suppress(APIError):
            client.images.prune(filters={"dangling": True, "label": STAGE_LABEL})
