// Tests of flyTransport.ts against a fake Fly Machines API on
// 127.0.0.1 that follows the documented endpoints: the create body is the
// bundle's machine config, exec sends the argv and a bounded timeout,
// delete forces, HTTP errors map to the client's retry classes, and a
// Machine that fails to start is destroyed.  Driven through SandboxClient
// so retries, the breaker and cleanup are exercised end to end.
// Run: node --import tsx --test flyTransport.test.ts
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";

import { FlyTransport, type FlySettings } from "./flyTransport.js";
import { SandboxClient, SandboxError } from "./sandboxClient.js";

const SETTINGS: FlySettings = {
  api: "https://api.machines.dev/v1",
  app: { app_name: "sandbox-atlas-tools", org_slug: "personal", network: "sandbox-atlas-isolated" },
  machine: { config: { image: "python:3.12-slim", auto_destroy: true, metadata: { "managed-by": "sandbox-atlas" } } },
  exec: { timeout: 60 },
};

interface Seen { method: string; path: string; auth: string | undefined; body: unknown }

async function fakeFly(opts: { createStatus?: number[]; waitStatus?: number; execBody?: unknown } = {}) {
  const seen: Seen[] = [];
  let creates = 0;
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => { raw += c.toString(); });
    req.on("end", () => {
      const path = req.url ?? "";
      seen.push({ method: req.method ?? "", path, auth: req.headers.authorization, body: raw ? JSON.parse(raw) : undefined });
      const send = (code: number, body?: unknown) => {
        res.writeHead(code, { "content-type": "application/json" });
        res.end(body === undefined ? "" : JSON.stringify(body));
      };
      const base = "/v1/apps/sandbox-atlas-tools/machines";
      if (req.method === "POST" && path === base) {
        const code = opts.createStatus?.[creates] ?? 200;
        creates += 1;
        return code === 200 ? send(200, { id: `m${creates}`, state: "created" }) : send(code, { error: "x" });
      }
      if (req.method === "GET" && /\/wait\?state=started&timeout=60$/.test(path)) return send(opts.waitStatus ?? 200, { ok: true });
      if (req.method === "POST" && /\/exec$/.test(path)) return send(200, opts.execBody ?? { exit_code: 0, stdout: "hi\n", stderr: "" });
      if (req.method === "DELETE" && /\?force=true$/.test(path)) return send(200, { ok: true });
      send(404, { error: `no route ${req.method} ${path}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const fast = { sleep: async () => undefined, rng: () => 0 };

describe("Fly Machines transport", () => {
  it("creates the configured Machine, waits, execs and destroys it", async () => {
    const f = await fakeFly();
    try {
      const client = new SandboxClient(new FlyTransport(SETTINGS, "tok", f.url), fast);
      const r = await client.run({ code: "print('hi')", language: "python", timeoutMs: 5000 });
      assert.equal(r.stdout, "hi\n");
      assert.equal(r.exitCode, 0);
      assert.deepEqual(f.seen.map((s) => s.method + " " + s.path.replace(/m\d+/, "ID")), [
        "POST /v1/apps/sandbox-atlas-tools/machines",
        "GET /v1/apps/sandbox-atlas-tools/machines/ID/wait?state=started&timeout=60",
        "POST /v1/apps/sandbox-atlas-tools/machines/ID/exec",
        "DELETE /v1/apps/sandbox-atlas-tools/machines/ID?force=true",
      ]);
      assert.ok(f.seen.every((s) => s.auth === "Bearer tok"));
      assert.deepEqual(f.seen[0].body, SETTINGS.machine);
      assert.deepEqual(f.seen[2].body, { command: ["python3", "-c", "print('hi')"], timeout: 5 });
    } finally { await f.close(); }
  });

  it("caps the command timeout at the bundle's limit", async () => {
    const f = await fakeFly();
    try {
      const t = new FlyTransport(SETTINGS, "tok", f.url);
      await t.exec("m1", { code: "1", timeoutMs: 3_600_000 }, new AbortController().signal);
      assert.deepEqual(f.seen[0].body, { command: ["python3", "-c", "1"], timeout: 60 });
    } finally { await f.close(); }
  });

  it("retries a 503 on create and gives up on a 401 without retrying", async () => {
    const f = await fakeFly({ createStatus: [503, 200] });
    try {
      const client = new SandboxClient(new FlyTransport(SETTINGS, "tok", f.url), fast);
      const r = await client.run({ code: "1" });
      assert.equal(r.exitCode, 0);
      assert.equal(f.seen.filter((s) => s.method === "POST" && s.path.endsWith("/machines")).length, 2);
    } finally { await f.close(); }
    const g = await fakeFly({ createStatus: [401, 200] });
    try {
      const client = new SandboxClient(new FlyTransport(SETTINGS, "bad", g.url), fast);
      await assert.rejects(client.run({ code: "1" }), (e: unknown) => e instanceof SandboxError && !e.retryable);
      assert.equal(g.seen.length, 1);
    } finally { await g.close(); }
  });

  it("destroys a Machine that never starts", async () => {
    const f = await fakeFly({ waitStatus: 408 });
    try {
      const t = new FlyTransport(SETTINGS, "tok", f.url);
      await assert.rejects(t.create({ code: "1" }, new AbortController().signal));
      assert.ok(f.seen.some((s) => s.method === "DELETE" && s.path.endsWith("?force=true")));
    } finally { await f.close(); }
  });

  it("rejects an exec response without an exit code", async () => {
    const f = await fakeFly({ execBody: { stdout: "x" } });
    try {
      const t = new FlyTransport(SETTINGS, "tok", f.url);
      await assert.rejects(t.exec("m1", { code: "1" }, new AbortController().signal), (e: unknown) => e instanceof SandboxError && e.code === "bad_response");
    } finally { await f.close(); }
  });
});
