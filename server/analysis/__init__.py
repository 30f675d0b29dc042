"""Pure analysis: text in, findings out. No LSP, no I/O."""
