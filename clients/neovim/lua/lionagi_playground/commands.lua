--- The user commands (:PlaygroundRun, ...); defined by plugin/ and again by setup(), for plugin
--- managers that put the plugin on 'runtimepath' too late for plugin/ to be sourced.
local M = {}

local function run()
  return require('lionagi_playground.run')
end
local function lesson()
  return require('lionagi_playground.lesson')
end

local commands = {
  PlaygroundRun = {
    function()
      run().run_buffer(vim.api.nvim_get_current_buf())
    end,
    { desc = 'Run the current file in the sandbox; output in a split' },
  },
  PlaygroundStop = {
    function()
      run().stop()
    end,
    { desc = 'Stop the current run' },
  },
  PlaygroundInput = {
    function(args)
      run().input(args.args ~= '' and args.args or nil)
    end,
    { nargs = '?', desc = "Send a line to the run's input()" },
  },
  PlaygroundOutput = {
    function()
      require('lionagi_playground.console').show()
    end,
    { desc = 'Show the output split again' },
  },
  PlaygroundTrace = {
    function()
      require('lionagi_playground.trace').open()
    end,
    { desc = "Show the run's agent trace (live while it runs)" },
  },
  PlaygroundRestart = {
    function()
      require('lionagi_playground.server').restart()
    end,
    { desc = 'Restart the language server' },
  },
  PlaygroundLesson = {
    function(args)
      lesson().pick(args.args ~= '' and args.args or nil, args.bang)
    end,
    { nargs = '?', bang = true, desc = 'Start a lesson (! starts it over)' },
  },
  PlaygroundHint = {
    function()
      lesson().hint()
    end,
    { desc = "Show the lesson's next hint" },
  },
  PlaygroundCheck = {
    function()
      lesson().check()
    end,
    { desc = "Run the lesson's check" },
  },
  PlaygroundSolution = {
    function()
      lesson().solution()
    end,
    { desc = "Show the lesson's solution in a split" },
  },
}

function M.define()
  for name, command in pairs(commands) do
    vim.api.nvim_create_user_command(name, command[1], command[2])
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = vim.api.nvim_create_augroup('lionagi_playground.missing', {}),
    callback = function(args)
      require('lionagi_playground.server').check_missing(args.buf)
    end,
  })
end

return M
