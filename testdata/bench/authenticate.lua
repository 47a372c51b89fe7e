-- wrk script: POST /v1/3ds/{id}/authenticate with seed 004's full request
-- body for the frictionless Visa test card 4000000000000010, HTTP Basic
-- "sk_test_x:" and a unique {id} per request (thread id + counter), so that
-- the sandbox runs a new authentication each time.

local thread_id = 0
local counter = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

-- args[1], if given, starts every id: run.sh passes the run's number, so
-- that a store that keeps authentications across runs (SQLite,
-- PostgreSQL) sees new ids in each run, not repeats it would replay.
function init(args)
  tid = tid or 0
  prefix = args[1] or ""
end

local headers = {
  ["Authorization"] = "Basic c2tfdGVzdF94Og==", -- base64("sk_test_x:")
  ["Content-Type"] = "application/json",
}

local body = [[{"number":"4000000000000010","month":6,"year":2029,"channel":"browser",]] ..
  [["return_url":"https://example.com","name":"John Doe","challenge_preference":"no_preference",]] ..
  [["customer":{"name":"John Doe","email":"johndoe@example.com","mobile":"0555555555"},]] ..
  [["billing_address":{"city":"Riyadh","country":"SA","line_1":"Al Worod","line_2":"Olaya","postal_code":"51911","state":"Riyadh"},]] ..
  [["shipping_address":{"city":"Riyadh","country":"SA","line_1":"Al Worod","line_2":"Olaya","postal_code":"51911","state":"Riyadh"},]] ..
  [["customer_device":{"ip_address":"127.0.0.1","user_agent":"Test Agent/Chrome/Safari","accept_header":"*/*",]] ..
  [["javascript_enabled":true,"language":"ar-SA","color_depth":"24","screen_height":300,"screen_width":600,"timezone":"-180"}}]]

function request()
  counter = counter + 1
  return wrk.format("POST", "/v1/3ds/wrk-" .. prefix .. tid .. "-" .. counter .. "/authenticate", headers, body)
end
