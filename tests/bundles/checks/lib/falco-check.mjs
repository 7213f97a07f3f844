// falco-check.mjs: the "falco" check, one Node process for all files.
// Usage: node falco-check.mjs FILE...
//
// Falco has no engine in Debian 12, so rules files are checked
// structurally, as far as that goes:
//   - YAML parses (duplicate keys are errors) to a list of items;
//   - the list validates against the JSON schema Falco itself checks
//     rule files with (../shared/testdata/falco-rules-schema/, extracted
//     from falcosecurity/falco userspace/engine/rule_json_schema.h);
//   - each item is exactly one of rule / macro / list /
//     required_engine_version / required_plugin_versions, with its
//     required keys (rule: desc, condition, output, priority — unless it
//     appends or overrides; macro: condition; list: items); no name is
//     defined twice without append/override;
//   - every condition parses with the filter grammar of libsinsp
//     (and/or/not, parentheses, field comparisons with Falco's operators,
//     value lists, macro references) and every macro it names is defined
//     in the file or is a default macro of falco_rules.yaml
//     (falco-defaults.mjs, syscall source only);
//   - field names belong to a field class of the rule's source;
//   - a bare name in a value list that is one or two letters away from a
//     known list name is reported as a misspelt list (Falco would take it
//     for a literal value and the rule would silently never match);
//   - output placeholders (%field) name fields of the source.
// Not checked: that fields and operators exist for the event type, and
// what the condition matches at run time.

import fs from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import { createRequire } from "node:module";
import { runCheck, parseYamlDocs, readText, isObject, ajvText, TESTDATA } from "./common.mjs";
import { DEFAULT_MACROS, DEFAULT_LISTS, FIELD_CLASSES } from "./falco-defaults.mjs";

const require = createRequire(import.meta.url);
const SCHEMA = path.join(TESTDATA, "falco-rules-schema", "rule-schema.json");

const CMP = ["==", "!=", "<=", ">=", "=", "<", ">"];
const WORD_OPS = new Set(["contains", "bcontains", "icontains", "startswith", "bstartswith",
	"endswith", "glob", "iglob", "regex"]);
const LIST_OPS = new Set(["in", "intersects", "pmatch"]);
const UNARY_OPS = new Set(["exists"]);
const TRANSFORMERS = new Set(["tolower", "toupper", "b64", "basename", "len", "val"]);
const FIELD_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+/;

// Parses a condition.  Returns { macros: Set, listNames: Set (bare
// values in value lists), fields: Set, errors: [] }.
export function parseCondition(src) {
	const res = { macros: new Set(), listNames: new Set(), fields: new Set(), errors: [] };
	let i = 0;
	const ws = () => { while (i < src.length && /\s/.test(src[i])) i++; };
	const peekWord = () => { ws(); const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)); return m ? m[0] : null; };
	const fail = (msg) => { throw new Error(`${msg} at offset ${i}: "${src.slice(Math.max(0, i - 15), i + 15).replace(/\s+/g, " ")}"`); };
	const quoted = () => {
		const q = src[i++];
		while (i < src.length && src[i] !== q) { if (src[i] === "\\") i++; i++; }
		if (i >= src.length) fail("unterminated string");
		i++;
	};
	const bare = () => {
		const s = i;
		while (i < src.length && !/[\s(),]/.test(src[i])) i++;
		if (i === s) fail("value expected");
		return src.slice(s, i);
	};
	const value = (inList) => {
		ws();
		if (src[i] === "'" || src[i] === '"') { quoted(); return; }
		const w = peekWord();
		if (w && TRANSFORMERS.has(w) && src[i + w.length] === "(") { field(); return; }
		const v = bare();
		if (inList && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) res.listNames.add(v);
	};
	const valueList = () => {
		ws();
		if (src[i] !== "(") { value(true); return; }
		i++;
		ws();
		if (src[i] === ")") { i++; return; }
		for (;;) {
			value(true);
			ws();
			if (src[i] === ",") { i++; continue; }
			if (src[i] === ")") { i++; return; }
			fail("',' or ')' expected in value list");
		}
	};
	const field = () => {
		ws();
		const w = peekWord();
		if (w && TRANSFORMERS.has(w) && src[i + w.length] === "(") {
			i += w.length + 1;
			field();
			ws();
			if (src[i] !== ")") fail("')' expected after transformer argument");
			i++;
			return;
		}
		const m = FIELD_RE.exec(src.slice(i));
		if (!m) fail("field expected");
		res.fields.add(m[0]);
		i += m[0].length;
		if (src[i] === "[") {
			const j = src.indexOf("]", i);
			if (j < 0) fail("unterminated field argument");
			i = j + 1;
		}
	};
	const check = () => {
		field();
		ws();
		for (const op of CMP) if (src.startsWith(op, i)) { i += op.length; value(false); return; }
		const w = peekWord();
		if (!w) fail("operator expected");
		if (UNARY_OPS.has(w)) { i += w.length; return; }
		if (WORD_OPS.has(w)) { i += w.length; value(false); return; }
		if (LIST_OPS.has(w)) { i += w.length; valueList(); return; }
		fail(`unknown operator "${w}"`);
	};
	const primary = () => {
		ws();
		if (src[i] === "(") {
			i++;
			or();
			ws();
			if (src[i] !== ")") fail("')' expected");
			i++;
			return;
		}
		const w = peekWord();
		if (!w) fail("expression expected");
		if (["and", "or"].includes(w)) fail(`unexpected "${w}"`);
		const after = src[i + w.length];
		if (after === "." || TRANSFORMERS.has(w) && after === "(") { check(); return; }
		res.macros.add(w);
		i += w.length;
	};
	const not = () => { if (peekWord() === "not") { i += 3; not(); } else primary(); };
	const and = () => { not(); while (peekWord() === "and") { i += 3; not(); } };
	const or = () => { and(); while (peekWord() === "or") { i += 2; and(); } };
	try {
		or();
		ws();
		if (i < src.length) fail("unexpected text");
	} catch (e) {
		res.errors.push(e.message);
	}
	return res;
}

function distance(a, b) {
	if (Math.abs(a.length - b.length) > 2) return 3;
	const d = Array.from({ length: a.length + 1 }, (_, x) => [x, ...Array(b.length).fill(0)]);
	for (let y = 1; y <= b.length; y++) d[0][y] = y;
	for (let x = 1; x <= a.length; x++)
		for (let y = 1; y <= b.length; y++)
			d[x][y] = Math.min(d[x - 1][y] + 1, d[x][y - 1] + 1, d[x - 1][y - 1] + (a[x - 1] === b[y - 1] ? 0 : 1));
	return d[a.length][b.length];
}

function loadSchema() {
	if (!fs.existsSync(SCHEMA)) throw new Error(`Falco rule schema not found at ${SCHEMA}`);
	const ajv = new Ajv({ allErrors: true, strict: false });
	ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json"));
	return ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, "utf8")));
}

await runCheck("falco", async (files, report) => {
	let validate = null, schemaErr = null;
	try { validate = loadSchema(); } catch (e) { schemaErr = e.message; }
	for (const f of files) {
		const text = readText(f, report);
		if (text === null) continue;
		const { docs, errors } = parseYamlDocs(f, text);
		for (const e of errors) report.add(f, e);
		if (errors.length) continue;
		if (docs.length !== 1 || !Array.isArray(docs[0].value)) { report.add(f, "a Falco rules file is one YAML document holding a list"); continue; }
		const items = docs[0].value;
		if (schemaErr) report.add(f, `not verified against Falco's schema: ${schemaErr}`);
		else if (!validate(items)) report.add(f, `Falco rule schema: ${ajvText(validate.errors)}`);

		const kinds = ["rule", "macro", "list", "required_engine_version", "required_plugin_versions"];
		const defined = { macro: new Map(), list: new Map(), rule: new Map() };
		for (const [n, it] of items.entries()) {
			if (!isObject(it)) { report.add(f, `item ${n + 1} is not a mapping`); continue; }
			const k = kinds.filter((x) => it[x] !== undefined);
			if (k.length !== 1) { report.add(f, `item ${n + 1} must have exactly one of ${kinds.join(", ")} (has ${k.join(", ") || "none"})`); continue; }
			it.__kind = k[0];
			if (!["rule", "macro", "list"].includes(k[0])) continue;
			const name = it[k[0]];
			const amend = it.append === true || isObject(it.override);
			const want = { rule: ["desc", "condition", "output", "priority"], macro: ["condition"], list: ["items"] }[k[0]];
			if (!amend) for (const key of want) if (it[key] === undefined || it[key] === "") report.add(f, `${k[0]} "${name}" lacks ${key}`);
			if (amend && isObject(it.override)) for (const key of Object.keys(it.override))
				if (it[key] === undefined) report.add(f, `${k[0]} "${name}" overrides ${key} without giving it`);
			if (!amend && defined[k[0]].has(name)) report.add(f, `${k[0]} "${name}" is defined twice (use override or append)`);
			if (!amend) defined[k[0]].set(name, it);
			else if (!defined[k[0]].has(name) && !(k[0] === "macro" ? DEFAULT_MACROS : k[0] === "list" ? DEFAULT_LISTS : new Set()).has(name))
				report.add(f, `${k[0]} "${name}" appends to or overrides a ${k[0]} that is neither in this file nor in Falco's default rules`);
			if (it.exceptions && !amend) for (const ex of it.exceptions)
				if (ex.fields !== undefined && ex.comps !== undefined && Array.isArray(ex.fields) !== Array.isArray(ex.comps))
					report.add(f, `rule "${name}" exception ${ex.name}: fields and comps must both be lists or both be single values`);
		}
		const known = (kind, name, source) => defined[kind].has(name) ||
		    (source === "syscall" && (kind === "macro" ? DEFAULT_MACROS : DEFAULT_LISTS).has(name));
		// Macros are resolved in the source of the rule that uses them.
		const macroSource = new Map();
		for (const it of items) if (isObject(it) && it.__kind === "rule") {
			const r = parseCondition(String(it.condition || ""));
			for (const m of r.macros) macroSource.set(m, it.source || "syscall");
		}
		const listNames = [...defined.list.keys(), ...DEFAULT_LISTS];
		for (const it of items) {
			if (!isObject(it) || !["rule", "macro"].includes(it.__kind) || typeof it.condition !== "string") continue;
			const name = it[it.__kind];
			const source = it.__kind === "rule" ? (it.source || "syscall") : (macroSource.get(name) || "syscall");
			const r = parseCondition(it.condition);
			for (const e of r.errors) report.add(f, `${it.__kind} "${name}": condition does not parse: ${e}`);
			for (const m of r.macros) if (!known("macro", m, source))
				report.add(f, `${it.__kind} "${name}": macro ${m} is not defined in this file${source === "syscall" ? " nor in Falco's default rules" : ""}`);
			const classes = FIELD_CLASSES[source];
			if (classes) for (const fl of r.fields) if (!classes.has(fl.split(".")[0]))
				report.add(f, `${it.__kind} "${name}": field ${fl} is not a ${source} field`);
			for (const v of r.listNames) {
				if (known("list", v, source)) continue;
				const near = listNames.find((l) => l.length >= 8 && l.includes("_") && distance(l, v) <= 2);
				if (near) report.add(f, `${it.__kind} "${name}": "${v}" is not a list (did you mean ${near}?); Falco would take it as a literal value`);
			}
			if (it.__kind === "rule" && typeof it.output === "string" && classes) {
				for (const m of it.output.matchAll(/%([A-Za-z_][A-Za-z0-9_]*)(\.[A-Za-z0-9_.]+)?/g))
					if (!classes.has(m[1])) report.add(f, `rule "${name}": output field %${m[1]}${m[2] || ""} is not a ${source} field`);
			}
		}
	}
});
