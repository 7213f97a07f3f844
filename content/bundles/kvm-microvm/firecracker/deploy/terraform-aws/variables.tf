# Inputs of the Firecracker microVM host module ({{use_case}} sandboxes).

variable "name" {
  type        = string
  description = "Name prefix of every resource."
  default     = "sandbox-microvm"
}

variable "vpc_id" {
  type        = string
  description = "VPC of the microVM hosts."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the microVM hosts, with a NAT gateway for the egress the bundle allows."
}

variable "controller_cidrs" {
  type        = list(string)
  description = "CIDRs of the agents allowed to call the sandbox controller on the hosts (TCP controller_port)."
}

variable "controller_port" {
  type        = number
  description = "TCP port of your sandbox controller on each host (integration/CONTROLLER-API.md)."
  default     = 8443
}

variable "instance_types" {
  type        = list(string)
  description = "x86_64 instance types of the hosts.  EC2 exposes /dev/kvm on bare-metal (*.metal) types; Firecracker's CI uses them.  Other types only with allow_nested_virtualization, on instance types whose nested virtualization you have confirmed."
  default     = ["c6i.metal", "m6i.metal"]
}

variable "allow_nested_virtualization" {
  type        = bool
  description = "Allow instance types other than *.metal.  Firecracker is not well tested under nested virtualization (its getting-started check); leave false unless you have tested your type."
  default     = false
}

variable "min_size" {
  type        = number
  description = "Minimum number of microVM hosts."
  default     = 1
}

variable "desired_capacity" {
  type        = number
  description = "Initial number of microVM hosts."
  default     = 1
}

variable "max_size" {
  type        = number
  description = "Maximum number of microVM hosts."
  default     = {{asg_max}}

  validation {
    condition     = var.max_size >= 1
    error_message = "max_size must be at least 1."
  }
}

variable "root_volume_gb" {
  type        = number
  description = "Root volume of each host, GiB: guest images plus one {{scratch_mib}} MiB scratch drive per running microVM."
  default     = 200
}

variable "images_s3_uri" {
  type        = string
  description = "s3:// folder holding vmlinux and rootfs.ext4 (the guest kernel and image); host-setup.sh fetches them at boot."

  validation {
    condition     = can(regex("^s3://[a-z0-9.-]+(/.*)?$", var.images_s3_uri))
    error_message = "images_s3_uri must be an s3:// URI."
  }
}

variable "images_bucket_arn" {
  type        = string
  description = "ARN of the S3 bucket of images_s3_uri (the hosts get read access to it only)."
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
}
