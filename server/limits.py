"""Sizes past which the server does less, so that one huge document cannot stall everyone."""

LARGE_DOCUMENT_CHARS = 1_000_000
"""Past this, a document gets only its syntax checked, and no jedi features (completion,
hover, definitions, symbols): jedi parses 5 MB in half a minute on its one shared thread,
and every other session's completions would wait behind it. VS Code turns features off for
large files in the same way."""
