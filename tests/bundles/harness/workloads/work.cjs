// Code-execution workload run under a seccomp profile by the "seccomp"
// bundle check: timers, promises, a worker thread, a child process, files,
// zlib and crypto.  Prints "node-ok DIGEST" on success.
"use strict";
const assert = require("node:assert");
const cp = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const zlib = require("node:zlib");
const { Worker } = require("node:worker_threads");

async function main() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-"));
	const file = path.join(dir, "data.json");
	const data = { n: Array.from({ length: 1000 }, (_, i) => i * i) };
	await fs.promises.writeFile(file, JSON.stringify(data));
	const back = JSON.parse(await fs.promises.readFile(file, "utf8"));
	assert.strictEqual(back.n[999], 998001);
	const gz = zlib.gzipSync(Buffer.from(JSON.stringify(back)));
	assert.strictEqual(zlib.gunzipSync(gz).length > 0, true);
	const sub = cp.execFileSync("sh", ["-c", "echo sub-$((6*7))"], {
		encoding: "utf8", timeout: 10000 });
	assert.strictEqual(sub.trim(), "sub-42");
	const w = await new Promise((resolve, reject) => {
		const wk = new Worker("const { parentPort } = require('node:worker_threads');" +
		    "parentPort.postMessage(21 * 2);", { eval: true });
		wk.once("message", resolve);
		wk.once("error", reject);
	});
	assert.strictEqual(w, 42);
	await new Promise((r) => setTimeout(r, 10));
	fs.rmSync(dir, { recursive: true });
	const digest = crypto.createHash("sha256").update(gz).digest("hex");
	console.log("node-ok " + digest.slice(0, 12));
}

main().catch((e) => { console.error(e); process.exit(1); });
