while true do end
return {api = 1}
