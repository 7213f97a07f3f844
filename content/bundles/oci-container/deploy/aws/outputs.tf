# Outputs of the sandbox host group (Sandbox Atlas bundle {{top}}).

output "autoscaling_group_name" {
  description = "Name of the Auto Scaling group of sandbox hosts."
  value       = aws_autoscaling_group.sandbox.name
}

output "launch_template_id" {
  description = "Launch template of the sandbox hosts (IMDSv2 required, hop limit 1)."
  value       = aws_launch_template.sandbox.id
}

output "security_group_id" {
  description = "Security group of the sandbox hosts: no ingress, egress on 80 and 443 only."
  value       = aws_security_group.sandbox.id
}

output "instance_role_arn" {
  description = "IAM role of the sandbox hosts (SSM and reading the bundle only)."
  value       = aws_iam_role.sandbox.arn
}
