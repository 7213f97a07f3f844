# Caller-side infrastructure for {{provider_name}} sandboxes on AWS
# ({{top}}, generated {{build_date}}).
terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}
