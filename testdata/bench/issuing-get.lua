-- wrk script: GET /issuing/api/v1/card/3DS with every header of seed 000's
-- cURL example and a unique x-request-id per request (thread id + counter),
-- so that the sandbox's idempotency store records each request afresh.
-- The card (x-card-id below) must be enrolled first: see README.md.

local thread_id = 0
local counter = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

function init(args)
  tid = tid or 0
end

local headers = {
  ["x-api-key"] = "bench-api-key",
  ["x-product-id"] = "bench-product",
  ["x-cardholder-id"] = "CH-5435323362",
  ["x-wallet-id"] = "WAL-5435323362",
  ["x-card-id"] = "7e57ca4d-0000-4000-8000-000000000010",
  ["x-client-id"] = "bench-client",
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer bench-token",
}

function request()
  counter = counter + 1
  headers["x-request-id"] = "wrk-" .. tid .. "-" .. counter
  return wrk.format("GET", "/issuing/api/v1/card/3DS", headers)
end
