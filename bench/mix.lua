-- wrk -s bench/mix.lua URL -- COOKIE CSRF VERSIONS THREADS
-- A signed-in admin: every tenth request PATCHes a FY2024 record (If-Match
-- with the version last seen: the answer's, a 409's record too), the other
-- nine read the list, one activity and the summary in turn. VERSIONS is a
-- file of "activity_id|version" lines; each wrk thread takes its own share
-- of the records, so that threads never race on one.
local threads = 0

function setup(thread)
	thread:set("tid", threads)
	threads = threads + 1
end

function init(args)
	cookie, csrf = "sid=" .. args[1], args[2]
	local nthreads = tonumber(args[4])
	ids, version, n, k, counter = {}, {}, 0, 0, 0
	for line in io.lines(args[3]) do
		local id, v = line:match("^(%d+)|(%d+)$")
		if id then
			if n % nthreads == tid then
				ids[#ids + 1] = tonumber(id)
				version[tonumber(id)] = tonumber(v)
			end
			n = n + 1
		end
	end
	reads = {"/api/activities?fy=2024&limit=200", "/api/reports/2024/summary"}
end

function request()
	counter = counter + 1
	local h = {Cookie = cookie}
	if counter % 10 == 0 then
		k = k % #ids + 1
		local id = ids[k]
		h["X-CSRF-Token"] = csrf
		h["If-Match"] = '"' .. version[id] .. '"'
		h["Content-Type"] = "application/json"
		return wrk.format("PATCH", "/api/activities/" .. id .. "/years/2024", h,
			'{"plan_next":"（推進）bench ' .. counter .. '"}')
	end
	if counter % 3 == 0 then
		return wrk.format("GET", "/api/activities/" .. ids[counter % #ids + 1], h)
	end
	return wrk.format("GET", reads[counter % 3], h)
end

function response(status, headers, body)
	if status == 409 or (status == 200 and body:sub(1, 20):find("activity_id", 1, true)) then
		local id = tonumber(body:match('"activity_id"%s*:%s*(%d+)'))
		local v = tonumber(body:match('"version"%s*:%s*(%d+)'))
		if id and v and version[id] then version[id] = v end
	end
end
