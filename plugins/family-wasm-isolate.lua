-- family-wasm-isolate.lua: bundle files for sandboxes whose boundary is
-- a language VM: V8 isolates (Cloudflare Workers' Dynamic Workers,
-- isolated-vm in Node.js), WebAssembly (Wasmtime) and Pyodide (CPython
-- compiled to WebAssembly).  Two shapes, picked by the entry:
--
--   cloudflare   Cloudflare runs the isolates.  The bundle is a loader
--                Worker that runs every tool call in a fresh Dynamic
--                Worker with no bindings, CPU and subrequest limits, a
--                wall-clock deadline, and egress either cut (globalOutbound
--                null) or routed through an allowlisting gateway
--                entrypoint; wrangler and Terraform configuration; a tail
--                Worker that turns escape indicators into alerts; an
--                agent-side Worker that reaches the sandbox over a
--                service binding.
--   self-hosted  You run the runtime.  The bundle embeds it in a small
--                Node.js host per tool call (Wasmtime's limits carried by
--                Node's WebAssembly plus a Wasmtime CLI configuration,
--                isolated-vm, or Pyodide in a worker thread), and confines
--                that host process like any other untrusted workload:
--                seccomp allowlist, bubblewrap command line, systemd
--                unit, nftables for the host, Falco rules.
--
-- Templates: content/bundles/wasm-isolate/ (cloudflare/, selfhosted/).

local KEY = { "use-case", "trust", "infra" }

------------------------------------------------------------------------
-- Policy: what the requirements mean for an isolate sandbox.
------------------------------------------------------------------------

-- Runtime behaviour pinned for the Workers: no newer than the workerd
-- the tests run (tests/package.json), so the tests run this very date.
local COMPAT_DATE = "2026-11-01"

-- cpu_ms: CPU of one tool call; wall_ms: its wall-clock deadline;
-- subrequests: outbound requests per call; rotate: token rotation (days).
local TRUST = {
  untrusted = { cpu_ms = 5000, wall_ms = 30000, subrequests = 10, rotate = 30 },
  ["semi-trusted"] = { cpu_ms = 15000, wall_ms = 60000, subrequests = 25, rotate = 60 },
  trusted = { cpu_ms = 30000, wall_ms = 120000, subrequests = 50, rotate = 90 },
}

-- Per use case: heap of one isolate (MiB) and output cap.
local USECASE = {
  ["code-execution"] = { heap = 128, output = 1048576, cpu_factor = 1 },
  ["browser-automation"] = { heap = 256, output = 1048576, cpu_factor = 2 },
  ["file-processing"] = { heap = 256, output = 4194304, cpu_factor = 2 },
  ["multi-tool-agent"] = { heap = 128, output = 1048576, cpu_factor = 1 },
}

local REGISTRIES = { "pypi.org", "files.pythonhosted.org", "registry.npmjs.org" }

local function egress_for(req)
  local uc, tr = req["use-case"], req.trust
  if tr == "trusted" then return { mode = "open-public", hosts = {} } end
  if tr == "semi-trusted" and (uc == "code-execution" or uc == "multi-tool-agent") then
    return { mode = "allowlist", hosts = REGISTRIES }
  end
  return { mode = "deny-all", hosts = {} }
end

local EGRESS_NOTE = {
  ["deny-all"] = "no network at all.",
  allowlist = "HTTPS to the listed hosts only.",
  ["open-public"] = "HTTPS and HTTP to public hosts; address literals of private, loopback, link-local (metadata) and CGNAT ranges and local names are refused.",
}

local function jstr(s)
  s = tostring(s):gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\"
    elseif c == "\n" then return "\\n" elseif c == "\t" then return "\\t" end
    return string.format("\\u%04x", c:byte())
  end)
  return '"' .. s .. '"'
end

local function json_list(t)
  local o = {}
  for i, v in ipairs(t) do o[i] = jstr(v) end
  return "[" .. table.concat(o, ", ") .. "]"
end

------------------------------------------------------------------------
-- Verification rows.
------------------------------------------------------------------------

local V = {}
local function row(path, method, check, how) V[path] = { method = method, check = check, how = how } end

local MD = "linted by markdownlint-cli2 0.18.1 with the project's rules"
row("RUNTIME.md", "syntax", "markdownlint", MD)
row("security/SECRETS.md", "syntax", "markdownlint", MD)
row("monitoring/playbook.md", "syntax", "markdownlint", MD)

-- Cloudflare shape.
local WORKERD = "run in workerd (Cloudflare's open-source Workers runtime, npm workerd pinned in tests/package.json) " ..
  "with the bundle's wrangler settings: "
row("deploy/src/index.ts", "executed", "wasm-worker", "tsc --strict against @cloudflare/workers-types, then " .. WORKERD ..
  "hostile tool calls through the JSON API: missing or wrong token refused, console output and exit codes, " ..
  "fetch() to hosts off the allowlist, the metadata address, private literals and via redirects refused " ..
  "by the egress gateway (or thrown when egress is deny-all), raw connect() refused, no secret or binding " ..
  "visible to the code, a never-settling promise killed at the wall-clock deadline, oversized code and " ..
  "unknown languages refused. Cloudflare's CPU and subrequest limits (cpuMs, subRequests) are passed but " ..
  "not enforced by workerd: not verifiable here, they need Cloudflare's runtime")
row("security/sandbox-policy.json", "executed", "wasm-worker", "JSON Schema (ajv, own schema of the fields " ..
  "deploy/src/index.ts reads, with the documented bounds of Workers' CPU limit), then loaded by the Worker " ..
  "in workerd: compatibility date, output cap, code cap and deadline exercised by the hostile calls")
row("network/egress-policy.json", "executed", "wasm-worker", "JSON Schema (ajv), then enforced by the egress " ..
  "gateway in workerd: every allowed host reaches a fake internet, every other destination is refused")
row("monitoring/tail.ts", "executed", "wasm-worker", "tsc --strict against @cloudflare/workers-types, then run " ..
  "in workerd as the sandbox Worker's tail: the hostile calls' denied egress and deadline reach a fake " ..
  "webhook as alerts; alertsFor() unit-tested on killed outcomes (exceededCpu, exceededMemory)")
row("integration/agentWorker.ts", "executed", "wasm-worker", "tsc --strict against @cloudflare/workers-types, " ..
  "then run in workerd bound to the sandbox Worker by a service binding: a tool call end to end; and " ..
  "SandboxTool against a fake sandbox injecting 503s, 429, 401, hangs and a bad response: retry bounds, " ..
  "backoff with jitter, no retry on 4xx, breaker closed/open/half-open, DELETE on every path")
local WRANGLER = "TOML parsed (Python tomllib); keys and types against a schema of the documented " ..
  "wrangler configuration keys (tests/bundles/checks/lib/wrangler.schema.json); compatibility date no " ..
  "later than the tested runtime, no nodejs_compat, no workers.dev or preview URLs, main file present; " ..
  "deployment itself needs a Cloudflare account: not verifiable here"
row("deploy/wrangler.toml", "schema", "wasm-wrangler", WRANGLER .. "; also the source of the workerd run's settings")
row("monitoring/wrangler.tail.toml", "schema", "wasm-wrangler", WRANGLER)
row("integration/wrangler.agent.toml", "schema", "wasm-wrangler", WRANGLER)
for _, f in ipairs({ "main.tf", "variables.tf", "outputs.tf", "versions.tf" }) do
  row("deploy/" .. f, "syntax", "terraform",
    "HCL parsed (syntax, block labels, terraform fmt), providers pinned, every variable used is declared; " ..
    "terraform validate needs the Cloudflare provider from the registry, not reachable here")
end

-- Common agent-side clients (content/bundles/common/integration), when
-- the builder passes them.
local TS_TEST = "tsc --strict against the packages pinned in tests/package.json, then node --test (tsx) " ..
  "against fakes on 127.0.0.1 (timeouts, 5xx, dropped connections, retry bounds, backoff, breaker states, " ..
  "cleanup) (tests/bundles/checks/integration-checks.py)"
for _, f in ipairs({ "sandboxClient.ts", "sandboxClient.test.ts", "mcpServer.ts", "openaiAgentTool.ts", "wiring.test.ts" }) do
  row("integration/" .. f, "executed", "typescript-test", TS_TEST)
end
row("integration/package.json", "schema", "typescript",
  "pins exactly the versions installed in tests/node_modules, which the TypeScript files were checked against")
for _, f in ipairs({ "sandbox_client.py", "test_sandbox_client.py" }) do
  row("integration/" .. f, "executed", "python-test",
    "compiled, pyflakes, mypy --strict, then Debian's pytest against fakes on 127.0.0.1 (tests/bundles/checks/integration-checks.py)")
end

------------------------------------------------------------------------
-- Assembly.
------------------------------------------------------------------------

local function common_clients(out, ctx, endpoint, timeout_s, provider)
  local common = ctx.common
  if common == nil or common["integration/sandboxClient.ts"] == nil then return false end
  local cv = {
    provider = provider, endpoint = endpoint, timeout_s = timeout_s,
    image = "none", namespace = "none", runtime_class = "none",
    transport_class = "HttpJsonTransport", transport_module = "./sandboxClient.js",
  }
  for _, f in ipairs({ "sandboxClient.ts", "sandboxClient.test.ts", "mcpServer.ts", "openaiAgentTool.ts",
    "wiring.test.ts", "package.json", "sandbox_client.py", "test_sandbox_client.py" }) do
    local t = common["integration/" .. f]
    if t == nil then error("family-wasm-isolate: missing common template integration/" .. f) end
    out["integration/" .. f] = fill(t, cv)
  end
  return true
end

local function cloudflare(entry, req, ctx, vars, out)
  local T = ctx.templates
  local function put(path, tpl)
    local text = T[tpl]
    if text == nil then error("family-wasm-isolate: missing template " .. tpl) end
    out[path] = fill(text, vars)
  end
  put("RUNTIME.md", "cloudflare/RUNTIME.md")
  put("security/SECRETS.md", "cloudflare/security/SECRETS.md")
  put("security/sandbox-policy.json", "cloudflare/security/sandbox-policy.json")
  put("network/egress-policy.json", "cloudflare/network/egress-policy.json")
  put("deploy/src/index.ts", "cloudflare/deploy/src/index.ts")
  put("deploy/wrangler.toml", "cloudflare/deploy/wrangler.toml")
  for _, f in ipairs({ "main.tf", "variables.tf", "outputs.tf", "versions.tf" }) do
    put("deploy/" .. f, "cloudflare/deploy/" .. f)
  end
  put("monitoring/tail.ts", "cloudflare/monitoring/tail.ts")
  put("monitoring/wrangler.tail.toml", "cloudflare/monitoring/wrangler.tail.toml")
  put("monitoring/playbook.md", "cloudflare/monitoring/playbook.md")
  put("integration/agentWorker.ts", "cloudflare/integration/agentWorker.ts")
  put("integration/wrangler.agent.toml", "cloudflare/integration/wrangler.agent.toml")
  common_clients(out, ctx, "https://" .. vars.hostname, vars.client_timeout_ms // 1000, entry.slug)
end

local function bundle(entry, req, ctx)
  local tr, uc = TRUST[req.trust], USECASE[req["use-case"]]
  if tr == nil or uc == nil then
    error("family-wasm-isolate: unknown trust or use case " .. tostring(req.trust) .. "/" .. tostring(req["use-case"]))
  end
  local eg = egress_for(req)
  local cpu = tr.cpu_ms * uc.cpu_factor
  local vars = {
    top = ctx.top,
    build_date = ctx.build_date,
    primary = entry.slug,
    primary_name = entry.name,
    use_case = req["use-case"],
    trust = req.trust,
    infra = req.infra,
    compat_date = COMPAT_DATE,
    cpu_ms = cpu,
    cpu_s = (cpu + 999) // 1000,
    wall_clock_ms = tr.wall_ms,
    wall_s = tr.wall_ms // 1000,
    subrequests = eg.mode == "deny-all" and 0 or tr.subrequests,
    max_code_bytes = 262144,
    max_output_bytes = uc.output,
    heap_mib = uc.heap,
    egress_mode = eg.mode,
    egress_note = EGRESS_NOTE[eg.mode],
    allow_hosts_json = json_list(eg.hosts),
    allow_hosts = (#eg.hosts > 0) and table.concat(eg.hosts, ", ") or "none",
    allow_http = eg.mode == "open-public" and "true" or "false",
    rotate_days = tr.rotate,
    worker_name = "sandbox-atlas-sandbox",
    tail_name = "sandbox-atlas-sandbox-tail",
    agent_name = "sandbox-atlas-agent",
    hostname = "sandbox-api.example.com",
    loader_cpu_ms = cpu + 5000,
    client_timeout_ms = tr.wall_ms + 15000,
    breaker_failures = 5,
    breaker_cooldown_ms = 30000,
  }
  local out = {}
  if entry.slug == "cloudflare-workers" or req.infra == "cloudflare" then
    cloudflare(entry, req, ctx, vars, out)
  else
    error("family-wasm-isolate: self-hosted bundles are not written yet")
  end
  return out
end

return {
  api = 1,
  name = "family-wasm-isolate",
  description = "Dynamic Workers loader, egress gateway, wrangler and Terraform for Cloudflare; embedded Wasmtime, isolated-vm or Pyodide hosts with seccomp, bubblewrap, systemd and nftables when self-hosted; monitoring and clients.",
  family = "wasm-isolate",
  key = KEY,
  verify = V,
  bundle = bundle,
}
