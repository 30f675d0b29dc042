"""`lionagi-playground setup`: build the runtime environment, then read lionagi's knowledge
from it, so the language server starts warm."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runtime", type=Path, help="where to build it")
    parser.add_argument("--python", help="the base Python (default: the system's python3)")


def main(args: argparse.Namespace) -> int:
    from lionagi_playground.runtime_env import RuntimeEnvError, build_runtime_env
    from lionagi_playground.server.knowledge import KnowledgeError, build_knowledge

    try:
        env = build_runtime_env(args.runtime, base_python=args.python)
        # What the editor knows of lionagi is read from this environment
        # now, so the language server starts warm.
        build_knowledge(env, progress=print)
    except (RuntimeEnvError, KnowledgeError) as error:
        print(f"lionagi-playground setup: {error}", file=sys.stderr)
        return 1
    return 0
