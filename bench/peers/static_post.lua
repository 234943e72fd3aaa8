-- wrk script for the nginx peer: the same POST as settled_executions.lua (same size, same
-- headers), but one request formatted once, so that wrk's own per-request Lua does not hold
-- nginx's figure down: the peer is measured at its best.
wrk.method = "POST"
wrk.path = "/v1/executions"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"stateMachine":"payment","name":"wrk-static-1","input":{"paymentId":"wrk-static-1",' ..
    '"customerId":"c-load","amount":1250,"currency":"USD","paymentMethod":"pm_card_visa"}}'

function done(summary, latency, requests)
  io.write(string.format("wrk: requests=%d errors(connect=%d read=%d write=%d status=%d timeout=%d)\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
