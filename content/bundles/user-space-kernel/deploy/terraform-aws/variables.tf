# Inputs of the EKS gVisor node group module.

variable "cluster_name" {
  type        = string
  description = "Name of the existing EKS cluster (Kubernetes 1.30 or later)."
}

variable "node_role_arn" {
  type        = string
  description = "ARN of the IAM role the sandbox nodes assume (AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistryReadOnly and the CNI policy attached)."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets for the sandbox nodes."
}

variable "node_group_name" {
  type        = string
  description = "Name of the gVisor node group."
  default     = "gvisor-sandbox"
}

variable "instance_types" {
  type        = list(string)
  description = "EC2 instance types of the sandbox nodes (x86_64: the seccomp profile is for x86_64)."
  default     = ["m6i.xlarge"]
}

variable "min_size" {
  type        = number
  description = "Minimum number of sandbox nodes."
  default     = 1
}

variable "desired_size" {
  type        = number
  description = "Initial number of sandbox nodes (the cluster autoscaler changes it later)."
  default     = 2
}

variable "max_size" {
  type        = number
  description = "Maximum number of sandbox nodes."
  default     = 10

  validation {
    condition     = var.max_size >= 1
    error_message = "max_size must be at least 1."
  }
}

variable "disk_size_gb" {
  type        = number
  description = "Root volume size of each node, in GiB."
  default     = 100
}

variable "gvisor_release" {
  type        = string
  description = "gVisor release installed by node-setup.sh (a folder of storage.googleapis.com/gvisor/releases/release/)."
  default     = "{{gvisor_release}}"
}
