local function bomb()
	local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 1000) .. i end
end

return {
	api = 1,
	rank = function()
		local ok, err = pcall(bomb)
		return {ok = ok, err = err}
	end,
}
