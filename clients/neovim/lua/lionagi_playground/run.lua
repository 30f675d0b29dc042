--- Runs: `playground/run` for a buffer (or given files), its notifications into the console
--- (the trace's into the trace), stdin and cancel. docs/protocol.md (Runs) is the contract.
local M = {}

local console = require('lionagi_playground.console')
local server = require('lionagi_playground.server')
local trace = require('lionagi_playground.trace')

--- @class lionagi_playground.Run
--- @field id string
--- @field client_id integer
--- @field console lionagi_playground.Console
--- @field stdout string[]
--- @field stderr string[]
--- @field displays string[] the MIME type of each display, in order
--- @field ended boolean
--- @field on_exit fun(run: lionagi_playground.Run, exit: table)?

--- The latest run (ended or not).
--- @type lionagi_playground.Run?
M.active = nil

--- @param bytes number?
--- @return string
local function mib(bytes)
  return ('%.1f MiB'):format((bytes or 0) / 1048576)
end

--- @param ms number?
--- @return string
local function seconds(ms)
  return ('%.2f s'):format((ms or 0) / 1000)
end

--- The run a notification is about, if it is still the one shown.
--- @param params table
--- @param ctx table
--- @return lionagi_playground.Run?
local function run_of(params, ctx)
  local run = M.active
  if run and not run.ended and run.id == params.runId and run.client_id == ctx.client_id then
    return run
  end
  return nil
end

--- @param run lionagi_playground.Run
--- @param ext string
--- @return string
local function display_path(run, ext)
  local dir = vim.fs.joinpath(vim.fn.stdpath('cache'), 'lionagi-playground', 'displays')
  vim.fn.mkdir(dir, 'p')
  return vim.fs.joinpath(dir, ('%s-%d.%s'):format(run.id, #run.displays, ext))
end

local EXIT_MARK = { ok = '✔', error = '✘', cancelled = '■' }
local EXIT_COLOUR = { ok = 'ok', error = 'error', cancelled = 'warn' }

--- One line saying how the run ended and what it used.
--- @param exit table the playground/exit params
--- @return string
function M.describe_exit(exit)
  local parts = { (EXIT_MARK[exit.status] or '!') .. ' ' .. exit.status }
  if exit.exitCode ~= nil and exit.exitCode ~= vim.NIL then
    table.insert(parts, 'exit ' .. exit.exitCode)
  end
  if exit.signal ~= nil and exit.signal ~= vim.NIL then
    table.insert(parts, 'signal ' .. tostring(exit.signal))
  end
  table.insert(parts, seconds(exit.elapsedMs))
  table.insert(parts, ('CPU %d ms'):format(exit.cpuMs or 0))
  table.insert(parts, 'peak ' .. mib(exit.maxMemoryBytes))
  return table.concat(parts, ' · ')
end

M.handlers = {
  ['playground/queue'] = function(_, params, ctx)
    local run = run_of(params, ctx)
    if run then
      run.console:status(('waiting for a free slot (position %d)'):format(params.position))
    end
  end,
  ['playground/output'] = function(_, params, ctx)
    local run = run_of(params, ctx)
    if run then
      table.insert(params.stream == 'stderr' and run.stderr or run.stdout, params.text)
      run.console:write(params.text, params.stream == 'stderr' and 'stderr' or nil)
      if run.console.status_text:find('^starting') then
        run.console:status('● running')
      end
    end
  end,
  ['playground/display'] = function(_, params, ctx)
    local run = run_of(params, ctx)
    if not run then
      return
    end
    table.insert(run.displays, params.mime)
    local binary = params.mime:match('^image/') ~= nil
    local ext = (params.mime:match('/([%w]+)') or 'bin'):gsub('^plain$', 'txt'):gsub('^svg$', 'svg')
    local path = display_path(run, ext)
    local data = binary and vim.base64.decode(params.data) or params.data
    local file = io.open(path, 'wb')
    if file then
      file:write(data)
      file:close()
    end
    run.console:say(('[%s, %.1f KiB: %s]'):format(params.mime, #data / 1024, path), 'info')
  end,
  ['playground/stats'] = function(_, params, ctx)
    local run = run_of(params, ctx)
    if not run then
      return
    end
    local text = ('● running · %s · %s · %d%% CPU'):format(
      seconds(params.elapsedMs),
      mib(params.memoryBytes),
      math.floor((params.cpuPercent or 0) + 0.5)
    )
    for _, warning in ipairs(params.warnings or {}) do
      text = text .. ' · ⚠ ' .. warning
    end
    run.console:status(text)
  end,
  ['playground/exit'] = function(_, params, ctx)
    local run = run_of(params, ctx)
    if not run then
      return
    end
    run.ended = true
    run.console.input = nil
    run.console.interrupt = nil
    local line = M.describe_exit(params)
    run.console:say(line, EXIT_COLOUR[params.status] or 'warn')
    if params.message and params.message ~= vim.NIL then
      run.console:say(params.message, 'dim')
    end
    run.console:status(line)
    trace.finished(run.id)
    if run.on_exit then
      run.on_exit(run, params)
    end
  end,
  -- A shared run started by someone else (WebSocket playgrounds only): not shown here.
  ['playground/runStarted'] = function() end,
  ['playground/trace'] = trace.handlers['playground/trace'],
  ['playground/recording'] = trace.handlers['playground/recording'],
}

--- The server of the run's client stopped: the run ended with it.
--- @param client_id integer
function M.server_exited(client_id)
  local run = M.active
  if run and not run.ended and run.client_id == client_id then
    run.ended = true
    run.console.input = nil
    run.console:say('the server stopped, and the run with it', 'error')
    run.console:status('✘ the server stopped')
  end
end

--- @param run lionagi_playground.Run
--- @param method string
--- @param params table
local function send(run, method, params)
  local client = vim.lsp.get_client_by_id(run.client_id)
  if not client then
    return
  end
  client:request(method, params, function(err)
    if err and not run.ended then
      vim.notify(('lionagi-playground: %s: %s'):format(method, err.message), vim.log.levels.WARN)
    end
  end)
end

--- Starts a run and shows it in the console.
--- @param bufnr integer the buffer whose server runs it
--- @param params table RunParams
--- @param opts table `title`; `dir`, where a recording goes; `on_exit(run, exit)`
function M.start(bufnr, params, opts)
  server.with_client(bufnr, function(client)
    local previous = M.active
    if previous and not previous.ended then
      previous.ended = true -- its notifications are no longer shown
      if previous.client_id ~= client.id then
        send(previous, 'playground/cancel', { runId = previous.id })
      end
    end
    M.active = nil
    local con = console.new(opts.title)
    con:status('starting…')
    params.limits = params.limits or require('lionagi_playground').options.limits
    client:request('playground/run', params, function(err, result)
      if err then
        con:say('✘ ' .. err.message, 'error')
        con:status('✘ not started')
        return
      end
      --- @type lionagi_playground.Run
      local run = {
        id = result.runId,
        client_id = client.id,
        console = con,
        stdout = {},
        stderr = {},
        displays = {},
        ended = false,
        on_exit = opts.on_exit,
      }
      M.active = run
      trace.begin(run.id, client.id, opts.title, opts.dir)
      con.input = function(text, eof)
        M.stdin(text, eof)
      end
      con.interrupt = M.stop
    end, bufnr)
  end)
end

--- The text of a buffer as a file holds it.
--- @param bufnr integer
--- @return string
function M.buffer_text(bufnr)
  local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
  if vim.bo[bufnr].eol or vim.bo[bufnr].fixeol then
    text = text .. '\n'
  end
  return text
end

local DEFAULT_NAMES =
  { python = 'main.py', javascript = 'main.js', sh = 'main.sh', bash = 'main.sh' }

--- Runs a buffer: its folder from disk with the open buffers' unsaved text when the server
--- has it open (docs/protocol.md, The workspace of a `uri`), else its text alone.
--- @param bufnr integer
function M.run_buffer(bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local attached = #vim.lsp.get_clients({ bufnr = bufnr, name = 'lionagi_playground' }) > 0
  local params --- @type table
  local title --- @type string
  local saved = vim.fn.filereadable(path) == 1 and not vim.bo[bufnr].modified
  if path ~= '' and (attached or saved) then
    params = { uri = vim.uri_from_fname(path) }
    title = vim.fs.basename(path)
  else
    local name = path ~= '' and vim.fs.basename(path) or DEFAULT_NAMES[vim.bo[bufnr].filetype]
    if not name then
      vim.notify(
        'lionagi-playground: save the buffer first, so the run knows its language',
        vim.log.levels.WARN
      )
      return
    end
    params = { files = { [name] = M.buffer_text(bufnr) }, entry = name }
    title = name
  end
  M.with_keys(params)
  local dir = path ~= '' and vim.fs.dirname(vim.fn.fnamemodify(path, ':p')) or nil
  M.start(bufnr, params, { title = title, dir = dir })
end

--- A run of the user's own file with the `keys` option (a table, or a function giving one):
--- the keys, the network, and `record` when asked (docs/trace.md, Keys and network).
--- @param params table
function M.with_keys(params)
  local options = require('lionagi_playground').options
  local keys = options.keys
  if type(keys) == 'function' then
    keys = keys()
  end
  if type(keys) ~= 'table' or next(keys) == nil then
    return
  end
  params.keys = keys
  params.limits = vim.tbl_extend('force', options.limits or {}, { network = true })
  if options.record then
    params.record = true
  end
end

--- @return lionagi_playground.Run?
local function running()
  local run = M.active
  if run and not run.ended then
    return run
  end
  return nil
end

--- Stops the current run.
function M.stop()
  local run = running()
  if not run then
    vim.notify('lionagi-playground: no run to stop', vim.log.levels.INFO)
    return
  end
  send(run, 'playground/cancel', { runId = run.id })
end

--- Sends text to the current run's stdin.
--- @param text string
--- @param eof boolean?
function M.stdin(text, eof)
  local run = running()
  if not run then
    vim.notify('lionagi-playground: no run is waiting for input', vim.log.levels.INFO)
    return
  end
  send(run, 'playground/stdin', { runId = run.id, text = text, eof = eof or nil })
end

--- :PlaygroundInput: a line for the program's input(), typed here or asked for.
--- @param text string? the line; nil asks with vim.ui.input
function M.input(text)
  local run = running()
  if not run then
    vim.notify('lionagi-playground: no run is waiting for input', vim.log.levels.INFO)
    return
  end
  local function deliver(line)
    if line == nil then
      return
    end
    run.console:write(line .. '\n', 'dim')
    M.stdin(line .. '\n')
  end
  if text then
    deliver(text)
  else
    local prompt = vim.trim(run.console.tail) ~= '' and run.console.tail or 'input: '
    vim.ui.input({ prompt = prompt }, deliver)
  end
end

return M
