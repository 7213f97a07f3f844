// audit-policy-check.mjs: the "audit-policy" check, one Node process for
// all files.  Usage: node audit-policy-check.mjs FILE...
//
// A Kubernetes audit Policy (audit.k8s.io/v1) is not in kubernetes-models
// and kubectl has no offline schema for it, so it is validated against
// audit-policy.schema.json, written here from the API reference
//   https://kubernetes.io/docs/reference/config-api/apiserver-audit.v1/#audit-k8s-io-v1-Policy
// (unknown fields are errors), plus what the API server checks on load
// (a rule is for resources or for non-resource URLs, not both) and what
// the audit logging guide asks of a policy
//   https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/
// evaluated the way the API server does (first matching rule wins):
//   - Secrets, ConfigMaps and TokenReviews are never logged above
//     Metadata (their bodies hold credentials);
//   - exec/attach into pods is audited (not None) — the sandbox's most
//     telling API event;
//   - the last rule is a catch-all, so no request is left unlogged by
//     accident.

import fs from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import { runCheck, parseYamlDocs, readText, isObject, ajvText, LIB } from "./common.mjs";

const LEVELS = ["None", "Metadata", "Request", "RequestResponse"];

function resMatch(rule, req) {
	if (!Array.isArray(rule.resources)) return true;
	return rule.resources.some((gr) => {
		if ((gr.group || "") !== req.group) return false;
		if (Array.isArray(gr.resourceNames) && gr.resourceNames.length) return "maybe";
		const rs = gr.resources || [];
		if (rs.length === 0) return true;
		const full = req.sub ? `${req.resource}/${req.sub}` : req.resource;
		return rs.some((r) => r === "*" || r === full || (req.sub && (r === `${req.resource}/*` || r === `*/${req.sub}`)));
	});
}

// Levels a rule list gives a resource request: { possible: [...], definite }.
// Rules filtered by user, group or namespace only "possibly" match.
export function levelsFor(rules, req) {
	const possible = [];
	for (const r of rules) {
		if (!isObject(r)) continue;
		if (Array.isArray(r.nonResourceURLs) && r.nonResourceURLs.length) continue;
		if (Array.isArray(r.verbs) && r.verbs.length && !r.verbs.includes(req.verb)) continue;
		const m = resMatch(r, req);
		if (!m) continue;
		const filtered = m === "maybe" || ["users", "userGroups", "namespaces"].some((k) => Array.isArray(r[k]) && r[k].length);
		if (filtered) possible.push(r.level);
		else return { possible, definite: r.level };
	}
	return { possible, definite: "None" };
}

await runCheck("audit-policy", async (files, report) => {
	const schema = JSON.parse(fs.readFileSync(path.join(LIB, "audit-policy.schema.json"), "utf8"));
	const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(schema);
	for (const f of files) {
		const text = readText(f, report);
		if (text === null) continue;
		const { docs, errors } = parseYamlDocs(f, text);
		for (const e of errors) report.add(f, e);
		if (errors.length) continue;
		if (docs.length !== 1) { report.add(f, "an audit policy file holds exactly one document"); continue; }
		const p = docs[0].value;
		if (!validate(p)) { report.add(f, `audit Policy schema: ${ajvText(validate.errors)}`); continue; }
		p.rules.forEach((r, i) => {
			const res = (Array.isArray(r.resources) && r.resources.length) || (Array.isArray(r.namespaces) && r.namespaces.length);
			if (res && Array.isArray(r.nonResourceURLs) && r.nonResourceURLs.length)
				report.add(f, `rules[${i}]: a rule applies to resources or to nonResourceURLs, not both`);
		});
		for (const [group, resource] of [["", "secrets"], ["", "configmaps"], ["authentication.k8s.io", "tokenreviews"]]) {
			for (const verb of ["get", "list", "watch", "create", "update", "patch"]) {
				const { possible, definite } = levelsFor(p.rules, { group, resource, verb });
				const worst = [...possible, definite].reduce((a, b) => (LEVELS.indexOf(b) > LEVELS.indexOf(a) ? b : a), "None");
				if (LEVELS.indexOf(worst) > 1) {
					report.add(f, `${resource} (${verb}) can be logged at ${worst}: request bodies hold credentials, keep them at Metadata`);
					break;
				}
			}
		}
		for (const sub of ["exec", "attach"]) {
			const { possible, definite } = levelsFor(p.rules, { group: "", resource: "pods", sub, verb: "create" });
			if (definite === "None" && !possible.some((l) => l !== "None"))
				report.add(f, `pods/${sub} is never audited: log it at Metadata or above`);
		}
		const last = p.rules[p.rules.length - 1];
		const filters = ["users", "userGroups", "verbs", "resources", "namespaces", "nonResourceURLs"].filter((k) => last[k] !== undefined);
		if (filters.length) report.add(f, `the last rule filters on ${filters.join(", ")}: end with a catch-all rule (for example level: Metadata)`);
	}
});
