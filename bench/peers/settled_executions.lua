-- wrk script: each request starts a payment execution (POST /v1/executions) with its own name,
-- as bench/http_load.cpp does. The run's prefix (env BENCH_RUN) keeps names unique across runs
-- against one data dir; each wrk thread numbers its own requests.
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local thread_count = 0
local prefix = ""
local n = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("prefix", run .. "-t" .. thread_count .. "-")
end

function request()
  n = n + 1
  local id = "wrk-" .. prefix .. n
  local body = '{"stateMachine":"payment","name":"' .. id .. '","input":{"paymentId":"' .. id ..
      '","customerId":"c-load","amount":1250,"currency":"USD","paymentMethod":"pm_card_visa"}}'
  return wrk.format("POST", "/v1/executions", {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  -- Non-2xx answers count as errors.status; bench/run-peers.sh refuses a run with any error.
  io.write(string.format("wrk: requests=%d errors(connect=%d read=%d write=%d status=%d timeout=%d)\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
