# Inputs of the GKE node pool for the Kata {{use_case}} sandboxes.

variable "project_id" {
  type        = string
  description = "Google Cloud project of the cluster."
}

variable "location" {
  type        = string
  description = "Region or zone of the existing GKE Standard cluster (Kubernetes 1.30 or later)."
}

variable "cluster_name" {
  type        = string
  description = "Name of the existing GKE Standard cluster (Autopilot cannot run Kata)."
}

variable "node_pool_name" {
  type        = string
  description = "Name of the Kata sandbox node pool."
  default     = "kata-sandbox"
}

variable "machine_type" {
  type        = string
  description = "Machine type of the sandbox nodes: an Intel N2, N2D or C3 type (nested virtualization on GCE needs an Intel or AMD type that supports it)."
  default     = "n2-standard-8"
}

variable "node_service_account" {
  type        = string
  description = "Email of the least-privileged service account of the sandbox nodes (roles/container.defaultNodeServiceAccount)."
}

variable "min_nodes" {
  type        = number
  description = "Minimum number of sandbox nodes per zone."
  default     = 1
}

variable "max_nodes" {
  type        = number
  description = "Maximum number of sandbox nodes per zone."
  default     = {{node_max}}

  validation {
    condition     = var.max_nodes >= 1
    error_message = "max_nodes must be at least 1."
  }
}

variable "disk_size_gb" {
  type        = number
  description = "Boot disk of each sandbox node, GiB."
  default     = 100
}
