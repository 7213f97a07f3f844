return {
	api = 1,
	rank = function()
		local x = = 1
	end,
}
