-- Random requests for the uncached benchmark: every request is new.
--   wrk ... -s scripts/bench-random.lua URL -- MODE LISTS_DIR
-- MODE: page (catalogue page /aanbod), api (/api/v1/aanbod) or offering (/aanbod/{id}).
-- A search is one to three catalogue words and zero to two facet values, drawn from the lists
-- that scripts/bench-lists.py writes; each thread gets its own seed.
local mode, words, facets, ids = "page", {}, {}, {}

local function lines(path)
  local t = {}
  for l in io.lines(path) do
    if l ~= "" then t[#t + 1] = l end
  end
  return t
end

local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter * 7919)
end

init = function(args)
  mode = args[1] or "page"
  local dir = args[2] or "bench/out/lists"
  words = lines(dir .. "/words.txt")
  facets = lines(dir .. "/facets.txt")
  ids = lines(dir .. "/ids.txt")
  math.randomseed(seed or 1)
end

local function pick(t) return t[math.random(#t)] end

request = function()
  if mode == "offering" then
    return wrk.format("GET", "/aanbod/" .. pick(ids))
  end
  local q = {}
  for _ = 1, math.random(3) do q[#q + 1] = pick(words) end
  local path = (mode == "api" and "/api/v1/aanbod?q=" or "/aanbod?q=") .. table.concat(q, "+")
  for _ = 1, math.random(0, 2) do path = path .. "&" .. pick(facets) end
  return wrk.format("GET", path)
end
