return {
	api = 1,
	rank = function()
		while true do
			pcall(function() while true do end end)
		end
	end,
}
