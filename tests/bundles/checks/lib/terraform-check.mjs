// terraform-check.mjs: the "terraform" check, one Node process for all
// files.  Usage: node terraform-check.mjs FILE...   (.tf, .tfvars)
//
// For each file: HCL parses (@cdktf/hcl2json 0.21.0, HashiCorp's HCL v2
// parser compiled to WebAssembly).  For each module folder holding a
// checked file, over all the folder's .tf files:
//   - layout: main.tf, variables.tf, outputs.tf and versions.tf exist;
//     variable blocks live in variables.tf, output blocks in outputs.tf,
//     the terraform block (required_version, required_providers) in
//     versions.tf;
//   - terraform.required_version is set;
//   - every provider used (resource and data types, provider blocks,
//     `provider =` meta-arguments) is in required_providers with a source
//     and a pinned version (an upper bound: "~>", "<" or an exact version);
//   - every var.X, local.X, module.X, data.T.N and resource reference
//     T.N (T of a required provider) is declared;
//   - every variable has a type and a non-empty description, every
//     output a description;
//   - a .tfvars file sets only declared variables.
// When a `terraform` binary is on PATH, `terraform fmt -check` runs too
// (an extra; CI without the binary skips it).  `terraform validate` is
// not run: it needs the providers, which cannot be downloaded here.

import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { parse } from "@cdktf/hcl2json";
import { runCheck, readText, isObject } from "./common.mjs";

const LAYOUT = ["main.tf", "variables.tf", "outputs.tf", "versions.tf"];
const BUILTIN_PROVIDERS = new Set(["terraform"]);
const PSEUDO = new Set(["var", "local", "module", "data", "each", "count", "path", "terraform", "self"]);

// Strings of a parsed tree, with the interpolations "${...}" pulled out.
function interpolations(node, out = []) {
	if (typeof node === "string") {
		for (let i = node.indexOf("${"); i >= 0; i = node.indexOf("${", i + 2)) {
			let depth = 0, j = i + 1;
			for (; j < node.length; j++) {
				if (node[j] === "{") depth++;
				else if (node[j] === "}" && --depth === 0) break;
			}
			out.push(node.slice(i + 2, j));
		}
	} else if (Array.isArray(node)) node.forEach((n) => interpolations(n, out));
	else if (isObject(node)) Object.values(node).forEach((n) => interpolations(n, out));
	return out;
}

// Removes quoted string literals inside an expression, so "a.b" in a
// string is not taken for a reference.
function stripStrings(expr) {
	return expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

function pinned(v) {
	if (typeof v !== "string" || !v.trim()) return false;
	return v.split(",").some((c) => {
		c = c.trim();
		return c.startsWith("~>") || c.startsWith("<") || /^=?\s*\d+\.\d+\.\d+$/.test(c);
	});
}

function terraformFmt(dir, files) {
	let tf = null;
	for (const p of (process.env.PATH || "").split(":")) {
		if (p && fs.existsSync(path.join(p, "terraform"))) { tf = path.join(p, "terraform"); break; }
	}
	if (!tf) return new Set();
	try {
		execFileSync(tf, ["fmt", "-check", "-list=true", "-no-color", ...files.map((f) => path.basename(f))],
		    { cwd: dir, env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" }, stdio: ["ignore", "pipe", "pipe"], timeout: 30000 });
		return new Set();
	} catch (e) {
		if (e.status === 3) return new Set(String(e.stdout).split("\n").filter(Boolean).map((n) => path.join(dir, path.basename(n))));
		return new Set(); // syntax errors are reported by the parser
	}
}

await runCheck("terraform", async (files, report) => {
	const parsedCache = new Map();
	const parseFile = async (f) => {
		if (!parsedCache.has(f)) {
			let text;
			try { text = fs.readFileSync(f, "utf8"); } catch (e) { parsedCache.set(f, { err: `cannot read: ${e.code}` }); return parsedCache.get(f); }
			try {
				parsedCache.set(f, { json: await parse(path.basename(f), text) });
			} catch (e) {
				parsedCache.set(f, { err: `HCL: ${String(e.message || e).replace(/^parse config: /, "")}` });
			}
		}
		return parsedCache.get(f);
	};

	const dirs = new Map(); // dir -> [checked files, resolved]
	const given = new Map(); // resolved -> as given on the command line
	for (const f0 of files) {
		const f = path.resolve(f0);
		given.set(f, f0);
		if (readText(f0, report) === null) continue;
		if (!/\.tf$|\.tfvars$|\.tfvars\.example$/.test(f)) { report.add(f0, "not a .tf or .tfvars file"); continue; }
		const r = await parseFile(f);
		if (r.err) report.add(f0, r.err);
		const d = path.dirname(path.resolve(f));
		if (!dirs.has(d)) dirs.set(d, []);
		dirs.get(d).push(f);
	}

	for (const [dir, checked] of dirs) {
		const tfs = fs.readdirSync(dir).filter((n) => n.endsWith(".tf")).sort().map((n) => path.join(dir, n));
		const dirErrs = []; // charged to every checked .tf file of the folder
		const perFile = new Map();
		const addF = (f, m) => { if (!perFile.has(f)) perFile.set(f, []); perFile.get(f).push(m); };
		for (const n of LAYOUT) if (!fs.existsSync(path.join(dir, n))) dirErrs.push(`module layout: ${n} is missing beside this file`);

		const decl = { variable: new Map(), local: new Set(), module: new Set(), data: new Set(), resource: new Set(), output: new Set() };
		const providersUsed = new Map(); // name -> file
		let required = null, requiredVersion = null, terraformBlocks = 0;
		const bodies = [], broken = [];
		for (const f of tfs) {
			const r = await parseFile(f);
			if (r.err) { broken.push(path.basename(f)); continue; }
			const j = r.json, base = path.basename(f);
			bodies.push([f, j]);
			for (const [name, blocks] of Object.entries(j.variable || {})) {
				decl.variable.set(name, blocks[0]);
				if (base !== "variables.tf") addF(f, `variable "${name}" belongs in variables.tf`);
			}
			for (const name of Object.keys(j.output || {})) {
				decl.output.add(name);
				if (base !== "outputs.tf") addF(f, `output "${name}" belongs in outputs.tf`);
				const o = j.output[name][0];
				if (!o.description) addF(f, `output "${name}" has no description`);
			}
			for (const l of j.locals || []) for (const k of Object.keys(l)) decl.local.add(k);
			for (const k of Object.keys(j.module || {})) decl.module.add(k);
			for (const kind of ["resource", "data"]) {
				for (const [type, named] of Object.entries(j[kind] || {})) {
					for (const [n, blocks] of Object.entries(named)) {
						(kind === "data" ? decl.data : decl.resource).add(kind === "data" ? `${type}.${n}` : `${type}.${n}`);
						const pm = blocks[0] && blocks[0].provider;
						const p = typeof pm === "string" ? pm.replace(/^\$\{|\}$/g, "").split(".")[0] : type.split("_")[0];
						if (!providersUsed.has(p)) providersUsed.set(p, f);
					}
				}
			}
			for (const p of Object.keys(j.provider || {})) if (!providersUsed.has(p)) providersUsed.set(p, f);
			for (const t of j.terraform || []) {
				terraformBlocks++;
				if (base !== "versions.tf") addF(f, "the terraform block belongs in versions.tf");
				if (t.required_version) requiredVersion = t.required_version;
				for (const rp of t.required_providers || []) required = { ...(required || {}), ...rp };
			}
		}
		if (broken.length) {
			// Cross-file findings would be guesses: charge the parse
			// failure to every checked file of the folder instead.
			for (const f of checked) if (!broken.includes(path.basename(f)))
				report.add(given.get(f), `${broken.join(", ")} in this module does not parse: module checks not possible`);
			for (const f of checked) for (const m of dirErrs) if (f.endsWith(".tf")) report.add(given.get(f), m);
			continue;
		}
		const versions = path.join(dir, "versions.tf");
		if (!requiredVersion) dirErrs.push("versions.tf: terraform.required_version is not set");
		for (const [p, f] of providersUsed) {
			if (BUILTIN_PROVIDERS.has(p)) continue;
			const rp = required && required[p];
			if (!rp) { addF(f, `provider "${p}" is used but not in required_providers`); continue; }
			if (!isObject(rp) || !rp.source) addF(versions, `required_providers.${p} has no source`);
			if (!isObject(rp) || !pinned(rp.version)) addF(versions, `required_providers.${p} version ${JSON.stringify(isObject(rp) ? rp.version : rp)} is not pinned (needs ~> or an upper bound)`);
		}
		if (required) for (const [p, rp] of Object.entries(required))
			if (!providersUsed.has(p) && (!isObject(rp) || !pinned(rp.version)))
				addF(versions, `required_providers.${p} version is not pinned`);

		for (const [name, v] of decl.variable) {
			const f = path.join(dir, "variables.tf");
			if (!v.type) addF(f, `variable "${name}" has no type`);
			if (typeof v.description !== "string" || !v.description.trim()) addF(f, `variable "${name}" has no description`);
		}
		// References.
		const reqNames = new Set(Object.keys(required || {}));
		for (const [f, j] of bodies) {
			for (const expr of interpolations(j)) {
				const e = stripStrings(expr);
				for (const m of e.matchAll(/(?<![\w.])([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?/g)) {
					const [, a, b, c] = m;
					if (a === "var" && !decl.variable.has(b)) addF(f, `var.${b} is not declared in variables.tf`);
					else if (a === "local" && !decl.local.has(b)) addF(f, `local.${b} is not declared in a locals block`);
					else if (a === "module" && !decl.module.has(b)) addF(f, `module.${b} is not declared`);
					else if (a === "data" && c && !decl.data.has(`${b}.${c}`)) addF(f, `data.${b}.${c} is not declared`);
					else if (!PSEUDO.has(a) && a.includes("_") && reqNames.has(a.split("_")[0]) && !decl.resource.has(`${a}.${b}`))
						addF(f, `${a}.${b} is not a declared resource`);
				}
			}
		}
		// .tfvars files: only declared variables.
		for (const f of checked.filter((x) => !x.endsWith(".tf"))) {
			const r = await parseFile(f);
			if (r.json) for (const k of Object.keys(r.json)) if (!decl.variable.has(k)) addF(f, `${k} is not a declared variable`);
		}
		const unfmt = terraformFmt(dir, checked.filter((x) => x.endsWith(".tf") && !(parsedCache.get(x) || {}).err));
		for (const f of checked) {
			const g = given.get(f);
			if (f.endsWith(".tf")) for (const m of dirErrs) report.add(g, m);
			for (const m of perFile.get(f) || []) report.add(g, m);
			if (unfmt.has(f)) report.add(g, "not formatted as `terraform fmt` writes it");
		}
		// Findings in files of the folder that were not passed are charged
		// to the checked files, so nothing is lost.
		for (const [f, ms] of perFile) if (!checked.includes(f))
			for (const c of checked) for (const m of ms) report.add(given.get(c), `${path.basename(f)}: ${m}`);
	}
});
