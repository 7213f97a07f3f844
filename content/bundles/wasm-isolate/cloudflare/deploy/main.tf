# The sandbox Worker of {{primary_name}}, its alerting tail Worker, the
# custom domain the agent calls and the Logpush job of the trace events.
# The Worker code is built by wrangler (see variables.tf); this module
# uploads it with the same settings as deploy/wrangler.toml.
# Resources: https://registry.terraform.io/providers/cloudflare/cloudflare/latest/docs

locals {
  compatibility_date = "{{compat_date}}"
}

resource "cloudflare_workers_script" "tail" {
  account_id          = var.account_id
  script_name         = "{{tail_name}}"
  content_file        = var.tail_bundle
  content_sha256      = filesha256(var.tail_bundle)
  main_module         = "tail.js"
  compatibility_date  = local.compatibility_date
  compatibility_flags = ["global_fetch_strictly_public"]

  bindings = [
    {
      name = "ALERT_WEBHOOK_URL"
      type = "secret_text"
      text = var.alert_webhook_url
    },
  ]

  limits = {
    cpu_ms = 1000
  }
}

resource "cloudflare_workers_script" "sandbox" {
  account_id          = var.account_id
  script_name         = "{{worker_name}}"
  content_file        = var.worker_bundle
  content_sha256      = filesha256(var.worker_bundle)
  main_module         = "index.js"
  compatibility_date  = local.compatibility_date
  compatibility_flags = ["global_fetch_strictly_public"]
  logpush             = true

  bindings = [
    {
      name = "LOADER"
      type = "worker_loader"
    },
    {
      name = "AGENT_TOKEN"
      type = "secret_text"
      text = var.agent_token
    },
  ]

  limits = {
    cpu_ms = {{loader_cpu_ms}}
  }

  observability = {
    enabled            = true
    head_sampling_rate = 1
  }

  tail_consumers = [
    {
      service = cloudflare_workers_script.tail.script_name
    },
  ]
}

resource "cloudflare_workers_custom_domain" "sandbox" {
  account_id = var.account_id
  zone_id    = var.zone_id
  hostname   = var.hostname
  service    = cloudflare_workers_script.sandbox.script_name
}

# Every invocation's trace (outcome, logs with the egress decisions,
# exceptions) to long-term storage: the audit trail of the sandbox.
resource "cloudflare_logpush_job" "sandbox_traces" {
  account_id       = var.account_id
  name             = "{{worker_name}}-traces"
  dataset          = "workers_trace_events"
  destination_conf = var.logpush_destination
  enabled          = true
  filter           = jsonencode({ where = { key = "ScriptName", operator = "eq", value = cloudflare_workers_script.sandbox.script_name } })

  output_options = {
    field_names      = ["EventTimestampMs", "ScriptName", "Outcome", "Logs", "Exceptions", "CPUTimeMs", "WallTimeMs"]
    timestamp_format = "rfc3339"
  }
}
