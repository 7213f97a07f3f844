variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "sandbox-agent"
}

variable "vpc_id" {
  description = "VPC the agent runs in."
  type        = string
}

variable "public_subnet_id" {
  description = "Public subnet that hosts the NAT gateway (fixed egress IP)."
  type        = string
}

variable "private_route_table_ids" {
  description = "Route tables of the agent's private subnets; their default route goes through the NAT gateway."
  type        = list(string)
}

variable "agent_service_principal" {
  description = "AWS service that runs the agent and assumes its role (ecs-tasks.amazonaws.com, ec2.amazonaws.com or pods.eks.amazonaws.com)."
  type        = string
  default     = "ecs-tasks.amazonaws.com"
}

variable "provider_api_domains" {
  description = "Domains the agent may resolve: the sandbox provider's API (DNS Firewall allow list)."
  type        = list(string)
  default     = {{api_domains_hcl}}
}

variable "extra_allowed_domains" {
  description = "Other domains the agent itself needs (model API, your services)."
  type        = list(string)
  default     = []
}

variable "secret_recovery_days" {
  description = "Days a deleted secret can be restored."
  type        = number
  default     = 7
}
