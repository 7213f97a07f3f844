# Outputs of the gVisor node pool module.

output "node_pool_name" {
  description = "Name of the gVisor node pool."
  value       = google_container_node_pool.gvisor.name
}

output "node_pool_id" {
  description = "Full identifier of the gVisor node pool."
  value       = google_container_node_pool.gvisor.id
}

output "node_service_account" {
  description = "Email of the service account the sandbox nodes run as."
  value       = google_service_account.sandbox_nodes.email
}

output "runtime_class_name" {
  description = "RuntimeClass that pods set (runtimeClassName) to run on this pool under gVisor."
  value       = "gvisor"
}
