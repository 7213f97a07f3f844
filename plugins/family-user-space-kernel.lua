-- family-user-space-kernel.lua: bundle files for gVisor (runsc), the
-- user-space-kernel family, on Kubernetes through RuntimeClass.
--
-- What the bundle holds, by folder:
--   kustomization.yaml  the Kustomize base (at the top, because Kustomize
--                loads nothing from outside its folder): deploy/, the
--                Kubernetes objects of security/ and network/
--   security/    the OCI seccomp profile of the use case (from
--                content/bundles/common/security/), the runsc shim config
--                (systrap, --oci-seccomp, directfs off), the containerd
--                runtime handler, a node set-up script for self-managed
--                nodes, limits, an admission policy, the watchdog
--   network/     default-deny NetworkPolicies, the egress allowlist, a
--                CiliumNetworkPolicy with toFQDNs where names are allowed
--   deploy/      namespace, RuntimeClass, the warm pool Deployment and its
--                Service, PDB and HPA, client RBAC, the API audit policy,
--                Fluent Bit, and Terraform for the infra (GKE Sandbox node
--                pool; EKS node group; none on bare metal)
--   monitoring/  Falco rules, Alertmanager routing, the playbook
--   integration/ the common clients with the Kubernetes transport set to
--                RuntimeClass gvisor, and the warm-pool transport
--   SETUP.md     the six guide sections mapped to files, the steps, and
--                what does not apply and why
--
-- Templates: content/bundles/user-space-kernel/ (ctx.templates) and
-- content/bundles/common/ (ctx.common).  Without ctx.common the seccomp
-- profile, node-setup.sh and integration/ are left out.  Policy numbers
-- live in the tables below; the templates cite their sources.

local KEY = { "use-case", "infra", "trust" }

-- Pinned releases.  gVisor 20260810.0 is published under
-- storage.googleapis.com/gvisor/releases/release/20260810.0/.
local GVISOR_RELEASE = "20260810.0"
local PYTHON_IMAGE = "docker.io/library/python:3.12.8-slim-bookworm"
local PLAYWRIGHT = "1.49.1"
local BROWSER_IMAGE = "mcr.microsoft.com/playwright:v" .. PLAYWRIGHT .. "-noble"
local BROWSER_PORT = 3000
local NAMESPACE = "sandboxes"
local CLIENT_NAMESPACE = "agents"
local CLIENT_SA = "sandbox-client"
local POOL_MIN, POOL_MAX, HPA_TARGET = 2, 20, 50

-- Time limits by trust level (seconds): the client's per-call timeout
-- and the longest a sandbox pod may live, idle or claimed.
local TRUST = {
  untrusted = { call = 120, max_age = 900 },
  ["semi-trusted"] = { call = 300, max_age = 3600 },
  trusted = { call = 600, max_age = 3600 },
}

-- Resources by use case (memory and storage in MiB; memory request =
-- limit, so tmpfs volumes count against the sandbox itself).
local USECASE = {
  ["code-execution"] = { cpu_req = 250, cpu_lim = 1000, mem = 1024,
    tmp = 256, work = 1024, eph_req = 512, eph_lim = 2048 },
  ["file-processing"] = { cpu_req = 500, cpu_lim = 2000, mem = 2048,
    tmp = 256, work = 4096, eph_req = 1024, eph_lim = 5120 },
  ["multi-tool-agent"] = { cpu_req = 250, cpu_lim = 1000, mem = 1024,
    tmp = 256, work = 1024, eph_req = 512, eph_lim = 2048 },
  ["browser-automation"] = { cpu_req = 500, cpu_lim = 2000, mem = 2048,
    tmp = 512, shm = 512, eph_req = 512, eph_lim = 2048 },
}

local REGISTRIES = { "pypi.org", "files.pythonhosted.org", "registry.npmjs.org" }

-- Egress: "none" (no traffic at all), "registries" (HTTPS to package
-- registries: NetworkPolicy to public addresses, Cilium toFQDNs by
-- name), or "web" (HTTP and HTTPS to any public address).
local function egress_for(req)
  local uc, tr = req["use-case"], req.trust
  if uc == "browser-automation" then return "web" end
  if tr ~= "untrusted" and (uc == "code-execution" or uc == "multi-tool-agent") then
    return "registries"
  end
  return "none"
end

local INFRA = {
  kubernetes = { seccomp = "runtime-default", runtimeclass_in_base = false, terraform = "gke" },
  aws = { seccomp = "localhost", runtimeclass_in_base = true, terraform = "eks" },
  ["bare-metal"] = { seccomp = "localhost", runtimeclass_in_base = true, terraform = nil },
}

------------------------------------------------------------------------
-- Verification of every file this plugin can emit.
------------------------------------------------------------------------

local SECCOMP_HOW = "OCI schema, no weaker than Docker's default for x86_64, " ..
  "forbidden calls absent, live probes in a user+mount namespace under " ..
  "libseccomp, and the use case's workload (python3, node, shell; headless " ..
  "Chromium for browser automation) run under it (tests/bundles/checks/seccomp)"
local K8S_HOW = "kubernetes-models 5.1.0 schema, unknown fields by a TypeScript " ..
  "excess-property check, Kubernetes 1.30+ API versions, Pod Security " ..
  "\"restricted\" and bundle hygiene (tests/bundles/checks/kubernetes)"
local KUST_HOW = "own Kustomization schema, every path resolved in the bundle, " ..
  "the base built and checked as a set: PSS restricted, Service/PDB/HPA " ..
  "targets, default-deny coverage (tests/bundles/checks/kubernetes)"
local TF_HOW = "HCL parsed, block labels, providers pinned, every variable " ..
  "declared (tests/bundles/checks/terraform); `terraform init` cannot " ..
  "reach the provider registry here, so plan and apply were not run"

local function row(method, check, how) return { method = method, check = check, how = how } end

local verify = {
  ["SETUP.md"] = row("syntax", "markdownlint", "linted by markdownlint-cli2 with the project's rules"),
  ["security/runsc.toml"] = row("executed", "runsc-enforce",
    "names and types checked against runsc's flags (runsc-config); then, with " ..
    "Debian's runsc as root, python3 run in an OCI bundle with the seccomp " ..
    "profile beside it and the file's flags: ptrace is blocked, and allowed " ..
    "in the control run without --oci-seccomp. Flags this 2022 runsc lacks " ..
    "(directfs, host-fifo, overlay2 root:self, systrap) were left out and " ..
    "--network=none --platform=ptrace used (tests/bundles/checks/runsc-enforce)"),
  ["security/containerd-runsc.toml"] = row("schema", "containerd-config",
    "TOML parsed; keys checked against containerd 1.7's CRI runtime options; " ..
    "the runsc handler has runtime_type io.containerd.runsc.v1 and a ConfigPath " ..
    "(tests/bundles/checks/containerd-config)"),
  ["security/node-setup.sh"] = row("syntax", "shell",
    "sh -n and ShellCheck (tests/bundles/checks/shell); it downloads runsc " ..
    "and restarts containerd, so it was not run here"),
  ["security/limits.yaml"] = row("schema", "kubernetes", K8S_HOW),
  ["security/admission-policy.yaml"] = row("schema", "kubernetes",
    K8S_HOW .. "; the CEL expressions are not evaluated"),
  ["security/watchdog.yaml"] = row("schema", "kubernetes", K8S_HOW),
  ["security/watchdog.py"] = row("executed", "watchdog",
    "run against a fake Kubernetes API on 127.0.0.1: deletes exactly the " ..
    "overdue pods (age, deadline annotation), skips terminating ones, sends " ..
    "the bearer token, honours --dry-run, exits 1 on API errors " ..
    "(tests/bundles/checks/watchdog)"),
  ["network/networkpolicy.yaml"] = row("schema", "kubernetes", K8S_HOW),
  ["network/egress-allow.yaml"] = row("schema", "kubernetes", K8S_HOW),
  ["network/cilium-network-policy.yaml"] = row("schema", "cilium",
    "@kubernetes-models/cilium 4.0.0 schema, unknown fields by a TypeScript " ..
    "excess-property check, toFQDNs paired with a DNS-proxy rule " ..
    "(tests/bundles/checks/cilium)"),
  ["kustomization.yaml"] = row("schema", "kubernetes", KUST_HOW),
  ["deploy/namespace.yaml"] = row("schema", "kubernetes", K8S_HOW),
  ["deploy/runtimeclass.yaml"] = row("schema", "kubernetes", K8S_HOW),
  ["deploy/sandbox-pool.yaml"] = row("schema", "kubernetes", K8S_HOW),
  ["deploy/pool-scaling.yaml"] = row("schema", "kubernetes", K8S_HOW),
  ["deploy/client-rbac.yaml"] = row("schema", "kubernetes", K8S_HOW),
  ["deploy/audit-policy.yaml"] = row("schema", "audit-policy",
    "validated against a JSON Schema of audit.k8s.io/v1 Policy written from " ..
    "the Kubernetes API reference (tests/bundles/checks/audit-policy)"),
  ["deploy/fluent-bit.yaml"] = row("syntax", "yaml",
    "YAML parsed and linted (tests/bundles/checks/yaml); no Fluent Bit " ..
    "binary in Debian 12, so the pipeline itself was not loaded"),
  ["deploy/terraform/main.tf"] = row("syntax", "terraform", TF_HOW),
  ["deploy/terraform/variables.tf"] = row("syntax", "terraform", TF_HOW),
  ["deploy/terraform/outputs.tf"] = row("syntax", "terraform", TF_HOW),
  ["deploy/terraform/versions.tf"] = row("syntax", "terraform", TF_HOW),
  ["monitoring/falco-rules.yaml"] = row("schema", "falco",
    "validated against Falco's own rules JSON schema (rule_json_schema.h); " ..
    "no Falco engine in Debian 12, so conditions were not compiled " ..
    "(tests/bundles/checks/falco)"),
  ["monitoring/falco-k8saudit-rules.yaml"] = row("schema", "falco",
    "validated against Falco's own rules JSON schema (rule_json_schema.h); " ..
    "no Falco engine in Debian 12, so conditions were not compiled " ..
    "(tests/bundles/checks/falco)"),
  ["monitoring/alertmanager.yml"] = row("executed", "alertmanager",
    "loaded by `amtool check-config` of Debian's Alertmanager 0.25 (routes, " ..
    "receivers, matchers) (tests/bundles/checks/alertmanager)"),
  ["monitoring/playbook.md"] = row("syntax", "markdownlint",
    "linted by markdownlint-cli2 with the project's rules; the kubectl and " ..
    "runsc commands need a cluster and were not run"),
}
local PY_TEST = "compiled, pyflakes3 and mypy --strict, then pytest (Debian python3-pytest) " ..
  "with the real `kubernetes` client (python3-kubernetes) against a fake API " ..
  "server on 127.0.0.1: retries, backoff, breaker, cleanup, pool claims; " ..
  "pods/exec and a real cluster are not exercised (tests/bundles/checks/python-test)"
local TS_TEST = "tsc 5.9 --strict against the pinned npm packages " ..
  "(@kubernetes/client-node 1.4.0, @openai/agents, MCP SDK), then " ..
  "node --test with tsx against a fake API server on 127.0.0.1; pods/exec " ..
  "and a real cluster are not exercised (tests/bundles/checks/typescript-test)"
for _, f in ipairs({ "sandbox_client.py", "test_sandbox_client.py", "sandbox_k8s.py",
    "test_sandbox_k8s.py", "sandbox_k8s_pool.py", "test_sandbox_k8s_pool.py" }) do
  verify["integration/" .. f] = row("executed", "python-test", PY_TEST)
end
for _, f in ipairs({ "sandboxClient.ts", "sandboxClient.test.ts", "k8sTransport.ts",
    "k8sTransport.test.ts", "k8sPoolTransport.ts", "k8sPoolTransport.test.ts", "mcpServer.ts",
    "openaiAgentTool.ts", "wiring.test.ts" }) do
  verify["integration/" .. f] = row("executed", "typescript-test", TS_TEST)
end
verify["integration/package.json"] = row("schema", "typescript",
  "type module, every dependency pinned to the exact version the TypeScript " ..
  "was checked against in tests/node_modules (tests/bundles/checks/typescript)")
for _, uc in ipairs({ "code-execution", "browser-automation", "file-processing", "multi-tool-agent" }) do
  verify["security/seccomp-" .. uc .. ".json"] = row("executed", "seccomp", SECCOMP_HOW)
end

------------------------------------------------------------------------
-- Helpers.
------------------------------------------------------------------------

local function tpl(ctx, path)
  local t = ctx.templates[path]
  if t == nil then error("family-user-space-kernel: missing template " .. path) end
  return t
end

local function mi(n)
  if n % 1024 == 0 then return string.format("%dGi", n // 1024) end
  return string.format("%dMi", n)
end

local function cpu(m)
  if m % 1000 == 0 then return tostring(m // 1000) end
  return string.format("%dm", m)
end

local function yaml_list(items, indent)
  local out = {}
  for _, s in ipairs(items) do out[#out + 1] = string.rep(" ", indent) .. "- " .. s end
  return table.concat(out, "\n")
end

------------------------------------------------------------------------
-- The bundle.
------------------------------------------------------------------------

local function bundle(entry, req, ctx)
  local uc, infra, trust = req["use-case"], req.infra, req.trust
  local U = USECASE[uc] or USECASE["code-execution"]
  local T = TRUST[trust] or TRUST["semi-trusted"]
  local I = INFRA[infra] or INFRA.kubernetes
  local egress = egress_for(req)
  local browser = uc == "browser-automation"
  local common = ctx.common
  local files = {}

  -- Seccomp: the use case's own profile where the common folder has one,
  -- else the code-execution profile (file processing and multi-tool
  -- agents run the same interpreters).
  local seccomp_file = "seccomp-" .. uc .. ".json"
  local seccomp_json = nil
  if common ~= nil then
    seccomp_json = common["security/" .. seccomp_file] or common["security/seccomp-code-execution.json"]
  end
  local seccomp_dir = "sandbox-atlas"
  local seccomp_localhost = seccomp_dir .. "/" .. seccomp_file
  local seccomp_profile
  if I.seccomp == "localhost" then
    seccomp_profile = "          type: Localhost\n          localhostProfile: " .. seccomp_localhost
  else
    seccomp_profile = "          type: RuntimeDefault"
  end

  local v = {
    use_case = uc,
    namespace = NAMESPACE,
    client_namespace = CLIENT_NAMESPACE,
    client_sa = CLIENT_SA,
    platform = "systrap",
    gvisor_release = GVISOR_RELEASE,
    seccomp_dir = seccomp_dir,
    seccomp_file = seccomp_file,
    seccomp_localhost = seccomp_localhost,
    seccomp_profile = seccomp_profile,
    python_image = PYTHON_IMAGE,
    sandbox_image = PYTHON_IMAGE,
    browser_image = BROWSER_IMAGE,
    playwright_version = PLAYWRIGHT,
    browser_port = BROWSER_PORT,
    exec_timeout = T.call,
    max_age = T.max_age,
    cpu_request = cpu(U.cpu_req),
    cpu_limit = cpu(U.cpu_lim),
    memory = mi(U.mem),
    tmp_size = mi(U.tmp),
    shm_size = mi(U.shm or 64),
    workspace_size = mi(U.work or 1024),
    ephemeral_request = mi(U.eph_req),
    ephemeral_limit = mi(U.eph_lim),
    pool_min = POOL_MIN,
    pool_max = POOL_MAX,
    hpa_target = HPA_TARGET,
    -- The pool at its maximum, each pod with the RuntimeClass overhead
    -- (100m, 64Mi; quota counts it), plus room for the watchdog's job and
    -- a few fallback pods of the client.
    quota_pods = POOL_MAX + 5,
    quota_cpu_requests = cpu(POOL_MAX * (U.cpu_req + 100) + 2000),
    quota_cpu_limits = cpu(POOL_MAX * (U.cpu_lim + 100) + 2000),
    quota_memory = mi(POOL_MAX * (U.mem + 64) + 2048),
    quota_ephemeral = mi(POOL_MAX * U.eph_lim + 2048),
    runtime_handler = "runsc",
    cluster_label = "sandbox-cluster",
  }

  -- security/
  files["security/runsc.toml"] = fill(tpl(ctx, "security/runsc.toml"), v)
  files["security/containerd-runsc.toml"] = fill(tpl(ctx, "security/containerd-runsc.toml"), v)
  if seccomp_json ~= nil then
    files["security/" .. seccomp_file] = seccomp_json
    local sv = {}
    for k, x in pairs(v) do sv[k] = x end
    sv.runsc_toml = files["security/runsc.toml"]
    sv.containerd_toml = files["security/containerd-runsc.toml"]
    sv.seccomp_json = seccomp_json:sub(-1) == "\n" and seccomp_json or seccomp_json .. "\n"
    files["security/node-setup.sh"] = fill(tpl(ctx, "security/node-setup.sh"), sv)
  end
  for _, f in ipairs({ "limits.yaml", "admission-policy.yaml", "watchdog.yaml",
      "watchdog.py" }) do
    files["security/" .. f] = fill(tpl(ctx, "security/" .. f), v)
  end

  -- network/
  local extra = {}
  if egress ~= "none" then extra[#extra + 1] = fill(tpl(ctx, "network/parts/allow-dns.yaml"), v) end
  if browser then extra[#extra + 1] = fill(tpl(ctx, "network/parts/allow-ingress-client.yaml"), v) end
  v.extra_policies = table.concat(extra, "")
  files["network/networkpolicy.yaml"] = fill(tpl(ctx, "network/networkpolicy.yaml"), v)
  local netres = { "network/networkpolicy.yaml" }
  if egress ~= "none" then
    netres[#netres + 1] = "network/egress-allow.yaml"
    if egress == "web" then
      v.egress_summary = "HTTP and HTTPS to any public address, for the pages the browser loads"
      v.egress_ports = "        - protocol: TCP\n          port: 80\n        - protocol: TCP\n          port: 443"
      v.egress_cilium_note = ""
    else
      v.egress_summary = "HTTPS to public addresses, for the package registries " ..
        table.concat(REGISTRIES, ", ")
      v.egress_ports = "        - protocol: TCP\n          port: 443"
      v.egress_cilium_note = "# NetworkPolicy cannot name hosts: on Cilium use\n" ..
        "# cilium-network-policy.yaml instead, which allows only those names.\n"
    end
    files["network/egress-allow.yaml"] = fill(tpl(ctx, "network/egress-allow.yaml"), v)
  end
  if egress == "registries" then
    local pats = {}
    for _, r in ipairs(REGISTRIES) do pats[#pats + 1] = "matchPattern: \"" .. r .. "\"" end
    local names = {}
    for _, r in ipairs(REGISTRIES) do names[#names + 1] = "matchName: \"" .. r .. "\"" end
    v.dns_patterns = yaml_list(pats, 14)
    v.fqdns = yaml_list(names, 8)
    files["network/cilium-network-policy.yaml"] = fill(tpl(ctx, "network/cilium-network-policy.yaml"), v)
  end
  v.network_resources = yaml_list(netres, 2)

  -- deploy/
  if I.runtimeclass_in_base then
    v.runtimeclass_note = ""
    v.runtimeclass_resource = "  - deploy/runtimeclass.yaml\n"
    v.kustomization_note = ""
  else
    v.runtimeclass_note = "# GKE Sandbox creates its own RuntimeClass \"gvisor\" (handler gvisor,\n" ..
      "# scheduling onto the sandbox node pool), so kustomization.yaml\n" ..
      "# leaves this file out; add it on a self-managed cluster whose nodes\n" ..
      "# ran security/node-setup.sh.\n"
    v.runtimeclass_resource = ""
    v.kustomization_note = "# GKE Sandbox provides the RuntimeClass \"gvisor\"; on other clusters add\n" ..
      "# deploy/runtimeclass.yaml to the resources (see SETUP.md).\n"
  end
  -- A multi-tool agent that reaches outside services gets a short-lived,
  -- audience-bound token (10 minutes, kubelet-rotated) to exchange at your
  -- credential broker; no long-lived secret ever enters a sandbox.
  if uc == "multi-tool-agent" and egress ~= "none" then
    v.token_mount = "            - name: broker-token\n" ..
      "              mountPath: /var/run/secrets/sandbox-broker\n" ..
      "              readOnly: true\n"
    v.token_volume = "        # Short-lived token for the credential broker only (audience\n" ..
      "        # sandbox-broker, 10 minutes, rotated by the kubelet): the sandbox\n" ..
      "        # trades it for scoped, expiring credentials; it is useless to the\n" ..
      "        # API server and to any other service.\n" ..
      "        - name: broker-token\n" ..
      "          projected:\n" ..
      "            sources:\n" ..
      "              - serviceAccountToken:\n" ..
      "                  audience: sandbox-broker\n" ..
      "                  expirationSeconds: 600\n" ..
      "                  path: token\n"
  else
    v.token_mount, v.token_volume = "", ""
  end
  v.service_ports = browser and
    ("  ports:\n    - name: playwright\n      port: " .. BROWSER_PORT ..
     "\n      targetPort: playwright\n      protocol: TCP\n") or ""
  files["kustomization.yaml"] = fill(tpl(ctx, "kustomization.yaml"), v)
  for _, f in ipairs({ "namespace.yaml", "runtimeclass.yaml",
      "pool-scaling.yaml", "client-rbac.yaml", "audit-policy.yaml", "fluent-bit.yaml" }) do
    files["deploy/" .. f] = fill(tpl(ctx, "deploy/" .. f), v)
  end
  files["deploy/sandbox-pool.yaml"] = fill(tpl(ctx, browser and
    "deploy/parts/sandbox-pool-browser.yaml" or "deploy/parts/sandbox-pool-code.yaml"), v)
  if I.terraform == "gke" then
    for _, f in ipairs({ "main.tf", "variables.tf", "outputs.tf", "versions.tf" }) do
      files["deploy/terraform/" .. f] = fill(tpl(ctx, "deploy/terraform/" .. f), v)
    end
  elseif I.terraform == "eks" then
    for _, f in ipairs({ "main.tf", "variables.tf", "outputs.tf", "versions.tf" }) do
      files["deploy/terraform/" .. f] = fill(tpl(ctx, "deploy/terraform-aws/" .. f), v)
    end
  end

  -- integration/: the common clients (content/bundles/common/integration/)
  -- with the Kubernetes transport set to RuntimeClass gvisor, plus the
  -- warm-pool transport of this family, wired into the agent frameworks.
  if common ~= nil and common["integration/sandbox_client.py"] ~= nil then
    local iv = {
      provider = "gvisor",
      endpoint = "http://localhost:8080",
      timeout_s = T.call,
      namespace = NAMESPACE,
      runtime_class = "gvisor",
      image = PYTHON_IMAGE,
      use_case = uc,
      claim_seconds = 2 * T.call,
      browser_port = BROWSER_PORT,
      fallback = browser and "False" or "True",
      fallback_js = browser and "false" or "true",
      transport_class = "PooledKubernetesTransport",
      transport_module = "./k8sPoolTransport.js",
    }
    for _, f in ipairs({ "sandbox_client.py", "test_sandbox_client.py", "sandbox_k8s.py",
        "test_sandbox_k8s.py", "sandboxClient.ts", "sandboxClient.test.ts",
        "k8sTransport.ts", "k8sTransport.test.ts", "mcpServer.ts", "openaiAgentTool.ts",
        "wiring.test.ts" }) do
      local t = common["integration/" .. f]
      if t == nil then error("family-user-space-kernel: missing common template integration/" .. f) end
      files["integration/" .. f] = fill(t, iv)
    end
    for _, f in ipairs({ "sandbox_k8s_pool.py", "test_sandbox_k8s_pool.py",
        "k8sPoolTransport.ts", "k8sPoolTransport.test.ts" }) do
      files["integration/" .. f] = fill(tpl(ctx, "integration/" .. f), iv)
    end
    -- package.json: only the packages this bundle's TypeScript imports.
    local keep = { ["@kubernetes/client-node"] = true, ["@modelcontextprotocol/sdk"] = true,
      ["@openai/agents"] = true, zod = true }
    local pj = {}
    for line in (fill(common["integration/package.json"], iv) .. ""):gmatch("[^\n]*\n?") do
      local dep = line:match('^    "([^"]+)": "%d')
      if not (dep and line:find("%d+%.%d+%.%d+\",?%s*$") and
          not keep[dep] and not dep:match("^@types/") and dep ~= "tsx" and dep ~= "typescript") then
        pj[#pj + 1] = line
      end
    end
    files["integration/package.json"] = table.concat(pj)
  end

  -- monitoring/
  for _, f in ipairs({ "falco-rules.yaml", "falco-k8saudit-rules.yaml", "alertmanager.yml" }) do
    files["monitoring/" .. f] = fill(tpl(ctx, "monitoring/" .. f), v)
  end
  -- SETUP.md: how to apply the bundle, by guide section; what does not
  -- apply and why.
  local netfiles = { "`network/networkpolicy.yaml`" }
  if files["network/egress-allow.yaml"] then netfiles[#netfiles + 1] = "`network/egress-allow.yaml`" end
  if files["network/cilium-network-policy.yaml"] then netfiles[#netfiles + 1] = "`network/cilium-network-policy.yaml`" end
  netfiles[#netfiles + 1] = "`security/admission-policy.yaml`"
  v.network_files = table.concat(netfiles, ", ")
  v.terraform_files = I.terraform and "`deploy/terraform/` (main.tf, variables.tf, outputs.tf, versions.tf)"
    or "no Terraform (see below)"
  v.trust, v.infra = trust, infra
  v.claim_seconds = 2 * T.call
  v.setup_steps = (fill(tpl(ctx, "parts/setup-" .. (INFRA[infra] and infra or "kubernetes") .. ".md"), v):gsub("\n+$", ""))
  if I.seccomp == "localhost" then
    v.seccomp_enforcement = "`security/runsc.toml` sets `oci-seccomp = \"true\"`, " ..
      "`security/node-setup.sh` installs the profile as " ..
      "`/var/lib/kubelet/seccomp/" .. seccomp_localhost .. "`, and the pods " ..
      "name it as their `Localhost` profile, so runsc applies it inside the " ..
      "sandbox to every process of the pod.  Check it from a pod: " ..
      "`python3 -c \"import ctypes; print(ctypes.CDLL(None).ptrace(0, 0, 0, 0))\"` " ..
      "prints -1 under the profile (gVisor alone allows it)."
  else
    v.seccomp_enforcement = "On GKE Sandbox Google manages the runsc configuration " ..
      "and you cannot add that flag, so the pods use `RuntimeDefault` (which " ..
      "Pod Security requires and GKE Sandbox accepts) and the bundled profile " ..
      "is not applied inside the sandbox there: the Sentry, itself confined " ..
      "by gVisor's own seccomp filter, is the syscall boundary.  On a " ..
      "self-managed cluster `security/node-setup.sh` installs `runsc.toml` " ..
      "with `oci-seccomp = \"true\"` and the profile as " ..
      "`/var/lib/kubelet/seccomp/" .. seccomp_localhost .. "`; set the " ..
      "pods' seccompProfile to `Localhost` with that path (step 2) and runsc " ..
      "enforces it inside the sandbox."
  end
  if v.token_volume ~= "" then
    v.secrets_note = "No long-lived secret enters a sandbox.  The pod gets a " ..
      "projected ServiceAccount token with audience `sandbox-broker` that " ..
      "expires after 10 minutes; exchange it at your credential broker " ..
      "(Vault, cloud STS) for scoped, short-lived credentials, and add an " ..
      "egress rule to the broker's address (the bundled policies block " ..
      "private ranges).  The pool's ServiceAccount has no RBAC and no API token."
  else
    v.secrets_note = "No secret enters a sandbox: `automountServiceAccountToken: " ..
      "false`, no Secret volumes, no credentials in the environment.  Keep API " ..
      "keys in the agent, outside the sandbox, and pass results in and out " ..
      "through the client."
  end
  if egress == "web" then
    v.network_note = "Default deny in and out.  The sandboxes may resolve names " ..
      "through cluster DNS and reach any public address on ports 80 and 443; " ..
      "cloud metadata (169.254.0.0/16), private ranges and the cluster's own " ..
      "networks stay blocked.  Only the agent's namespace may connect, to the " ..
      "Playwright server on port " .. BROWSER_PORT .. "."
  elseif egress == "registries" then
    v.network_note = "Default deny in and out.  The sandboxes may resolve names " ..
      "through cluster DNS and use HTTPS to public addresses " ..
      "(`network/egress-allow.yaml`).  On Cilium, replace that file with " ..
      "`network/cilium-network-policy.yaml`, which allows only " ..
      table.concat(REGISTRIES, ", ") .. " by name."
  else
    v.network_note = "Default deny in and out, no exceptions: the sandboxes " ..
      "have no network at all, not even DNS.  Install packages into the image " ..
      "instead of at run time."
  end
  if infra == "bare-metal" then
    v.not_applicable_infra = "- **Terraform**: bare-metal hosts have no cloud API to " ..
      "provision; the node set-up is `security/node-setup.sh`, run by hand or by " ..
      "your configuration management.\n"
  elseif infra == "kubernetes" then
    v.not_applicable_infra = "- **`deploy/runtimeclass.yaml` on GKE**: GKE Sandbox " ..
      "creates the RuntimeClass `gvisor` itself, so `kustomization.yaml` leaves the " ..
      "file out; it is there for clusters that are not GKE.\n"
  else
    v.not_applicable_infra = ""
  end
  files["SETUP.md"] = fill(tpl(ctx, "SETUP.md"), v)

  -- monitoring/playbook.md
  v.node_label = infra == "kubernetes" and "sandbox.gke.io/runtime=gvisor on GKE, " ..
    "sandbox.atlas.dev/runtime=gvisor elsewhere" or "sandbox.atlas.dev/runtime=gvisor"
  if infra == "kubernetes" then
    v.replace_node = "On GKE, delete the VM (`gcloud compute instances delete NODE " ..
      "--zone ZONE`); the node pool creates a fresh node."
  elseif infra == "aws" then
    v.replace_node = "On EKS, terminate the instance (`aws ec2 terminate-instances " ..
      "--instance-ids INSTANCE_ID`); the node group starts a fresh node from the " ..
      "launch template, which runs node-setup.sh again."
  else
    v.replace_node = "Reinstall the host from a known-good image and run " ..
      "`security/node-setup.sh` again before it rejoins the cluster."
  end
  files["monitoring/playbook.md"] = fill(tpl(ctx, "monitoring/playbook.md"), v)
  return files
end

return {
  api = 1,
  name = "family-user-space-kernel",
  description = "gVisor (runsc) on Kubernetes: runsc config, seccomp, policies, Kustomize base, Terraform, Falco.",
  family = "user-space-kernel",
  key = KEY,
  verify = verify,
  bundle = bundle,
}
