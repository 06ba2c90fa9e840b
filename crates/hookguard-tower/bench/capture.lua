-- wrk: POSTs the lines of an NDJSON capture in turn (each thread from its own place), as JSON.
local bodies = {}
local at = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  at = math.random(#bodies)
end

function request()
  at = at % #bodies + 1
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, bodies[at])
end
