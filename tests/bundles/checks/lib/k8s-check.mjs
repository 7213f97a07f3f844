// k8s-check.mjs: the "kubernetes" and "cilium" checks, one Node process
// for all files.  Usage: node k8s-check.mjs kubernetes|cilium FILE...
//
// Per YAML document (multi-document files allowed, duplicate keys are
// errors):
//   - types, enums and required fields: kubernetes-models 5.1.0 (or
//     @kubernetes-models/cilium 4.0.0) `.validate()`;
//   - unknown fields: TypeScript excess-property check (k8s-tsc.mjs);
//   - agent-sandbox custom resources: their CRD openAPIV3Schema (crd.mjs);
//   - Kustomization / Component: own schema, paths, build (kustomize.mjs);
//   - API versions served by Kubernetes 1.30+, PSS restricted and the
//     bundle hygiene (k8s-rules.mjs).
// A file passed that a kustomization in its folder uses as a patch is
// checked as a patch (parse and unknown fields only).  In "cilium" mode
// every document must be a cilium.io resource.

import fs from "node:fs";
import path from "node:path";
import { runCheck, parseYamlDocs, readText, isObject } from "./common.mjs";
import { apiVersionRule, podSpecOf, podRules, objectRules, ciliumRules, hasDnsRule } from "./k8s-rules.mjs";
import { CRD_GROUPS, validateCustom } from "./crd.mjs";
import { KUSTOMIZE_API, buildKustomization, checkBuild } from "./kustomize.mjs";
import { typeCheck } from "./k8s-tsc.mjs";

const mode = process.argv[2];
process.argv.splice(2, 1);

function modelPath(apiVersion, kind) {
	const parts = apiVersion.split("/");
	const [g, v] = parts.length === 2 ? parts : ["", parts[0]];
	if (g === "cilium.io") return `@kubernetes-models/cilium/${g}/${v}/${kind}`;
	return g ? `kubernetes-models/${g}/${v}/${kind}` : `kubernetes-models/${v}/${kind}`;
}

const modelCache = new Map();
async function model(apiVersion, kind) {
	const p = modelPath(apiVersion, kind);
	if (!modelCache.has(p)) {
		let m = null;
		try {
			m = (await import(p))[kind] || null;
		} catch (e) {
			if (e.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED" && e.code !== "ERR_MODULE_NOT_FOUND") throw e;
		}
		modelCache.set(p, m);
	}
	return modelCache.get(p);
}

await runCheck(mode, async (files, report) => {
	if (mode !== "kubernetes" && mode !== "cilium") throw new Error(`unknown mode ${mode}`);
	// The packages themselves must load, so that a missing install reads
	// as a crash (every file "not ok") and never as "unknown kind".
	await import("kubernetes-models/v1/Pod");
	await import("@kubernetes-models/cilium/cilium.io/v2/CiliumNetworkPolicy");
	const parsed = new Map();
	const load = (f) => {
		if (!parsed.has(f)) {
			let text;
			try { text = fs.readFileSync(f, "utf8"); } catch (e) { parsed.set(f, { docs: [], errors: [`cannot read: ${e.code}`] }); return parsed.get(f); }
			parsed.set(f, parseYamlDocs(f, text));
		}
		return parsed.get(f);
	};

	// Kustomizations among the files, and the patch files they name.
	const patchFiles = new Set();
	const builds = [];
	for (const f of files) {
		if (readText(f, report) === null) continue;
		const r = load(f);
		const k = r.docs.find((d) => isObject(d.value) && KUSTOMIZE_API.has(d.value.apiVersion));
		if (!k) continue;
		if (mode === "cilium") { report.add(f, "a kustomization is not a Cilium resource: use the kubernetes check"); continue; }
		if (r.docs.length !== 1) report.add(f, "a kustomization file holds exactly one document");
		const b = buildKustomization(path.resolve(f), k.value, load);
		b.patchFiles.forEach((p) => patchFiles.add(p));
		builds.push({ f, k: k.value, b });
	}

	const tsItems = [];
	// Checks every document of file f; findings go through add(msg).
	const checkFile = async (f, add) => {
		const r = load(f);
		for (const e of r.errors) add(e);
		if (r.docs.length === 0 && r.errors.length === 0) add("no YAML documents");
		const asPatch = patchFiles.has(path.resolve(f));
		const fileHasDns = r.docs.some((d) => hasDnsRule(d.value));
		for (const d of r.docs) {
			const o = d.value;
			const at = `document ${d.index}`;
			if (!isObject(o) || typeof o.apiVersion !== "string" || typeof o.kind !== "string") {
				add(`${at}: not a Kubernetes object (apiVersion and kind must be strings)`);
				continue;
			}
			if (KUSTOMIZE_API.has(o.apiVersion)) continue;
			const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
			if (mode === "cilium" && group !== "cilium.io") {
				add(`${at}: ${o.apiVersion} ${o.kind} is not a Cilium resource: use the kubernetes check`);
				continue;
			}
			if (group === "audit.k8s.io") { add(`${at}: audit policies are checked by the audit-policy check`); continue; }
			if (!asPatch) {
				if (!isObject(o.metadata) || typeof o.metadata.name !== "string" || !o.metadata.name)
					add(`${at} (${o.kind}): metadata.name must be set`);
				for (const m of apiVersionRule(o.apiVersion, o.kind)) add(`${at}: ${m}`);
			}
			if (CRD_GROUPS.has(group)) {
				if (!asPatch) for (const m of validateCustom(o)) add(`${at}: ${m}`);
			} else {
				const M = await model(o.apiVersion, o.kind);
				if (!M) { add(`${at}: unknown apiVersion/kind ${o.apiVersion} ${o.kind} (no schema in kubernetes-models 5.1.0 or @kubernetes-models/cilium 4.0.0)`); continue; }
				if (!asPatch) {
					try {
						new M(structuredClone(o)).validate();
					} catch (e) {
						if (!Array.isArray(e.errors)) throw e;
						add(`${at} (${o.kind}): schema: ${e.message.replace(/\bdata\//g, "/")}`);
					}
				}
				tsItems.push({ file: f, add, index: d.index, module: modelPath(o.apiVersion, o.kind), iface: `I${o.kind}`, value: o });
			}
			if (asPatch) continue;
			const ps = podSpecOf(o);
			if (ps) {
				const meta = o.kind === "Pod" ? o.metadata : (ps.where.includes("template") ? ((o.spec || {}).template || (o.spec || {}).podTemplate || {}).metadata : undefined);
				for (const m of podRules(ps.spec, ps, meta)) add(`${at} (${o.kind} ${o.metadata && o.metadata.name}): ${m}`);
			}
			for (const m of objectRules(o)) add(`${at} (${o.kind} ${o.metadata && o.metadata.name}): ${m}`);
			for (const m of ciliumRules(o, fileHasDns)) add(`${at} (${o.kind} ${o.metadata && o.metadata.name}): ${m}`);
		}
	};
	for (const f of files) await checkFile(f, (m) => report.add(f, m));
	// Manifests a kustomization pulls in that were not on the command
	// line (verified by another check, or by none) are checked here too,
	// their findings charged to the kustomization.
	const given = new Set(files.map((a) => path.resolve(a)));
	const extraDone = new Set();
	for (const { f, b } of builds) {
		const dir = path.dirname(path.resolve(f));
		for (const x of [...b.refs].sort()) {
			if (given.has(x) || extraDone.has(x) || !/\.ya?ml$/.test(x) || b.patchFiles.has(x)) continue;
			if (load(x).docs.some((d) => isObject(d.value) && KUSTOMIZE_API.has(d.value.apiVersion))) continue;
			extraDone.add(x);
			await checkFile(x, (m) => report.add(f, `${path.relative(dir, x)}: ${m}`));
		}
	}

	const adders = new Map(tsItems.map((it) => [it.file, it.add]));
	for (const [f, msgs] of typeCheck(tsItems)) for (const m of msgs) adders.get(f)(m);

	// Kustomize builds: schema, paths, the objects as a set, and every
	// manifest beside the kustomization must be part of it.
	for (const { f, k, b } of builds) {
		for (const e of b.errors) report.add(f, e);
		for (const m of checkBuild(b.objects, k.namespace)) report.add(f, `build: ${m}`);
		const dir = path.dirname(path.resolve(f));
		// Manifests that `kubectl apply -k` would silently skip: YAML
		// beside kustomization.yaml, and checked files below its folder,
		// that no kustomization includes.  A file left out on purpose says
		// so in a comment ("not in the Kustomize base" or "leaves this
		// file out").
		const cand = new Set(fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).map((n) => path.join(dir, n)));
		for (const a of files) {
			const abs = path.resolve(a);
			if (abs.startsWith(dir + path.sep) && load(a).docs.some((d) => isObject(d.value) && d.value.kind && !KUSTOMIZE_API.has(d.value.apiVersion)))
				cand.add(abs);
		}
		for (const abs of [...cand].sort()) {
			if (abs === path.resolve(f) || !fs.statSync(abs).isFile()) continue;
			if (builds.some((x) => x.b.refs.has(abs) || path.resolve(x.f) === abs)) continue;
			if (/^\s*#.*(not in the kustomize base|leaves this file out)/im.test(fs.readFileSync(abs, "utf8"))) continue;
			report.add(f, `${path.relative(dir, abs)} is not part of the base: kubectl apply -k would skip it (list it under resources, or say in a comment that it is not in the Kustomize base)`);
		}
	}
});
