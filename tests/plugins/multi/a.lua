return {
	api = 1,
	rank = function() return { end,
}
