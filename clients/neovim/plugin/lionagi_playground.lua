-- lionagi Playground: the commands, and a clear message when the enabled server is missing.
if vim.g.loaded_lionagi_playground then
  return
end
vim.g.loaded_lionagi_playground = true

if vim.fn.has('nvim-0.11') == 0 then
  local needs = 'lionagi-playground needs Neovim 0.11 or later (vim.lsp.config)'
  vim.notify_once(needs, vim.log.levels.WARN)
  return
end

require('lionagi_playground.commands').define()
