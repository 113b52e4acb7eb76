-- wrk driver for bench/public_run: cycles through the requests given after `--`, each "path" or
-- "path|etag" (the etag is sent as If-None-Match), and prints the statuses it got, so a run that was
-- refused (429) or not revalidated (200 where 304 was meant) shows in the figures' output.
local requests = {}
local next_request = 0
local threads = {}
statuses = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for _, arg in ipairs(args) do
    local path, etag = arg:match("^([^|]+)|?(.*)$")
    local headers = {}
    if etag ~= "" then
      headers["If-None-Match"] = etag
    end
    table.insert(requests, wrk.format("GET", path, headers))
  end
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    table.insert(parts, status .. "=" .. n)
  end
  table.sort(parts)
  print("statuses " .. table.concat(parts, " "))
end
