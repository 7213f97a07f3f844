-- The budget trips inside f; the handler must not run forever either.
return {
	api = 1,
	rank = function()
		local ok, err = xpcall(function() while true do end end,
		    function(m) while true do end end)
		return {ok = ok, err = err}
	end,
}
