# Outputs of the Firecracker microVM host module.

output "autoscaling_group_name" {
  description = "Auto Scaling group of the microVM hosts."
  value       = aws_autoscaling_group.hosts.name
}

output "launch_template_id" {
  description = "Launch template of the microVM hosts (IMDSv2 required, encrypted root volume)."
  value       = aws_launch_template.hosts.id
}

output "security_group_id" {
  description = "Security group of the microVM hosts."
  value       = aws_security_group.hosts.id
}

output "host_role_arn" {
  description = "IAM role of the microVM hosts (SSM and read access to the image bucket only)."
  value       = aws_iam_role.hosts.arn
}
