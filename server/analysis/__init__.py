"""Pure analysis: text in, findings out (`pipeline.analyze`). No LSP, no I/O."""
