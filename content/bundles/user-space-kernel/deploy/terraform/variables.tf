# Inputs of the gVisor node pool module.

variable "project_id" {
  type        = string
  description = "Google Cloud project that holds the GKE cluster."
}

variable "location" {
  type        = string
  description = "Region or zone of the existing GKE cluster (for example europe-west1)."
}

variable "cluster_name" {
  type        = string
  description = "Name of the existing GKE Standard cluster that gets the gVisor node pool."
}

variable "node_pool_name" {
  type        = string
  description = "Name of the gVisor node pool (also names its service account: at most 24 characters)."
  default     = "gvisor-sandbox"

  validation {
    condition     = can(regex("^[a-z][-a-z0-9]{0,22}[a-z0-9]$", var.node_pool_name))
    error_message = "node_pool_name must be 2 to 24 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "machine_type" {
  type        = string
  description = "Machine type of the sandbox nodes."
  default     = "e2-standard-4"
}

variable "min_node_count" {
  type        = number
  description = "Minimum number of nodes per zone (cluster autoscaler)."
  default     = 1

  validation {
    condition     = var.min_node_count >= 0
    error_message = "min_node_count must be zero or more."
  }
}

variable "max_node_count" {
  type        = number
  description = "Maximum number of nodes per zone (cluster autoscaler)."
  default     = 5

  validation {
    condition     = var.max_node_count >= 1
    error_message = "max_node_count must be at least 1."
  }
}

variable "disk_size_gb" {
  type        = number
  description = "Boot disk size of each node, in GB."
  default     = 100
}

variable "node_labels" {
  type        = map(string)
  description = "Extra Kubernetes labels on the sandbox nodes."
  default     = {}
}
