return {api = 2}
