"""matplotlib's font list, built once by `lionagi-playground setup`, reused by every run.

matplotlib scans the system's fonts and writes `fontlist-v*.json` into its cache directory
the first time it runs there; a sandboxed run starts with an empty cache directory each
time. Set-up builds the list into `<runtime>/share/playground-runtime/matplotlib`, and
`seed_font_cache` (run by `boot` right before `matplotlib.font_manager` executes) copies it
into the run's cache directory. A list whose font paths do not exist is harmless:
matplotlib rebuilds it, as it would have anyway.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from types import ModuleType

PREBUILT = Path(sys.prefix) / "share" / "playground-runtime" / "matplotlib"


def seed_font_cache(name: str, module: ModuleType) -> None:
    if not PREBUILT.is_dir():
        return
    import matplotlib

    cache = Path(matplotlib.get_cachedir())
    for source in PREBUILT.glob("fontlist-v*.json"):
        target = cache / source.name
        if target.exists():
            continue
        try:
            shutil.copyfile(source, target)
        except OSError:
            return  # an unwritable cache: matplotlib builds the list in memory, as without us
