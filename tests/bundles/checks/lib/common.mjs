// common.mjs: shared plumbing of the bundle checks written in Node
// (kubernetes, cilium, terraform, falco, firecracker-config,
// audit-policy).  A check collects findings per file and prints, in the
// order the files were given, "ok PATH" or "not ok PATH: why" (all the
// file's findings joined by "; " on one line), then exits 1 when any
// file failed.  A file is "ok" only when every step of the check really
// ran on it: a step that cannot run adds a finding instead.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

export const LIB = path.dirname(fileURLToPath(import.meta.url));
export const TOP = path.resolve(LIB, "../../../..");

// The third-party schemas live outside the repository (DESIGN: tests read
// them from ../shared/testdata/); ATLAS_TESTDATA overrides the place.
export const TESTDATA = process.env.ATLAS_TESTDATA ||
    path.resolve(TOP, "../shared/testdata");

// Findings: file -> array of messages.  Files are kept in argument order.
export class Report {
	constructor(files) {
		this.files = files;
		this.msgs = new Map(files.map((f) => [f, []]));
	}
	add(file, msg) {
		if (!this.msgs.has(file)) this.msgs.set(file, []);
		this.msgs.get(file).push(msg);
	}
	has(file) { return (this.msgs.get(file) || []).length > 0; }
	print() {
		let bad = 0;
		const out = [];
		for (const f of this.files) {
			const m = this.msgs.get(f) || [];
			if (m.length === 0) out.push(`ok ${f}`);
			else {
				bad++;
				const uniq = [...new Set(m)];
				let why = uniq.join("; ").replace(/\s+/g, " ");
				if (why.length > 900) why = why.slice(0, 900) + " ...";
				out.push(`not ok ${f}: ${why}`);
			}
		}
		process.stdout.write(out.join("\n") + (out.length ? "\n" : ""));
		return bad;
	}
}

// Runs main(report) for the files on the command line, prints the
// results and exits 0 (all ok) or 1.  An exception inside main marks every
// file not yet failed as "not ok: check crashed" rather than passing it.
export async function runCheck(name, main) {
	const files = process.argv.slice(2);
	const report = new Report(files);
	try {
		await main(files, report);
	} catch (e) {
		const why = `${name} check crashed: ${String(e && e.stack || e).split("\n").slice(0, 2).join(" ")}`;
		for (const f of files) report.add(f, why);
	}
	const bad = report.print();
	process.exitCode = bad ? 1 : 0;
}

// Parses every YAML document of a file strictly (duplicate keys are
// errors).  Returns { docs: [{ index, line, value }], errors: [msg] };
// empty documents (a lone "---") are dropped.
export function parseYamlDocs(file, text) {
	const docs = [], errors = [];
	const lc = new YAML.LineCounter();
	let all;
	try {
		all = YAML.parseAllDocuments(text, { strict: true, uniqueKeys: true, prettyErrors: true, lineCounter: lc });
	} catch (e) {
		return { docs, errors: [`YAML: ${e.message}`] };
	}
	if (!Array.isArray(all)) all = [all];
	all.forEach((d, i) => {
		for (const e of d.errors) errors.push(`YAML document ${i + 1}: ${e.message.split("\n")[0]}`);
		if (d.errors.length) return;
		const value = d.toJS();
		const pos = d.contents && d.contents.range ? lc.linePos(d.contents.range[0]).line : 1;
		if (value !== null && value !== undefined) docs.push({ index: i + 1, line: pos, value });
	});
	return { docs, errors };
}

export function readText(file, report) {
	try {
		return fs.readFileSync(file, "utf8");
	} catch (e) {
		report.add(file, `cannot read: ${e.code || e.message}`);
		return null;
	}
}

export function isObject(v) {
	return v !== null && typeof v === "object" && !Array.isArray(v);
}

// ajv error list -> short text "path: message, ..."
export function ajvText(errors, prefix = "") {
	return (errors || []).slice(0, 6).map((e) => {
		let m = `${prefix}${e.instancePath || "/"} ${e.message}`;
		if (e.keyword === "additionalProperties") m += ` (${e.params.additionalProperty})`;
		if (e.keyword === "enum") m += ` (${e.params.allowedValues.join(", ")})`;
		return m;
	}).join(", ");
}
