-- Drives the learnability language server from headless Neovim 0.7 (vim.lsp.start_client, the 0.7 API).
-- Run: nvim --headless --clean -c "luafile neovim_lsp.lua" FILE.py
-- Environment: LEARNABILITY_PYTHON (interpreter), LEARNABILITY_OUT (where the JSON result goes).
local out = { diagnostics = {}, after = {}, errors = {} }
local function finish()
  local f = io.open(os.getenv("LEARNABILITY_OUT"), "w")
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "learnability",
    cmd = { os.getenv("LEARNABILITY_PYTHON"), "-m", "learnability", "serve" },
    root_dir = vim.fn.getcwd(),
    init_options = { settings = { logLevel = "info" } },
  })
  out.client_id = client_id
  vim.lsp.buf_attach_client(buf, client_id)
  out.got_diagnostics = vim.wait(60000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(out.diagnostics, {
      lnum = d.lnum, col = d.col, end_col = d.end_col, severity = d.severity, message = d.message,
      source = d.source, code = d.code or lsp.code,
    })
  end

  -- ask for the quick fix of the first LRN101, with a diagnostic built by hand as Neovim 0.7 expects
  local target
  for _, d in ipairs(out.diagnostics) do
    if d.code == "LRN101" and (target == nil or d.lnum < target.lnum) then target = d end
  end
  if target == nil then error("no LRN101 diagnostic") end
  local range = { start = { line = target.lnum, character = target.col }, ["end"] = { line = target.lnum, character = target.end_col } }
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = range,
    context = { diagnostics = { { range = range, message = target.message, severity = target.severity,
                                  source = target.source, code = target.code } } },
  }
  local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 20000)
  local action
  for _, resp in pairs(responses or {}) do
    if resp.error then table.insert(out.errors, resp.error.message) end
    for _, a in ipairs(resp.result or {}) do
      table.insert(out.after, a.title)
      if action == nil and a.title:find("^Use 'relu'") then action = a end
    end
  end
  out.action_titles = out.after
  out.after = {}
  if action == nil then error("no quick fix offered") end
  out.action_is_preferred = action.isPreferred
  local client = vim.lsp.get_client_by_id(client_id)
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  out.fixed_line = vim.api.nvim_buf_get_lines(buf, target.lnum, target.lnum + 1, false)[1]
  out.target_lnum = target.lnum

  -- the edit is sent to the server as a didChange: the fixed line's diagnostic goes away
  out.relinted = vim.wait(20000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.lnum == target.lnum and ((d.user_data or {}).lsp or {}).code == "LRN101" then return false end
    end
    return true
  end, 50)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out.after, { lnum = d.lnum, code = ((d.user_data or {}).lsp or {}).code })
  end

  -- a hover answers
  local hover = vim.lsp.buf_request_sync(buf, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 11, character = 45 },  -- the convolution that is still flagged
  }, 10000)
  for _, resp in pairs(hover or {}) do
    if resp.result then out.hover = resp.result.contents.value end
  end
  vim.lsp.stop_client(client_id)
end)
if not ok then out.failure = tostring(err) end
finish()
