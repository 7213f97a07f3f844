output "sandbox_endpoint" {
  description = "Base URL of the sandbox API for the agent's client."
  value       = "https://${cloudflare_workers_custom_domain.sandbox.hostname}"
}

output "sandbox_script" {
  description = "Name of the sandbox Worker (the service the agent Worker binds to)."
  value       = cloudflare_workers_script.sandbox.script_name
}

output "logpush_job_id" {
  description = "ID of the Logpush job that ships the sandbox's trace events."
  value       = cloudflare_logpush_job.sandbox_traces.id
}
