// crd.mjs: validation of custom resources against the openAPIV3Schema of
// their CustomResourceDefinition, with ajv.  The CRDs are the
// kubernetes-sigs/agent-sandbox ones in ../shared/testdata/agent-sandbox-crds/
// (Sandbox, SandboxTemplate, SandboxClaim, SandboxWarmPool).
//
// The schema is made strict the way `kubectl apply --validate=strict`
// treats a structural schema: every object with `properties` and no
// `additionalProperties` / `x-kubernetes-preserve-unknown-fields` gets
// additionalProperties: false, so unknown (pruned) fields are errors;
// `x-kubernetes-int-or-string` becomes integer-or-string.  CEL rules
// (`x-kubernetes-validations`) are not evaluated.

import fs from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import YAML from "yaml";
import { TESTDATA, isObject, ajvText } from "./common.mjs";

export const CRD_DIR = path.join(TESTDATA, "agent-sandbox-crds");
export const CRD_GROUPS = new Set(["agents.x-k8s.io", "extensions.agents.x-k8s.io"]);

function strictify(s) {
	if (Array.isArray(s)) return s.map(strictify);
	if (!isObject(s)) return s;
	const o = {};
	for (const [k, v] of Object.entries(s)) {
		if (k.startsWith("x-kubernetes-")) continue;
		o[k] = strictify(v);
	}
	if (s["x-kubernetes-int-or-string"]) {
		delete o.type;
		o.anyOf = [{ type: "integer" }, { type: "string" }];
	}
	if (isObject(s.properties) && s.additionalProperties === undefined &&
	    !s["x-kubernetes-preserve-unknown-fields"] && !s["x-kubernetes-embedded-resource"])
		o.additionalProperties = false;
	if (s["x-kubernetes-embedded-resource"] && isObject(o.properties))
		for (const k of ["apiVersion", "kind", "metadata"])
			if (!o.properties[k]) o.properties[k] = k === "metadata" ? { type: "object" } : { type: "string" };
	return o;
}

let ajv = null, index = null;
const compiled = new Map();

// Indexes the CRD files once (group and kind read from the text, so only
// the CRDs in use are parsed and compiled).  Throws when the folder is
// missing, so callers can say the file was not checked.
function crdIndex() {
	if (index) return index;
	if (!fs.existsSync(CRD_DIR)) throw new Error(`CRD schemas not found in ${CRD_DIR}`);
	ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
	ajv.addFormat("int32", { type: "number", validate: (n) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 });
	ajv.addFormat("int64", { type: "number", validate: (n) => Number.isInteger(n) });
	ajv.addFormat("date-time", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i);
	index = new Map();
	for (const f of fs.readdirSync(CRD_DIR).filter((n) => n.endsWith(".yaml")).sort()) {
		const text = fs.readFileSync(path.join(CRD_DIR, f), "utf8");
		const g = /^  group: (\S+)$/m.exec(text), k = /^    kind: (\S+)$/m.exec(text);
		if (g && k) index.set(`${g[1]}/${k[1]}`, text);
	}
	return index;
}

// The validator of "group/version/Kind", or null when no served version.
function crdValidator(g, v, kind) {
	const key = `${g}/${v}/${kind}`;
	if (compiled.has(key)) return compiled.get(key);
	const text = crdIndex().get(`${g}/${kind}`);
	let entry = null;
	if (text) {
		const crd = YAML.parse(text);
		const ver = crd.spec.versions.find((x) => x.name === v && x.served);
		if (ver) {
			const schema = strictify(ver.schema.openAPIV3Schema);
			schema.properties = schema.properties || {};
			schema.properties.metadata = {
				type: "object",
				required: ["name"],
				properties: {
					name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", maxLength: 253 },
					namespace: { type: "string" },
					labels: { type: "object", additionalProperties: { type: "string" } },
					annotations: { type: "object", additionalProperties: { type: "string" } },
					generateName: { type: "string" },
					finalizers: { type: "array", items: { type: "string" } },
					ownerReferences: { type: "array", items: { type: "object" } },
				},
				additionalProperties: false,
			};
			schema.required = [...new Set([...(schema.required || []), "apiVersion", "kind", "metadata"])];
			entry = { validate: ajv.compile(schema), deprecated: ver.deprecated };
		}
	}
	compiled.set(key, entry);
	return entry;
}

// Validates one object of a CRD group.  Returns messages.
export function validateCustom(obj) {
	const [g, v] = obj.apiVersion.split("/");
	let entry;
	try {
		entry = crdValidator(g, v, obj.kind);
	} catch (e) {
		return [`${obj.kind}: not verified: ${e.message}`];
	}
	if (!entry) return [`${obj.apiVersion} ${obj.kind}: no served version of this kind in the agent-sandbox CRDs`];
	const out = [];
	if (entry.deprecated) out.push(`${obj.apiVersion} ${obj.kind} is deprecated in the CRD`);
	if (!entry.validate(obj)) out.push(`${obj.kind} schema: ${ajvText(entry.validate.errors)}`);
	return out;
}
