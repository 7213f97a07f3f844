return {api = 1}
