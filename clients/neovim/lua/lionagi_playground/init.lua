--- lionagi Playground for Neovim: the options and `setup()`.
---
--- The language server does the work (diagnostics, completion, runs, lessons); this plugin
--- starts it for Python buffers through `vim.lsp.config` / `vim.lsp.enable` and renders what
--- it sends. The modules: `server` (the client: start, missing, crash, restart), `run` (the
--- `playground/run` notifications), `console` (the output split), `lesson` (lessons).
local M = {}

M.name = 'lionagi_playground'

--- @class lionagi_playground.Options
--- @field cmd string[] the server's command line
--- @field filetypes string[] buffers the server attaches to
--- @field root_markers string[]? one server per root found by these; nil: one server in all
--- @field enable boolean call vim.lsp.enable (false: only configure)
--- @field install string the install command shown when the server is missing
--- @field limits table? limits for every run (docs/protocol.md, Limits), e.g. { timeout = 10 }
--- @field output { height: integer, position: string, focus: boolean }
--- @field lessons_dir string where :PlaygroundLesson writes a lesson's starter files

--- @type lionagi_playground.Options
M.defaults = {
  cmd = { 'lionagi-playground', 'lsp' },
  filetypes = { 'python' },
  root_markers = nil,
  enable = true,
  install = 'pip install lionagi-playground && lionagi-playground setup',
  limits = nil,
  output = { height = 12, position = 'botright', focus = false },
  lessons_dir = vim.fs.joinpath(vim.fn.stdpath('data'), 'lionagi-playground', 'lessons'),
}

--- @type lionagi_playground.Options
M.options = vim.deepcopy(M.defaults)

M.did_setup = false

--- Configures the server (`vim.lsp.config`) and, unless `enable = false`, enables it.
--- @param opts lionagi_playground.Options|table|nil
function M.setup(opts)
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  M.did_setup = true
  local server = require('lionagi_playground.server')
  vim.lsp.config(M.name, server.lsp_config(M.options))
  if M.options.enable then
    vim.lsp.enable(M.name)
  end
end

--- The handlers and exit callback the plugin needs, for a client configured by hand (the
--- nvim-lspconfig snippet in the README).
--- @return table
function M.lsp_extras()
  local server = require('lionagi_playground.server')
  local config = server.lsp_config(M.options)
  return { handlers = config.handlers, on_exit = config.on_exit }
end

return M
