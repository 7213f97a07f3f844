-- Metadata and a bundle hook.
return {
	api = 1,
	name = "Meta",
	family = "docker",
	key = {"a", "b"},
	bundle = function(entry, req, ctx)
		return {
			["Dockerfile"] = "FROM scratch\n",
			["k8s/pod.yaml"] = "kind: Pod\nname: " .. entry.slug .. "\n",
		}
	end,
}
