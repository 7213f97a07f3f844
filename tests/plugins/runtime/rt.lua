local function helper(x)
	return x.field.deeper
end

return {
	api = 1,
	rank = function(mode)
		if mode == "index" then
			return helper({})
		elseif mode == "error" then
			error("boom")
		elseif mode == "table" then
			error({code = 1})
		elseif mode == "level0" then
			error("no position", 0)
		end
		return {mode = mode}
	end,
}
