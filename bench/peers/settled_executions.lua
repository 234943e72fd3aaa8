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
  -- Non-2xx answers (admission's 503 and 429: shed, nothing started) count as errors.status;
  -- bench/settled-http.sh counts only the 201s and refuses a run with any other error.
  io.write(string.format("wrk: requests=%d errors(connect=%d read=%d write=%d timeout=%d) " ..
    "shed=%d\nwrk: accepted_per_s=%.0f\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status,
    (summary.requests - summary.errors.status) / (summary.duration / 1e6)))
end
