--- Lessons: pick one (`playground/templates`), write its starter files into a folder of its
--- own and open the entry, show hints one at a time, run the lesson's check and ask the server
--- for the verdict (`playground/templates/check`). docs/protocol.md (Lessons) is the contract.
local M = {}

local server = require('lionagi_playground.server')
local run = require('lionagi_playground.run')

--- The file that marks a lesson's folder (dot-files never go into a run).
M.MARKER = '.playground-lesson'

--- What this session knows of each lesson: the template and how many hints were shown.
--- @type table<string, { template: table, hints_shown: integer, panel: integer? }>
local lessons = {}

--- @param message string
--- @param level integer?
local function say(message, level)
  vim.notify('lionagi-playground: ' .. message, level or vim.log.levels.INFO)
end

--- Sends a request to the server (started when needed) and calls `done(result)` on success.
--- @param method string
--- @param params table
--- @param done fun(result: any)
local function ask(method, params, done)
  local bufnr = vim.api.nvim_get_current_buf()
  server.with_client(bufnr, function(client)
    client:request(method, params, function(err, result)
      if err then
        say(err.message, vim.log.levels.ERROR)
      else
        done(result)
      end
    end)
  end)
end

--- The folder a lesson's files go into.
--- @param id string
--- @return string
function M.folder(id)
  return vim.fs.joinpath(require('lionagi_playground').options.lessons_dir, id)
end

--- A relative file name of a lesson, refused when it could leave the folder.
--- @param path string
--- @return boolean
local function safe_name(path)
  if path:sub(1, 1) == '/' or path:find('\\', 1, true) then
    return false
  end
  for part in path:gmatch('[^/]+') do
    if part == '..' then
      return false
    end
  end
  return true
end

--- @param path string
--- @param text string
local function write_file(path, text)
  vim.fn.mkdir(vim.fs.dirname(path), 'p')
  local file = assert(io.open(path, 'wb'))
  file:write(text)
  file:close()
end

--- @param path string
--- @return string?
local function read_file(path)
  local file = io.open(path, 'rb')
  if not file then
    return nil
  end
  local text = file:read('*a')
  file:close()
  return text
end

--- The lesson panel: a Markdown scratch buffer beside the entry, with the hints shown so far.
--- @param template table
--- @return integer buf
local function show_panel(template)
  local state = lessons[template.id]
  local buf = state.panel
  if not buf or not vim.api.nvim_buf_is_valid(buf) then
    buf = vim.api.nvim_create_buf(false, true)
    pcall(vim.api.nvim_buf_set_name, buf, 'playground://lesson/' .. template.id)
    vim.bo[buf].filetype = 'markdown'
    vim.b[buf].lionagi_playground_lesson = template.id
    state.panel = buf
    local kind = ('*%s · %s · %s*')
      :format(template.language, template.category, template.difficulty)
    local lines = { '# ' .. template.title, '', kind, '' }
    vim.list_extend(lines, vim.split(template.description or template.summary or '', '\n'))
    vim.list_extend(lines, {
      '',
      '---',
      ('`:PlaygroundRun` runs `%s`; `:PlaygroundCheck` checks it;'):format(template.entry),
      ('`:PlaygroundHint` shows a hint (%d); `:PlaygroundSolution` the solution.')
        :format(template.hints),
      '',
    })
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
    vim.bo[buf].modifiable = false
  end
  if #vim.fn.win_findbuf(buf) == 0 then
    local width = math.max(40, math.floor(vim.o.columns * 0.4))
    local win = vim.api.nvim_open_win(buf, false, { split = 'right', win = 0, width = width })
    vim.wo[win].wrap = true
    vim.wo[win].linebreak = true
    vim.wo[win].number = false
  end
  return buf
end

--- Opens a lesson: writes its starter files (unless its folder is there already and `fresh`
--- is false) and edits its entry.
--- @param id string
--- @param fresh boolean start over: write the starter files over the learner's
function M.open(id, fresh)
  ask('playground/templates/get', { id = id }, function(template)
    local dir = M.folder(id)
    local marker = vim.fs.joinpath(dir, M.MARKER)
    local kept = not fresh and vim.fn.filereadable(marker) == 1
    if not kept then
      for path, text in pairs(template.files) do
        if safe_name(path) then
          write_file(vim.fs.joinpath(dir, path), text)
        end
      end
      write_file(marker, id .. '\n')
    end
    local panel = lessons[id] and lessons[id].panel
    lessons[id] = { template = template, hints_shown = 0, panel = panel }
    vim.cmd.edit(vim.fn.fnameescape(vim.fs.joinpath(dir, template.entry)))
    show_panel(template)
    if kept then
      local kept_in = 'your work on "%s" is kept in %s; :PlaygroundLesson! %s starts it over'
      say(kept_in:format(template.title, dir, id))
    else
      say(('"%s": the starter files are in %s'):format(template.title, dir))
    end
  end)
end

--- :PlaygroundLesson [id]: open the lesson `id`, or pick one from the server's list.
--- @param id string?
--- @param fresh boolean
function M.pick(id, fresh)
  if id then
    M.open(id, fresh)
    return
  end
  ask('playground/templates', vim.empty_dict(), function(result)
    vim.ui.select(result.templates, {
      prompt = 'Lesson',
      format_item = function(t)
        return ('%s  (%s · %s · %s)'):format(t.title, t.language, t.category, t.difficulty)
      end,
    }, function(choice)
      if choice then
        M.open(choice.id, fresh)
      end
    end)
  end)
end

--- The lesson of the current buffer (a file in a lesson's folder, or its panel) and its folder.
--- @return string? id
--- @return string? dir
function M.current()
  local bufnr = vim.api.nvim_get_current_buf()
  local id = vim.b[bufnr].lionagi_playground_lesson
  if id then
    return id, M.folder(id)
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return nil, nil
  end
  local marker = vim.fs.find(M.MARKER, { upward = true, path = vim.fs.dirname(name), limit = 1 })[1]
  if not marker then
    return nil, nil
  end
  local text = read_file(marker) or ''
  return vim.trim(text), vim.fs.dirname(marker)
end

--- Calls `done(id, dir, state)` for the current buffer's lesson (its template fetched when this
--- session has not seen it yet).
--- @param done fun(id: string, dir: string, state: table)
local function with_lesson(done)
  local id, dir = M.current()
  if not id or not dir then
    say('this buffer is not part of a lesson; :PlaygroundLesson starts one', vim.log.levels.WARN)
    return
  end
  if lessons[id] then
    done(id, dir, lessons[id])
    return
  end
  ask('playground/templates/get', { id = id }, function(template)
    lessons[id] = lessons[id] or { template = template, hints_shown = 0 }
    done(id, dir, lessons[id])
  end)
end

--- :PlaygroundHint: the next hint, in the panel and as a message.
function M.hint()
  with_lesson(function(id, _, state)
    local count = state.template.hints
    if state.hints_shown >= count then
      say(('all %d hints are shown; :PlaygroundSolution shows the solution'):format(count))
      return
    end
    ask('playground/templates/hint', { id = id, index = state.hints_shown }, function(hint)
      state.hints_shown = hint.index + 1
      local panel = show_panel(state.template)
      vim.bo[panel].modifiable = true
      local text = ('**Hint %d/%d.** %s'):format(hint.index + 1, hint.count, hint.text)
      vim.api.nvim_buf_set_lines(panel, -1, -1, false, vim.split(text, '\n'))
      vim.bo[panel].modifiable = false
      say(('hint %d/%d: %s'):format(hint.index + 1, hint.count, hint.text))
    end)
  end)
end

local SKIPPED = { __pycache__ = true, node_modules = true, venv = true }

--- The learner's files of a lesson folder, `{path: text}`, open buffers' unsaved text winning.
--- @param dir string
--- @return table<string, string>
function M.learner_files(dir)
  local files = {}
  for name, kind in vim.fs.dir(dir, {
    depth = 8,
    skip = function(folder)
      return not SKIPPED[vim.fs.basename(folder)] and vim.fs.basename(folder):sub(1, 1) ~= '.'
    end,
  }) do
    local base = vim.fs.basename(name)
    if kind == 'file' and base:sub(1, 1) ~= '.' then
      local path = vim.fs.joinpath(dir, name)
      local bufnr = vim.fn.bufnr(path)
      if bufnr ~= -1 and vim.api.nvim_buf_is_loaded(bufnr) then
        files[name] = run.buffer_text(bufnr)
      else
        files[name] = read_file(path)
      end
    end
  end
  return files
end

--- Shows the server's verdict in the console and as a message.
--- @param verdict table
--- @param console lionagi_playground.Console
local function show_verdict(verdict, console)
  if verdict.passed then
    console:say('✔ check passed: ' .. verdict.message, 'ok')
    say('check passed: ' .. verdict.message)
    return
  end
  console:say('✘ check failed: ' .. verdict.message, 'error')
  if verdict.expected and verdict.expected ~= vim.NIL then
    console:say('expected: ' .. verdict.expected, 'dim')
  end
  say('check failed: ' .. verdict.message, vim.log.levels.WARN)
end

--- :PlaygroundCheck: runs the learner's files with the lesson's check entry and asks the
--- server whether that run passes.
function M.check()
  with_lesson(function(id, dir, state)
    local check = state.template.check
    local files = M.learner_files(dir)
    for path, text in pairs(check.files or {}) do
      files[path] = text
    end
    local stdin = check.stdin
    if stdin == nil or stdin == vim.NIL then
      stdin = ''
    end
    local wants_displays = check.displays and #check.displays > 0
    local params = { files = files, entry = check.entry, stdin = stdin }
    run.start(vim.api.nvim_get_current_buf(), params, {
      title = 'check ' .. id,
      on_exit = function(r, exit)
        if exit.status == 'cancelled' then
          r.console:say('the check was stopped', 'warn')
          return
        end
        local params = {
          id = id,
          stdout = table.concat(r.stdout),
          stderr = table.concat(r.stderr),
          exitCode = exit.exitCode == nil and vim.NIL or exit.exitCode,
          displays = wants_displays and r.displays or nil,
        }
        ask('playground/templates/check', params, function(verdict)
          show_verdict(verdict, r.console)
        end)
      end,
    })
  end)
end

--- :PlaygroundSolution: the solution's entry in a read-only split.
function M.solution()
  with_lesson(function(id)
    ask('playground/templates/solution', { id = id }, function(solution)
      local text = solution.files[solution.entry] or ''
      local buf = vim.api.nvim_create_buf(false, true)
      local name = ('playground://solution/%s/%s'):format(id, solution.entry)
      pcall(vim.api.nvim_buf_set_name, buf, name)
      vim.b[buf].lionagi_playground_lesson = id
      vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(text, '\n', { trimempty = false }))
      vim.bo[buf].filetype = vim.filetype.match({ filename = solution.entry }) or ''
      vim.bo[buf].modifiable = false
      vim.api.nvim_open_win(buf, true, { split = 'right', win = 0 })
    end)
  end)
end

return M
