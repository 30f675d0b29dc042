--- The agent trace of the latest run (docs/trace.md): `playground/trace` batches kept as they
--- arrive and drawn in the :PlaygroundTrace buffer (trace_view) while the run goes; after the
--- run, :PlaygroundTrace asks the server for the whole trace (`playground/trace/get`). Also
--- `playground/recording`: the run's recorded model answers, saved beside its file.
local M = {}

local view = require('lionagi_playground.trace_view')

--- @class lionagi_playground.TraceState
--- @field run_id string
--- @field client_id integer
--- @field title string
--- @field dir string the folder of the run's file: where its recording goes
--- @field layout lionagi_playground.TraceLayout
--- @field count integer
--- @field seen table<integer, boolean> the `seq` of every event kept
--- @field finished boolean
--- @field fetched boolean the events are the server's whole trace

--- The latest run's trace.
--- @type lionagi_playground.TraceState?
M.state = nil

--- @param state lionagi_playground.TraceState
--- @return string
local function describe(state)
  if state.fetched then
    return 'finished'
  end
  return state.finished and 'finished (asking the server for the whole trace…)' or 'running'
end

--- The trace buffer, if it was opened.
--- @return integer?
local function buffer()
  local buf = vim.fn.bufnr('playground://trace')
  if buf ~= -1 and vim.api.nvim_buf_is_valid(buf) then
    return buf
  end
  return nil
end

--- @param state lionagi_playground.TraceState
local function redraw(state)
  local buf = buffer()
  if buf and state == M.state then
    view.render(buf, state.layout, state.count, describe(state))
  end
end

--- A new run: the trace starts empty (and the buffer, if open, with it).
--- @param run_id string
--- @param client_id integer
--- @param title string
--- @param dir string?
function M.begin(run_id, client_id, title, dir)
  M.state = {
    run_id = run_id,
    client_id = client_id,
    title = title,
    dir = dir or vim.fn.getcwd(),
    layout = view.layout(title),
    count = 0,
    seen = {},
    finished = false,
    fetched = false,
  }
  redraw(M.state)
end

--- Adds events, drawing each in the buffer when it is open.
--- @param state lionagi_playground.TraceState
--- @param events any
--- @param draw boolean
local function add(state, events, draw)
  if type(events) ~= 'table' then
    return
  end
  local buf = draw and buffer() or nil
  for _, event in ipairs(events) do
    local seq = type(event) == 'table' and event.seq or nil
    local known = type(event) == 'table' and type(event.kind) == 'string'
    if known and not (seq and state.seen[seq]) then
      if seq then
        state.seen[seq] = true
      end
      state.count = state.count + 1
      local section, index, new, depth = view.place(state.layout, event)
      if buf then
        view.insert(buf, state.layout, section, index, new, depth)
      end
    end
  end
  if buf then
    view.title(buf, state.layout, state.count, describe(state))
  end
end

--- The run ended: its trace is complete on the server.
--- @param run_id string
function M.finished(run_id)
  local state = M.state
  if state and state.run_id == run_id then
    state.finished = true
    local buf = buffer()
    if buf then
      M.fetch()
    end
  end
end

--- Replaces what arrived with the server's whole trace (`playground/trace/get`).
function M.fetch()
  local state = M.state
  if not state then
    return
  end
  local client = vim.lsp.get_client_by_id(state.client_id)
  if not client then
    vim.notify(
      "lionagi-playground: the run's server is gone; the trace shows what arrived",
      vim.log.levels.WARN
    )
    return
  end
  client:request('playground/trace/get', { runId = state.run_id }, function(err, result)
    if state ~= M.state then
      return
    end
    if err or type(result) ~= 'table' then
      vim.notify(
        ('lionagi-playground: no trace from the server: %s'):format(err and err.message or '?'),
        vim.log.levels.WARN
      )
      return
    end
    state.layout = view.layout(state.title)
    state.seen = {}
    state.count = 0
    state.fetched = result.finished ~= false
    add(state, result.events, false)
    redraw(state)
  end)
end

--- :PlaygroundTrace: the trace buffer in a split on the right, live while the run goes; after
--- the run, the server's whole trace.
function M.open()
  local state = M.state
  if not state then
    vim.notify(
      'lionagi-playground: no trace yet; :PlaygroundRun runs the current file',
      vim.log.levels.INFO
    )
    return
  end
  local buf = view.buffer()
  local win = vim.fn.win_findbuf(buf)[1]
  if win then
    vim.api.nvim_set_current_win(win)
  else
    local width = math.max(60, math.floor(vim.o.columns / 2))
    win = vim.api.nvim_open_win(buf, true, { split = 'right', win = -1, width = width })
  end
  view.setup_window(win)
  view.render(buf, state.layout, state.count, describe(state))
  if state.finished then
    M.fetch()
  end
end

--- <CR> in the trace: the event on the line, whole, in a split below; on a branch's header,
--- its fold opens or closes.
--- @param lnum integer
function M.show_item(lnum)
  local state = M.state
  if not state then
    return
  end
  local event, section = view.at(state.layout, lnum)
  if not event then
    if section then
      vim.cmd('normal! za')
    end
    return
  end
  local summary = vim.trim(view.line(event, 0))
  local lines = { summary, '' }
  local content = type(event.content) == 'string' and event.content or '(no content)'
  vim.list_extend(lines, vim.split(content, '\r?\n'))
  if type(event.contentSize) == 'number' and event.contentSize > #content then
    local note = '… (the trace keeps %d of %d characters)'
    table.insert(lines, note:format(#content, event.contentSize))
  end
  vim.list_extend(lines, { '', 'event: ' .. vim.json.encode(event) })
  local name = 'playground://trace/event'
  local item = vim.fn.bufnr(name)
  if item == -1 then
    item = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(item, name)
    vim.bo[item].bufhidden = 'hide'
    vim.keymap.set('n', 'q', '<Cmd>close<CR>', { buffer = item })
  end
  vim.bo[item].modifiable = true
  vim.api.nvim_buf_set_lines(item, 0, -1, false, lines)
  vim.bo[item].modifiable = false
  local here = vim.api.nvim_get_current_win()
  local win = vim.fn.win_findbuf(item)[1]
  if not win then
    win = vim.api.nvim_open_win(item, false, { split = 'below', win = here, height = 12 })
    vim.wo[win].wrap = true
  end
  vim.api.nvim_win_set_cursor(win, { 1, 0 })
end

--- `playground/recording`: the file `<stem>.recording.json` beside the run's file.
--- @param state lionagi_playground.TraceState
--- @param params table
local function save_recording(state, params)
  local name = vim.fs.basename(tostring(params.path):gsub('\\', '/'))
  if not name:match('.%.recording%.json$') or type(params.text) ~= 'string' then
    vim.notify(
      ('lionagi-playground: a recording named %q was not saved'):format(tostring(params.path)),
      vim.log.levels.WARN
    )
    return
  end
  local path = vim.fs.joinpath(state.dir, name)
  local file, problem = io.open(path, 'w')
  if not file then
    local message = ('lionagi-playground: could not save %s: %s'):format(path, problem)
    vim.notify(message, vim.log.levels.ERROR)
    return
  end
  file:write(params.text)
  file:close()
  local ok, decoded = pcall(vim.json.decode, params.text)
  local calls = 0
  if ok and type(decoded) == 'table' and type(decoded.calls) == 'table' then
    calls = #decoded.calls
  end
  vim.notify(
    ('lionagi-playground: recorded %d model call%s into %s; runs without a key replay it'):format(
      calls,
      calls == 1 and '' or 's',
      path
    ),
    vim.log.levels.INFO
  )
end

--- The trace's notifications, for the client's handlers (with run's).
M.handlers = {
  ['playground/trace'] = function(_, params, ctx)
    local state = M.state
    if state and state.run_id == params.runId and state.client_id == ctx.client_id then
      add(state, params.events, true)
    end
  end,
  ['playground/recording'] = function(_, params, ctx)
    local state = M.state
    if state and state.run_id == params.runId and state.client_id == ctx.client_id then
      save_recording(state, params)
    end
  end,
}

return M
