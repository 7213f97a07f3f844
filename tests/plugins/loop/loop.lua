return {
	api = 1,
	rank = function()
		while true do end
	end,
}
