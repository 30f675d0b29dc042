"""The language server: LSP sessions, features and the engines behind them."""
