-- One C call that never ends: the hook cannot fire inside it.
return {
	api = 1,
	rank = function()
		local s = string.rep("a", 1000000)
		return {string.find(s, ".-.-.-.-.-.-.-.-b")}
	end,
}
