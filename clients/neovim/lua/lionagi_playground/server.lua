--- The language server's client: its configuration, finding or starting it for a buffer,
--- saying so when it is missing or crashed, and restarting it.
local M = {}

local NAME = 'lionagi_playground'

--- Client ids stopped on purpose (a restart): their exit is not a crash.
--- @type table<integer, boolean>
local stopping = {}

--- Shows a message outside of whatever autocommand or callback we are in, so that an error
--- message is a message, not an error of the command that opened a buffer.
--- @param message string
--- @param level integer
function M.notify(message, level)
  vim.schedule(function()
    vim.notify(message, level)
  end)
end

--- The command missing on this machine, or nil when the command can be run.
--- @param cmd any the configured `cmd`
--- @return string?
function M.missing(cmd)
  if type(cmd) == 'table' and cmd[1] and vim.fn.executable(cmd[1]) == 0 then
    return cmd[1]
  end
  return nil
end

--- @param program string
function M.warn_missing(program)
  local install = require('lionagi_playground').options.install
  M.notify(
    ('lionagi-playground: the server `%s` was not found. Install it with `%s` '
      .. '(or set `cmd` in setup()), then run :PlaygroundRestart.'):format(program, install),
    vim.log.levels.ERROR
  )
end

--- Told once per buffer kind until a restart: opening ten Python files says it once.
local warned_missing = false

--- Called on FileType: says so when the enabled server's command cannot be run
--- (vim.lsp.enable itself only logs it).
--- @param bufnr integer
function M.check_missing(bufnr)
  if warned_missing or not vim.lsp.is_enabled(NAME) then
    return
  end
  local config = vim.lsp.config[NAME]
  local filetypes = config and config.filetypes
  if not config or (filetypes and not vim.tbl_contains(filetypes, vim.bo[bufnr].filetype)) then
    return
  end
  local program = M.missing(config.cmd)
  if program then
    warned_missing = true
    M.warn_missing(program)
  end
end

--- @param code integer
--- @param signal integer
--- @param client_id integer
local function on_exit(code, signal, client_id)
  vim.schedule(function()
    require('lionagi_playground.run').server_exited(client_id)
    local requested = stopping[client_id]
    stopping[client_id] = nil
    if requested or vim.v.exiting ~= vim.NIL or (code == 0 and signal == 0) then
      return
    end
    local how = signal ~= 0 and ('signal ' .. signal) or ('exit code ' .. code)
    vim.notify(
      ('lionagi-playground: the server stopped unexpectedly (%s). '
        .. 'Run :PlaygroundRestart to start it again.'):format(how),
      vim.log.levels.ERROR
    )
  end)
end

--- The `vim.lsp.config` table for these options.
--- @param opts lionagi_playground.Options
--- @return vim.lsp.Config
function M.lsp_config(opts)
  return {
    cmd = opts.cmd,
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    handlers = require('lionagi_playground.run').handlers,
    on_exit = on_exit,
  }
end

--- Calls `callback(client)` once the server for `bufnr` is initialized, starting one (not
--- attached to the buffer: a JavaScript lesson's file, say) when none runs.
--- @param bufnr integer
--- @param callback fun(client: vim.lsp.Client)
function M.with_client(bufnr, callback)
  -- The buffer's own server first: it has the buffer's unsaved text (and it may have been
  -- started by nvim-lspconfig's framework, with a root of its own).
  local attached = vim.lsp.get_clients({ bufnr = bufnr, name = NAME })[1]
  if attached then
    callback(attached)
    return
  end
  local config = vim.lsp.config[NAME]
  if not config then
    M.notify(
      'lionagi-playground: no configuration; call require("lionagi_playground").setup()',
      vim.log.levels.ERROR
    )
    return
  end
  local program = M.missing(config.cmd)
  if program then
    M.warn_missing(program)
    return
  end
  config = vim.deepcopy(config)
  if config.root_markers and not config.root_dir then
    config.root_dir = vim.fs.root(bufnr, config.root_markers)
  end
  local id = vim.lsp.start(config, { bufnr = bufnr, attach = false, silent = true })
  local client = id and vim.lsp.get_client_by_id(id)
  if not client then
    M.notify(
      'lionagi-playground: the server could not be started; see :checkhealth vim.lsp',
      vim.log.levels.ERROR
    )
    return
  end
  local waited = 0
  local function when_ready()
    if client:is_stopped() then
      M.notify(
        'lionagi-playground: the server stopped before it was ready. Run :PlaygroundRestart.',
        vim.log.levels.ERROR
      )
    elseif client.initialized then
      callback(client)
    elseif waited > 30000 then
      M.notify(
        'lionagi-playground: the server did not answer `initialize` in 30 s.',
        vim.log.levels.ERROR
      )
    else
      waited = waited + 50
      vim.defer_fn(when_ready, 50)
    end
  end
  when_ready()
end

--- Stops every client of the server and starts it again for every buffer it applies to.
function M.restart()
  warned_missing = false
  require('lionagi_playground').refresh()
  for _, client in ipairs(vim.lsp.get_clients({ name = NAME, _uninitialized = true })) do
    stopping[client.id] = true
  end
  local config = vim.lsp.config[NAME]
  local program = config and M.missing(config.cmd)
  if program then
    warned_missing = true
    M.warn_missing(program)
    return
  end
  vim.lsp.enable(NAME, false)
  vim.lsp.enable(NAME, true)
  M.notify('lionagi-playground: the server was restarted.', vim.log.levels.INFO)
end

return M
