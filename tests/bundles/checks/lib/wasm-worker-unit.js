// wasm-worker-unit.js: unit tests of the wasm-isolate Cloudflare bundle,
// run inside workerd by wasm-worker-check.mjs (one Worker, GET / returns
// the results).  It imports the bundle's own modules, transpiled:
//   deploy/src/index.js        egressDecision() for every egress mode
//   monitoring/tail.js         alertsFor() on killed outcomes and logs
//   integration/agentWorker.js SandboxTool and Breaker against fake
//                              sandboxes (503, 429, 401, 400, hangs,
//                              dropped connections, bad responses)
// Each result: {file, name, ok, detail}.

import { egressDecision } from "./deploy/src/index.js";
import { alertsFor } from "./monitoring/tail.js";
import { SandboxTool, SandboxError } from "./integration/agentWorker.js";

const results = [];
function check(file, name, ok, detail = "") {
  results.push({ file, name, ok: !!ok, detail: ok ? "" : String(detail) });
}

function egressTests() {
  const F = "deploy/src/index.ts";
  const pols = {
    "deny-all": { mode: "deny-all", allow_hosts: [], allow_http: false },
    allowlist: { mode: "allowlist", allow_hosts: ["pypi.org", "*.example.org"], allow_http: false },
    "open-public": { mode: "open-public", allow_hosts: [], allow_http: true },
  };
  const cases = [
    ["deny-all", "https://pypi.org/simple/", false],
    ["allowlist", "https://pypi.org/simple/", true],
    ["allowlist", "https://PyPI.org./x", true],
    ["allowlist", "https://files.example.org/a", true],
    ["allowlist", "https://example.org/a", false],
    ["allowlist", "https://evilexample.org/", false],
    ["allowlist", "https://pypi.org.evil.test/", false],
    ["allowlist", "http://pypi.org/", false],
    ["allowlist", "https://pypi.org:8443/", false],
    ["allowlist", "https://user:pw@pypi.org/", false],
    ["allowlist", "https://151.101.0.223/", false],
    ["open-public", "https://example.com/", true],
    ["open-public", "http://example.com/", true],
    ["open-public", "ftp://example.com/", false],
    ["open-public", "http://169.254.169.254/latest/meta-data/", false],
    ["open-public", "http://10.1.2.3/", false],
    ["open-public", "http://172.20.0.1/", false],
    ["open-public", "http://192.168.1.1/", false],
    ["open-public", "http://127.0.0.1/", false],
    ["open-public", "http://100.100.100.200/", false],
    ["open-public", "http://0.0.0.0/", false],
    ["open-public", "http://[::1]/", false],
    ["open-public", "http://[fd00::1]/", false],
    ["open-public", "http://localhost/", false],
    ["open-public", "http://metadata.google.internal/", false],
    ["open-public", "http://8.8.8.8/", true],
    ["open-public", "not a url", false],
  ];
  for (const [mode, url, want] of cases) {
    const d = egressDecision(url, pols[mode]);
    check(F, `egress ${mode} ${url}`, d.allow === want, `allow=${d.allow} (${d.reason}), want ${want}`);
  }
}

function tailTests() {
  const F = "monitoring/tail.ts";
  const base = { scriptName: "s", eventTimestamp: 1, exceptions: [], logs: [], outcome: "ok" };
  const log = (o) => ({ timestamp: 2, level: "log", message: [typeof o === "string" ? o : JSON.stringify(o)] });
  let a = alertsFor([{ ...base, outcome: "exceededCpu" }]);
  check(F, "exceededCpu is critical", a.length === 1 && a[0].severity === "critical" && a[0].event === "outcome_exceededCpu", JSON.stringify(a));
  a = alertsFor([{ ...base, outcome: "exceededMemory", exceptions: [{ name: "Error", message: "oom", timestamp: 1 }] }]);
  check(F, "exceededMemory is critical with the exception", a.length === 1 && a[0].detail.includes("oom"), JSON.stringify(a));
  a = alertsFor([{ ...base, logs: [log({ event: "egress_denied", sandbox: "x", host: "evil", reason: "r" })] }]);
  check(F, "egress_denied log is critical", a.length === 1 && a[0].severity === "critical" && a[0].sandbox === "x", JSON.stringify(a));
  a = alertsFor([{ ...base, logs: [log({ event: "sandbox_deadline", sandbox: "y", ms: 5 })] }]);
  check(F, "sandbox_deadline log is a warning", a.length === 1 && a[0].severity === "warning", JSON.stringify(a));
  a = alertsFor([{ ...base, logs: [log({ event: "sandbox_exec", sandbox: "z" }), log("plain text"), log({ event: "egress_allowed" })] }]);
  check(F, "healthy traces raise nothing", a.length === 0, JSON.stringify(a));
}

// A fake sandbox Fetcher: each request takes the next step of `script`.
function fake(script) {
  const calls = [];
  const fetcher = {
    async fetch(url, init = {}) {
      const u = new URL(String(url));
      calls.push(`${init.method ?? "GET"} ${u.pathname}`);
      const step = script.length ? script.shift() : { status: 204 };
      if (step.drop) throw new TypeError("Network connection lost.");
      if (step.hang) {
        return new Promise((_, reject) => {
          const s = init.signal;
          if (s) s.addEventListener("abort", () => reject(s.reason));
        });
      }
      const body = step.body === undefined ? null : JSON.stringify(step.body);
      return new Response(body, { status: step.status ?? 200 });
    },
  };
  return { calls, fetcher };
}

const created = { status: 201, body: { id: "00000000-0000-4000-8000-000000000001" } };
const good = { status: 200, body: { stdout: "ok\n", stderr: "", exit_code: 0 } };
const deleted = { status: 204 };

async function agentTests() {
  const F = "integration/agentWorker.ts";
  const delays = [];
  let clock = 1000;
  const opts = (o = {}) => ({ timeoutMs: 100, maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5000,
    breakerFailures: 5, breakerCooldownMs: 1000, random: () => 0.5, now: () => clock,
    sleep: async (ms) => { delays.push(ms); }, ...o });
  const expectErr = async (p) => { try { await p; return null; } catch (e) { return e; } };

  let f = fake([created, { status: 503 }, { status: 503 }, good, deleted]);
  let t = new SandboxTool(f.fetcher, "tok", opts());
  let r = await t.run("x");
  check(F, "retries 503 then succeeds", r.stdout === "ok\n" && r.exitCode === 0, JSON.stringify(r));
  check(F, "backoff doubles with jitter", JSON.stringify(delays) === "[100,200]", JSON.stringify(delays));
  check(F, "DELETE after success", f.calls.at(-1)?.startsWith("DELETE "), f.calls.join(","));

  f = fake([created, { status: 400 }, deleted]);
  t = new SandboxTool(f.fetcher, "tok", opts());
  let e = await expectErr(t.run("x"));
  check(F, "400 is not retried", e instanceof SandboxError && e.code === "client_error" && e.attempts === 1, e);
  check(F, "DELETE after a 4xx", f.calls.filter((c) => c.startsWith("DELETE")).length === 1, f.calls.join(","));

  f = fake([created, { status: 401 }, deleted]);
  e = await expectErr(new SandboxTool(f.fetcher, "tok", opts()).run("x"));
  check(F, "401 is unauthorized, not retried", e?.code === "unauthorized" && e.attempts === 1, e);

  f = fake([created, { status: 503 }, { status: 502 }, { status: 500 }, deleted]);
  e = await expectErr(new SandboxTool(f.fetcher, "tok", opts()).run("x"));
  check(F, "retries are bounded", e?.code === "server_error" && e.attempts === 3, e);
  check(F, "DELETE after exhausted retries", f.calls.filter((c) => c.includes("/exec")).length === 3 &&
    f.calls.at(-1)?.startsWith("DELETE "), f.calls.join(","));

  f = fake([created, { status: 429 }, good, deleted]);
  r = await new SandboxTool(f.fetcher, "tok", opts()).run("x");
  check(F, "429 is retried", r.exitCode === 0, JSON.stringify(r));

  f = fake([created, { drop: true }, good, deleted]);
  r = await new SandboxTool(f.fetcher, "tok", opts()).run("x");
  check(F, "a dropped connection is retried", r.exitCode === 0, JSON.stringify(r));

  f = fake([created, { hang: true }, { hang: true }, { hang: true }, deleted]);
  const t0 = Date.now();
  e = await expectErr(new SandboxTool(f.fetcher, "tok", opts()).run("x"));
  check(F, "hangs time out and are retried within bounds", e?.code === "timeout" && e.attempts === 3, e);
  check(F, "the deadline holds", Date.now() - t0 < 3000, `${Date.now() - t0} ms`);
  check(F, "DELETE after timeouts", f.calls.at(-1)?.startsWith("DELETE "), f.calls.join(","));

  f = fake([created, { status: 200, body: { nope: 1 } }, deleted]);
  e = await expectErr(new SandboxTool(f.fetcher, "tok", opts()).run("x"));
  check(F, "a malformed result is a bad_response, not retried", e?.code === "bad_response" &&
    f.calls.filter((c) => c.includes("/exec")).length === 1, e);

  // Breaker: 2 failures open it; calls fail fast while open; after the
  // cool-down one probe goes through; success closes it.
  f = fake([{ status: 503 }, { status: 503 }, created, good, deleted]);
  t = new SandboxTool(f.fetcher, "tok", opts({ maxAttempts: 1, breakerFailures: 2 }));
  await expectErr(t.call("POST", "/v1/sandboxes", {}));
  await expectErr(t.call("POST", "/v1/sandboxes", {}));
  check(F, "breaker opens after consecutive failures", t.breaker.state === "open", t.breaker.state);
  const before = f.calls.length;
  e = await expectErr(t.call("POST", "/v1/sandboxes", {}));
  check(F, "open breaker fails fast without a request", e?.code === "circuit_open" && f.calls.length === before, e);
  clock += 1001;
  r = await t.run("x");
  check(F, "half-open probe succeeds and closes the breaker", r.exitCode === 0 && t.breaker.state === "closed",
    t.breaker.state);
  f = fake([{ status: 503 }, { status: 503 }, { status: 503 }]);
  t = new SandboxTool(f.fetcher, "tok", opts({ maxAttempts: 1, breakerFailures: 2 }));
  await expectErr(t.call("GET", "/a"));
  await expectErr(t.call("GET", "/a"));
  clock += 1001;
  await expectErr(t.call("GET", "/a"));
  check(F, "a failed half-open probe opens the breaker again", t.breaker.state === "open", t.breaker.state);
}

export default {
  async fetch() {
    results.length = 0;
    try {
      egressTests();
      tailTests();
      await agentTests();
    } catch (e) {
      results.push({ file: "*", name: "unit tests crashed", ok: false, detail: String(e && e.stack || e) });
    }
    return Response.json(results);
  },
};
