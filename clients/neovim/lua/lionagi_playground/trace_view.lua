--- The trace buffer of :PlaygroundTrace: one line per event (time, kind, branch, name,
--- duration, tokens, a preview of its content) under a header line per branch, folded by
--- branch ('foldmethod' expr); lines are inserted as events arrive, so folds a user closed stay
--- closed. <CR> shows an event's whole content, or opens/closes a branch's fold.
local M = {}

local NAME = 'playground://trace'
local ns = vim.api.nvim_create_namespace('lionagi_playground.trace')

--- @class lionagi_playground.TraceSection
--- @field id string the branch id ('' for events of no branch)
--- @field branch table? the event's `branch`
--- @field events table[]
--- @field depths integer[] each event's nesting depth (spans inside spans)
--- @field tokens_in integer
--- @field tokens_out integer
--- @field errors integer

--- @class lionagi_playground.TraceLayout
--- @field sections lionagi_playground.TraceSection[]
--- @field by_id table<string, lionagi_playground.TraceSection>
--- @field depth table<string, integer> a span's nesting depth, by span id
--- @field title string

--- @param title string
--- @return lionagi_playground.TraceLayout
function M.layout(title)
  return { sections = {}, by_id = {}, depth = {}, title = title }
end

--- @param ms number?
--- @return string
local function duration(ms)
  if type(ms) ~= 'number' then
    return ''
  elseif ms < 10 then
    return ('%.1f ms'):format(ms)
  elseif ms < 1000 then
    return ('%d ms'):format(math.floor(ms + 0.5))
  end
  return ('%.2f s'):format(ms / 1000)
end

--- @param tin integer?
--- @param tout integer?
--- @return string
local function tokens(tin, tout)
  if type(tin) ~= 'number' and type(tout) ~= 'number' then
    return ''
  end
  local function n(v)
    return type(v) == 'number' and tostring(v) or '?'
  end
  return ('%s→%s tok'):format(n(tin), n(tout))
end

--- @param text string?
--- @param width integer
--- @return string
local function cut(text, width)
  if type(text) ~= 'string' then
    return ''
  end
  local line = vim.trim((text:gsub('%s+', ' ')))
  if vim.fn.strchars(line) > width then
    return vim.fn.strcharpart(line, 0, width - 1) .. '…'
  end
  return line
end

--- @param branch table?
--- @return string
local function branch_name(branch)
  if type(branch) ~= 'table' then
    return '-'
  end
  local name = type(branch.name) == 'string' and branch.name or nil
  return name or tostring(branch.id):sub(1, 8)
end

--- @param event table
--- @return string
local function event_name(event)
  local name = event.operation or event.tool or event.model
  return type(name) == 'string' and name or ''
end

--- @param section lionagi_playground.TraceSection
--- @return string
function M.header(section)
  if section.id == '' then
    return ('▸ (no branch) · %d events'):format(#section.events)
  end
  local b = section.branch or {}
  local label = type(b.name) == 'string' and ('Branch %s (%s)'):format(b.name, section.id:sub(1, 8))
    or ('Branch %s'):format(section.id:sub(1, 8))
  local parts = { '▸ ' .. label, ('%d events'):format(#section.events) }
  if section.tokens_in + section.tokens_out > 0 then
    table.insert(parts, tokens(section.tokens_in, section.tokens_out))
  end
  if section.errors > 0 then
    table.insert(parts, ('%d error%s'):format(section.errors, section.errors == 1 and '' or 's'))
  end
  return table.concat(parts, ' · ')
end

--- One event's line: it starts with a space (a header never does: the fold expression).
--- @param event table
--- @param depth integer
--- @return string
function M.line(event, depth)
  local kind = string.rep('  ', depth) .. tostring(event.kind)
  local status = event.status == 'error' and ' ✘' or ''
  local extra = event.answeredBy and ('[' .. event.answeredBy .. ']') or ''
  return (' %9.3fs  %-22s %-10s %-16s %9s %-13s %s%s %s'):format(
    (event.timeMs or 0) / 1000,
    kind,
    cut(branch_name(event.branch), 10),
    cut(event_name(event), 16),
    duration(event.durationMs),
    tokens(event.tokensIn, event.tokensOut),
    extra,
    status,
    cut(event.content, 60)
  )
end

--- Places an event in the layout; returns its section, its index there, whether the section
--- is new, and its nesting depth.
--- @param layout lionagi_playground.TraceLayout
--- @param event table
--- @return lionagi_playground.TraceSection, integer, boolean, integer
function M.place(layout, event)
  local id = type(event.branch) == 'table' and tostring(event.branch.id) or ''
  local section = layout.by_id[id]
  local new = section == nil
  if not section then
    section = {
      id = id,
      branch = event.branch,
      events = {},
      depths = {},
      tokens_in = 0,
      tokens_out = 0,
      errors = 0,
    }
    layout.by_id[id] = section
    table.insert(layout.sections, section)
  end
  table.insert(section.events, event)
  if event.kind == 'model_end' then
    section.tokens_in = section.tokens_in + (tonumber(event.tokensIn) or 0)
    section.tokens_out = section.tokens_out + (tonumber(event.tokensOut) or 0)
  end
  if event.kind == 'error' or event.status == 'error' then
    section.errors = section.errors + 1
  end
  local depth = 0
  if type(event.span) == 'string' and layout.depth[event.span] then
    depth = layout.depth[event.span]
  elseif type(event.parent) == 'string' and layout.depth[event.parent] then
    depth = layout.depth[event.parent] + 1
  end
  if type(event.span) == 'string' and tostring(event.kind):match('_start$') then
    layout.depth[event.span] = depth
  end
  section.depths[#section.events] = depth
  return section, #section.events, new, depth
end

--- The first line (0-based) of a section: its header.
--- @param layout lionagi_playground.TraceLayout
--- @param wanted lionagi_playground.TraceSection
--- @return integer
local function header_row(layout, wanted)
  local row = 1 -- the title line
  for _, section in ipairs(layout.sections) do
    if section == wanted then
      return row
    end
    row = row + 1 + #section.events
  end
  return row
end

--- The event (or the section, for a header) on a line (1-based).
--- @param layout lionagi_playground.TraceLayout
--- @param lnum integer
--- @return table? event, lionagi_playground.TraceSection? section
function M.at(layout, lnum)
  local row = 2
  for _, section in ipairs(layout.sections) do
    if lnum == row then
      return nil, section
    end
    local index = lnum - row
    if index >= 1 and index <= #section.events then
      return section.events[index], section
    end
    row = row + 1 + #section.events
  end
  return nil, nil
end

--- The fold level of a line: a branch's header starts a fold; its events are in it.
--- @param lnum integer
--- @return string
function M.foldexpr(lnum)
  local text = vim.fn.getline(lnum)
  if lnum == 1 or text == '' then
    return '0'
  end
  return text:sub(1, 1) == ' ' and '1' or '>1'
end

--- @param layout lionagi_playground.TraceLayout
--- @param count integer
--- @param state string
--- @return string
local function title_line(layout, count, state)
  return ('%s · %d event%s · %s   (<CR> shows an event, za folds a branch)'):format(
    layout.title,
    count,
    count == 1 and '' or 's',
    state
  )
end

--- The trace buffer, made when needed.
--- @return integer
function M.buffer()
  local existing = vim.fn.bufnr(NAME)
  if existing ~= -1 and vim.api.nvim_buf_is_valid(existing) then
    return existing
  end
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_name(buf, NAME)
  vim.bo[buf].bufhidden = 'hide'
  vim.bo[buf].modifiable = false
  vim.bo[buf].filetype = 'lionagi_playground_trace'
  local trace = function()
    return require('lionagi_playground.trace')
  end
  vim.keymap.set('n', '<CR>', function()
    trace().show_item(vim.fn.line('.'))
  end, { buffer = buf, desc = 'Show the whole event' })
  vim.keymap.set('n', 'R', function()
    trace().fetch()
  end, { buffer = buf, desc = "Reload the run's trace from the server" })
  vim.keymap.set('n', 'q', '<Cmd>close<CR>', { buffer = buf, desc = 'Close the trace' })
  return buf
end

--- Sets a window's options for the trace: folds by branch, open.
--- @param win integer
function M.setup_window(win)
  local wo = vim.wo[win]
  wo.foldmethod = 'expr'
  wo.foldexpr = "v:lua.require'lionagi_playground.trace_view'.foldexpr(v:lnum)"
  wo.foldlevel = 1
  wo.foldenable = true
  wo.wrap = false
  wo.number = false
  wo.relativenumber = false
  wo.cursorline = true
  wo.signcolumn = 'no'
end

--- @param buf integer
--- @param first integer 0-based
--- @param last integer 0-based, exclusive
--- @param lines string[]
local function set(buf, first, last, lines)
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, first, last, false, lines)
  vim.bo[buf].modifiable = false
end

--- @param buf integer
--- @param row integer 0-based
--- @param event table?
local function highlight(buf, row, event)
  local group = 'Title'
  if event then
    group = (event.kind == 'error' or event.status == 'error') and 'DiagnosticError'
      or event.kind == 'truncated' and 'DiagnosticWarn'
      or nil
  end
  if group then
    vim.api.nvim_buf_set_extmark(buf, ns, row, 0, { line_hl_group = group })
  end
end

--- Draws the whole layout.
--- @param buf integer
--- @param layout lionagi_playground.TraceLayout
--- @param count integer
--- @param state string
function M.render(buf, layout, count, state)
  vim.api.nvim_buf_clear_namespace(buf, ns, 0, -1)
  local lines = { title_line(layout, count, state) }
  local marks = {} --- @type table<integer, table|false>
  for _, section in ipairs(layout.sections) do
    table.insert(lines, M.header(section))
    marks[#lines - 1] = false
    for i, event in ipairs(section.events) do
      table.insert(lines, M.line(event, section.depths[i] or 0))
      marks[#lines - 1] = event
    end
  end
  set(buf, 0, -1, lines)
  for row, event in pairs(marks) do
    highlight(buf, row, event or nil)
  end
end

--- Adds one event's line where it belongs (its section's end), and updates the header.
--- @param buf integer
--- @param layout lionagi_playground.TraceLayout
--- @param section lionagi_playground.TraceSection
--- @param index integer
--- @param new boolean
--- @param depth integer
function M.insert(buf, layout, section, index, new, depth)
  local head = header_row(layout, section)
  local event = section.events[index]
  if new then
    set(buf, head, head, { M.header(section) })
    highlight(buf, head, nil)
  else
    set(buf, head, head + 1, { M.header(section) })
    vim.api.nvim_buf_clear_namespace(buf, ns, head, head + 1)
    highlight(buf, head, nil)
  end
  set(buf, head + index, head + index, { M.line(event, depth) })
  highlight(buf, head + index, event)
end

--- Updates the title line.
--- @param buf integer
--- @param layout lionagi_playground.TraceLayout
--- @param count integer
--- @param state string
function M.title(buf, layout, count, state)
  set(buf, 0, 1, { title_line(layout, count, state) })
end

return M
