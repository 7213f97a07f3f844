-- family-kvm-microvm.lua: bundle files for sandboxes that are hardware
-- virtual machines on KVM: Firecracker microVMs started by the jailer on
-- dedicated hosts, and Kata Containers (QEMU) VMs on Kubernetes.
--
-- What the bundle holds, by entry:
--   firecracker      security/  vm_config.json (Firecracker --config-file:
--                               read-only rootfs, sized scratch drive,
--                               vCPU and memory, rate limiters on every
--                               drive and interface, MMDS v2 only when
--                               short-lived credentials are needed),
--                               jailer.args, the guest's seccomp profile,
--                               the launch script, the watchdog, the host
--                               set-up; network/ the host nftables ruleset
--                               for the microVMs' links; deploy/ systemd
--                               units and, on aws, a Terraform module (an
--                               Auto Scaling group of metal instances,
--                               IMDSv2 only); monitoring/ Falco rules,
--                               alert routing, playbook; integration/ the
--                               common clients for your controller and the
--                               controller's API
--   kata-containers  security/  configuration-qemu.toml, node set-up,
--                               seccomp profile (localhost profile),
--                               limits, admission policy; network/
--                               NetworkPolicies (CiliumNetworkPolicy where
--                               names are allowed); the Kustomize base at
--                               the top, deploy/ namespace, RuntimeClass,
--                               RBAC, audit policy, on kubernetes a
--                               Terraform GKE node pool with nested
--                               virtualization; monitoring/ and
--                               integration/ with the Kubernetes transport
--   other entries of the family (Cloud Hypervisor, libkrun, Hyperlight,
--   Unikraft) get the VMM-independent files only: SETUP.md says so.
--
-- Templates: content/bundles/kvm-microvm/ (ctx.templates: firecracker/,
-- kata/, common/) and content/bundles/common/ (ctx.common, when the
-- builder provides it: the seccomp profiles and the integration clients).

local KEY = { "use-case", "trust", "infra" }

-- Pinned releases.
local FIRECRACKER_VERSION = "1.16.1"
local KATA_VERSION = "3.29.0"
local PYTHON_IMAGE = "docker.io/library/python:3.12.8-slim-bookworm"
local NAMESPACE = "sandboxes"
local CLIENT_NAMESPACE = "agents"
local CLIENT_SA = "sandbox-client"
local RUNTIME_CLASS = "kata-sandbox"
local UID_BASE = 100000
local MAX_INDEX = 16383
local WATCHDOG_PERIOD = 15
local HOSTS_MAX = 10
local RESOLVERS = { "1.1.1.1", "9.9.9.9" }
local REGISTRIES = { "pypi.org", "files.pythonhosted.org", "registry.npmjs.org" }
local MIB = 1048576

-- command: the deadline of one tool call (s); max_age: the longest a
-- sandbox (microVM or pod) may live, enforced by the watchdog or by
-- activeDeadlineSeconds.  max_age >= 4 * command, the pod lifetime the
-- Kubernetes transport asks for.
local TRUST = {
  untrusted = { command = 60, max_age = 300 },
  ["semi-trusted"] = { command = 120, max_age = 900 },
  trusted = { command = 600, max_age = 3600 },
}

-- Sizes per use case: microVM vCPUs (1 or even), memory and scratch
-- drive (MiB), disk and network rates; the pod's CPU (millicores) and
-- memory (MiB) on Kata.
local USECASE = {
  ["code-execution"] = { vcpus = 1, mem = 1024, scratch = 1024, cpu_m = 1000, pod_mem = 1024 },
  ["browser-automation"] = { vcpus = 2, mem = 2048, scratch = 1024, cpu_m = 2000, pod_mem = 2048 },
  ["file-processing"] = { vcpus = 2, mem = 2048, scratch = 4096, cpu_m = 2000, pod_mem = 2048 },
  ["multi-tool-agent"] = { vcpus = 1, mem = 1024, scratch = 1024, cpu_m = 1000, pod_mem = 1024 },
}
local RATES = {
  root_bw = 100 * MIB, root_ops = 2000,
  scratch_bw = 50 * MIB, scratch_ops = 1000,
  net_bytes = 12500000, net_ops = 10000,   -- 100 Mbit/s, 10k packets/s
}

-- Egress: "none", "registries" (HTTPS to public addresses; by name with
-- Cilium on Kubernetes), or "web" (HTTP and HTTPS to public addresses).
local function egress_for(req)
  local uc, tr = req["use-case"], req.trust
  if uc == "browser-automation" then return "web" end
  if tr ~= "untrusted" and (uc == "code-execution" or uc == "multi-tool-agent") then
    return "registries"
  end
  return "none"
end

local EGRESS_SUMMARY = {
  none = "none: the sandbox has no network interface at all, and the host drops anything from a sandbox link",
  registries = "HTTPS to public addresses and DNS to " .. table.concat(RESOLVERS, " and ") ..
    ", for the package registries " .. table.concat(REGISTRIES, ", ") ..
    "; metadata, private ranges and the host are dropped",
  web = "HTTP and HTTPS to public addresses and DNS to " .. table.concat(RESOLVERS, " and ") ..
    ", for the pages the browser loads; metadata, private ranges and the host are dropped",
}
local KATA_EGRESS_SUMMARY = {
  none = "default deny: no ingress and no egress, not even DNS",
  registries = "default deny, then cluster DNS and HTTPS to public addresses " ..
    "(by name, only " .. table.concat(REGISTRIES, ", ") .. ", with Cilium); metadata and private ranges stay blocked",
  web = "default deny, then cluster DNS and HTTP and HTTPS to public addresses; metadata and private ranges stay blocked",
}

------------------------------------------------------------------------
-- Verification of every file this plugin can emit.
------------------------------------------------------------------------

local function row(method, check, how) return { method = method, check = check, how = how } end

local SECCOMP_HOW = "OCI schema, no weaker than Docker's default for x86_64, " ..
  "forbidden calls absent, live probes in a user+mount namespace under " ..
  "libseccomp, and the use case's workload (python3, node, shell; headless " ..
  "Chromium for browser automation) run under it (tests/bundles/checks/seccomp); " ..
  "here on the host kernel, in the product inside the guest"
local FC_HOW = "validated against a JSON schema built from Firecracker's own API " ..
  "description (swagger firecracker.yaml, unknown fields rejected) plus the " ..
  "bundle's rules: one read-only root device, rate limiters on every drive " ..
  "and interface, vCPUs 1 or even, MMDS only as V2 " ..
  "(tests/bundles/checks/firecracker-config); no firecracker binary in Debian 12, so it was not booted"
local JAILER_HOW = "every flag and value checked against the jailer's and " ..
  "Firecracker's documented flags: non-root uid/gid, cgroup v2 limits, " ..
  "--new-pid-ns, no --no-seccomp (tests/bundles/checks/firecracker-config); " ..
  "no jailer binary in Debian 12, so it was not run"
local K8S_HOW = "kubernetes-models 5.1.0 schema, unknown fields by a TypeScript " ..
  "excess-property check, Kubernetes 1.30+ API versions, Pod Security " ..
  "\"restricted\" and bundle hygiene (tests/bundles/checks/kubernetes)"
local KUST_HOW = "own Kustomization schema, every path resolved in the bundle, " ..
  "the base built and checked as a set (tests/bundles/checks/kubernetes)"
local TF_HOW = "HCL parsed, block labels, providers pinned, every variable " ..
  "declared (tests/bundles/checks/terraform); `terraform init` cannot " ..
  "reach the provider registry here, so plan and apply were not run"
local SHELL_HOW = "sh -n and ShellCheck with no finding (tests/bundles/checks/shell); "
local UNIT_HOW = "systemd-analyze verify (Debian's systemd): every key known, " ..
  "every value parsed, executables present, no warning (tests/bundles/checks/systemd-unit)"
local FALCO_HOW = "validated against Falco's own rules JSON schema; conditions " ..
  "parsed with libsinsp's filter grammar, macros and lists resolved, fields " ..
  "checked against their classes (tests/bundles/checks/falco); no Falco " ..
  "engine in Debian 12, so the rules were not loaded"
local MD_HOW = "linted by markdownlint-cli2 0.18.1 with the project's rules"
local PY_HOW = "compiled, pyflakes-clean, mypy --strict, and its tests run with " ..
  "pytest against fake endpoints on 127.0.0.1 (tests/bundles/checks/python-test)"
local TS_HOW = "tsc --strict against the pinned packages of tests/package.json, " ..
  "and its tests run with node --test against fake endpoints on 127.0.0.1 " ..
  "(tests/bundles/checks/typescript-test)"

local verify = {
  ["SETUP.md"] = row("syntax", "markdownlint", MD_HOW),
  ["security/vm_config.json"] = row("schema", "firecracker-config", FC_HOW),
  ["security/jailer.args"] = row("schema", "firecracker-config", JAILER_HOW),
  ["security/microvm-launch.sh"] = row("syntax", "shell", SHELL_HOW ..
    "it needs root, KVM, the jailer and network namespaces, so it was not run here"),
  ["security/watchdog.sh"] = row("executed", "microvm-watchdog",
    "ShellCheck-clean and run against a fake jail tree with a recording stop " ..
    "command: stops exactly the microVMs past their deadline (or without a " ..
    "readable one and older than the limit), honours DRY_RUN, exits 1 when a " ..
    "stop fails (tests/bundles/checks/microvm-watchdog)"),
  ["security/host-setup.sh"] = row("syntax", "shell", SHELL_HOW ..
    "it installs packages and changes the host's kernel settings, so it was not run here"),
  ["network/nftables-microvm.nft"] = row("executed", "nftables",
    "nft -c, then loaded into a private network namespace; new IPv4 packets from a " ..
    "microVM link to 169.254.169.254 and the private ranges are certainly dropped on " ..
    "the forward and input paths (tests/bundles/checks/nftables)"),
  ["deploy/systemd/microvm-host.service"] = row("schema", "systemd-unit", UNIT_HOW),
  ["deploy/systemd/microvm-watchdog.service"] = row("schema", "systemd-unit", UNIT_HOW),
  ["deploy/systemd/microvm-watchdog.timer"] = row("schema", "systemd-unit", UNIT_HOW),
  ["integration/CONTROLLER-API.md"] = row("syntax", "markdownlint", MD_HOW ..
    "; the contract is the one the clients' HttpJsonTransport is tested against"),
  ["security/configuration-qemu.toml"] = row("schema", "kata-config",
    "TOML parsed; sections, keys, types and enumerations of Kata's documented " ..
    "configuration-qemu.toml template; disable_guest_seccomp = false, no agent " ..
    "debug console, no extra QEMU monitor (tests/bundles/checks/kata-config); no " ..
    "Kata binary in Debian 12, so no VM was started"),
  ["security/node-setup.sh"] = row("syntax", "shell", SHELL_HOW ..
    "it writes Kata's configuration on a node, so it was not run here"),
  ["security/limits.yaml"] = row("schema", "kubernetes", K8S_HOW),
  ["security/admission-policy.yaml"] = row("schema", "kubernetes",
    K8S_HOW .. "; the CEL expressions are not evaluated"),
  ["network/networkpolicy.yaml"] = row("schema", "kubernetes", K8S_HOW),
  ["network/egress-allow.yaml"] = row("schema", "kubernetes", K8S_HOW),
  ["network/cilium-network-policy.yaml"] = row("schema", "cilium",
    "@kubernetes-models/cilium 4.0.0 schema, unknown fields by a TypeScript " ..
    "excess-property check, toFQDNs paired with a DNS-proxy rule " ..
    "(tests/bundles/checks/cilium)"),
  ["kustomization.yaml"] = row("schema", "kubernetes", KUST_HOW),
  ["deploy/namespace.yaml"] = row("schema", "kubernetes", K8S_HOW),
  ["deploy/runtimeclass.yaml"] = row("schema", "kubernetes", K8S_HOW),
  ["deploy/client-rbac.yaml"] = row("schema", "kubernetes", K8S_HOW),
  ["deploy/audit-policy.yaml"] = row("schema", "audit-policy",
    "validated against a JSON Schema of audit.k8s.io/v1 Policy written from " ..
    "the Kubernetes API reference (tests/bundles/checks/audit-policy)"),
  ["monitoring/falco-rules.yaml"] = row("schema", "falco", FALCO_HOW),
  ["monitoring/alertmanager.yml"] = row("executed", "alertmanager",
    "loaded by `amtool check-config` of Debian's Alertmanager (routes, " ..
    "receivers, matchers) (tests/bundles/checks/alertmanager)"),
  ["monitoring/playbook.md"] = row("syntax", "markdownlint", MD_HOW ..
    "; its commands need a microVM host or a cluster and were not run"),
  ["integration/sandbox_client.py"] = row("executed", "python-test", PY_HOW),
  ["integration/test_sandbox_client.py"] = row("executed", "python-test", PY_HOW),
  ["integration/sandbox_k8s.py"] = row("executed", "python-test", PY_HOW ..
    "; a real cluster was not reached"),
  ["integration/test_sandbox_k8s.py"] = row("executed", "python-test", PY_HOW),
  ["integration/sandboxClient.ts"] = row("executed", "typescript-test", TS_HOW),
  ["integration/sandboxClient.test.ts"] = row("executed", "typescript-test", TS_HOW),
  ["integration/mcpServer.ts"] = row("executed", "typescript-test", TS_HOW ..
    " (wiring.test.ts drives it over an in-memory MCP connection)"),
  ["integration/openaiAgentTool.ts"] = row("executed", "typescript-test", TS_HOW ..
    " (wiring.test.ts invokes the tool without a model)"),
  ["integration/wiring.test.ts"] = row("executed", "typescript-test", TS_HOW),
  ["integration/k8sTransport.ts"] = row("schema", "typescript",
    "tsc --strict against @kubernetes/client-node 1.4.0 from tests/package.json " ..
    "(tests/bundles/checks/typescript); its calls need a cluster and were not run"),
}
for _, f in ipairs({ "main.tf", "variables.tf", "outputs.tf", "versions.tf" }) do
  verify["deploy/terraform/" .. f] = row("syntax", "terraform", TF_HOW)
end
for _, uc in ipairs({ "code-execution", "browser-automation", "file-processing", "multi-tool-agent" }) do
  verify["security/seccomp-" .. uc .. ".json"] = row("executed", "seccomp", SECCOMP_HOW)
end

------------------------------------------------------------------------
-- Helpers.
------------------------------------------------------------------------

local function tpl(ctx, path)
  local t = ctx.templates[path]
  if t == nil then error("family-kvm-microvm: missing template " .. path) end
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

local function copy(t)
  local o = {}
  for k, x in pairs(t) do o[k] = x end
  return o
end

local function bucket(size) return string.format('{ "size": %d, "refill_time": 1000 }', size) end

-- The seccomp profile of the use case from content/bundles/common/security
-- (the browser profile for browser automation, else the code-execution
-- one: file processing and multi-tool agents run the same interpreters).
local function seccomp_for(ctx, uc)
  local common = ctx.common
  if common == nil then return nil end
  return common["security/seccomp-" .. uc .. ".json"] or
    common["security/seccomp-" .. (uc == "browser-automation" and uc or "code-execution") .. ".json"]
end

-- The common integration clients (content/bundles/common/integration).
local function integration(ctx, files, v, kubernetes)
  local common = ctx.common
  if common == nil then return end
  local list = { "sandbox_client.py", "test_sandbox_client.py", "sandboxClient.ts",
    "sandboxClient.test.ts", "mcpServer.ts", "openaiAgentTool.ts", "wiring.test.ts" }
  if kubernetes then
    for _, f in ipairs({ "k8sTransport.ts", "sandbox_k8s.py", "test_sandbox_k8s.py" }) do
      list[#list + 1] = f
    end
  end
  for _, f in ipairs(list) do
    local t = common["integration/" .. f]
    if t ~= nil then files["integration/" .. f] = fill(t, v) end
  end
end

------------------------------------------------------------------------
-- Firecracker.
------------------------------------------------------------------------

local function firecracker(entry, req, ctx, v, files)
  local uc, infra = req["use-case"], req.infra
  local U = USECASE[uc] or USECASE["code-execution"]
  local egress = egress_for(req)
  local with_nic = egress ~= "none"
  local with_mmds = with_nic and uc == "multi-tool-agent"

  v.firecracker_version = FIRECRACKER_VERSION
  v.vcpus = U.vcpus
  v.mem_mib = U.mem
  v.scratch_mib = U.scratch
  v.root_bw_bytes, v.root_ops = RATES.root_bw, RATES.root_ops
  v.scratch_bw_bytes, v.scratch_ops = RATES.scratch_bw, RATES.scratch_ops
  v.root_bw_mib, v.scratch_bw_mib = RATES.root_bw // MIB, RATES.scratch_bw // MIB
  v.cpu_max = string.format("%d 100000", U.vcpus * 100000)
  v.memory_max = (U.mem + 256) * MIB
  v.fsize = (U.scratch + 64) * MIB
  v.uid_base = UID_BASE
  v.uid_min = UID_BASE + 1
  v.uid_max = UID_BASE + MAX_INDEX
  v.example_id = "sandbox-example"
  v.example_uid = UID_BASE + 1
  v.watchdog_period = WATCHDOG_PERIOD
  v.with_nic = with_nic and "yes" or "no"
  v.with_mmds = with_mmds and "yes" or "no"
  v.egress_summary = EGRESS_SUMMARY[egress]
  v.asg_max = HOSTS_MAX

  -- Guest kernel command line: no serial console (a guest could flood
  -- the host's logs through it), root read-only, the address of the
  -- guest's link and its resolvers when it has one.
  local boot = "reboot=k panic=1 pci=off i8042.noaux i8042.nomux i8042.nopnp " ..
    "i8042.dumbkbd 8250.nr_uarts=0 ro quiet"
  if with_nic then
    boot = boot .. " ip=172.16.0.2::172.16.0.1:255.255.255.252::eth0:off:" ..
      RESOLVERS[1] .. ":" .. RESOLVERS[2]
  end
  v.boot_args = boot
  if with_nic then
    v.network_interfaces = table.concat({
      '  "network-interfaces": [',
      "    {",
      '      "iface_id": "eth0",',
      '      "host_dev_name": "tap0",',
      '      "guest_mac": "06:00:AC:10:00:02",',
      '      "rx_rate_limiter": {',
      '        "bandwidth": ' .. bucket(RATES.net_bytes) .. ",",
      '        "ops": ' .. bucket(RATES.net_ops),
      "      },",
      '      "tx_rate_limiter": {',
      '        "bandwidth": ' .. bucket(RATES.net_bytes) .. ",",
      '        "ops": ' .. bucket(RATES.net_ops),
      "      }",
      "    }",
      "  ],",
      "" }, "\n")
    v.nic_limits = string.format(", and the network interface at %d Mbit/s and %d packets/s each way",
      RATES.net_bytes * 8 // 1000000, RATES.net_ops)
  else
    v.network_interfaces = ""
    v.nic_limits = "; the microVM has no network interface"
  end
  if with_mmds then
    v.mmds_config = table.concat({
      '  "mmds-config": {',
      '    "version": "V2",',
      '    "network_interfaces": ["eth0"],',
      '    "ipv4_address": "169.254.170.2"',
      "  },",
      "" }, "\n")
    v.secret_note = "no long-lived secret enters a microVM. When a tool call " ..
      "needs credentials, the controller fetches short-lived, scoped ones " ..
      "(15 minutes at most) from your credential broker and hands them to " ..
      "`microvm-launch.sh` in `CREDENTIALS_FILE`; the script puts them into " ..
      "the microVM's MMDS (version 2: the guest must first `PUT " ..
      "/latest/api/token` for a session token, so a plain GET through an " ..
      "SSRF cannot read them, at 169.254.170.2, not the cloud's " ..
      "169.254.169.254) and deletes the file. Revoke them at the broker when " ..
      "the microVM stops."
  else
    v.mmds_config = ""
    v.secret_note = "no credentials enter a microVM: the guest image holds " ..
      "none, MMDS is not configured, the exec environment carries only what " ..
      "the agent passes per call, and the controller's API token stays on " ..
      "the host. A tool that needs an API key calls it through an egress " ..
      "proxy outside the guest that adds the key, or not at all."
  end
  if with_nic then
    v.resolver_define = "define resolvers = { " .. table.concat(RESOLVERS, ", ") .. " }\n"
    local rules = {
      '\t\tiifname $microvm_ifaces ip daddr $resolvers udp dport 53 accept comment "DNS to the public resolvers"',
      "\t\tiifname $microvm_ifaces ip daddr $resolvers tcp dport 53 accept",
    }
    if egress == "web" then
      rules[#rules + 1] = '\t\tiifname $microvm_ifaces tcp dport { 80, 443 } accept comment "HTTP and HTTPS to public addresses"'
    else
      rules[#rules + 1] = '\t\tiifname $microvm_ifaces tcp dport 443 accept comment "HTTPS to public addresses"'
    end
    v.egress_rules = table.concat(rules, "\n") .. "\n"
    local sg = {}
    for i, r in ipairs(RESOLVERS) do
      for _, proto in ipairs({ "udp", "tcp" }) do
        sg[#sg + 1] = string.format([[

resource "aws_vpc_security_group_egress_rule" "dns_%s_%d" {
  security_group_id = aws_security_group.hosts.id
  description       = "DNS of the microVMs to %s"
  cidr_ipv4         = "%s/32"
  ip_protocol       = "%s"
  from_port         = 53
  to_port           = 53
}]], proto, i, r, r, proto)
      end
    end
    v.sg_dns_rules = table.concat(sg, "") .. "\n"
    v.sg_https_note = ", and the microVMs' HTTPS"
    v.sg_http_note = egress == "web" and ", and the microVMs' HTTP" or ""
  else
    v.resolver_define = ""
    v.egress_rules = ""
    v.sg_dns_rules = ""
    v.sg_https_note = ""
    v.sg_http_note = ""
  end

  local units = "`deploy/systemd/microvm-host.service`, `deploy/systemd/microvm-watchdog.service`, " ..
    "`deploy/systemd/microvm-watchdog.timer`"
  if infra == "aws" then
    v.infra_label = "AWS (EC2 bare-metal instances)"
    v.deploy_files = "`deploy/terraform/` (Auto Scaling group of metal instances, IMDSv2 only), " .. units
    v.install_step = "Upload `vmlinux` and `rootfs.ext4` to S3, then `terraform init && " ..
      "terraform apply` in `deploy/terraform/` (variables in `variables.tf`): each " ..
      "instance's user data writes this bundle's host files and runs " ..
      "`security/host-setup.sh install`."
    v.infra_note = "EC2 exposes KVM on bare-metal (`*.metal`) instance types, which " ..
      "`deploy/terraform/` uses by default; Firecracker is not well tested under " ..
      "nested virtualization."
  else
    v.infra_label = infra == "bare-metal" and "your own Linux hosts" or "dedicated Linux hosts"
    v.deploy_files = units
    v.install_step = "Copy this bundle to each host and run, as root, " ..
      "`IMAGES_URI=https://your.host/images sh security/host-setup.sh install` " ..
      "(or put `vmlinux` and `rootfs.ext4` in `/var/lib/sandbox-atlas/images/` yourself)."
    if infra == "bare-metal" then
      v.infra_note = "No Terraform: the hosts are yours. The systemd units are the " ..
        "deployment; hosts need x86_64, KVM (`/dev/kvm`), cgroup v2 and a 5.10, " ..
        "6.1 or 6.18 kernel."
    else
      v.infra_note = "Firecracker runs on hosts, not in pods or workers: this bundle " ..
        "sets up dedicated x86_64 KVM hosts next to your " .. infra .. " platform " ..
        "(no Terraform for " .. infra .. " here). On Kubernetes, Kata Containers " ..
        "with its `kata-fc` RuntimeClass runs Firecracker for you."
    end
  end

  files["SETUP.md"] = fill(tpl(ctx, "firecracker/SETUP.md"), v)
  for _, f in ipairs({ "vm_config.json", "jailer.args", "microvm-launch.sh", "watchdog.sh", "host-setup.sh" }) do
    files["security/" .. f] = fill(tpl(ctx, "firecracker/security/" .. f), v)
  end
  files["network/nftables-microvm.nft"] = fill(tpl(ctx, "firecracker/network/nftables-microvm.nft"), v)
  for _, f in ipairs({ "microvm-host.service", "microvm-watchdog.service", "microvm-watchdog.timer" }) do
    files["deploy/systemd/" .. f] = fill(tpl(ctx, "firecracker/deploy/systemd/" .. f), v)
  end
  if infra == "aws" then
    for _, f in ipairs({ "main.tf", "variables.tf", "outputs.tf", "versions.tf" }) do
      files["deploy/terraform/" .. f] = fill(tpl(ctx, "firecracker/deploy/terraform-aws/" .. f), v)
    end
  end
  for _, f in ipairs({ "falco-rules.yaml", "playbook.md" }) do
    files["monitoring/" .. f] = fill(tpl(ctx, "firecracker/monitoring/" .. f), v)
  end
  v.runtime_name = "Firecracker"
  v.platform_source = "node-exporter's systemd collector on the microVM hosts"
  v.platform_comment = "The watchdog or host set-up unit failed on a microVM host."
  v.platform_alerts = "NodeSystemdServiceFailed|SystemdUnitFailed|MicroVMWatchdogFailed"
  files["monitoring/alertmanager.yml"] = fill(tpl(ctx, "common/monitoring/alertmanager.yml"), v)
  files["integration/CONTROLLER-API.md"] = fill(tpl(ctx, "firecracker/integration/CONTROLLER-API.md"), v)

  v.endpoint = "https://sandbox-controller.internal:8443"
  v.transport_class = "HttpJsonTransport"
  v.transport_module = "./sandboxClient.js"
  integration(ctx, files, v, false)
end

------------------------------------------------------------------------
-- Kata Containers.
------------------------------------------------------------------------

local function kata(entry, req, ctx, v, files)
  local uc, infra = req["use-case"], req.infra
  local U = USECASE[uc] or USECASE["code-execution"]
  local egress = egress_for(req)
  local pool_pods = 20

  v.kata_version = KATA_VERSION
  v.runtime_class = RUNTIME_CLASS
  v.kata_max_vcpus = math.max(2, U.cpu_m // 1000 + 1)
  v.kata_default_memory = 512
  v.kata_max_memory = U.pod_mem + 1024
  v.kata_net_bps = RATES.net_bytes * 8
  v.kata_net_mbps = RATES.net_bytes * 8 // 1000000
  v.cpu_request = cpu(U.cpu_m // 2)
  v.cpu_limit = cpu(U.cpu_m)
  v.memory = mi(U.pod_mem)
  v.ephemeral_request = mi(512)
  v.ephemeral_limit = mi(2048)
  v.quota_pods = pool_pods
  v.quota_cpu = cpu(pool_pods * U.cpu_m)
  v.quota_memory = mi(pool_pods * U.pod_mem)
  v.quota_ephemeral = mi(pool_pods * 2048)
  v.egress_summary = KATA_EGRESS_SUMMARY[egress]
  v.node_max = HOSTS_MAX
  v.image = PYTHON_IMAGE
  v.seccomp_dir = "sandbox-atlas"
  v.seccomp_file = "seccomp-" .. uc .. ".json"
  v.seccomp_localhost = v.seccomp_dir .. "/" .. v.seccomp_file
  v.secret_note = uc == "multi-tool-agent" and egress ~= "none" and
    "A tool that needs a credential gets a short-lived one: a projected " ..
    "ServiceAccount token (audience your broker, 10 minutes) traded at " ..
    "the broker for scoped, expiring credentials; add it to the pod " ..
    "template of the transport only for such tools." or
    "No tool call needs credentials in this bundle's use case."

  -- Network policies.
  local netres = { "network/networkpolicy.yaml" }
  local netfiles = { "`network/networkpolicy.yaml`" }
  local parts = {}
  if egress ~= "none" then parts[#parts + 1] = tpl(ctx, "kata/network/parts/allow-dns.yaml") end
  v.extra_policies = "\n" .. fill(table.concat(parts, ""), v)
  files["network/networkpolicy.yaml"] = fill(tpl(ctx, "kata/network/networkpolicy.yaml"), v)
  if egress ~= "none" then
    netres[#netres + 1] = "network/egress-allow.yaml"
    netfiles[#netfiles + 1] = "`network/egress-allow.yaml`"
    if egress == "web" then
      v.egress_summary_np = "HTTP and HTTPS to any public address, for the pages the browser loads"
      v.egress_ports = "        - protocol: TCP\n          port: 80\n        - protocol: TCP\n          port: 443"
      v.egress_cilium_note = ""
    else
      v.egress_summary_np = "HTTPS to public addresses, for the package registries " ..
        table.concat(REGISTRIES, ", ")
      v.egress_ports = "        - protocol: TCP\n          port: 443"
      v.egress_cilium_note = "# NetworkPolicy cannot name hosts: on Cilium use\n" ..
        "# cilium-network-policy.yaml instead, which allows only those names.\n"
    end
    local ev = copy(v)
    ev.egress_summary = v.egress_summary_np
    files["network/egress-allow.yaml"] = fill(tpl(ctx, "kata/network/egress-allow.yaml"), ev)
  end
  if egress == "registries" then
    local pats, names = {}, {}
    for _, r in ipairs(REGISTRIES) do
      pats[#pats + 1] = "matchPattern: \"" .. r .. "\""
      names[#names + 1] = "matchName: \"" .. r .. "\""
    end
    v.dns_patterns = yaml_list(pats, 14)
    v.fqdns = yaml_list(names, 8)
    files["network/cilium-network-policy.yaml"] = fill(tpl(ctx, "kata/network/cilium-network-policy.yaml"), v)
    netfiles[#netfiles + 1] = "`network/cilium-network-policy.yaml`"
  end
  v.network_resources = yaml_list(netres, 2)
  v.network_files = table.concat(netfiles, ", ")

  -- Infrastructure.
  if infra == "kubernetes" then
    v.terraform_files = ", `deploy/terraform/` (GKE node pool with nested virtualization)"
    v.node_step = "`deploy/terraform/` adds a GKE node pool with nested " ..
      "virtualization, SMT off, cgroup v2 and the taint the RuntimeClass " ..
      "tolerates (`terraform init && terraform apply`). On another cluster, " ..
      "use bare-metal nodes or nodes with nested virtualization, taint them " ..
      "`sandbox.atlas.dev/runtime=kata:NoSchedule`, and run cgroup v2."
    v.autoscale_note = " (`deploy/terraform/`: 1 to " .. HOSTS_MAX .. " nodes per zone)"
  else
    v.terraform_files = ""
    v.node_step = "bare-metal nodes or nodes with nested virtualization " ..
      "(on AWS, `*.metal` instance types), cgroup v2, tainted " ..
      "`sandbox.atlas.dev/runtime=kata:NoSchedule`; no Terraform is included " ..
      "for " .. infra .. "."
    v.autoscale_note = ""
  end

  files["SETUP.md"] = fill(tpl(ctx, "kata/SETUP.md"), v)
  local seccomp = seccomp_for(ctx, uc)
  local kv = copy(v)
  kv.kata_toml = fill(tpl(ctx, "kata/security/configuration-qemu.toml"), v)
  files["security/configuration-qemu.toml"] = kv.kata_toml
  if seccomp ~= nil then
    kv.seccomp_json = seccomp:sub(-1) == "\n" and seccomp or seccomp .. "\n"
    files["security/node-setup.sh"] = fill(tpl(ctx, "kata/security/node-setup.sh"), kv)
  end
  for _, f in ipairs({ "limits.yaml", "admission-policy.yaml" }) do
    files["security/" .. f] = fill(tpl(ctx, "kata/security/" .. f), v)
  end
  files["kustomization.yaml"] = fill(tpl(ctx, "kata/kustomization.yaml"), v)
  for _, f in ipairs({ "namespace.yaml", "runtimeclass.yaml", "client-rbac.yaml", "audit-policy.yaml" }) do
    files["deploy/" .. f] = fill(tpl(ctx, "kata/deploy/" .. f), v)
  end
  if infra == "kubernetes" then
    for _, f in ipairs({ "main.tf", "variables.tf", "outputs.tf", "versions.tf" }) do
      files["deploy/terraform/" .. f] = fill(tpl(ctx, "kata/deploy/terraform-gke/" .. f), v)
    end
  end
  for _, f in ipairs({ "falco-rules.yaml", "playbook.md" }) do
    files["monitoring/" .. f] = fill(tpl(ctx, "kata/monitoring/" .. f), v)
  end
  v.runtime_name = "Kata Containers"
  v.platform_source = "kube-state-metrics alerts labelled namespace=\"" .. NAMESPACE .. "\""
  v.platform_comment = "Sandbox pods failing or the namespace quota exhausted."
  v.platform_alerts = "KubePodCrashLooping|KubePodNotReady|KubeQuotaFullyUsed|KubeQuotaExceeded"
  files["monitoring/alertmanager.yml"] = fill(tpl(ctx, "common/monitoring/alertmanager.yml"), v)

  v.endpoint = "https://kubernetes.default.svc"
  v.transport_class = "KubernetesTransport"
  v.transport_module = "./k8sTransport.js"
  integration(ctx, files, v, true)
end

------------------------------------------------------------------------
-- The bundle.
------------------------------------------------------------------------

local function bundle(entry, req, ctx)
  local uc, trust = req["use-case"], req.trust
  local T = TRUST[trust] or TRUST.untrusted
  local files = {}
  local v = {
    top = ctx.top,
    use_case = uc,
    trust = trust,
    infra = req.infra,
    provider = entry.slug,
    namespace = NAMESPACE,
    client_namespace = CLIENT_NAMESPACE,
    client_sa = CLIENT_SA,
    command_s = T.command,
    max_age = T.max_age,
    timeout_s = T.command,
  }
  -- The guest's (or pod's) seccomp profile.
  local seccomp = seccomp_for(ctx, uc)
  if seccomp ~= nil then files["security/seccomp-" .. uc .. ".json"] = seccomp end

  if entry.slug == "kata-containers" then
    kata(entry, req, ctx, v, files)
  elseif entry.slug == "firecracker" then
    firecracker(entry, req, ctx, v, files)
  else
    -- Cloud Hypervisor, libkrun, Hyperlight, Unikraft: no VMM-specific
    -- templates yet; the bundle says so instead of shipping a
    -- Firecracker configuration under another name.
    files["SETUP.md"] = "# " .. entry.name .. " sandboxes\n\n" ..
      "This bundle has no " .. entry.name .. " configuration yet: the " ..
      "`kvm-microvm` family's templates cover Firecracker (with its jailer) " ..
      "and Kata Containers. The seccomp profile of the use case, " ..
      "`security/seccomp-" .. uc .. ".json`, applies inside any Linux " ..
      "guest; see the guide page for " .. entry.name .. "'s own hardening.\n"
  end
  return files
end

return {
  api = 1,
  name = "family-kvm-microvm",
  description = "Firecracker (jailer, VM config, nftables, watchdog, Terraform) and Kata Containers (configuration, Kustomize base) bundles.",
  family = "kvm-microvm",
  key = KEY,
  verify = verify,
  bundle = bundle,
}
