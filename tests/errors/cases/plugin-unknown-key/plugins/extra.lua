return { api = 1, render = function() end }
