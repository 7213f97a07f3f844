return { api = 1, rank = function(e, r, rules)
  local x = nil
  return x.field
end }
