return {
	api = 1,
	rank = function() return {} end,
	zebra = 1,
	frobnicate = function() end,
}
