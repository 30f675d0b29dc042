--- The output split: a terminal buffer (`nvim_open_term`) per run that shows what the program
--- prints, in colour, and follows it; the window's winbar shows the run's state and usage.
--- Lines typed in it (terminal mode: `i`, type, <Enter>) go to the program's stdin.
local M = {}

--- @class lionagi_playground.Console
--- @field buf integer
--- @field chan integer
--- @field title string
--- @field input fun(text: string, eof: boolean)? where a typed line goes; nil while nothing reads
--- @field interrupt fun()? what Ctrl-C does
--- @field typed string the line being typed
--- @field tail string the output after its last newline (a prompt such as `name? `)
--- @field status_text string
local Console = {}
Console.__index = Console

--- The console on screen (the latest run's).
--- @type lionagi_playground.Console?
local current = nil
local count = 0

local ESC = '\27['
local COLOURS = { stderr = '31', dim = '2', ok = '32', error = '31', warn = '33', info = '36' }

--- @param s string
--- @param colour string?
--- @return string
local function paint(s, colour)
  if not colour or s == '' then
    return s
  end
  return ESC .. COLOURS[colour] .. 'm' .. s .. ESC .. '0m'
end

--- @return boolean
function Console:valid()
  return vim.api.nvim_buf_is_valid(self.buf)
end

--- Writes program output (or a message of ours) to the terminal.
--- @param text string
--- @param colour string? a key of COLOURS
function Console:write(text, colour)
  if text == '' or not self:valid() then
    return
  end
  vim.api.nvim_chan_send(self.chan, paint(text, colour))
  local last = text:match('.*\n(.*)$')
  if last then
    self.tail = last
  else
    self.tail = (self.tail .. text):sub(-200)
  end
end

--- A line of our own (the run's end, a verdict), on a line of its own.
--- @param text string
--- @param colour string?
function Console:say(text, colour)
  if self.tail ~= '' then
    self:write('\n')
  end
  self:write(text .. '\n', colour)
end

--- Sets the winbar of every window showing this console.
--- @param text string
function Console:status(text)
  self.status_text = text
  if not self:valid() then
    return
  end
  local bar = ' ' .. self.title .. '  ' .. text:gsub('%%', '%%%%')
  for _, win in ipairs(vim.fn.win_findbuf(self.buf)) do
    vim.wo[win].winbar = bar
  end
end

--- Terminal-mode keys: a small line discipline (echo, backspace, Enter sends the line,
--- Ctrl-D end of file, Ctrl-C stops the run).
--- @param data string
function Console:on_input(data)
  if data:sub(1, 1) == '\27' or not self.input then
    return -- nothing reads (the run ended), or arrows and other escape sequences
  end
  for ch in data:gmatch('[%z\1-\127\194-\244][\128-\191]*') do
    if ch == '\r' or ch == '\n' then
      local line = self.typed .. '\n'
      self.typed = ''
      self:write('\n')
      self.input(line, false)
    elseif ch == '\127' or ch == '\8' then
      if self.typed ~= '' then
        local last = vim.fn.strcharpart(self.typed, vim.fn.strchars(self.typed) - 1)
        self.typed = self.typed:sub(1, #self.typed - #last)
        vim.api.nvim_chan_send(self.chan, '\b \b')
      end
    elseif ch == '\4' then
      local line = self.typed
      self.typed = ''
      self:write('^D\n', 'dim')
      self.input(line, true)
    elseif ch == '\3' then
      self.typed = ''
      self:write('^C\n', 'dim')
      if self.interrupt then
        self.interrupt()
      end
    elseif ch:byte() >= 32 then
      self.typed = self.typed .. ch
      vim.api.nvim_chan_send(self.chan, ch)
    end
  end
end

--- Keeps windows at the end of the output as it grows: every window but the one the user is
--- reading in (there, only when its cursor was on the last line, as a terminal does).
--- @param old_count integer the line count before the change
function Console:follow(old_count)
  if not self:valid() then
    return
  end
  local count = vim.api.nvim_buf_line_count(self.buf)
  local here = vim.api.nvim_get_current_win()
  for _, win in ipairs(vim.fn.win_findbuf(self.buf)) do
    local reading = win == here and vim.api.nvim_get_mode().mode ~= 't'
    if not reading or vim.api.nvim_win_get_cursor(win)[1] >= old_count then
      vim.api.nvim_win_set_cursor(win, { count, 0 })
    end
  end
end

--- The window showing the console in this tab page, if any.
--- @return integer?
local function shown_window()
  if not current or not current:valid() then
    return nil
  end
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    if vim.api.nvim_win_get_buf(win) == current.buf then
      return win
    end
  end
  return nil
end

--- Opens a window for `buf`: the console's own if one is shown, else a new split.
--- @param buf integer
--- @return integer
local function window_for(buf)
  local win = shown_window()
  if win then
    vim.api.nvim_win_set_buf(win, buf)
    return win
  end
  local opts = require('lionagi_playground').options.output
  local right = opts.position == 'right'
  return vim.api.nvim_open_win(buf, false, {
    split = right and 'right' or 'below',
    win = -1,
    height = not right and opts.height or nil,
    width = right and opts.width or nil,
  })
end

--- A new console for a run, shown in the output split (which is opened when closed).
--- @param title string
--- @return lionagi_playground.Console
function M.new(title)
  count = count + 1
  local buf = vim.api.nvim_create_buf(false, true)
  local previous = current
  local win = window_for(buf)
  local self = setmetatable(
    { buf = buf, title = title, typed = '', tail = '', status_text = '' },
    Console
  )
  self.chan = vim.api.nvim_open_term(buf, {
    on_input = function(_, _, _, data)
      vim.schedule(function()
        self:on_input(data)
      end)
    end,
  })
  vim.bo[buf].bufhidden = 'hide'
  local lines = vim.api.nvim_buf_line_count(buf)
  vim.api.nvim_buf_attach(buf, false, {
    on_lines = function()
      local old = lines
      lines = vim.api.nvim_buf_line_count(buf)
      vim.schedule(function()
        self:follow(old)
      end)
    end,
  })
  vim.b[buf].lionagi_playground_output = true
  pcall(vim.api.nvim_buf_set_name, buf, ('playground://output/%d/%s'):format(count, title))
  vim.wo[win].number = false
  vim.wo[win].relativenumber = false
  vim.wo[win].signcolumn = 'no'
  vim.wo[win].winfixheight = true
  current = self
  if previous and previous:valid() then
    vim.api.nvim_buf_delete(previous.buf, { force = true })
  end
  if require('lionagi_playground').options.output.focus then
    vim.api.nvim_set_current_win(win)
  end
  return self
end

--- The console on screen, if any.
--- @return lionagi_playground.Console?
function M.current()
  return current
end

--- Shows the latest console again (after its window was closed).
function M.show()
  if not current or not current:valid() then
    vim.notify(
      'lionagi-playground: no output yet; :PlaygroundRun runs the current file',
      vim.log.levels.INFO
    )
    return
  end
  local win = shown_window() or window_for(current.buf)
  current:status(current.status_text)
  vim.api.nvim_set_current_win(win)
end

return M
