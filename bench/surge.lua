-- wrk script for bench/surge.py: one file for every run, on both servers alike.
--
--   wrk ... -s bench/surge.lua URL -- get
--   wrk ... -s bench/surge.lua URL -- sign RUN ORIGIN
--   wrk ... -s bench/surge.lua URL -- confirm LINKS_FILE THREADS ORIGIN once|cycle
--
-- response() counts answers by kind in each thread, and done() prints one line
-- "surge-result {json}" that surge.py reads. Defining response() makes wrk parse every
-- header and body, which slows wrk a little: it is defined for every run, so both servers
-- pay the same.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local function form_headers(origin)
  -- What a browser sends from one of our own pages: the public forms carry no CSRF token.
  return {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = origin,
    ["Sec-Fetch-Site"] = "same-origin",
  }
end

local countries = { "GB", "US", "DE", "FR", "TR", "KZ", "NL", "SE", "CA", "AU" }

local function sign_requests(run, origin)
  local headers = form_headers(origin)
  local path = wrk.path
  local number = 0
  return function()
    number = number + 1
    -- A fresh address every time: the run names the wrk run, id the thread.
    local body = string.format(
      "source=&utm_source=&utm_medium=&utm_campaign=&utm_term=&utm_content="
        .. "&name=Bench+Signer+%d&email=bench-%s-%d-%d%%40example.org&country=%s"
        .. "&comment=&show_name=y&website=",
      number, run, id, number, countries[number % #countries + 1]
    )
    return wrk.format("POST", path, headers, body)
  end
end

local function confirm_requests(links_file, thread_count, origin, cycle)
  local headers = form_headers(origin)
  -- Thread `id` takes every thread_count-th link, so no two requests confirm one signature.
  local mine = {}
  local line_number = 0
  for line in io.lines(links_file) do
    if line_number % thread_count == id then
      table.insert(mine, line)
    end
    line_number = line_number + 1
  end
  local next_link = 0
  return function()
    next_link = next_link + 1
    if next_link > #mine and cycle then
      next_link = 1 -- the bare app confirms nothing, so its links may come round again
    elseif next_link > #mine then
      -- Out of links: stop this thread rather than confirm one twice. The request returned
      -- here is never answered (the loop stops first), so it counts as cut off in flight.
      exhausted = 1
      wrk.thread:stop()
      return wrk.format("POST", mine[#mine], headers, "")
    end
    return wrk.format("POST", mine[next_link], headers, "")
  end
end

function init(args)
  ok, refused, server_errors, shed = 0, 0, 0, 0
  exhausted = 0
  local mode = args[1]
  if mode == "sign" then
    request = sign_requests(args[2], args[3])
  elseif mode == "confirm" then
    request = confirm_requests(args[2], tonumber(args[3]), args[4], args[5] == "cycle")
  elseif mode ~= "get" then
    error("unknown mode " .. tostring(mode))
  end
  -- For "get" no request() is defined, so wrk sends one prepared request: its fastest path.
end

local function retry_after(headers)
  for name, _ in pairs(headers) do
    if string.lower(name) == "retry-after" then
      return true
    end
  end
  return false
end

function response(status, headers, body)
  if status < 400 then
    ok = ok + 1
  elseif status == 503 and retry_after(headers) then
    shed = shed + 1 -- load shed on purpose: a fast refusal the client may retry
  elseif status >= 500 then
    server_errors = server_errors + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local counts = { ok = 0, refused = 0, server_errors = 0, shed = 0, exhausted = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(counts) do
      counts[name] = counts[name] + thread:get(name)
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'surge-result {"duration_us": %d, "requests": %d, "ok": %d, "refused": %d, '
      .. '"server_errors": %d, "shed": %d, "exhausted_threads": %d, '
      .. '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.duration, summary.requests, counts.ok, counts.refused, counts.server_errors,
    counts.shed, counts.exhausted, errors.connect, errors.read, errors.write,
    errors.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max
  ))
end
