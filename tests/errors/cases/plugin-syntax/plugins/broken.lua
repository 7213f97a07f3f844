return { api = 1,
  bundle = function( end,
}
