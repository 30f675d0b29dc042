"""Fixtures for the end-to-end language-server tests (defined in harness.py)."""

from tests.lsp.harness import client, ws_server

__all__ = ["client", "ws_server"]
