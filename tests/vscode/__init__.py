"""The VS Code extension in a real VS Code workbench (code-server), and its server protocol."""
