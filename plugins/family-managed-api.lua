-- family-managed-api.lua: bundle files for sandboxes that a provider runs
-- for you behind an API (E2B, Modal, Daytona, Vercel Sandbox, Fly
-- Machines, ...).  Nothing here is loaded into the sandbox's host: the
-- bundle holds the provider's sandbox settings (lifetime, resources,
-- egress, secrets) in the provider's own field names, a janitor that
-- kills overdue sandboxes through the provider's API, Prometheus rules
-- over the agent-side client metrics, an incident playbook with the
-- provider's commands, the caller-side deployment for the requirement's
-- infrastructure, and agent-side clients around the provider's SDK.
--
-- Templates: content/bundles/managed-api/ (providers/<slug>/ for the
-- provider-specific files, generic/ for providers without their own,
-- common/ and deploy/<infra>/ for the rest).  Every fact about a
-- provider below cites the provider's documentation; the templates cite
-- it again in their comments.

-- Requirement dimensions the templates read.
local KEY = { "use-case", "trust", "infra" }

------------------------------------------------------------------------
-- Policy: what the requirements mean for any managed provider.
------------------------------------------------------------------------

local PRIVATE = { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10" }
local REGISTRIES = { "pypi.org", "files.pythonhosted.org", "registry.npmjs.org" }

local TRUST = {
  untrusted = { lifetime = 300, command = 60, rotate = 30 },
  ["semi-trusted"] = { lifetime = 900, command = 120, rotate = 60 },
  trusted = { lifetime = 3600, command = 600, rotate = 90 },
}

local USECASE = {
  ["code-execution"] = { vcpu = 2, mem = 2048 },
  ["browser-automation"] = { vcpu = 2, mem = 4096 },
  ["file-processing"] = { vcpu = 2, mem = 4096 },
  ["multi-tool-agent"] = { vcpu = 2, mem = 2048 },
}

-- Egress: mode deny-all | allowlist | open-public and the base domain
-- list.  Browser automation below "trusted" ships deny-all: the sites a
-- task may visit are the operator's to list (browse = true says so).
local function egress_for(req)
  local uc, tr = req["use-case"], req.trust
  if tr == "trusted" then
    return { mode = "open-public", domains = {} }
  end
  if tr == "semi-trusted" and (uc == "code-execution" or uc == "multi-tool-agent") then
    return { mode = "allowlist", domains = REGISTRIES }
  end
  return { mode = "deny-all", domains = {}, browse = (uc == "browser-automation") }
end

local function egress_note(eg, P)
  local s
  if eg.mode == "deny-all" then
    s = "All outbound traffic is denied; the sandbox can reach nothing."
    if eg.browse then
      s = s .. " Add the sites your browsing tasks need to the allowlist of this file before use."
    end
  elseif eg.mode == "open-public" then
    s = "Public internet allowed; private, link-local (metadata) and CGNAT ranges denied where the provider can deny them."
  else
    s = "Denied except " .. table.concat(eg.domains, ", ") .. " (package registries)."
  end
  if P and P.egress_caveat then s = s .. " " .. P.egress_caveat end
  return s
end

------------------------------------------------------------------------
-- Small helpers: deterministic JSON, YAML and HCL lists.
------------------------------------------------------------------------

local function is_array(t)
  if type(t) ~= "table" then return false end
  if t.__array then return true end
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n > 0 and #t == n
end

local function jstr(s)
  s = tostring(s):gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\"
    elseif c == "\n" then return "\\n" elseif c == "\t" then return "\\t" end
    return string.format("\\u%04x", c:byte())
  end)
  return '"' .. s .. '"'
end

-- JSON with sorted keys; `arr(...)` marks a possibly empty array.
local function arr(t) t = t or {}; t.__array = true; return t end

local function json(v, ind)
  ind = ind or ""
  local t = type(v)
  if t == "string" then return jstr(v) end
  if t == "number" then return (math.type(v) == "integer") and tostring(v) or string.format("%.17g", v) end
  if t == "boolean" then return tostring(v) end
  if t ~= "table" then error("json: cannot encode " .. t) end
  local inner = ind .. "  "
  if is_array(v) then
    if #v == 0 then return "[]" end
    local out = {}
    for i = 1, #v do out[i] = inner .. json(v[i], inner) end
    return "[\n" .. table.concat(out, ",\n") .. "\n" .. ind .. "]"
  end
  local keys = {}
  for k in pairs(v) do if k ~= "__array" then keys[#keys + 1] = k end end
  table.sort(keys)
  if #keys == 0 then return "{}" end
  local out = {}
  for i, k in ipairs(keys) do out[i] = inner .. jstr(k) .. ": " .. json(v[k], inner) end
  return "{\n" .. table.concat(out, ",\n") .. "\n" .. ind .. "}"
end

-- Re-indents a multi-line JSON value to sit at `ind` inside a template.
local function json_at(v, ind)
  return json(v, ind)
end

local function hcl_list(t)
  local out = {}
  for i, s in ipairs(t) do out[i] = jstr(s) end
  return "[" .. table.concat(out, ", ") .. "]"
end

local function md_list(urls)
  local out = {}
  for i, u in ipairs(urls) do out[i] = "- <" .. u .. ">" end
  return table.concat(out, "\n")
end

local function indent_cont(s, pad)
  return (s:gsub("\n", "\n" .. pad))
end

local function copy(t)
  local o = {}
  for i, v in ipairs(t) do o[i] = v end
  return o
end

------------------------------------------------------------------------
-- Providers.  Each: name, key_env, api_domains, docs, janitor (the path
-- it is written to, or nil when the platform itself is the watchdog),
-- settings(p) and egress(p) returning the provider-native JSON, and the
-- playbook's commands.  p = the computed policy.
------------------------------------------------------------------------

local PROVIDERS = {}

PROVIDERS.e2b = {
  name = "E2B",
  key_env = "E2B_API_KEY",
  api_domains = { "api.e2b.app", "*.e2b.app" },
  sdk_name = "official `e2b` SDK (npm and PyPI)",
  sdk_install = "e2b@2.51.0",
  sdk_version = "2.51.0",
  lifetime_field = "`timeoutMs` with `lifecycle.onTimeout: kill`",
  resources_field = "template `cpuCount` and `memoryMB`, fixed when the template is built",
  api_doc = "https://e2b.dev/docs/api-reference",
  docs = {
    "https://e2b.dev/docs/sandbox",
    "https://e2b.dev/docs/network/internet-access",
    "https://e2b.dev/docs/network/restrict-public-access",
    "https://e2b.dev/docs/sandbox/secured-access",
    "https://e2b.dev/docs/api-reference",
    "https://e2b.dev/docs/sdk-reference/cli/v2.12.1/sandbox",
    "https://e2b.dev/docs/sandbox/metrics",
  },
  secret_docs = { "https://e2b.dev/docs/network/internet-access", "https://e2b.dev/docs/sandbox/secured-access" },
  secret_mode = "egress-header-injection",
  secret_note = "The E2B API key stays in the agent's environment (from your secret store). Credentials the sandboxed code needs are added by E2B's egress proxy as request headers (network.rules transforms) for the hosts listed in inject, so they never enter the VM; a rule does not itself open egress, the host must also be allowed.",
  provider_signals = "`e2b sandbox list`, `e2b sandbox logs` and `e2b sandbox metrics` (CLI), the sandbox metrics API and lifecycle events/webhooks.",
  janitor = "security/janitor.sh",
  janitor_exec = "/opt/sandbox-agent/security/janitor.sh",
  watchdog_note = "the hard timeout at creation kills the VM; `security/janitor.sh` (run every minute) lists running sandboxes tagged `managed-by=sandbox-atlas` through the REST API and kills any that outlived the lifetime plus 60 s.",
  pb_list = "e2b sandbox list --state running --metadata managed-by=sandbox-atlas --format json",
  pb_kill = "e2b sandbox kill SANDBOX_ID   # or every one of ours: e2b sandbox kill --all --metadata managed-by=sandbox-atlas",
  pb_network = "replace the running sandbox's egress rules with deny-all: `curl -X PUT -H \"X-API-Key: $E2B_API_KEY\" -H 'Content-Type: application/json' -d '{\"allowInternetAccess\":false}' https://api.e2b.app/sandboxes/SANDBOX_ID/network`.",
  pb_rotate = "# E2B dashboard > Team > API keys: create a new key, store it, then delete the old one\naws secretsmanager put-secret-value --secret-id sandbox-agent/e2b-api-key --secret-string \"$NEW_E2B_API_KEY\"",
  settings = function(p)
    return nil -- template providers/e2b/sandbox-settings.json
  end,
  egress_json = function(eg, ind)
    if eg.mode == "deny-all" or (eg.mode == "allowlist" and #eg.domains == 0) then
      return json({ allowInternetAccess = false, network = { allowPublicTraffic = false } }, ind)
    elseif eg.mode == "allowlist" then
      return json({ allowInternetAccess = true, network = { allowOut = copy(eg.domains),
        denyOut = { "0.0.0.0/0" }, allowPublicTraffic = false } }, ind)
    end
    return json({ allowInternetAccess = true, network = { denyOut = copy(PRIVATE), allowPublicTraffic = false } }, ind)
  end,
  files = {
    ["security/sandbox-settings.json"] = "providers/e2b/sandbox-settings.json",
    ["network/egress-policy.json"] = "providers/e2b/egress-policy.json",
    ["security/janitor.sh"] = "providers/e2b/janitor.sh",
    ["integration/providerTransport.ts"] = "providers/e2b/providerTransport.ts",
    ["integration/sandbox_provider.py"] = "providers/e2b/sandbox_provider.py",
  },
  inject_ok = true,
  common_integration = { "e2bTransport.ts", "sandbox_e2b.py" },
}

PROVIDERS.modal = {
  name = "Modal",
  key_env = "MODAL_TOKEN_SECRET",
  key_id_env = "MODAL_TOKEN_ID",
  api_domains = { "api.modal.com", "*.modal.com", "*.modal.run" },
  sdk_name = "official `modal` SDK (npm `modal`, PyPI `modal`)",
  lifetime_field = "`timeoutMs`, plus `idleTimeoutMs`",
  resources_field = "`cpu`/`cpuLimit` in physical cores (1 core = 2 vCPU) and `memoryMiB`/`memoryLimitMiB`",
  api_doc = "https://modal.com/docs/guide/sandboxes",
  docs = {
    "https://modal.com/docs/guide/sandboxes",
    "https://modal.com/docs/guide/sandbox-networking",
    "https://modal.com/docs/guide/sandbox-resources",
    "https://modal.com/docs/guide/sandbox-secret-injection",
    "https://modal.com/docs/sdk/js/latest/intro",
    "https://modal-labs.github.io/libmodal/types/SandboxCreateParams.html",
  },
  secret_docs = { "https://modal.com/docs/guide/sandbox-secret-injection", "https://modal.com/docs/guide/secrets" },
  secret_mode = "egress-header-injection",
  secret_note = "The Modal token pair stays in the agent's environment (from your secret store). Credentials the sandboxed code needs are added outside the sandbox by Modal's outbound policy (experimentalOutboundPolicy header replacement) from the named Modal Secret sandbox-atlas-inject, for the hosts listed in inject; the sandbox never holds them.",
  provider_signals = "the Modal dashboard's sandbox list and logs, `modal app logs sandbox-atlas-tools`, and the app's usage and billing pages.",
  janitor = "security/janitor.ts",
  janitor_exec = "/usr/bin/node --import tsx /opt/sandbox-agent/security/janitor.ts",
  watchdog_note = "Modal enforces `timeoutMs` and `idleTimeoutMs` server-side; `security/janitor.ts` (run every minute) lists sandboxes tagged `managed-by=sandbox-atlas` with the SDK and terminates any whose `expires-at` tag is more than 60 s past.",
  pb_list = "DRY_RUN=1 node --import tsx security/janitor.ts   # lists our overdue sandboxes; the dashboard lists all",
  pb_kill = "node --input-type=module -e 'import { ModalClient } from \"modal\"; const m = new ModalClient(); await (await m.sandboxes.fromId(process.argv[1])).terminate(); m.close();' SANDBOX_ID",
  pb_network = "terminate and recreate it: Modal sets blockNetwork and the allowlists at creation, so recreate with `blockNetwork: true` in `network/egress-policy.json`.",
  pb_rotate = "# Modal dashboard > Settings > API tokens: create a token, store it, revoke the old one\naws secretsmanager put-secret-value --secret-id sandbox-agent/modal-api-key --secret-string \"$NEW_MODAL_TOKEN_SECRET\"",
  egress_json = function(eg, ind)
    if eg.mode == "deny-all" then return json({ blockNetwork = true }, ind) end
    if eg.mode == "allowlist" then
      return json({ blockNetwork = false, outboundDomainAllowlist = copy(eg.domains) }, ind)
    end
    return json({ blockNetwork = false }, ind)
  end,
  egress_caveat = "Modal has no deny list for private ranges; sandboxes have no route to your Modal resources by default.",
  files = {
    ["security/sandbox-settings.json"] = "providers/modal/sandbox-settings.json",
    ["network/egress-policy.json"] = "providers/modal/egress-policy.json",
    ["security/janitor.ts"] = "providers/modal/janitor.ts",
    ["integration/providerTransport.ts"] = "providers/modal/providerTransport.ts",
    ["integration/sandbox_provider.py"] = "providers/modal/sandbox_provider.py",
  },
  inject_ok = true,
  common_integration = { "modalTransport.ts", "sandbox_modal.py" },
  extra = function(req, v)
    v.modal_image = (req["use-case"] == "browser-automation") and "mcr.microsoft.com/playwright/python:v1.49.0-noble" or "python:3.12-slim"
    v.idle_ms = 120000
    v.modal_cores = 1
  end,
}

PROVIDERS["fly-machines"] = {
  name = "Fly Machines",
  key_env = "FLY_API_TOKEN",
  api_domains = { "api.machines.dev" },
  sdk_name = "the documented Machines REST API (Fly has no sandbox SDK)",
  lifetime_field = "the Machine's main process `sleep LIFETIME` with `auto_destroy: true` and restart policy `no`",
  resources_field = "`guest.cpus`, `guest.cpu_kind` and `guest.memory_mb`",
  api_doc = "https://fly.io/docs/machines/api/machines-resource/",
  docs = {
    "https://fly.io/docs/machines/api/machines-resource/",
    "https://fly.io/docs/machines/api/apps-resource/",
    "https://fly.io/docs/machines/guides-examples/network-policies",
    "https://fly.io/docs/reference/private-networking/",
    "https://fly.io/docs/machines/guides-examples/machine-sizing",
    "https://fly.io/docs/security/tokens/",
  },
  secret_docs = { "https://fly.io/docs/security/tokens/" },
  secret_mode = "short-lived-credentials",
  secret_note = "Use a deploy token scoped to the sandbox app only, with an expiry (fly tokens create deploy -a sandbox-atlas-tools --expiry 720h), kept in your secret store and in the agent's environment; Machines get no Fly token and no secrets. Fly has no egress header injection: code that needs a credential must call a narrow tool of the agent instead.",
  provider_signals = "`fly machine list -a sandbox-atlas-tools`, `fly logs -a sandbox-atlas-tools`, the app's Grafana metrics dashboard and `fly machine status ID`.",
  janitor = "security/janitor.sh",
  janitor_exec = "/opt/sandbox-agent/security/janitor.sh",
  watchdog_note = "each Machine's main process ends after the lifetime and `auto_destroy` removes it; `security/janitor.sh` (run every minute) lists the app's Machines tagged `managed-by=sandbox-atlas` through the Machines API and force-destroys any older than the lifetime plus 60 s.",
  pb_list = "fly machine list -a sandbox-atlas-tools --json",
  pb_kill = "fly machine destroy --force -a sandbox-atlas-tools MACHINE_ID",
  pb_network = "add a deny-all egress policy to the app (POST /v1/apps/sandbox-atlas-tools/network_policies with an egress rule for a closed port) or destroy the Machine.",
  pb_rotate = "fly tokens list -a sandbox-atlas-tools && fly tokens revoke TOKEN_ID\nfly tokens create deploy -a sandbox-atlas-tools --expiry 720h   # store it in your secret store",
  egress_json = function(eg, ind)
    local ports
    if eg.mode == "open-public" then
      ports = { { protocol = "tcp", port = 80 }, { protocol = "tcp", port = 443 }, { protocol = "udp", port = 53 } }
    else
      ports = { { protocol = "udp", port = 53 }, { protocol = "tcp", port = 443 } }
    end
    return json({ name = "sandbox-atlas-egress", selector = { all = true },
      rules = { { action = "allow", direction = "egress", ports = ports } } }, ind)
  end,
  egress_caveat = "Fly Machines cannot filter egress by host name or deny it entirely: this policy allows only DNS and HTTPS (plus HTTP when trusted) to any host, and the sandbox app gets its own private network so it cannot reach your other apps.",
  files = {
    ["security/sandbox-settings.json"] = "providers/fly-machines/sandbox-settings.json",
    ["network/egress-policy.json"] = "providers/fly-machines/egress-policy.json",
    ["security/janitor.sh"] = "providers/fly-machines/janitor.sh",
    ["integration/flyTransport.ts"] = "providers/fly-machines/flyTransport.ts",
    ["integration/flyTransport.test.ts"] = "providers/fly-machines/flyTransport.test.ts",
    ["integration/sandbox_fly.py"] = "providers/fly-machines/sandbox_fly.py",
    ["integration/test_sandbox_fly.py"] = "providers/fly-machines/test_sandbox_fly.py",
  },
  transport_class = "FlyTransport",
  transport_module = "./flyTransport.js",
  inject_ok = false,
  extra = function(req, v)
    v.fly_image = (req["use-case"] == "browser-automation") and "mcr.microsoft.com/playwright/python:v1.49.0-noble" or "python:3.12-slim"
  end,
}

PROVIDERS["cloudflare-sandbox"] = {
  name = "Cloudflare Sandbox",
  key_env = "SANDBOX_API_TOKEN",
  api_domains = { "sandbox-atlas-tools.workers.dev", "*.workers.dev" },
  sdk_name = "official `@cloudflare/sandbox` SDK inside a Worker; the agent calls the Worker through the common client's HttpJsonTransport",
  lifetime_field = "`exec.timeout` per command, `sleepAfter` with `keepAlive: false`, and `destroy()` when the call ends",
  resources_field = "`instance_type` in `deploy/wrangler.jsonc`",
  api_doc = "https://developers.cloudflare.com/sandbox/",
  docs = {
    "https://developers.cloudflare.com/sandbox/",
    "https://developers.cloudflare.com/sandbox/concepts/security/",
    "https://developers.cloudflare.com/containers/configuration/outbound-traffic/",
    "https://developers.cloudflare.com/containers/platform/limits/",
    "https://developers.cloudflare.com/workers/wrangler/configuration/",
    "https://developers.cloudflare.com/workers/observability/logs/workers-logs/",
  },
  secret_docs = { "https://developers.cloudflare.com/workers/configuration/secrets/", "https://developers.cloudflare.com/containers/configuration/outbound-traffic/" },
  secret_mode = "provider-secret-store",
  secret_note = "The agent authenticates to the Worker with SANDBOX_API_TOKEN (a Worker secret, AGENT_TOKEN on the Worker side); containers receive no credentials. Where sandboxed code must call an API, add an outbound handler to the Sandbox class (outboundByHost) that adds the header from a Worker secret, so the container never sees it.",
  provider_signals = "Workers Logs and `npx wrangler tail sandbox-atlas-tools`, container logs in the dashboard (3 days Free, 7 days Paid), and the Containers metrics in the dashboard.",
  janitor = nil,
  watchdog_note = "the Worker destroys each sandbox when its tool call ends (DELETE from the client's cleanup), every command has a timeout, and a sandbox left behind sleeps after `sleepAfter` without requests; Cloudflare offers no API that lists sandbox instances, so there is no separate janitor.",
  pb_list = "npx wrangler tail sandbox-atlas-tools --format json   # live requests; the dashboard lists running container instances",
  pb_kill = "curl -X DELETE -H \"Authorization: Bearer $SANDBOX_API_TOKEN\" https://sandbox-atlas-tools.YOUR-SUBDOMAIN.workers.dev/v1/sandboxes/SANDBOX_ID",
  pb_network = "set `enableInternet: false` and empty `allowedHosts` in `network/egress-policy.json` and redeploy (`npx wrangler deploy`).",
  pb_rotate = "openssl rand -hex 32 | npx wrangler secret put AGENT_TOKEN   # then store the same value as the agent's SANDBOX_API_TOKEN",
  pb_janitor = "npx wrangler deploy   # a redeploy restarts the Durable Objects; sleeping sandboxes stay stopped",
  egress_json = function(eg, ind)
    if eg.mode == "deny-all" then return json({ enableInternet = false, allowedHosts = arr({}) }, ind) end
    if eg.mode == "allowlist" then return json({ enableInternet = false, allowedHosts = copy(eg.domains) }, ind) end
    return json({ enableInternet = true, deniedHosts = copy(PRIVATE) }, ind)
  end,
  files = {
    ["security/sandbox-settings.json"] = "providers/cloudflare-sandbox/sandbox-settings.json",
    ["network/egress-policy.json"] = "providers/cloudflare-sandbox/egress-policy.json",
    ["deploy/worker.ts"] = "providers/cloudflare-sandbox/worker.ts",
  },
  cloudflare_deploy = true,
  transport_class = "HttpJsonTransport",
  transport_module = "./sandboxClient.js",
  inject_ok = false,
  extra = function(req, v)
    v.cf_sleep = "2m"
    v.cf_instance = (req["use-case"] == "browser-automation" or req["use-case"] == "file-processing") and "standard-2" or "standard-1"
    v.cf_max_instances = 20
  end,
}

------------------------------------------------------------------------
-- Providers without their own templates: the generic templates plus
-- these tables.  settings name the provider's documented field for each
-- setting of the policy; egress says what the provider can enforce.
------------------------------------------------------------------------

local function G(t)
  t.generic = true
  t.files = {
    ["security/sandbox-settings.json"] = "generic/sandbox-settings.json",
    ["network/egress-policy.json"] = "generic/egress-policy.json",
  }
  t.inject_ok = false
  if not t.transport_class then t.no_transport = true end
  return t
end

PROVIDERS.daytona = G {
  name = "Daytona", key_env = "DAYTONA_API_KEY", api_domains = { "app.daytona.io" },
  sdk_name = "the official Daytona SDK (npm @daytonaio/sdk, PyPI daytona), through the bundle's DaytonaTransport",
  docs = { "https://www.daytona.io/docs/en/sandboxes", "https://www.daytona.io/docs/en/network-limits",
    "https://www.daytona.io/docs/en/limits", "https://www.daytona.io/docs/en/process-code-execution" },
  lifetime = { field = "autoStopInterval (minutes) with ephemeral: true, so a stopped sandbox is deleted", unit = "min", source = "https://www.daytona.io/docs/en/sandboxes" },
  command = { field = "timeout (seconds) of process.executeCommand / process.codeRun", source = "https://www.daytona.io/docs/en/process-code-execution" },
  resources = { field = "resources { cpu, memory, disk } when creating from an image (organisation maximum 4 vCPU, 8 GB, 10 GB)", source = "https://www.daytona.io/docs/en/sandboxes" },
  egress = { field = "networkBlockAll; networkAllowList (up to 10 IPv4 CIDRs)", source = "https://www.daytona.io/docs/en/network-limits", deny = true, domains = false },
  egress_caveat = "Tier 1 and 2 organisations are held to Daytona's curated allowlist and cannot set their own per sandbox; the allowlist takes IPv4 ranges, not domains.",
  secret_mode = "none", secret_docs = { "https://www.daytona.io/docs/en/sandboxes" },
  secret_note = "The Daytona API key stays in the agent's environment (from your secret store). Daytona documents no egress credential injection: pass no secrets as sandbox environment variables, since the code can read them; call credentialed APIs from a narrow tool of the agent instead.",
  provider_signals = "Daytona's audit logs (admin actions, auth events, data access), webhooks on sandbox state changes and the OpenTelemetry export.",
  watchdog_note = "autoStopInterval stops an idle sandbox and ephemeral deletes it on stop; long-running processes do not count as activity. The client deletes each sandbox in its cleanup path. No janitor is shipped for Daytona.",
  pb_list = "daytona sandbox list", pb_kill = "daytona sandbox delete SANDBOX_ID",
  pb_network = "recreate the sandbox with networkBlockAll: true (or update its network settings where your tier allows).",
  pb_rotate = "# Daytona dashboard > API Keys: create a key, store it, delete the old one",
  common_integration = { "daytonaTransport.ts", "sandbox_daytona.py" },
  transport_class = "DaytonaTransport", transport_module = "./daytonaTransport.js",
}

PROVIDERS["vercel-sandbox"] = G {
  name = "Vercel Sandbox", key_env = "VERCEL_TOKEN", api_domains = { "api.vercel.com", "*.vercel.run" },
  sdk_name = "the official @vercel/sandbox SDK (npm; PyPI vercel), through the bundle's VercelTransport",
  docs = { "https://vercel.com/docs/vercel-sandbox", "https://vercel.com/docs/vercel-sandbox/pricing",
    "https://github.com/vercel/sandbox/blob/main/skills/sandbox/SKILL.md" },
  lifetime = { field = "timeout (ms) of Sandbox.create; extendTimeout to prolong", unit = "ms", source = "https://vercel.com/docs/vercel-sandbox" },
  command = { field = "timeoutMs of runCommand", source = "https://github.com/vercel/sandbox/blob/main/skills/sandbox/SKILL.md" },
  resources = { field = "resources.vcpus (2,048 MB of memory per vCPU)", source = "https://vercel.com/docs/vercel-sandbox/pricing" },
  egress = { field = "networkPolicy: deny-all, or allow lists of domains (wildcards) and CIDRs with CIDR deny rules that win", source = "https://github.com/vercel/sandbox/blob/main/skills/sandbox/SKILL.md", deny = true, domains = true, private = true },
  secret_mode = "egress-header-injection", secret_docs = { "https://github.com/vercel/sandbox/blob/main/skills/sandbox/SKILL.md" },
  secret_note = "The Vercel token stays in the agent's environment (from your secret store). Vercel's network policy can add per-domain headers (credential brokering) outside the VM, so credentials the code needs are never inside it; configure them on the policy, not as environment variables.",
  provider_signals = "the sandbox's CPU, memory and data-transfer metrics in the Vercel dashboard, and the project's logs.",
  watchdog_note = "the timeout at creation stops the sandbox; the client stops it in its cleanup path. No janitor is shipped for Vercel Sandbox.",
  pb_list = "sandbox list", pb_kill = "sandbox stop SANDBOX_ID",
  pb_network = "switch the running sandbox's networkPolicy to deny-all with sandbox.update() (policies can change at runtime).",
  pb_rotate = "# Vercel dashboard > Account Settings > Tokens: create a token, store it, delete the old one",
  common_integration = { "vercelTransport.ts", "sandbox_vercel.py" },
  transport_class = "VercelTransport", transport_module = "./vercelTransport.js",
}

PROVIDERS.northflank = G {
  name = "Northflank", key_env = "NORTHFLANK_API_TOKEN", api_domains = { "api.northflank.com" },
  sdk_name = "the Northflank JavaScript client (npm @northflank/js-client)",
  docs = { "https://northflank.com/docs/v1/application/sandboxes/sandboxes-on-northflank",
    "https://northflank.com/docs/v1/application/sandboxes/configure-and-manage-sandboxes",
    "https://northflank.com/docs/v1/application/network/networking-on-northflank" },
  lifetime = { field = "none per sandbox: delete the sandbox service when the call ends", unit = "s", source = "https://northflank.com/docs/v1/application/sandboxes/configure-and-manage-sandboxes" },
  command = { field = "the timeout of the exec helper of @northflank/js-client", source = "https://northflank.com/docs/v1/application/sandboxes/create-sandbox-with-sdk" },
  resources = { field = "the service's deployment plan (CPU and memory)", source = "https://northflank.com/docs/v1/application/sandboxes/configure-and-manage-sandboxes" },
  egress = { field = "no per-sandbox egress setting documented", source = "https://northflank.com/docs/v1/application/network/networking-on-northflank", deny = false, domains = false },
  egress_caveat = "Northflank documents no per-sandbox egress control: on your own cluster (BYOC) restrict the sandbox namespace with a NetworkPolicy; on Northflank's cloud egress stays open.",
  secret_mode = "none", secret_docs = { "https://northflank.com/docs/v1/application/sandboxes/sandboxes-on-northflank" },
  secret_note = "The Northflank API token stays in the agent's environment; give the sandbox service no secret groups, since its code can read them.",
  provider_signals = "the service's logs and metrics in the Northflank dashboard and the team's audit log.",
  watchdog_note = "Northflank documents no lifetime limit for a sandbox service: the client deletes it in its cleanup path, and you must delete leftovers from the dashboard or API. No janitor is shipped.",
  pb_list = "# Northflank dashboard > Project > Services (sandbox services)", pb_kill = "# Northflank dashboard > Project > Services > SERVICE > Delete",
  pb_network = "delete the service; no per-sandbox egress switch is documented.",
  pb_rotate = "# Northflank dashboard > Team > API tokens: create a token, store it, revoke the old one",
}

PROVIDERS.runloop = G {
  name = "Runloop", key_env = "RUNLOOP_API_KEY", api_domains = { "api.runloop.ai" },
  sdk_name = "the official Runloop SDK (npm @runloop/api-client, PyPI runloop_api_client)",
  docs = { "https://docs.runloop.ai/docs/network-policies", "https://docs.runloop.ai/main-concepts/devbox/start-stop",
    "https://runloop.ai/security-2" },
  lifetime = { field = "launch_parameters.keep_alive_time_seconds, and after_idle with on_idle shutdown", unit = "s", source = "https://docs.runloop.ai/main-concepts/devbox/start-stop" },
  command = { field = "the timeout of execute_sync / executeSync", source = "https://docs.runloop.ai/main-concepts/devbox/start-stop" },
  resources = { field = "launch_parameters.resource_size_request (X_SMALL to XX_LARGE) or custom_cpu_cores and custom_gb_memory", source = "https://docs.runloop.ai/main-concepts/devbox/start-stop" },
  egress = { field = "a network policy (allowed hostnames with wildcards, or deny all) attached to the devbox", source = "https://docs.runloop.ai/docs/network-policies", deny = true, domains = true },
  secret_mode = "none", secret_docs = { "https://runloop.ai/security-2" },
  secret_note = "The Runloop API key stays in the agent's environment. Runloop describes a credential gateway; until you configure it, pass no secrets into devboxes.",
  provider_signals = "devbox logs and states in the Runloop dashboard and API.",
  watchdog_note = "keep_alive_time_seconds and the idle shutdown end a devbox; the client shuts it down in its cleanup path. No janitor is shipped for Runloop.",
  pb_list = "curl -s https://api.runloop.ai/v1/devboxes -H \"Authorization: Bearer $RUNLOOP_API_KEY\"",
  pb_kill = "curl -s -X POST https://api.runloop.ai/v1/devboxes/DEVBOX_ID/shutdown -H \"Authorization: Bearer $RUNLOOP_API_KEY\"",
  pb_network = "attach a deny-all network policy or shut the devbox down.",
  pb_rotate = "# Runloop dashboard > Settings > API keys: create a key, store it, delete the old one",
}

PROVIDERS["codesandbox-sdk"] = G {
  name = "CodeSandbox SDK", key_env = "CSB_API_KEY", api_domains = { "api.codesandbox.io" },
  sdk_name = "the official @codesandbox/sdk (TypeScript only)",
  docs = { "https://codesandbox.io/docs/sdk", "https://codesandbox.io/docs/sdk/host-privacy",
    "https://github.com/codesandbox/codesandbox-sdk/blob/816852b524087f28d639747ad42ab38dc95a29ce/BILLING_AND_LIFECYCLE.md" },
  lifetime = { field = "the hibernation timeout at creation (auto-hibernate after 5 min idle by default, up to 24 h), then shutdown", unit = "s", source = "https://github.com/codesandbox/codesandbox-sdk/blob/816852b524087f28d639747ad42ab38dc95a29ce/BILLING_AND_LIFECYCLE.md" },
  command = { field = "the timeout of commands.run", source = "https://codesandbox.io/docs/sdk" },
  resources = { field = "the VM tier chosen at creation (Pico and up)", source = "https://codesandbox.io/docs/sdk/pricing" },
  egress = { field = "no egress control documented", source = "https://codesandbox.io/docs/sdk/host-privacy", deny = false, domains = false },
  egress_caveat = "CodeSandbox documents no egress control; keep its sandboxes private (expiring host tokens) and give them nothing worth stealing.",
  secret_mode = "none", secret_docs = { "https://codesandbox.io/docs/sdk/host-privacy" },
  secret_note = "The CodeSandbox API key stays in the agent's environment; pass no secrets into sandboxes, whose code can read them.",
  provider_signals = "the sandbox list and usage in the CodeSandbox dashboard.",
  watchdog_note = "sandboxes hibernate after the idle timeout; the client shuts them down in its cleanup path. No janitor is shipped.",
  pb_list = "# CodeSandbox dashboard > Sandboxes (or sdk.sandboxes.list())", pb_kill = "# sdk.sandboxes.shutdown(SANDBOX_ID) from a Node REPL with CSB_API_KEY set",
  pb_network = "shut the sandbox down; no egress switch is documented.",
  pb_rotate = "# CodeSandbox dashboard > API tokens: create a token, store it, revoke the old one",
}

PROVIDERS.blaxel = G {
  name = "Blaxel", key_env = "BL_API_KEY", api_domains = { "api.blaxel.ai", "*.bl.run" },
  sdk_name = "the official Blaxel SDK (npm @blaxel/core, PyPI blaxel)",
  docs = { "https://docs.blaxel.ai/Sandboxes/Overview", "https://docs.blaxel.ai/Sandboxes/Expiration",
    "https://docs.blaxel.ai/api-reference/compute" },
  lifetime = { field = "the sandbox's ttl / expiration policy (kept indefinitely otherwise)", unit = "s", source = "https://docs.blaxel.ai/Sandboxes/Expiration" },
  command = { field = "the timeout of process.exec", source = "https://docs.blaxel.ai/Sandboxes/Overview" },
  resources = { field = "memory (CPU is allocated from memory)", source = "https://docs.blaxel.ai/Sandboxes/Overview" },
  egress = { field = "no egress allow or deny list documented", source = "https://docs.blaxel.ai/Sandboxes/Overview", deny = false, domains = false },
  egress_caveat = "Blaxel documents no egress control (dedicated egress IPs are in private preview).",
  secret_mode = "none", secret_docs = { "https://docs.blaxel.ai/Sandboxes/Overview" },
  secret_note = "The Blaxel API key stays in the agent's environment; pass no secrets into sandboxes.",
  provider_signals = "sandbox logs and states in the Blaxel console and API.",
  watchdog_note = "the expiration policy deletes a sandbox after its TTL; the client deletes it in its cleanup path. No janitor is shipped.",
  pb_list = "bl get sandboxes", pb_kill = "bl delete sandbox SANDBOX_NAME",
  pb_network = "delete the sandbox; no egress switch is documented.",
  pb_rotate = "# Blaxel console > Workspace settings > API keys: create a key, store it, revoke the old one",
}

PROVIDERS["exe-dev"] = G {
  name = "exe.dev", key_env = "EXE_API_TOKEN", api_domains = { "exe.dev", "*.exe.xyz" },
  sdk_name = "exe.dev's HTTPS API (POST https://exe.dev/exec) or SSH commands",
  docs = { "https://exe.dev/docs/all", "https://exe.dev/docs/how-exedev-works", "https://exe.dev/deploy/sandbox" },
  lifetime = { field = "none: VMs persist until `rm`; delete the VM when the call ends", unit = "s", source = "https://exe.dev/docs/all" },
  command = { field = "a timeout(1) wrapper around the command you send", source = "https://exe.dev/docs/all" },
  resources = { field = "the plan's shared CPU and memory, or a standalone sandbox VM (2 vCPU / 4 GiB units)", source = "https://exe.dev/deploy/sandbox" },
  egress = { field = "the VM's internet integration (egress open by default)", source = "https://exe.dev/docs/all", deny = true, domains = false },
  secret_mode = "none", secret_docs = { "https://exe.dev/docs/all" },
  secret_note = "The exe.dev token stays in the agent's environment; pass no secrets into VMs.",
  provider_signals = "`ssh exe.dev ls` and the exe.dev dashboard.",
  watchdog_note = "exe.dev VMs persist until deleted: the client deletes each one in its cleanup path and leftovers must be removed with `ssh exe.dev rm`. No janitor is shipped.",
  pb_list = "ssh exe.dev ls", pb_kill = "ssh exe.dev rm VM_NAME",
  pb_network = "cut the VM's internet access through its integration settings or delete it.",
  pb_rotate = "# exe.dev dashboard: revoke the API token, create a new one, store it",
}

PROVIDERS["aws-agentcore-code-interpreter"] = G {
  name = "AWS Bedrock AgentCore Code Interpreter", key_env = "AWS_ROLE_ARN", api_domains = { "bedrock-agentcore.us-east-1.amazonaws.com" },
  sdk_name = "the AWS SDKs (npm @aws-sdk/client-bedrock-agentcore, boto3)",
  docs = { "https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/code-interpreter-tool.html",
    "https://docs.aws.amazon.com/it_it/bedrock-agentcore/latest/devguide/code-interpreter-session-characteristics.html",
    "https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_CodeInterpreterNetworkConfiguration.html" },
  lifetime = { field = "sessionTimeoutSeconds of StartCodeInterpreterSession (default 900, maximum 28,800)", unit = "s", source = "https://docs.aws.amazon.com/it_it/bedrock-agentcore/latest/devguide/code-interpreter-session-characteristics.html" },
  command = { field = "the session timeout bounds each executeCode call", source = "https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/code-interpreter-tool.html" },
  resources = { field = "fixed per session by AWS (not configurable)", source = "https://docs.aws.amazon.com/it_it/bedrock-agentcore/latest/devguide/code-interpreter-session-characteristics.html" },
  egress = { field = "networkConfiguration.networkMode of CreateCodeInterpreter: SANDBOX, PUBLIC or VPC", source = "https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_CodeInterpreterNetworkConfiguration.html", deny = true, domains = false },
  egress_caveat = "SANDBOX mode still reaches S3 and DNS, which researchers used for exfiltration; for untrusted code use VPC mode in subnets without a NAT route and a Route 53 Resolver DNS Firewall.",
  secret_mode = "short-lived-credentials", secret_docs = { "https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/code-interpreter-tool.html" },
  secret_note = "No API key: the agent calls AgentCore with its IAM role's short-lived credentials. Give the interpreter's execution role no permissions beyond what the code must do.",
  provider_signals = "CloudTrail records of StartCodeInterpreterSession, InvokeCodeInterpreter and StopCodeInterpreterSession, and the CloudWatch metrics of the interpreter.",
  watchdog_note = "sessionTimeoutSeconds ends every session; the client stops it in its cleanup path. No janitor is shipped.",
  pb_list = "aws bedrock-agentcore list-code-interpreter-sessions --code-interpreter-identifier INTERPRETER_ID --status READY",
  pb_kill = "aws bedrock-agentcore stop-code-interpreter-session --code-interpreter-identifier INTERPRETER_ID --session-id SESSION_ID",
  pb_network = "recreate the interpreter in VPC mode in subnets without a NAT route.",
  pb_rotate = "# revoke the agent role's active sessions: IAM console > Roles > ROLE > Revoke active sessions",
  secret_store = "aws-iam-role",
}

PROVIDERS["aws-lambda"] = G {
  name = "AWS Lambda", key_env = "AWS_ROLE_ARN", api_domains = { "lambda.us-east-1.amazonaws.com" },
  sdk_name = "the AWS SDKs (npm @aws-sdk/client-lambda, boto3)",
  docs = { "https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html",
    "https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html",
    "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html",
    "https://docs.aws.amazon.com/whitepapers/latest/security-overview-aws-lambda/lambda-isolation-technologies.html" },
  lifetime = { field = "Timeout of the function (maximum 900 s)", unit = "s", source = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html" },
  command = { field = "Timeout of the function", source = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html" },
  resources = { field = "MemorySize (128 to 10,240 MB; CPU scales with memory)", source = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html" },
  egress = { field = "VpcConfig: a function in private subnets without a NAT route has no internet access", source = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html", deny = true, domains = false },
  egress_caveat = "Warm execution environments are reused between invocations of the same function: never keep one user's data in /tmp for the next.",
  secret_mode = "short-lived-credentials", secret_docs = { "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html" },
  secret_note = "No API key: the agent invokes with its IAM role. The function's execution role must allow nothing (no policies), because the code can read its temporary credentials from the environment.",
  provider_signals = "CloudWatch Logs of the function, its Errors, Throttles and Duration metrics, and CloudTrail for configuration changes.",
  watchdog_note = "Lambda stops every invocation at the function's Timeout. No janitor is needed.",
  pb_list = "aws lambda get-function-configuration --function-name FUNCTION", pb_kill = "aws lambda put-function-concurrency --function-name FUNCTION --reserved-concurrent-executions 0",
  pb_network = "move the function to subnets without a NAT route (update-function-configuration --vpc-config).",
  pb_rotate = "# revoke the agent role's active sessions: IAM console > Roles > ROLE > Revoke active sessions",
  secret_store = "aws-iam-role",
}

PROVIDERS["cloud-run-sandboxes"] = G {
  name = "Google Cloud Run sandboxes", key_env = "GOOGLE_APPLICATION_CREDENTIALS", api_domains = { "run.googleapis.com" },
  sdk_name = "the sandbox CLI inside your Cloud Run service",
  docs = { "https://docs.cloud.google.com/run/docs/code-execution", "https://docs.cloud.google.com/run/docs/reference/sandbox-cli",
    "https://cloud.google.com/run/docs/configuring/request-timeout" },
  lifetime = { field = "the request timeout of the host Cloud Run service (timeoutSeconds)", unit = "s", source = "https://cloud.google.com/run/docs/configuring/request-timeout" },
  command = { field = "a timeout(1) wrapper around the sandbox CLI command", source = "https://docs.cloud.google.com/run/docs/reference/sandbox-cli" },
  resources = { field = "the host instance's CPU and memory (sandboxes share them)", source = "https://docs.cloud.google.com/run/docs/code-execution" },
  egress = { field = "sandbox CLI --allow-egress (egress blocked by default)", source = "https://docs.cloud.google.com/run/docs/reference/sandbox-cli", deny = true, domains = false },
  secret_mode = "none", secret_docs = { "https://docs.cloud.google.com/run/docs/reference/sandbox-cli" },
  secret_note = "Sandboxes inherit no host environment, secrets or metadata-server credentials; keep it that way and do not mount secrets into them.",
  provider_signals = "Cloud Logging of the host service and Cloud Audit Logs.",
  watchdog_note = "the host request's timeout ends the work; the service removes its sandboxes when the request ends. No janitor is shipped.",
  pb_list = "gcloud run services describe SERVICE --region REGION", pb_kill = "gcloud run services update-traffic SERVICE --region REGION --to-revisions LAST_GOOD=100",
  pb_network = "remove --allow-egress from the sandbox invocation and redeploy.",
  pb_rotate = "gcloud iam service-accounts keys list --iam-account SA_EMAIL   # delete any key; prefer the runtime identity",
  secret_store = "gcp-service-account",
}

PROVIDERS["openai-code-interpreter"] = G {
  name = "OpenAI code interpreter containers", key_env = "OPENAI_API_KEY", api_domains = { "api.openai.com" },
  sdk_name = "the OpenAI SDK (npm openai, PyPI openai) Containers API",
  docs = { "https://developers.openai.com/api/docs/guides/tools-code-interpreter",
    "https://platform.openai.com/docs/api-reference/containers" },
  lifetime = { field = "expires_after { anchor: last_active_at, minutes } of POST /v1/containers (20 idle minutes by default)", unit = "min", source = "https://platform.openai.com/docs/api-reference/containers" },
  command = { field = "not configurable: the model's code-interpreter call runs within the container's limits", source = "https://developers.openai.com/api/docs/guides/tools-code-interpreter" },
  resources = { field = "memory_limit: 1g, 4g, 16g or 64g", source = "https://platform.openai.com/docs/api-reference/containers" },
  egress = { field = "network_policy: disabled, or allowlist of domains (with domain_secrets)", source = "https://platform.openai.com/docs/api-reference/containers", deny = true, domains = true },
  secret_mode = "egress-header-injection", secret_docs = { "https://platform.openai.com/docs/api-reference/containers" },
  secret_note = "The OpenAI API key stays in the agent's environment. Credentials the code needs for an allowlisted domain go into the network policy's domain_secrets, injected outside the container.",
  provider_signals = "the container list (GET /v1/containers) and the organisation's usage and audit logs.",
  watchdog_note = "a container expires after its idle window and cannot be reactivated; the client deletes it in its cleanup path. No janitor is shipped.",
  pb_list = "curl -s https://api.openai.com/v1/containers -H \"Authorization: Bearer $OPENAI_API_KEY\"",
  pb_kill = "curl -s -X DELETE https://api.openai.com/v1/containers/CONTAINER_ID -H \"Authorization: Bearer $OPENAI_API_KEY\"",
  pb_network = "delete the container and create the next one with network_policy disabled.",
  pb_rotate = "# OpenAI dashboard > API keys: create a project key, store it, revoke the old one",
}

PROVIDERS["azure-dynamic-sessions"] = G {
  name = "Azure Container Apps dynamic sessions", key_env = "AZURE_CLIENT_ID", api_domains = { "dynamicsessions.io", "*.dynamicsessions.io" },
  sdk_name = "the session pool management endpoint with Microsoft Entra tokens",
  docs = { "https://learn.microsoft.com/en-us/azure/container-apps/sessions",
    "https://learn.microsoft.com/en-us/Azure/container-apps/sessions-code-interpreter",
    "https://learn.microsoft.com/en-us/azure/container-apps/sessions-usage" },
  lifetime = { field = "cooldownPeriodInSeconds of the session pool (--cooldown-period): idle seconds before a session is destroyed", unit = "s", source = "https://learn.microsoft.com/en-us/Azure/container-apps/sessions-code-interpreter" },
  command = { field = "the timeout of the code execution request", source = "https://learn.microsoft.com/en-us/Azure/container-apps/sessions-code-interpreter" },
  resources = { field = "the pool's container type (code interpreter) or the custom container's CPU and memory", source = "https://learn.microsoft.com/en-us/azure/container-apps/sessions" },
  egress = { field = "the pool's --network-status EgressDisabled or EgressEnabled", source = "https://learn.microsoft.com/en-us/Azure/container-apps/sessions-code-interpreter", deny = true, domains = false },
  egress_caveat = "Session identifiers work as secrets: derive them per user on the server side and never accept them from the model.",
  secret_mode = "short-lived-credentials", secret_docs = { "https://learn.microsoft.com/en-us/Azure/container-apps/sessions-code-interpreter" },
  secret_note = "No API key: the agent calls the pool with Microsoft Entra tokens of an identity holding the Azure ContainerApps Session Executor role.",
  provider_signals = "the pool's logs in Azure Monitor and the activity log.",
  watchdog_note = "the pool destroys a session after the cooldown period; no janitor is needed.",
  pb_list = "az containerapp sessionpool show --name POOL --resource-group RG", pb_kill = "az containerapp sessionpool delete --name POOL --resource-group RG --yes",
  pb_network = "recreate the pool with --network-status EgressDisabled.",
  pb_rotate = "az role assignment delete --assignee AGENT_PRINCIPAL --role \"Azure ContainerApps Session Executor\" --scope POOL_ID",
  secret_store = "azure-entra-id",
}

------------------------------------------------------------------------
-- Verification rows.
------------------------------------------------------------------------

local V = {}
local function row(path, method, check, how) V[path] = { method = method, check = check, how = how } end

row("PROVIDER.md", "syntax", "markdownlint", "linted by markdownlint-cli2 0.18.1 with the project's rules")
row("monitoring/playbook.md", "syntax", "markdownlint", "linted by markdownlint-cli2 0.18.1 with the project's rules")
row("monitoring/alerts.yaml", "executed", "prometheus-rules",
  "promtool check rules (Debian's prometheus 2.42) parses every PromQL expression; promtool test rules feeds synthetic client metrics and asserts each alert fires on its trigger and stays silent on healthy series; own schema: known keys only, severity label, runbook annotation, only metrics the bundle's client exports")
row("security/sandbox-settings.json", "schema", "managed-settings",
  "JSON parsed; provider-native sections type-checked by tsc 5.9 (excess-property check) against the provider SDK's own TypeScript types where the SDK is installed in tests/package.json, else against a schema of the provider's documented fields (tests/bundles/managed-api/schemas)")
row("network/egress-policy.json", "schema", "managed-settings",
  "JSON parsed; the policy type-checked by tsc 5.9 against the provider SDK's own TypeScript types where installed, else against a schema of the provider's documented fields; deny-all and allowlist policies checked to deny by default")
row("security/secrets.json", "schema", "managed-settings",
  "JSON parsed and validated against the bundle's secrets schema (tests/bundles/managed-api/schemas/secrets.schema.json): the API key never inside the sandbox, rotation at most every 90 days, header injection only for providers that document it")
row("security/janitor.sh", "executed", "managed-janitor",
  "shellcheck and sh -n, then run against a fake provider API on 127.0.0.1 serving the documented list response: kills exactly the overdue sandboxes, follows pagination, honours DRY_RUN, exits 2 on API errors and 1 on failed kills, writes the textfile metrics")
local TS_TEST = "tsc --strict against the packages pinned in tests/package.json, then node --test (tsx): "
  .. "sandboxClient.test.ts drives the client against fake providers on 127.0.0.1 (timeouts, 5xx, "
  .. "dropped connections, retry bounds, backoff, breaker states, cleanup), wiring.test.ts drives the MCP "
  .. "server and the OpenAI Agents SDK tool (tests/bundles/checks/integration-checks.py)"
local PY_TEST = "compiled, pyflakes, mypy --strict, then Debian's pytest: test_sandbox_client.py drives the "
  .. "client against fake providers on 127.0.0.1 (tests/bundles/checks/integration-checks.py)"
for _, f in ipairs({ "sandboxClient.ts", "sandboxClient.test.ts", "mcpServer.ts", "openaiAgentTool.ts", "wiring.test.ts" }) do
  row("integration/" .. f, "executed", "typescript-test", TS_TEST)
end
row("integration/package.json", "schema", "typescript",
  "pins exactly the versions installed in tests/node_modules, which the TypeScript files were checked against")
for _, f in ipairs({ "sandbox_client.py", "test_sandbox_client.py" }) do
  row("integration/" .. f, "executed", "python-test", PY_TEST)
end
for _, f in ipairs({ "providerTransport.ts", "e2bTransport.ts", "modalTransport.ts", "daytonaTransport.ts", "vercelTransport.ts" }) do
  row("integration/" .. f, "schema", "typescript",
    "tsc --strict (excess-property checks) against the provider's official SDK package from npm, pinned in "
    .. "tests/package.json, with the bundle's settings embedded as typed constants; the SDK calls need "
    .. "the provider's cloud and were not run")
end
for _, f in ipairs({ "sandbox_provider.py", "sandbox_e2b.py", "sandbox_modal.py", "sandbox_daytona.py", "sandbox_vercel.py" }) do
  row("integration/" .. f, "syntax", "python",
    "compiled, pyflakes and mypy --strict with the SDK's imports ignored: the provider's Python SDK is not "
    .. "installable here (no PyPI), so its calls are not verifiable here")
end
for _, f in ipairs({ "flyTransport.ts", "flyTransport.test.ts" }) do
  row("integration/" .. f, "executed", "typescript-test",
    "tsc --strict, then node --test (tsx): flyTransport.test.ts drives the transport through SandboxClient against a "
    .. "fake Fly Machines API on 127.0.0.1 (documented endpoints and bodies, retry on 503, none on 401, cleanup of a "
    .. "Machine that never starts); the real API was not reached")
end
for _, f in ipairs({ "sandbox_fly.py", "test_sandbox_fly.py" }) do
  row("integration/" .. f, "executed", "python-test",
    "compiled, pyflakes, mypy --strict, then Debian's pytest: test_sandbox_fly.py drives the transport through "
    .. "SandboxClient against a fake Fly Machines API on 127.0.0.1; the real API was not reached")
end
row("deploy/worker.ts", "schema", "managed-worker",
  "tsc --strict with @cloudflare/workers-types and @cloudflare/sandbox pinned in tests/package.json, with the "
  .. "bundle's JSON settings it imports; not deployed (needs a Cloudflare account)")
row("security/janitor.ts", "schema", "typescript",
  "tsc --strict against the modal SDK pinned in tests/package.json; listing and terminating need Modal's cloud and were not run")
row("deploy/wrangler.jsonc", "schema", "managed-settings",
  "JSONC parsed; validated against a schema of the documented wrangler configuration keys used (containers, "
  .. "durable_objects, migrations; tests/bundles/managed-api/schemas/wrangler.json); main points at the bundle's Worker")
row("deploy/Dockerfile", "syntax", "managed-settings",
  "instructions parsed: known Dockerfile instructions only, a single FROM pinned to the SDK's version (not latest)")
for _, f in ipairs({ "main.tf", "variables.tf", "outputs.tf", "versions.tf" }) do
  row("deploy/" .. f, "syntax", "terraform",
    "HCL parsed (syntax, block labels, terraform fmt), providers pinned, every variable used is declared; terraform validate needs the AWS provider from the registry, not reachable here")
end
for _, f in ipairs({ "kustomization.yaml", "namespace.yaml", "serviceaccount.yaml", "deployment.yaml", "pdb.yaml", "networkpolicy.yaml" }) do
  row("deploy/" .. f, "schema", "kubernetes",
    "validated offline against the Kubernetes 1.30+ schemas (kubernetes-models 5.1.0, unknown fields by tsc), Pod Security Standards restricted and bundle hygiene; kustomization built")
end
row("deploy/cilium-egress.yaml", "schema", "kubernetes",
  "validated against the CiliumNetworkPolicy cilium.io/v2 schema (@kubernetes-models/cilium 4.0.0, unknown fields by tsc) as a resource of the kustomization")
for _, f in ipairs({ "sandbox-agent.service", "sandbox-janitor.service", "sandbox-janitor.timer" }) do
  row("deploy/" .. f, "schema", "systemd-unit",
    "systemd-analyze verify (systemd 252): every key known, every value parsed, executables present; any warning fails")
end

------------------------------------------------------------------------
-- Assembly.
------------------------------------------------------------------------

local function deploy_files(infra, P)
  if P.cloudflare_deploy then
    return { "wrangler.jsonc", "Dockerfile" },
      "`deploy/wrangler.jsonc` (the Worker, its container class with instance type and instance cap, Durable Object binding and migration) and `deploy/Dockerfile` (the sandbox image, pinned to the SDK's version)"
  end
  if infra == "aws" then
    return { "main.tf", "variables.tf", "outputs.tf", "versions.tf" },
      "`deploy/main.tf`, `deploy/variables.tf`, `deploy/outputs.tf`, `deploy/versions.tf` (Terraform: Secrets Manager secret for the API key, IAM role for the agent, NAT gateway with a fixed egress IP, DNS Firewall allowing only the provider API)"
  elseif infra == "kubernetes" then
    return { "kustomization.yaml", "namespace.yaml", "serviceaccount.yaml", "deployment.yaml", "pdb.yaml", "networkpolicy.yaml", "cilium-egress.yaml" },
      "`deploy/kustomization.yaml` and its resources (namespace at PSS restricted, the agent's Deployment reading the API key from a Secret, PodDisruptionBudget, default-deny NetworkPolicy with DNS and public HTTPS only, CiliumNetworkPolicy `toFQDNs` allowing only the provider API)"
  end
  if not P.janitor then
    return { "sandbox-agent.service" },
      "`deploy/sandbox-agent.service` (the agent under systemd, API key as an encrypted systemd credential, hardened)"
  end
  return { "sandbox-agent.service", "sandbox-janitor.service", "sandbox-janitor.timer" },
    "`deploy/sandbox-agent.service` (the agent under systemd, API key as an encrypted systemd credential, hardened), `deploy/sandbox-janitor.service` and `deploy/sandbox-janitor.timer` (the watchdog every minute)"
end

local function fqdn_yaml(domains)
  local out = {}
  for _, d in ipairs(domains) do
    if d:sub(1, 2) == "*." then
      out[#out + 1] = '        - matchPattern: "' .. d .. '"'
    else
      out[#out + 1] = '        - matchName: "' .. d .. '"'
    end
  end
  return table.concat(out, "\n")
end

local function bundle(entry, req, ctx)
  local P = PROVIDERS[entry.slug]
  if P == nil then error("family-managed-api: no provider table for " .. tostring(entry.slug)) end
  local T = ctx.templates
  local tr, uc = TRUST[req.trust], USECASE[req["use-case"]]
  local eg = egress_for(req)
  local lifetime = tr.lifetime
  local deadline = tr.command + 30
  local vars = {
    top = ctx.top,
    build_date = ctx.build_date,
    provider = entry.slug,
    provider_name = P.name,
    isolation = entry.criteria.isolation.value,
    use_case = req["use-case"],
    trust = req.trust,
    infra = req.infra,
    key_env = P.key_env,
    lifetime_s = lifetime,
    lifetime_ms = lifetime * 1000,
    max_age_s = lifetime + 60,
    command_s = tr.command,
    command_ms = tr.command * 1000,
    deadline_s = deadline,
    deadline_ms = deadline * 1000,
    latency_alert_s = math.floor(deadline * 0.8),
    vcpu = uc.vcpu,
    memory_mib = uc.mem,
    template = (req["use-case"] == "browser-automation") and "desktop" or "code-interpreter-v1",
    max_code_bytes = 262144,
    max_file_bytes = 1048576,
    egress_mode = eg.mode,
    egress_note = egress_note(eg, P),
    metadata_query = "managed-by%3Dsandbox-atlas",
    sdk_name = P.sdk_name,
    sdk_install = P.sdk_install,
    sdk_version = P.sdk_version,
    lifetime_field = P.lifetime_field,
    resources_field = P.resources_field,
    provider_signals = P.provider_signals,
    secret_note = P.secret_note,
    secret_mode = P.secret_mode,
    secret_docs = json(P.secret_docs, "  "),
    rotate_days = tr.rotate,
    watchdog_note = P.watchdog_note,
    janitor_file = "",
    janitor_exec = P.janitor_exec or "/bin/true",
    api_doc = P.api_doc or P.docs[1],
    api_domains_hcl = hcl_list(P.api_domains),
    fqdn_yaml = fqdn_yaml(P.api_domains),
    agent_image = "registry.example.com/your-agent",
    agent_tag = "1.0.0",
    cred_name = entry.slug .. "-api-key",
    pb_list = P.pb_list,
    pb_kill = indent_cont(P.pb_kill, "   "),
    pb_network = P.pb_network,
    pb_rotate = indent_cont(P.pb_rotate, "   "),
    pb_janitor = P.janitor and ("DRY_RUN=1 " .. P.janitor .. " && " .. P.janitor) or P.pb_janitor or
      (P.pb_list .. "   # then remove every sandbox older than the lifetime with the kill command above"),
    docs_list = md_list(P.docs),
    na_extra = P.na_extra or "",
  }
  if P.extra then P.extra(req, vars) end
  vars.extra_env_yaml = P.key_id_env and ("            - name: " .. P.key_id_env .. "\n" ..
    "              valueFrom:\n                secretKeyRef:\n                  name: sandbox-provider\n" ..
    "                  key: key-id\n") or ""
  vars.janitor_file = P.janitor and ("`" .. P.janitor .. "`") or "the provider's own limits"
  -- secret store by infrastructure
  vars.secret_store = P.secret_store or ({ aws = "aws-secretsmanager", kubernetes = "kubernetes-secret",
    cloudflare = "cloudflare-worker-secret" })[req.infra] or "systemd-credential"
  -- No credential is injected by default: add {host, header, prefix,
  -- env} entries (and allow the host in the egress policy) for an API the
  -- sandboxed code must call without ever holding its key.
  local inject = arr({})
  vars.inject_json = json(inject, "  ")
  if P.generic then
    local function st(name, value, unit, f)
      return { setting = name, value = value, unit = unit, field = f.field, source = f.source }
    end
    local life = lifetime
    if P.lifetime.unit == "ms" then life = lifetime * 1000 elseif P.lifetime.unit == "min" then life = lifetime // 60 end
    vars.generic_settings = json({
      st("lifetime", life, P.lifetime.unit, P.lifetime),
      st("command-timeout", tr.command, "s", P.command),
      { setting = "resources", value = uc.vcpu .. " vCPU / " .. uc.mem .. " MiB", field = P.resources.field, source = P.resources.source },
    }, "  ")
    local mode, doms = eg.mode, copy(eg.domains)
    local by = "provider"
    if mode == "allowlist" and not P.egress.domains then mode, doms = "deny-all", {} end
    if mode == "deny-all" and not P.egress.deny then by = "not-available" end
    if mode == "open-public" and not P.egress.private then by = (P.egress.deny and "provider" or "not-available") end
    vars.generic_policy = json({ mode = mode, domains = arr(doms), enforced_by = by, field = P.egress.field, source = P.egress.source }, "  ")
    local geg = { mode = mode, domains = doms, browse = eg.browse }
    vars.egress_note = egress_note(geg, P)
    if by == "not-available" then
      vars.egress_note = vars.egress_note .. " The provider cannot enforce this: treat the sandbox as having open egress."
    end
    vars.egress_note = vars.egress_note:gsub('"', "'")
    vars.docs_json = json(P.docs, "  ")
    vars.egress_docs_json = json({ P.egress.source }, "  ")
    vars.lifetime_field = "`" .. P.lifetime.field .. "`"
    vars.resources_field = P.resources.field
  end
  vars.janitor_rules = P.janitor and fill(T["common/alerts-janitor.yaml"], vars) or ""
  vars.provider_policy = P.egress_json and P.egress_json(eg, "  ") or "{}"
  local tfiles = { "`integration/sandboxClient.ts`", "`integration/sandbox_client.py`" }
  for path in pairs(P.files) do
    if path:match("^integration/") then tfiles[#tfiles + 1] = "`" .. path .. "`" end
  end
  for _, f in ipairs(P.common_integration or {}) do tfiles[#tfiles + 1] = "`integration/" .. f .. "`" end
  vars.integration_files = table.concat(tfiles, ", ") .. (P.no_transport and
    " (the client only: this bundle has no transport for " .. P.name .. "; implement the client's Transport interface with " .. P.sdk_name .. ")" or
    ", with `integration/mcpServer.ts` and `integration/openaiAgentTool.ts` wiring it into MCP and the OpenAI Agents SDK")
  if P.cloudflare_deploy then
    vars.integration_files = vars.integration_files .. "; the Worker the client talks to is `deploy/worker.ts`"
  end
  local dfiles, ddesc = deploy_files(req.infra, P)
  vars.deploy_files = ddesc
  local out = {}
  local function put(path, tpl)
    local text = T[tpl]
    if text == nil then error("family-managed-api: missing template " .. tpl) end
    out[path] = fill(text, vars)
  end
  for path, tpl in pairs(P.files) do put(path, tpl) end
  put("PROVIDER.md", "common/PROVIDER.md")
  put("monitoring/playbook.md", "common/playbook.md")
  put("monitoring/alerts.yaml", "common/alerts.yaml")
  put("security/secrets.json", "common/secrets.json")
  -- The common agent-side clients (content/bundles/common/integration)
  -- with this provider's transport.
  local common = ctx.common
  if common ~= nil then
    local cv = {
      provider = entry.slug, endpoint = "https://" .. P.api_domains[1], timeout_s = deadline,
      image = "none", namespace = "none", runtime_class = "none",
      transport_class = P.transport_class or "ProviderTransport",
      transport_module = P.transport_module or "./providerTransport.js",
    }
    local list = { "sandboxClient.ts", "sandboxClient.test.ts", "mcpServer.ts", "openaiAgentTool.ts",
      "wiring.test.ts", "package.json", "sandbox_client.py", "test_sandbox_client.py" }
    if P.no_transport then
      -- No transport for this provider in the bundle: the client alone.
      list = { "sandboxClient.ts", "sandboxClient.test.ts", "package.json", "sandbox_client.py", "test_sandbox_client.py" }
    end
    for _, f in ipairs(P.common_integration or {}) do list[#list + 1] = f end
    for _, f in ipairs(list) do
      local t = common["integration/" .. f]
      if t == nil then error("family-managed-api: missing common template integration/" .. f) end
      out["integration/" .. f] = fill(t, cv)
    end
  end
  local dir = (req.infra == "aws" or req.infra == "kubernetes") and ("deploy/" .. req.infra) or "deploy/bare-metal"
  if P.cloudflare_deploy then dir = "providers/" .. entry.slug end
  for _, f in ipairs(dfiles) do put("deploy/" .. f, dir .. "/" .. f) end
  return out
end

return {
  api = 1,
  name = "family-managed-api",
  description = "Provider settings, janitor, monitoring, playbook, caller-side deployment and SDK clients for managed sandbox services.",
  family = "managed-api",
  key = KEY,
  verify = V,
  bundle = bundle,
}
