"""Fixtures for the Neovim tests (defined in harness.py)."""

from tests.neovim.harness import editor

__all__ = ["editor"]
