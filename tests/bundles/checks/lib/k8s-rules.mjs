// k8s-rules.mjs: the hygiene rules of the "kubernetes" check (issue 6),
// applied per object: API versions that a Kubernetes 1.30+ cluster
// serves, Pod Security Standards "restricted", readOnlyRootFilesystem,
// automountServiceAccountToken: false, requests and limits, probes on
// long-running workloads, pinned images, Namespace PSA labels and
// NetworkPolicy egress that never reaches the metadata address.
// Each function returns a list of messages (empty when clean).
//
// Sources:
//   Pod Security Standards (v1.30):
//     https://kubernetes.io/docs/concepts/security/pod-security-standards/
//   Removed APIs: https://kubernetes.io/docs/reference/using-api/deprecation-guide/
//   Pod Security Admission labels:
//     https://kubernetes.io/docs/concepts/security/pod-security-admission/

import { isObject } from "./common.mjs";

// group/version (or group/version/Kind) -> Kubernetes release that no
// longer serves it.  kubernetes-models 5.1.0 still ships these old
// versions, so its validators alone would accept them.
export const REMOVED = {
	"extensions/v1beta1": "1.22",
	"apps/v1beta1": "1.16",
	"apps/v1beta2": "1.16",
	"admissionregistration.k8s.io/v1beta1": "1.22",
	"apiextensions.k8s.io/v1beta1": "1.22",
	"apiregistration.k8s.io/v1beta1": "1.22",
	"authentication.k8s.io/v1beta1": "1.22",
	"authorization.k8s.io/v1beta1": "1.22",
	"certificates.k8s.io/v1beta1": "1.22",
	"coordination.k8s.io/v1beta1": "1.22",
	"networking.k8s.io/v1beta1": "1.22",
	"rbac.authorization.k8s.io/v1beta1": "1.22",
	"scheduling.k8s.io/v1beta1": "1.22",
	"storage.k8s.io/v1beta1/CSIDriver": "1.22",
	"storage.k8s.io/v1beta1/CSINode": "1.22",
	"storage.k8s.io/v1beta1/StorageClass": "1.22",
	"storage.k8s.io/v1beta1/VolumeAttachment": "1.22",
	"storage.k8s.io/v1beta1/CSIStorageCapacity": "1.27",
	"batch/v1beta1": "1.25",
	"discovery.k8s.io/v1beta1": "1.25",
	"events.k8s.io/v1beta1": "1.25",
	"autoscaling/v2beta1": "1.25",
	"policy/v1beta1": "1.25",
	"node.k8s.io/v1beta1": "1.25",
	"flowcontrol.apiserver.k8s.io/v1beta1": "1.26",
	"autoscaling/v2beta2": "1.26",
	"flowcontrol.apiserver.k8s.io/v1beta2": "1.29",
	"flowcontrol.apiserver.k8s.io/v1beta3": "1.32",
	"resource.k8s.io/v1alpha2": "1.31",
};

// APIs a 1.30 cluster does not serve yet (GA or beta-by-default later).
export const NEWER = {
	"resource.k8s.io/v1": "1.34",
	"resource.k8s.io/v1beta1": "1.32",
	"resource.k8s.io/v1beta2": "1.33",
	"networking.k8s.io/v1/ServiceCIDR": "1.33",
	"networking.k8s.io/v1/IPAddress": "1.33",
	"storage.k8s.io/v1/VolumeAttributesClass": "1.34",
	"admissionregistration.k8s.io/v1beta1/MutatingAdmissionPolicy": "1.34",
	"admissionregistration.k8s.io/v1beta1/MutatingAdmissionPolicyBinding": "1.34",
	"coordination.k8s.io/v1beta1/LeaseCandidate": "1.33",
};

export function apiVersionRule(apiVersion, kind) {
	const gvk = `${apiVersion}/${kind}`;
	const r = REMOVED[gvk] || REMOVED[apiVersion];
	if (r) return [`${apiVersion} ${kind} is not served since Kubernetes ${r} (target 1.30+)`];
	const n = NEWER[gvk] || NEWER[apiVersion];
	if (n) return [`${apiVersion} ${kind} needs Kubernetes ${n}; the target is 1.30+`];
	return [];
}

// Where the pod spec of a workload kind lives, and whether it runs for
// long (probes required).  Jobs, CronJobs, bare Pods and agent-sandbox
// sandboxes (one short-lived session each) are exempt from probes.
const POD_PATHS = {
	"Pod": [["spec"], false],
	"Deployment": [["spec", "template", "spec"], true],
	"StatefulSet": [["spec", "template", "spec"], true],
	"DaemonSet": [["spec", "template", "spec"], true],
	"ReplicaSet": [["spec", "template", "spec"], true],
	"ReplicationController": [["spec", "template", "spec"], true],
	"Job": [["spec", "template", "spec"], false],
	"CronJob": [["spec", "jobTemplate", "spec", "template", "spec"], false],
	"Sandbox": [["spec", "podTemplate", "spec"], false],
	"SandboxTemplate": [["spec", "podTemplate", "spec"], false],
};

export function podSpecOf(obj) {
	const p = POD_PATHS[obj.kind];
	if (!p) return null;
	let v = obj;
	for (const k of p[0]) {
		if (!isObject(v)) return { spec: undefined, where: p[0].join("."), longRunning: p[1] };
		v = v[k];
	}
	return { spec: v, where: p[0].join("."), longRunning: p[1] };
}

export function podTemplateLabels(obj) {
	const p = POD_PATHS[obj.kind];
	if (!p) return null;
	const path = p[0].slice(0, -1);
	let v = obj;
	for (const k of path) v = isObject(v) ? v[k] : undefined;
	if (obj.kind === "Pod") v = obj;
	return (isObject(v) && isObject(v.metadata) && v.metadata.labels) || {};
}

const RESTRICTED_VOLUMES = new Set(["configMap", "csi", "downwardAPI", "emptyDir",
	"ephemeral", "persistentVolumeClaim", "projected", "secret"]);
const SAFE_SYSCTLS = new Set(["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
	"net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
	"net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]);
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);

function seccompOk(sc) {
	return isObject(sc) && isObject(sc.seccompProfile) &&
	    (sc.seccompProfile.type === "RuntimeDefault" || sc.seccompProfile.type === "Localhost");
}

function checkSelinux(where, so, out) {
	if (!isObject(so)) return;
	if (!SELINUX_TYPES.has(so.type || "")) out.push(`${where}.seLinuxOptions.type ${so.type} is not allowed (PSS baseline)`);
	if (so.user || so.role) out.push(`${where}.seLinuxOptions user/role must be unset (PSS baseline)`);
}

function checkAppArmor(where, p, out) {
	if (isObject(p) && p.type === "Unconfined") out.push(`${where}.appArmorProfile must not be Unconfined (PSS baseline)`);
}

// Pod Security Standards "restricted" plus the bundle hygiene, for one
// pod spec.  `ctx` says where the spec sits and whether probes apply.
export function podRules(ps, ctx, meta) {
	const out = [];
	const at = ctx.where;
	if (!isObject(ps)) return [`${at}: no pod spec`];
	const psc = isObject(ps.securityContext) ? ps.securityContext : {};
	// Host namespaces and host paths (baseline).
	for (const k of ["hostNetwork", "hostPID", "hostIPC"])
		if (ps[k] === true) out.push(`${at}.${k} must not be true (PSS baseline)`);
	if (ps.automountServiceAccountToken !== false)
		out.push(`${at}.automountServiceAccountToken must be false`);
	for (const v of Array.isArray(ps.volumes) ? ps.volumes : []) {
		const types = Object.keys(v).filter((k) => k !== "name");
		for (const t of types) if (!RESTRICTED_VOLUMES.has(t))
			out.push(`${at}.volumes[${v.name}] type ${t} is not allowed (PSS restricted${t === "hostPath" ? ", no host mounts" : ""})`);
	}
	for (const s of Array.isArray(psc.sysctls) ? psc.sysctls : [])
		if (!SAFE_SYSCTLS.has(s.name)) out.push(`${at}.securityContext.sysctls ${s.name} is not a safe sysctl (PSS baseline)`);
	if (psc.runAsUser === 0) out.push(`${at}.securityContext.runAsUser must not be 0 (PSS restricted)`);
	checkSelinux(`${at}.securityContext`, psc.seLinuxOptions, out);
	checkAppArmor(`${at}.securityContext`, psc.appArmorProfile, out);
	if (psc.windowsOptions && psc.windowsOptions.hostProcess) out.push(`${at}: hostProcess is not allowed`);
	const annotations = (meta && meta.annotations) || {};
	for (const [k, v] of Object.entries(annotations))
		if (k.startsWith("container.apparmor.security.beta.kubernetes.io/") && v === "unconfined")
			out.push(`annotation ${k}: unconfined AppArmor is not allowed (PSS baseline)`);
	if (isObject(psc.seccompProfile) && psc.seccompProfile.type === "Unconfined")
		out.push(`${at}.securityContext.seccompProfile must not be Unconfined`);

	const groups = [["containers", true], ["initContainers", false], ["ephemeralContainers", false]];
	let n = 0;
	for (const [g, main] of groups) {
		const list = ps[g];
		if (list === undefined) continue;
		if (!Array.isArray(list)) continue;
		for (const c of list) {
			n++;
			const cn = `${at}.${g}[${c.name}]`;
			const sc = isObject(c.securityContext) ? c.securityContext : {};
			if (sc.privileged === true) out.push(`${cn}: privileged (PSS baseline)`);
			if (sc.allowPrivilegeEscalation !== false)
				out.push(`${cn}.securityContext.allowPrivilegeEscalation must be false (PSS restricted)`);
			const nonRoot = sc.runAsNonRoot !== undefined ? sc.runAsNonRoot : psc.runAsNonRoot;
			if (nonRoot !== true) out.push(`${cn}: runAsNonRoot must be true in the pod or container securityContext (PSS restricted)`);
			if (sc.runAsUser === 0) out.push(`${cn}.securityContext.runAsUser must not be 0 (PSS restricted)`);
			if (!seccompOk(sc) && !seccompOk(psc))
				out.push(`${cn}: seccompProfile type RuntimeDefault or Localhost must be set (PSS restricted)`);
			if (isObject(sc.seccompProfile) && sc.seccompProfile.type === "Unconfined")
				out.push(`${cn}.securityContext.seccompProfile must not be Unconfined`);
			const caps = isObject(sc.capabilities) ? sc.capabilities : {};
			const drop = Array.isArray(caps.drop) ? caps.drop : [];
			if (!drop.includes("ALL")) out.push(`${cn}.securityContext.capabilities.drop must include ALL (PSS restricted)`);
			for (const a of Array.isArray(caps.add) ? caps.add : [])
				if (a !== "NET_BIND_SERVICE") out.push(`${cn}: capability ${a} may not be added (PSS restricted)`);
			if (sc.procMount && sc.procMount !== "Default") out.push(`${cn}.securityContext.procMount must be Default (PSS baseline)`);
			checkSelinux(`${cn}.securityContext`, sc.seLinuxOptions, out);
			checkAppArmor(`${cn}.securityContext`, sc.appArmorProfile, out);
			for (const p of Array.isArray(c.ports) ? c.ports : [])
				if (p.hostPort) out.push(`${cn}: hostPort ${p.hostPort} is not allowed (PSS baseline)`);
			if (g === "ephemeralContainers") continue;
			if (sc.readOnlyRootFilesystem !== true) out.push(`${cn}.securityContext.readOnlyRootFilesystem must be true`);
			const r = isObject(c.resources) ? c.resources : {};
			for (const k of ["requests", "limits"]) for (const res of ["cpu", "memory"])
				if (!isObject(r[k]) || r[k][res] === undefined || r[k][res] === null)
					out.push(`${cn}.resources.${k}.${res} must be set`);
			if (typeof c.image !== "string" || c.image === "") out.push(`${cn}: image must be set`);
			else if (!imagePinned(c.image)) out.push(`${cn}: image ${c.image} must carry a version tag or digest (not latest)`);
			const sidecar = g === "initContainers" && c.restartPolicy === "Always";
			if (ctx.longRunning && (main || sidecar)) {
				if (!isObject(c.readinessProbe)) out.push(`${cn}: readinessProbe must be set on a long-running workload`);
				if (!isObject(c.livenessProbe)) out.push(`${cn}: livenessProbe must be set on a long-running workload`);
			}
		}
	}
	if (n === 0) out.push(`${at}: no containers`);
	return out;
}

export function imagePinned(image) {
	if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
	const last = image.split("/").pop();
	const i = last.lastIndexOf(":");
	if (i < 0) return false;
	const tag = last.slice(i + 1);
	return tag !== "" && tag !== "latest";
}

// Objects that are not workloads.
export function objectRules(obj) {
	const out = [];
	const md = isObject(obj.metadata) ? obj.metadata : {};
	if (obj.kind === "Namespace") {
		const l = md.labels || {};
		if (l["pod-security.kubernetes.io/enforce"] !== "restricted")
			out.push("Namespace must carry the label pod-security.kubernetes.io/enforce: restricted");
	}
	if (obj.kind === "NetworkPolicy" && isObject(obj.spec)) {
		for (const [i, rule] of (Array.isArray(obj.spec.egress) ? obj.spec.egress : []).entries()) {
			for (const peer of Array.isArray(rule.to) ? rule.to : []) {
				const b = peer.ipBlock;
				if (!isObject(b)) continue;
				if (b.cidr === "0.0.0.0/0") {
					const ex = Array.isArray(b.except) ? b.except : [];
					if (!ex.some((e) => e === "169.254.0.0/16" || e === "169.254.169.254/32"))
						out.push(`NetworkPolicy egress[${i}]: 0.0.0.0/0 must except 169.254.169.254/32 or 169.254.0.0/16 (cloud metadata)`);
				}
			}
		}
	}
	if (obj.kind === "ServiceAccount" && obj.automountServiceAccountToken === true)
		out.push("ServiceAccount automountServiceAccountToken must not be true");
	return out;
}

// Cilium: a toFQDNs rule only works when DNS replies pass the Cilium DNS
// proxy (an egress rule with toPorts[].rules.dns), see
// https://docs.cilium.io/en/stable/security/policy/language/#dns-based
// The DNS rule may sit in another Cilium policy of the same file
// (policies add up per endpoint), so `fileHasDns` says whether any has one.
const CNP = /^Cilium(ClusterwideNetworkPolicy|NetworkPolicy)$/;
function cnpSpecs(obj) {
	const specs = [];
	if (isObject(obj.spec)) specs.push(obj.spec);
	if (Array.isArray(obj.specs)) specs.push(...obj.specs.filter(isObject));
	return specs;
}
export function hasDnsRule(obj) {
	if (!isObject(obj) || !CNP.test(obj.kind)) return false;
	return cnpSpecs(obj).some((s) => (Array.isArray(s.egress) ? s.egress : []).some((r) =>
	    isObject(r) && (r.toPorts || []).some((p) => isObject(p.rules) && Array.isArray(p.rules.dns) && p.rules.dns.length)));
}
export function ciliumRules(obj, fileHasDns) {
	const out = [];
	if (!CNP.test(obj.kind)) return out;
	const specs = cnpSpecs(obj);
	if (specs.length === 0) out.push("spec or specs must be set");
	for (const s of specs) {
		if (!isObject(s.endpointSelector) && !isObject(s.nodeSelector))
			out.push("endpointSelector (or nodeSelector) must be set");
		const eg = Array.isArray(s.egress) ? s.egress : [];
		const fqdn = eg.some((r) => isObject(r) && Array.isArray(r.toFQDNs) && r.toFQDNs.length);
		if (fqdn && !fileHasDns) out.push("toFQDNs needs an egress rule to the DNS server with toPorts[].rules.dns (DNS proxy), or the FQDNs never resolve to allowed IPs");
	}
	return out;
}

// Does a label selector {matchLabels, matchExpressions} select labels?
export function selects(sel, labels) {
	if (!isObject(sel)) return false;
	for (const [k, v] of Object.entries(sel.matchLabels || {})) if (labels[k] !== v) return false;
	for (const e of sel.matchExpressions || []) {
		const has = Object.prototype.hasOwnProperty.call(labels, e.key);
		const vals = e.values || [];
		if (e.operator === "In" && !(has && vals.includes(labels[e.key]))) return false;
		if (e.operator === "NotIn" && has && vals.includes(labels[e.key])) return false;
		if (e.operator === "Exists" && !has) return false;
		if (e.operator === "DoesNotExist" && has) return false;
	}
	return true;
}
