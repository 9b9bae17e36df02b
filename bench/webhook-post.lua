-- wrk script for make bench-webhook: POST the AdmissionReview in
-- $WEBHOOK_BODY to /mutate, as the API server does. With
-- $WEBHOOK_DELAY_MS, each connection waits that long after an answer
-- before its next request (a paced load: about CONNECTIONS * 1000 / DELAY
-- a second).
wrk.method = "POST"
wrk.path = "/mutate?timeout=10s"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("WEBHOOK_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()

local pause = tonumber(os.getenv("WEBHOOK_DELAY_MS") or "0")
if pause > 0 then
  delay = function() return pause end
end

local bad = 0
response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"patchType":"JSONPatch"', 1, true) then
    bad = bad + 1
  end
end

done = function(summary, latency, requests)
  io.write(string.format("wrk: %d requests, %d errors, %d bad answers\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.status + summary.errors.timeout, bad))
end
