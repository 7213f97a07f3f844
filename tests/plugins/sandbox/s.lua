-- Reports what the sandbox leaves visible.
return {
	api = 1,
	rank = function()
		local r = {}
		r.absent = {
			io = io == nil, os = os == nil, package = package == nil,
			debug = debug == nil, dofile = dofile == nil,
			loadfile = loadfile == nil, require = require == nil,
			print = print == nil, dump = string.dump == nil,
			coroutine = coroutine == nil,
		}
		local f, err = load("\27LuaT\0\25\147\r\n\26\n")
		r.binary_rejected = f == nil
		r.binary_err = err
		r.text_load = load("return 1 + 1")()
		r.env_load = load("return x", "=t", "t", {x = 5})()
		r.reader_rejected = (pcall(load, function() return nil end)) == false
		r.gc_count = type(collectgarbage("count")) == "number"
		r.gc_collect = (pcall(collectgarbage, "collect")) == false
		r.gc_noarg = (pcall(collectgarbage)) == false
		r.gc_meta = (pcall(setmetatable, {}, {__gc = function() end})) == false
		r.setmeta_ok = getmetatable(setmetatable({}, {__index = {}})) ~= nil
		r.seed_noarg = (pcall(math.randomseed)) == false
		r.xpcall_ok = {xpcall(function(a, b) return a + b, "two" end,
		    function(m) return "handled" end, 1, 2)}
		r.xpcall_err = {xpcall(function() error("e", 0) end,
		    function(m) return "handled " .. m end)}
		r.random = math.random(1, 1000000)
		r.libs = {string = type(string.format), table = type(table.concat),
			math = type(math.floor), utf8 = type(utf8.char)}
		return r
	end,
}
