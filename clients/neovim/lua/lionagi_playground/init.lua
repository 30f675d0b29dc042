--- lionagi Playground for Neovim: the options and `setup()`.
---
--- The language server does the work (diagnostics, completion, runs, lessons); this plugin
--- starts it for Python buffers through `vim.lsp.config` / `vim.lsp.enable` and renders what
--- it sends. The modules: `server` (the client: start, missing, crash, restart), `run` (the
--- `playground/run` notifications), `console` (the output split), `trace` and `trace_view`
--- (the agent trace, :PlaygroundTrace), `lesson` (lessons), `commands` (the user commands).
local M = {}

M.name = 'lionagi_playground'

--- The lionagi-playground checkout this plugin is part of (`<checkout>/clients/neovim`), if
--- it was installed from one.
--- @return string?
function M.checkout()
  local here = debug.getinfo(1, 'S').source:sub(2)
  local root = vim.fn.fnamemodify(here, ':p:h:h:h:h:h')
  local ours = vim.fn.filereadable(root .. '/pyproject.toml') == 1
    and vim.fn.isdirectory(root .. '/server') == 1
  if ours then
    return root
  end
  return nil
end

--- `lionagi-playground` from PATH, else the checkout's own (`make setup` builds `.venv`).
--- @return string[]
function M.default_cmd()
  local checkout = M.checkout()
  local venv = checkout and (checkout .. '/.venv/bin/lionagi-playground')
  if vim.fn.executable('lionagi-playground') == 0 and venv and vim.fn.executable(venv) == 1 then
    return { venv, 'lsp' }
  end
  return { 'lionagi-playground', 'lsp' }
end

--- How to install the server, for the message saying it is missing.
--- @return string
function M.default_install()
  local checkout = M.checkout()
  if checkout then
    return ('make -C %s setup'):format(vim.fn.shellescape(checkout))
  end
  return 'pip install lionagi-playground && lionagi-playground setup'
end

--- @class lionagi_playground.Options
--- @field cmd string[]? the server's command line (default: `lionagi-playground lsp`, from PATH
---   or the checkout's .venv)
--- @field filetypes string[] buffers the server attaches to
--- @field root_markers string[]? one server per root found by these; nil: one server in all
--- @field enable boolean call vim.lsp.enable (false: only configure)
--- @field install string? the install command shown when the server is missing
--- @field limits table? limits for every run (docs/protocol.md, Limits), e.g. { timeout = 10 }
--- @field output { height: integer, width: integer, position: 'bottom'|'right', focus: boolean }
--- @field lessons_dir string where :PlaygroundLesson writes a lesson's starter files
--- @field keys table<string, string>|fun(): table<string, string>|nil API keys for runs of your
---   files with the real model, e.g. { OPENAI_API_KEY = vim.env.OPENAI_API_KEY }; with keys a
---   run asks for the network (the server must be started with --allow-network)
--- @field record boolean? with keys: record the model's answers into `<file>.recording.json`

--- @type lionagi_playground.Options
M.defaults = {
  cmd = nil,
  filetypes = { 'python' },
  root_markers = nil,
  enable = true,
  install = nil,
  limits = nil,
  output = { height = 12, width = 80, position = 'bottom', focus = false },
  lessons_dir = vim.fs.joinpath(vim.fn.stdpath('data'), 'lionagi-playground', 'lessons'),
  keys = nil,
  record = false,
}

--- The options with what was left out filled in (the command is looked for again each time:
--- a server installed after startup is found by :PlaygroundRestart).
--- @param opts table
--- @return lionagi_playground.Options
local function resolve(opts)
  local resolved = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts)
  resolved.cmd = opts.cmd or M.default_cmd()
  resolved.install = opts.install or M.default_install()
  return resolved
end

--- What setup() was given.
--- @type table
local given = {}

--- @type lionagi_playground.Options
M.options = resolve(given)

M.did_setup = false

--- Configures the server (`vim.lsp.config`) and, unless `enable = false`, enables it.
--- @param opts lionagi_playground.Options|table|nil
function M.setup(opts)
  given = opts or {}
  M.options = resolve(given)
  M.did_setup = true
  require('lionagi_playground.commands').define()
  vim.lsp.config(M.name, require('lionagi_playground.server').lsp_config(M.options))
  if M.options.enable then
    vim.lsp.enable(M.name)
  end
end

--- Looks for the server's command again when setup() was not given one (before a restart).
function M.refresh()
  if given.cmd then
    return
  end
  M.options = resolve(given)
  if M.did_setup then
    vim.lsp.config(M.name, { cmd = M.options.cmd })
  end
end

--- The handlers and exit callback the plugin needs, for a client configured by hand (the
--- nvim-lspconfig snippet in the README).
--- @return table
function M.lsp_extras()
  local config = require('lionagi_playground.server').lsp_config(M.options)
  return { handlers = config.handlers, on_exit = config.on_exit }
end

return M
