-- wrk script: authenticate.lua, but every request's customer, addresses
-- and device differ (they carry its number), so that no two stored
-- authentications share a value: the sandbox's memory at its worst under
-- the same load. The card stays the frictionless Visa 4000000000000010.

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

function request()
  counter = counter + 1
  local n = tid .. "-" .. counter
  local body = '{"number":"4000000000000010","month":6,"year":2029,"channel":"browser",' ..
    '"return_url":"https://example.com/' .. n .. '","name":"John Doe ' .. n .. '","challenge_preference":"no_preference",' ..
    '"customer":{"name":"John Doe ' .. n .. '","email":"john.' .. n .. '@example.com","mobile":"0555' .. counter % 1000000 .. '"},' ..
    '"billing_address":{"city":"Riyadh","country":"SA","line_1":"Al Worod ' .. n .. '","line_2":"Olaya","postal_code":"51911","state":"Riyadh"},' ..
    '"shipping_address":{"city":"Jeddah","country":"SA","line_1":"Al Rawdah ' .. n .. '","line_2":"Tahlia","postal_code":"23434","state":"Makkah"},' ..
    '"customer_device":{"ip_address":"127.0.0.1","user_agent":"Test Agent/' .. n .. '","accept_header":"*/*",' ..
    '"javascript_enabled":true,"language":"ar-SA","color_depth":"24","screen_height":300,"screen_width":600,"timezone":"-180"}}'
  return wrk.format("POST", "/v1/3ds/wrk-" .. prefix .. n .. "/authenticate", headers, body)
end
