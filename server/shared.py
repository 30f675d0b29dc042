"""The state every session in the process shares: runtime environment, analyzer, jedi, runs."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from pathlib import Path

from lionagi_playground.runtime_env import RuntimeEnv, find_runtime_env
from lionagi_playground.sandbox import SERVER_MAXIMA
from lionagi_playground.sandbox.backends import DEFAULT_BACKEND
from lionagi_playground.server.analyzer import Analyzer
from lionagi_playground.server.collab.hub import Collab, default_data_dir
from lionagi_playground.server.jedi_engine import JediEngine
from lionagi_playground.server.runs.service import RunService

log = logging.getLogger(__name__)


class Shared:
    """Created once per process; sessions come and go around it."""

    def __init__(
        self,
        runtime: Path | None = None,
        backend: str = DEFAULT_BACKEND,
        data_dir: Path | None = None,
        allow_network: bool = False,
    ) -> None:
        self.runtime_env: RuntimeEnv | None = find_runtime_env(runtime)
        if self.runtime_env is None:
            log.warning(
                "no runtime environment (run `lionagi-playground setup`): "
                "completing against the server's own Python, lionagi rules from history only"
            )
        self.analyzer = Analyzer(self.runtime_env)
        self.jedi = JediEngine(self.runtime_env)
        # Cheap: the sandbox backend and its scheduler are made on the first run.
        # Network stays off unless the server was started with --allow-network: then a run
        # may ask for it (`limits.network`), and one with model keys talks to the model.
        maxima = (
            dataclasses.replace(SERVER_MAXIMA, network=True) if allow_network else SERVER_MAXIMA
        )
        self.runs = RunService(runtime, backend=backend, maxima=maxima)
        # Cheap too: the database opens when a client first asks for a playground.
        self.collab = Collab(data_dir or default_data_dir())
        self._warm: asyncio.Task[None] | None = None

    def start_warm_up(self) -> None:
        """Warm the caches in the background; requests never wait for this."""
        if self._warm is None:
            self._warm = asyncio.get_running_loop().create_task(self._warm_up())

    async def _warm_up(self) -> None:
        try:
            await self.analyzer.warm_up()
        except Exception:
            log.exception("warm-up failed (the server still works, the first requests are slower)")

    def close(self) -> None:
        self.analyzer.close()
        self.jedi.close()
        self.collab.close()
