-- Results that cannot become val trees, chosen by the argument.
local cases = {}
cases.fn = function() return {items = {1, {f = function() end}}} end
cases.cycle = function() local t = {} t.self = t return t end
cases.deep = function()
	local t = {} local c = t
	for i = 1, 40 do c.x = {} c = c.x end
	return t
end
cases.mixed = function() return {1, 2, name = "x"} end
cases.holes = function() return {1, nil, 3} end
cases.nan = function() return {score = 0/0} end
cases.nul = function() return {s = "a\0b"} end
cases.utf8 = function() return {s = "\xff"} end
cases.boolkey = function() return {[true] = 1} end
cases.blowup = function()
	local t = {"x"}
	for i = 1, 30 do t = {t, t} end
	return t
end
cases.nothing = function() end
cases.nullval = function() return null end
cases.arg = function(a) return {depth_ok = a ~= nil} end
return {
	api = 1,
	rank = function(which, a) return cases[which](a) end,
}
