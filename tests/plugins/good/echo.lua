-- Round trip: returns its arguments and one value of every kind.
local function kinds(t)
	local out = {}
	for i, v in ipairs(t) do
		out[i] = math.type(v) or type(v)
	end
	return out
end

return {
	api = 1,
	name = "Echo",
	description = "returns its arguments",
	rank = function(entries, req, rules)
		return {
			entries = entries,
			req = req,
			rules = rules,
			ints = {1, -2, math.maxinteger, math.mininteger},
			floats = {0.5, -1.25, 1e300, 3.0},
			kinds = kinds({1, 2.5, "s", true}),
			utf8 = "h\u{e9}llo \u{2014} \u{2713} \u{1F642}",
			yes = true,
			no = false,
			empty = {},
			nested = {a = {b = {c = {"deep"}}}},
			nulls = {1, null, 3},
			nothing = null,
			second_is_null = entries[2] == null,
			req_missing_absent = req.missing == nil,
			req_n = math.type(req.n),
			req_x = math.type(req.x),
			nargs = select("#", entries, req, rules),
			Zkey = 1,
			akey = 2,
			["with space"] = 3,
		}
	end,
}
