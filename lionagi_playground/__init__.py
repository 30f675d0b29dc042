"""lionagi Playground: code intelligence, sandboxed runs and live collaboration for lionagi."""

__version__ = "0.1.0"
