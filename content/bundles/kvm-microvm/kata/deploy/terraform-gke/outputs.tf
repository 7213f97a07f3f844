# Outputs of the GKE Kata node pool module.

output "node_pool_name" {
  description = "Name of the Kata sandbox node pool."
  value       = google_container_node_pool.kata.name
}

output "node_taint" {
  description = "Taint of the sandbox nodes; the RuntimeClass {{runtime_class}} tolerates it."
  value       = "sandbox.atlas.dev/runtime=kata:NoSchedule"
}
