-- The server's configuration for vim.lsp.config (Neovim 0.11): found on 'runtimepath', so
-- `vim.lsp.enable('lionagi_playground')` works without setup(); setup() overrides it.
return require('lionagi_playground.server').lsp_config(require('lionagi_playground').options)
