-- wrk script for bench/load: single-observation POSTs, every one a new (measure, period).
--
--   LOAD_TOKEN=SECRET wrk -t T -c C -d 60s --latency -s bench/load.lua URL \
--     -- ID,ID,... T [FIRST_DAY]
--
-- The measures (ids, comma-separated) are dealt out to the T threads in turn; each thread takes
-- its own measures in turn and walks their periods forward one day at a time from FIRST_DAY days
-- after 2000-01-01 (default 0), so no two requests share a (measure, period) and each measure's
-- values mostly arrive in period order (the live series is extended in place). With four or more
-- measures per connection, two requests for one measure are rarely in flight at once; when they
-- are, the later period may be stored first and the earlier one is a late value (still 201).
--
-- Any answer other than 2xx is an error (a 409 would mean a repeated period). done() prints one
-- line of key=value pairs that bench/load reads:
--   wrk_result requests= seconds= rps= p50_ms= p90_ms= p99_ms= max_ms= non2xx= conflicts=
--              connect= read= write= timeout=
local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  local ids = {}
  for id in string.gmatch(args[1] or "", "%d+") do
    ids[#ids + 1] = id
  end
  local thread_count = tonumber(args[2] or "1")
  first_day = tonumber(args[3] or "0")
  paths = {}
  for i = thread_index + 1, #ids, thread_count do
    paths[#paths + 1] = "/api/v1/measures/" .. ids[i] .. "/observations"
  end
  if #paths == 0 then
    io.stderr:write("load.lua: thread " .. thread_index .. " has no measures\n")
    os.exit(2)
  end
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. (os.getenv("LOAD_TOKEN") or "")
  wrk.headers["Content-Type"] = "application/json"
  sent = 0
  non2xx = 0
  conflicts = 0
  dates = {}
  math.randomseed(thread_index + 1)
end

-- Days after 2000-01-01 as YYYY-MM-DD (memoised: every date is used once per measure).
local function date(day)
  local text = dates[day]
  if text == nil then
    text = os.date("!%Y-%m-%d", 946684800 + day * 86400)
    dates[day] = text
  end
  return text
end

function request()
  local measure = sent % #paths
  local day = first_day + math.floor(sent / #paths)
  sent = sent + 1
  -- 100 plus noise (three uniform draws): mostly in control, special causes only by chance.
  local value = 100 + 10 * (math.random() + math.random() + math.random() - 1.5)
  local body = string.format('{"period":"%s","value":%.1f}', date(day), value)
  return wrk.format(nil, paths[measure + 1], nil, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if status == 409 then
      conflicts = conflicts + 1
    end
    if non2xx <= 3 then
      io.stderr:write("load.lua: HTTP " .. status .. ": " .. string.sub(body or "", 1, 300)
        .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local non2xx_total, conflicts_total = 0, 0
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + (thread:get("non2xx") or 0)
    conflicts_total = conflicts_total + (thread:get("conflicts") or 0)
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "wrk_result requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f "
      .. "max_ms=%.2f non2xx=%d conflicts=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1e3,
    latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3, non2xx_total,
    conflicts_total, e.connect, e.read, e.write, e.timeout))
end
