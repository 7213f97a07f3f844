variable "account_id" {
  type        = string
  description = "Cloudflare account ID that owns the Workers."
}

variable "zone_id" {
  type        = string
  description = "Zone of the sandbox API hostname."
}

variable "hostname" {
  type        = string
  description = "Hostname the agent calls (custom domain of the sandbox Worker)."
  default     = "{{hostname}}"
}

variable "worker_bundle" {
  type        = string
  description = "Path of the built sandbox Worker module: run `npx wrangler@4 deploy --dry-run --outdir dist` in deploy/ and pass dist/index.js."
  default     = "dist/index.js"
}

variable "tail_bundle" {
  type        = string
  description = "Path of the built tail Worker module (`npx wrangler@4 deploy --dry-run --outdir dist-tail -c ../monitoring/wrangler.tail.toml`)."
  default     = "dist-tail/tail.js"
}

variable "agent_token" {
  type        = string
  sensitive   = true
  description = "Bearer token the agent presents (32+ characters); pass it from your secret store, e.g. TF_VAR_agent_token."
}

variable "alert_webhook_url" {
  type        = string
  sensitive   = true
  description = "Webhook that receives the tail Worker's alerts."
}

variable "logpush_destination" {
  type        = string
  sensitive   = true
  description = "Logpush destination_conf for the trace events, e.g. an R2 bucket URL with credentials (https://developers.cloudflare.com/logs/logpush/)."
}
