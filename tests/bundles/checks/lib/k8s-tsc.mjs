// k8s-tsc.mjs: the unknown-field check of the "kubernetes" and "cilium"
// checks.  kubernetes-models' validators accept unknown fields (their
// schemas have no additionalProperties: false), so every document is
// written as one typed constant of a generated TypeScript file
// (`export const d0: IDeployment = {...}`) and the whole set is
// type-checked in one TypeScript program: tsc's excess-property check
// names the unknown field (only the first per object literal, which is
// enough to fail the file).  The generated files are virtual (served by
// the compiler host, never written), placed under this folder so module
// resolution finds tests/node_modules.

import path from "node:path";
import ts from "typescript";
import { LIB } from "./common.mjs";

// items: [{ file, index (document number), module, iface, value }]
// Returns Map file -> [messages].
export function typeCheck(items) {
	const out = new Map();
	if (items.length === 0) return out;
	const vdir = path.join(LIB, ".virtual");
	const sources = new Map();
	const lineMap = new Map(); // virtual file -> [item per line]
	const byFile = new Map();
	for (const it of items) {
		if (!byFile.has(it.file)) byFile.set(it.file, []);
		byFile.get(it.file).push(it);
	}
	let fi = 0;
	for (const [, its] of byFile) {
		const vf = path.join(vdir, `f${fi++}.ts`);
		const lines = [], map = [];
		its.forEach((it, i) => {
			lines.push(`import type { ${it.iface} as T${i} } from ${JSON.stringify(it.module)};`);
			map.push(it);
		});
		its.forEach((it, i) => {
			lines.push(`export const d${i}: T${i} = ${JSON.stringify(it.value)};`);
			map.push(it);
		});
		sources.set(vf, lines.join("\n") + "\n");
		lineMap.set(vf, map);
	}
	const opts = {
		noEmit: true, strict: true, skipLibCheck: true, types: [],
		module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
		target: ts.ScriptTarget.ES2022,
	};
	const host = ts.createCompilerHost(opts);
	const gsf = host.getSourceFile.bind(host), fe = host.fileExists.bind(host), rf = host.readFile.bind(host);
	host.fileExists = (f) => sources.has(f) || fe(f);
	host.readFile = (f) => (sources.has(f) ? sources.get(f) : rf(f));
	host.getSourceFile = (f, lv, ...r) => (sources.has(f) ? ts.createSourceFile(f, sources.get(f), lv) : gsf(f, lv, ...r));
	const prog = ts.createProgram([...sources.keys()], opts, host);
	const diags = ts.getPreEmitDiagnostics(prog);
	const orphan = [];
	for (const d of diags) {
		const msg = ts.flattenDiagnosticMessageText(d.messageText, " ");
		if (!d.file || !lineMap.has(d.file.fileName)) { orphan.push(msg); continue; }
		const { line } = d.file.getLineAndCharacterOfPosition(d.start);
		const it = lineMap.get(d.file.fileName)[line];
		if (!it) { orphan.push(msg); continue; }
		if (!out.has(it.file)) out.set(it.file, []);
		out.get(it.file).push(`document ${it.index} (${it.value.kind}): TypeScript: ${msg.replace(/^Object literal may only specify known properties, and /, "unknown field: ")}`);
	}
	// A diagnostic outside the generated files means the check itself
	// is broken (missing package): fail every file rather than pass it.
	if (orphan.length)
		for (const it of items) {
			if (!out.has(it.file)) out.set(it.file, []);
			out.get(it.file).push(`type check could not run: ${orphan[0]}`);
		}
	return out;
}
