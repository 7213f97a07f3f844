output "api_key_secret_arn" {
  description = "Secrets Manager secret to fill with the {{provider_name}} API key (aws secretsmanager put-secret-value)."
  value       = aws_secretsmanager_secret.provider_api_key.arn
}

output "agent_role_arn" {
  description = "IAM role for the agent's task, instance or pod."
  value       = aws_iam_role.agent.arn
}

output "agent_security_group_id" {
  description = "Security group to attach to the agent."
  value       = aws_security_group.agent.id
}

output "egress_ip" {
  description = "Fixed public IP of the agent's outbound traffic, for allowlists."
  value       = aws_eip.egress.public_ip
}
