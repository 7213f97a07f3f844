// kustomize.mjs: offline validation and a minimal build of a Kustomize
// base, for the "kubernetes" check.  Debian 12 ships no kustomize binary
// and kubectl may be absent, so the kustomization.yaml is validated
// against a schema written here from the Kustomization reference
// (https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/
// and sigs.k8s.io/kustomize/api/types/kustomization.go), every path it
// names must exist inside the bundle, and the base is "built" by
// concatenating its resources (recursively through folders and
// components) and applying `namespace` — enough to check the objects
// as a set: no duplicates, every Service/PDB/HPA/NetworkPolicy points
// at a workload of the base, every workload is covered by default-deny
// ingress and egress NetworkPolicies.  Patches are parsed and their
// targets resolved, not applied; remote resources, Helm charts and
// generator/transformer plugins are rejected (they cannot be verified
// offline), and so are secretGenerator (no secrets in a bundle) and the
// fields deprecated in kustomize v5.

import fs from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import { parseYamlDocs, isObject, ajvText } from "./common.mjs";
import { podTemplateLabels, selects } from "./k8s-rules.mjs";

const str = { type: "string" };
const strMap = { type: "object", additionalProperties: { type: "string" } };
const strList = { type: "array", items: { type: "string" } };
const target = {
	type: "object", additionalProperties: false,
	properties: { group: str, version: str, kind: str, name: str, namespace: str, labelSelector: str, annotationSelector: str },
};

const SCHEMA = {
	type: "object",
	additionalProperties: false,
	required: ["apiVersion", "kind"],
	properties: {
		apiVersion: { enum: ["kustomize.config.k8s.io/v1beta1", "kustomize.config.k8s.io/v1alpha1"] },
		kind: { enum: ["Kustomization", "Component"] },
		metadata: { type: "object", additionalProperties: false, properties: { name: str, namespace: str, labels: strMap, annotations: strMap } },
		resources: strList,
		components: strList,
		crds: strList,
		configurations: strList,
		namespace: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", maxLength: 63 },
		namePrefix: str,
		nameSuffix: str,
		commonAnnotations: strMap,
		labels: {
			type: "array",
			items: {
				type: "object", additionalProperties: false, required: ["pairs"],
				properties: {
					pairs: strMap, includeSelectors: { type: "boolean" }, includeTemplates: { type: "boolean" },
					fields: { type: "array", items: { type: "object" } },
				},
			},
		},
		images: {
			type: "array",
			items: {
				type: "object", additionalProperties: false, required: ["name"],
				properties: { name: str, newName: str, newTag: str, digest: str, tagSuffix: str },
			},
		},
		replicas: {
			type: "array",
			items: { type: "object", additionalProperties: false, required: ["name", "count"], properties: { name: str, count: { type: "integer", minimum: 0 } } },
		},
		patches: {
			type: "array",
			items: {
				type: "object", additionalProperties: false,
				properties: {
					path: str, patch: str, target,
					options: { type: "object", additionalProperties: false, properties: { allowNameChange: { type: "boolean" }, allowKindChange: { type: "boolean" } } },
				},
			},
		},
		configMapGenerator: {
			type: "array",
			items: {
				type: "object", additionalProperties: false, required: ["name"],
				properties: {
					name: str, namespace: str, behavior: { enum: ["create", "replace", "merge"] },
					files: strList, literals: strList, envs: strList,
					options: { type: "object", additionalProperties: false, properties: { labels: strMap, annotations: strMap, disableNameSuffixHash: { type: "boolean" }, immutable: { type: "boolean" } } },
				},
			},
		},
		generatorOptions: {
			type: "object", additionalProperties: false,
			properties: { labels: strMap, annotations: strMap, disableNameSuffixHash: { type: "boolean" }, immutable: { type: "boolean" } },
		},
		replacements: { type: "array", items: { type: "object" } },
		sortOptions: { type: "object" },
		buildMetadata: { type: "array", items: { enum: ["originAnnotations", "transformerAnnotations", "managedByLabel"] } },
		openapi: { type: "object" },
	},
};

const REJECTED = {
	commonLabels: "deprecated in kustomize v5: use labels",
	patchesStrategicMerge: "deprecated in kustomize v5: use patches",
	patchesJson6902: "deprecated in kustomize v5: use patches",
	bases: "deprecated: list bases under resources",
	vars: "deprecated in kustomize v5: use replacements",
	imageTags: "deprecated: use images",
	helmCharts: "Helm charts are fetched from the network and cannot be verified offline",
	helmGlobals: "Helm charts are fetched from the network and cannot be verified offline",
	helmChartInflationGenerator: "Helm charts are fetched from the network and cannot be verified offline",
	generators: "generator plugins cannot be verified offline",
	transformers: "transformer plugins cannot be verified offline",
	validators: "validator plugins cannot be verified offline",
	secretGenerator: "a bundle ships no secrets: use an external secret store",
};

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const validateK = ajv.compile(SCHEMA);

export const KUSTOMIZE_API = new Set(["kustomize.config.k8s.io/v1beta1", "kustomize.config.k8s.io/v1alpha1"]);

// Kinds that are cluster-scoped (namespace is not applied to them).
const CLUSTER = new Set(["Namespace", "RuntimeClass", "ClusterRole", "ClusterRoleBinding",
	"CustomResourceDefinition", "PriorityClass", "StorageClass", "PersistentVolume",
	"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "CiliumClusterwideNetworkPolicy",
	"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "IngressClass"]);

function isRemote(p) {
	return /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(p) || p.startsWith("git@");
}

function kustomizationIn(dir) {
	for (const n of ["kustomization.yaml", "kustomization.yml", "Kustomization"]) {
		const f = path.join(dir, n);
		if (fs.existsSync(f)) return f;
	}
	return null;
}

// Validates a kustomization document k (from file kf) and builds it.
// Returns { errors, objects: [{ obj, file }], refs: Set(absolute files
// referenced as resources), patchFiles: Set(absolute files used as patches) }.
// `load(file)` returns the parsed documents of a manifest file (cached).
export function buildKustomization(kf, k, load, seen = new Set()) {
	const errors = [], objects = [], refs = new Set(), patchFiles = new Set();
	const dir = path.dirname(kf);
	if (seen.has(kf)) return { errors: [`kustomization cycle through ${kf}`], objects, refs, patchFiles };
	seen = new Set([...seen, kf]);
	for (const [key, why] of Object.entries(REJECTED)) if (k[key] !== undefined) errors.push(`${key}: ${why}`);
	const trimmed = Object.fromEntries(Object.entries(k).filter(([key]) => !REJECTED[key]));
	if (!validateK(trimmed)) errors.push(`kustomization schema: ${ajvText(validateK.errors)}`);
	if (k.kind === "Kustomization" && k.apiVersion !== "kustomize.config.k8s.io/v1beta1")
		errors.push("Kustomization needs apiVersion kustomize.config.k8s.io/v1beta1");
	if (k.kind === "Component" && k.apiVersion !== "kustomize.config.k8s.io/v1alpha1")
		errors.push("Component needs apiVersion kustomize.config.k8s.io/v1alpha1");

	const resolve = (p, what) => {
		if (typeof p !== "string") return null;
		if (isRemote(p)) { errors.push(`${what} ${p}: remote resources cannot be verified offline`); return null; }
		if (path.isAbsolute(p)) { errors.push(`${what} ${p}: must be a relative path`); return null; }
		const abs = path.resolve(dir, p);
		if (!fs.existsSync(abs)) { errors.push(`${what} ${p}: does not exist`); return null; }
		return abs;
	};
	const addFileObjects = (abs, what) => {
		const r = load(abs);
		for (const e of r.errors) errors.push(`${what} ${path.relative(dir, abs)}: ${e}`);
		for (const d of r.docs) {
			if (!isObject(d.value) || typeof d.value.kind !== "string") { errors.push(`${what} ${path.relative(dir, abs)}: document ${d.index} is not a Kubernetes object`); continue; }
			objects.push({ obj: structuredClone(d.value), file: abs });
		}
	};
	const sub = (abs, what) => {
		const inner = kustomizationIn(abs);
		if (!inner) { errors.push(`${what} ${path.relative(dir, abs)}: folder without kustomization.yaml`); return; }
		const r = load(inner);
		const kd = r.docs[0] && r.docs[0].value;
		if (r.errors.length || !isObject(kd)) { errors.push(`${what} ${path.relative(dir, abs)}: kustomization does not parse`); return; }
		if (what === "components" && kd.kind !== "Component") errors.push(`components ${path.relative(dir, abs)}: is not a kind: Component`);
		if (what === "resources" && kd.kind === "Component") errors.push(`resources ${path.relative(dir, abs)}: a Component belongs under components`);
		const b = buildKustomization(inner, kd, load, seen);
		for (const e of b.errors) errors.push(`${path.relative(dir, inner)}: ${e}`);
		objects.push(...b.objects);
		b.refs.forEach((x) => refs.add(x));
		b.patchFiles.forEach((x) => patchFiles.add(x));
		refs.add(inner);
	};
	for (const what of ["resources", "components"]) {
		for (const p of Array.isArray(k[what]) ? k[what] : []) {
			const abs = resolve(p, what);
			if (!abs) continue;
			if (fs.statSync(abs).isDirectory()) sub(abs, what);
			else if (what === "components") errors.push(`components ${p}: must be a folder`);
			else { refs.add(abs); addFileObjects(abs, what); }
		}
	}
	for (const what of ["crds", "configurations"])
		for (const p of Array.isArray(k[what]) ? k[what] : []) { const a = resolve(p, what); if (a) refs.add(a); }
	for (const g of Array.isArray(k.configMapGenerator) ? k.configMapGenerator : []) {
		for (const f of [...(g.files || []), ...(g.envs || [])]) {
			const p = typeof f === "string" && f.includes("=") ? f.slice(f.indexOf("=") + 1) : f;
			const a = resolve(p, `configMapGenerator ${g.name}`);
			if (a) refs.add(a);
		}
		objects.push({ obj: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: g.name, namespace: g.namespace } }, file: kf, generated: true });
	}
	// Patches: parse, resolve the target, do not apply.
	for (const [i, p] of (Array.isArray(k.patches) ? k.patches : []).entries()) {
		if (!isObject(p)) continue;
		if (!p.path === !p.patch) { errors.push(`patches[${i}]: exactly one of path and patch`); continue; }
		let tgt = p.target;
		if (p.path) {
			const a = resolve(p.path, `patches[${i}]`);
			if (!a) continue;
			patchFiles.add(a);
			refs.add(a);
			const r = load(a);
			for (const e of r.errors) errors.push(`patches[${i}] ${p.path}: ${e}`);
			const d = r.docs[0] && r.docs[0].value;
			if (!tgt && isObject(d) && !Array.isArray(d)) tgt = { kind: d.kind, name: d.metadata && d.metadata.name };
		}
		if (isObject(tgt) && tgt.kind) {
			const hit = objects.some(({ obj }) => obj.kind === tgt.kind && (!tgt.name || (obj.metadata && obj.metadata.name === tgt.name)));
			if (!hit) errors.push(`patches[${i}]: no ${tgt.kind}${tgt.name ? " " + tgt.name : ""} in the base to patch`);
		}
	}
	for (const r of Array.isArray(k.replicas) ? k.replicas : [])
		if (isObject(r) && !objects.some(({ obj }) => obj.metadata && obj.metadata.name === r.name && /^(Deployment|StatefulSet|ReplicaSet|ReplicationController)$/.test(obj.kind)))
			errors.push(`replicas: no workload named ${r.name}`);
	// Transform: namespace and labels on object metadata.
	for (const { obj } of objects) {
		if (!isObject(obj.metadata)) obj.metadata = {};
		if (typeof k.namespace === "string" && !CLUSTER.has(obj.kind)) obj.metadata.namespace = k.namespace;
		for (const l of Array.isArray(k.labels) ? k.labels : [])
			if (isObject(l) && isObject(l.pairs)) obj.metadata.labels = { ...(obj.metadata.labels || {}), ...l.pairs };
	}
	return { errors, objects, refs, patchFiles };
}

// Checks of the built base as a set of objects.  Returns messages.
export function checkBuild(objects, namespace) {
	const out = [];
	const key = (o) => `${(o.apiVersion || "").split("/").slice(0, -1).join("/") || "core"}/${o.kind}/${o.metadata.namespace || ""}/${o.metadata.name}`;
	const seen = new Set();
	for (const { obj } of objects) {
		const k = key(obj);
		if (seen.has(k)) out.push(`duplicate object ${obj.kind} ${obj.metadata.name} in the build`);
		seen.add(k);
	}
	const workloads = objects.map((x) => x.obj).filter((o) => /^(Deployment|StatefulSet|DaemonSet|ReplicaSet|Job|CronJob|Pod|Sandbox|SandboxTemplate)$/.test(o.kind));
	const named = (kind, name) => workloads.find((w) => w.kind === kind && w.metadata.name === name);
	const matchesSome = (sel) => workloads.some((w) => selects(sel, podTemplateLabels(w)));
	for (const { obj: o } of objects) {
		const n = `${o.kind} ${o.metadata.name}`;
		// Selectors are checked against the base's workloads when it has
		// any; a base whose pods are created at run time (by a client or
		// controller) cannot be matched here.
		if (o.kind === "Service" && workloads.length && isObject(o.spec) && isObject(o.spec.selector) && o.spec.type !== "ExternalName") {
			if (!matchesSome({ matchLabels: o.spec.selector })) out.push(`${n}: selector matches no pod template of the base`);
		}
		if (o.kind === "PodDisruptionBudget" && isObject(o.spec)) {
			const ws = workloads.filter((w) => selects(o.spec.selector, podTemplateLabels(w)));
			if (ws.length === 0 && workloads.length) out.push(`${n}: selector matches no workload of the base`);
			for (const w of ws) {
				const hpa = objects.map((x) => x.obj).find((h) => h.kind === "HorizontalPodAutoscaler" && h.spec && h.spec.scaleTargetRef && h.spec.scaleTargetRef.name === w.metadata.name);
				const floor = hpa ? hpa.spec.minReplicas ?? 1 : (w.spec && w.spec.replicas !== undefined ? w.spec.replicas : 1);
				if (Number.isInteger(o.spec.minAvailable) && o.spec.minAvailable >= floor)
					out.push(`${n}: minAvailable ${o.spec.minAvailable} >= ${floor} replicas of ${w.kind} ${w.metadata.name}: no pod could ever be evicted (node drains block)`);
				if (o.spec.maxUnavailable === 0) out.push(`${n}: maxUnavailable 0 blocks every eviction`);
			}
		}
		if (o.kind === "HorizontalPodAutoscaler" && isObject(o.spec) && isObject(o.spec.scaleTargetRef)) {
			const t = o.spec.scaleTargetRef;
			if (!named(t.kind, t.name)) out.push(`${n}: scaleTargetRef ${t.kind} ${t.name} is not in the base`);
			if (o.spec.minReplicas !== undefined && o.spec.maxReplicas !== undefined && o.spec.minReplicas > o.spec.maxReplicas)
				out.push(`${n}: minReplicas > maxReplicas`);
		}
		if (o.kind === "NetworkPolicy" && workloads.length && isObject(o.spec) && isObject(o.spec.podSelector) && Object.keys(o.spec.podSelector).length && !matchesSome(o.spec.podSelector))
			out.push(`${n}: podSelector matches no pod template of the base`);
	}
	const policies = objects.map((x) => x.obj).filter((o) => o.kind === "NetworkPolicy" && isObject(o.spec));
	for (const w of workloads) {
		// agent-sandbox writes the NetworkPolicy of a Managed template itself.
		if (w.kind === "SandboxTemplate" && !(w.spec && w.spec.networkPolicyManagement === "Unmanaged")) continue;
		const labels = podTemplateLabels(w);
		for (const dir of ["Ingress", "Egress"]) {
			const covered = policies.some((p) => {
				const types = p.spec.policyTypes || (dir === "Ingress" ? ["Ingress"] : (p.spec.egress ? ["Egress"] : []));
				return types.includes(dir) && selects(p.spec.podSelector || {}, labels);
			});
			if (!covered) out.push(`${w.kind} ${w.metadata.name}: no NetworkPolicy with policyTypes ${dir} selects its pods (default deny)`);
		}
	}
	if (namespace && !objects.some(({ obj }) => obj.kind === "Namespace" && obj.metadata.name === namespace))
		out.push(`namespace ${namespace} is not created by the base (add a Namespace with the PSA labels)`);
	return out;
}
