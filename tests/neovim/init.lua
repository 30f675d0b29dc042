-- The Neovim configuration of the tests: the plugin from this checkout, as the README's
-- "plain runtimepath" install, with the server command and folders the test gives.
local root = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h')
vim.opt.runtimepath:prepend(root .. '/clients/neovim')
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
-- A menu even for one match (`from lionagi import Bra` has one), as most configurations have.
vim.opt.completeopt = { 'menuone', 'noselect' }

require('lionagi_playground').setup({
  cmd = vim.json.decode(vim.env.PLAYGROUND_TEST_CMD),
  lessons_dir = vim.env.PLAYGROUND_TEST_LESSONS,
})
