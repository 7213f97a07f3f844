# Inputs of the sandbox host group (Sandbox Atlas bundle {{top}}).

variable "name" {
  type        = string
  description = "Name prefix of every resource."
  default     = "sandbox-atlas-{{use_case}}"
}

variable "vpc_id" {
  type        = string
  description = "VPC of the sandbox hosts."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets for the sandbox hosts (no public IPs are assigned)."
}

variable "ami_id" {
  type        = string
  description = "Debian 12 (or another systemd, cgroup v2, AppArmor) AMI for the hosts."
}

variable "instance_type" {
  type        = string
  description = "Instance type of the sandbox hosts."
  default     = "m7i.large"
}

variable "min_size" {
  type        = number
  description = "Fewest sandbox hosts."
  default     = 1
}

variable "max_size" {
  type        = number
  description = "Most sandbox hosts."
  default     = 4
}

variable "bundle_s3_uri" {
  type        = string
  description = "s3:// URI of this bundle's .tar.gz; each host unpacks it to /opt/sandbox-atlas at boot."
}

variable "bundle_bucket_arn" {
  type        = string
  description = "ARN of the bucket holding the bundle (read access for the hosts)."
}

variable "egress_cidrs" {
  type        = list(string)
  description = "Where hosts (and sandboxes, through network/sandbox.nft) may connect on 80 and 443."
  default     = ["0.0.0.0/0"]
}
