// Resilience tests of sandboxClient.ts against a fault-injecting fake
// sandbox API on 127.0.0.1 (node:http on a free port).  The fake injects
// slow answers (client timeouts), 500/503, 429 with Retry-After, 400,
// dropped connections and garbage; the tests assert retry bounds, backoff
// growth with jitter inside its bounds, the breaker's closed/open/half-open
// transitions, and that every created sandbox is deleted on every path.
// Run:  node --import tsx --test sandboxClient.test.ts

import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";

import {
  CircuitBreaker, CircuitOpenError, HttpJsonTransport, RetryPolicy,
  SandboxAuthError, SandboxCancelledError, SandboxClient, SandboxClientError,
  SandboxConnectionError, SandboxError, SandboxProtocolError,
  SandboxServerError, SandboxTimeoutError, errorForStatus, parseRetryAfter,
  type ExecOutput, type ToolCall, type Transport,
} from "./sandboxClient.js";

const SLOW_MS = 3000;   // how long a "slow" answer takes
const TIMEOUT_MS = 2000; // the client's per-call timeout in these tests
const SHORT_MS = 300;    // the timeout where a slow answer is injected

type Op = "create" | "exec" | "delete";

class FakeApi {
  script: Record<Op, string[]> = { create: [], exec: [], delete: [] };
  always: Record<Op, string | undefined> = {
    create: undefined, exec: undefined, delete: undefined,
  };
  calls: Record<Op, number> = { create: 0, exec: 0, delete: 0 };
  created: string[] = [];
  deleted: string[] = [];
  n = 0;

  reset(): void {
    this.script = { create: [], exec: [], delete: [] };
    this.always = { create: undefined, exec: undefined, delete: undefined };
    this.calls = { create: 0, exec: 0, delete: 0 };
    this.created = [];
    this.deleted = [];
  }

  next(op: Op): string {
    this.calls[op]++;
    return this.script[op].shift() ?? this.always[op] ?? "ok";
  }
}

const api = new FakeApi();
const timers = new Set<NodeJS.Timeout>();
let server: http.Server;
let url = "";

function send(res: http.ServerResponse, status: number, body?: unknown,
  headers: Record<string, string> = {}): void {
  const raw = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(raw);
}

/** Applies an injected fault; true when the request is answered. */
function fault(how: string, req: http.IncomingMessage,
  res: http.ServerResponse, then: () => void): boolean {
  if (how === "ok") return false;
  if (how === "slow") {
    const t = setTimeout(() => { timers.delete(t); then(); }, SLOW_MS);
    timers.add(t);
    return true;
  }
  if (how === "drop") {
    req.socket.destroy();
    return true;
  }
  if (how === "garbage") {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end("not json!");
    return true;
  }
  const status = Number(how);
  send(res, status, { error: how }, status === 429 ? { "Retry-After": "1" } : {});
  return true;
}

function handle(req: http.IncomingMessage, res: http.ServerResponse,
  raw: string): void {
  const parts = (req.url ?? "").split("/").filter(Boolean);
  const body = raw ? JSON.parse(raw) as { code?: string } : {};
  if (req.method === "POST" && parts.length === 2) {
    const ok = (): void => {
      const id = `sbx-${++api.n}`;
      api.created.push(id);
      send(res, 201, { id });
    };
    if (!fault(api.next("create"), req, res, ok)) ok();
  } else if (req.method === "POST" && parts[3] === "exec") {
    const ok = (): void => send(res, 200, {
      stdout: `ran: ${body.code ?? ""}`, stderr: "", exit_code: 0,
    });
    if (!fault(api.next("exec"), req, res, ok)) ok();
  } else if (req.method === "DELETE") {
    const ok = (): void => {
      api.deleted.push(parts[2] ?? "");
      send(res, 204);
    };
    if (!fault(api.next("delete"), req, res, ok)) ok();
  } else {
    send(res, 404, { error: "no route" });
  }
}

before(async () => {
  server = http.createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => { raw += c; });
    req.on("end", () => handle(req, res, raw));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const t of timers) clearTimeout(t);
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => api.reset());

class RecordingSleep {
  delays: number[] = [];
  fn = async (ms: number): Promise<void> => { this.delays.push(ms); };
}

class FakeClock {
  t = 1_000_000;
  now = (): number => this.t;
}

function client(o: {
  retry?: RetryPolicy; breaker?: CircuitBreaker; sleep?: RecordingSleep;
  rng?: () => number; clock?: FakeClock; timeoutMs?: number;
  sleepFn?: (ms: number) => Promise<void>;
} = {}): SandboxClient {
  const sleep = o.sleep ?? new RecordingSleep();
  return new SandboxClient(new HttpJsonTransport(url), {
    timeoutMs: o.timeoutMs ?? TIMEOUT_MS, cleanupTimeoutMs: TIMEOUT_MS,
    retry: o.retry ?? new RetryPolicy({ maxAttempts: 3, baseMs: 50, capMs: 400 }),
    breaker: o.breaker ?? new CircuitBreaker(),
    sleep: o.sleepFn ?? sleep.fn,
    rng: o.rng ?? Math.random,
    clock: o.clock?.now ?? (() => performance.now()),
    log: () => {},
  });
}

const call: ToolCall = { code: "print(1)" };

async function rejects<E extends SandboxError>(p: Promise<unknown>,
  cls: abstract new (...a: never[]) => E): Promise<E> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${cls.name}, got a result`);
}

const sorted = (a: string[]): string[] => [...a].sort();

describe("retries over a real loopback server", () => {
  it("creates, executes and deletes on success", async () => {
    const r = await client().run(call);
    assert.equal(r.stdout, "ran: print(1)");
    assert.equal(r.exitCode, 0);
    assert.equal(r.attempts, 1);
    assert.equal(r.cleanupError, undefined);
    assert.deepEqual(api.created, [r.sandboxId]);
    assert.deepEqual(api.deleted, [r.sandboxId]);
  });

  it("retries 5xx, then succeeds", async () => {
    api.script.exec = ["503", "500"];
    const sleep = new RecordingSleep();
    const r = await client({ sleep }).run(call);
    assert.equal(r.attempts, 3);
    assert.equal(api.calls.exec, 3);
    assert.equal(sleep.delays.length, 2);
    assert.equal(api.created.length, 3);
    assert.deepEqual(sorted(api.deleted), sorted(api.created));
  });

  it("retries 429 and honours Retry-After", async () => {
    api.script.create = ["429"];
    const sleep = new RecordingSleep();
    const r = await client({
      sleep, retry: new RetryPolicy({ maxAttempts: 2, baseMs: 10, capMs: 5000 }),
    }).run(call);
    assert.equal(r.attempts, 2);
    assert.deepEqual(sleep.delays, [1000]);
    assert.deepEqual(api.deleted, api.created);
  });

  it("never retries 400", async () => {
    api.always.exec = "400";
    const sleep = new RecordingSleep();
    const c = client({ sleep });
    const e = await rejects(c.run(call), SandboxClientError);
    assert.equal(e.code, "client_error");
    assert.equal(e.status, 400);
    assert.equal(e.retryable, false);
    assert.equal(e.attempts, 1);
    assert.equal(api.calls.exec, 1);
    assert.deepEqual(sleep.delays, []);
    assert.equal(api.created.length, 1);
    assert.deepEqual(api.deleted, api.created);
    assert.equal(c.breaker.failures, 0);
  });

  it("treats 401 as an auth error and does not retry", async () => {
    api.always.create = "401";
    const e = await rejects(client().run(call), SandboxAuthError);
    assert.equal(e.attempts, 1);
    assert.equal(api.calls.create, 1);
  });

  it("times out each attempt, retries within bounds, cleans up", async () => {
    api.always.exec = "slow";
    const t0 = performance.now();
    const e = await rejects(client({ timeoutMs: SHORT_MS }).run(call),
      SandboxTimeoutError);
    const took = performance.now() - t0;
    assert.equal(e.attempts, 3);
    assert.equal(e.retryable, true);
    assert.equal(api.calls.exec, 3);
    assert.ok(took < 3 * SHORT_MS + 1500, `took ${took} ms`);
    assert.equal(api.created.length, 3);
    assert.deepEqual(sorted(api.deleted), sorted(api.created));
  });

  it("retries a dropped connection", async () => {
    api.script.exec = ["drop"];
    const r = await client().run(call);
    assert.equal(r.attempts, 2);
    assert.equal(api.calls.exec, 2);
    assert.deepEqual(sorted(api.deleted), sorted(api.created));
  });

  it("reports a refused connection as a retryable connection error", async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const c = new SandboxClient(new HttpJsonTransport(`http://127.0.0.1:${port}`), {
      timeoutMs: TIMEOUT_MS, retry: new RetryPolicy({ maxAttempts: 2, baseMs: 1 }),
      sleep: new RecordingSleep().fn, log: () => {},
    });
    const e = await rejects(c.run(call), SandboxConnectionError);
    assert.equal(e.attempts, 2);
    assert.equal(e.retryable, true);
  });

  it("does not retry a garbage answer", async () => {
    api.script.exec = ["garbage"];
    const e = await rejects(client().run(call), SandboxProtocolError);
    assert.equal(e.attempts, 1);
    assert.deepEqual(api.deleted, api.created);
  });

  it("bounds retries on persistent 5xx", async () => {
    api.always.exec = "500";
    const sleep = new RecordingSleep();
    const e = await rejects(client({
      sleep, retry: new RetryPolicy({ maxAttempts: 4, baseMs: 1 }),
      breaker: new CircuitBreaker(100),
    }).run(call), SandboxServerError);
    assert.equal(e.attempts, 4);
    assert.equal(e.status, 500);
    assert.equal(api.calls.exec, 4);
    assert.equal(sleep.delays.length, 3);
    assert.deepEqual(sorted(api.deleted), sorted(api.created));
  });

  it("has nothing to delete when create fails", async () => {
    api.always.create = "503";
    await rejects(client().run(call), SandboxServerError);
    assert.equal(api.calls.create, 3);
    assert.equal(api.calls.delete, 0);
  });

  it("does not let a failed delete mask the result", async () => {
    api.script.delete = ["500"];
    const r = await client().run(call);
    assert.equal(r.exitCode, 0);
    assert.match(r.cleanupError ?? "", /server_error/);
  });

  it("accepts 404 on delete as already gone", async () => {
    api.script.delete = ["404"];
    const r = await client().run(call);
    assert.equal(r.cleanupError, undefined);
  });

  it("deletes the sandbox when the caller cancels mid-exec", async () => {
    api.always.exec = "slow";
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    const br = new CircuitBreaker();
    const c = new SandboxClient(new HttpJsonTransport(url), {
      timeoutMs: 5000, cleanupTimeoutMs: TIMEOUT_MS, breaker: br, log: () => {},
    });
    const e = await rejects(c.run(call, ctl.signal), SandboxCancelledError);
    assert.equal(e.attempts, 1);
    assert.equal(api.calls.exec, 1);
    assert.equal(api.created.length, 1);
    assert.deepEqual(api.deleted, api.created);
    assert.equal(br.failures, 0);
  });
});

describe("backoff", () => {
  it("grows exponentially up to the cap", () => {
    const p = new RetryPolicy({ maxAttempts: 6, baseMs: 100, capMs: 500 });
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => p.ceiling(n)),
      [100, 200, 400, 500, 500]);
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => p.delay(n, () => 1)),
      [100, 200, 400, 500, 500]);
    assert.equal(p.delay(3, () => 0), 0);
  });

  it("jitters fully, within bounds", () => {
    const p = new RetryPolicy({ baseMs: 100, capMs: 3000 });
    let seed = 6;
    const rng = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let n = 1; n <= 6; n++) {
      const ds = Array.from({ length: 200 }, () => p.delay(n, rng));
      assert.ok(ds.every((d) => d >= 0 && d <= p.ceiling(n)));
      assert.ok(Math.max(...ds) - Math.min(...ds) > p.ceiling(n) / 2);
    }
    assert.equal(p.delay(1, () => 0, 9000), 3000);
  });

  it("drives the client's waits", async () => {
    api.always.exec = "503";
    const sleep = new RecordingSleep();
    await rejects(client({
      sleep, rng: () => 1, breaker: new CircuitBreaker(100),
      retry: new RetryPolicy({ maxAttempts: 5, baseMs: 100, capMs: 300 }),
    }).run(call), SandboxServerError);
    assert.deepEqual(sleep.delays, [100, 200, 300, 300]);
  });

  it("stops early at the deadline", async () => {
    api.always.exec = "503";
    const clock = new FakeClock();
    const e = await rejects(client({
      clock, rng: () => 1, breaker: new CircuitBreaker(100),
      sleepFn: async (ms) => { clock.t += ms; },
      retry: new RetryPolicy({ maxAttempts: 10, baseMs: 1000, capMs: 8000,
        deadlineMs: 5000 }),
    }).run(call), SandboxServerError);
    assert.equal(e.attempts, 3);
  });
});

describe("circuit breaker", () => {
  it("opens, fails fast, half-opens and closes", async () => {
    const clock = new FakeClock();
    const br = new CircuitBreaker(3, 30_000, clock.now);
    const c = client({ breaker: br, retry: new RetryPolicy({ maxAttempts: 1 }) });
    api.always.exec = "500";
    for (let i = 0; i < 3; i++) {
      assert.equal(br.state, "closed");
      await rejects(c.run(call), SandboxServerError);
    }
    assert.equal(br.state, "open");
    const before = { ...api.calls };
    const e = await rejects(c.run(call), CircuitOpenError);
    assert.equal(e.attempts, 0);
    assert.equal(e.retryAfterMs, 30_000);
    assert.deepEqual(api.calls, before);
    clock.t += 29_900;
    assert.equal(br.state, "open");
    clock.t += 200;
    assert.equal(br.state, "half_open");
    api.always.exec = undefined;
    const r = await c.run(call);
    assert.equal(r.exitCode, 0);
    assert.equal(br.state, "closed");
    assert.equal(br.failures, 0);
  });

  it("re-opens when the probe fails", async () => {
    const clock = new FakeClock();
    const br = new CircuitBreaker(2, 10_000, clock.now);
    const c = client({ breaker: br, retry: new RetryPolicy({ maxAttempts: 1 }) });
    api.always.exec = "503";
    for (let i = 0; i < 2; i++) await rejects(c.run(call), SandboxServerError);
    clock.t += 10_000;
    assert.equal(br.state, "half_open");
    await rejects(c.run(call), SandboxServerError);
    assert.equal(br.state, "open");
    await rejects(c.run(call), CircuitOpenError);
    assert.deepEqual(sorted(api.deleted), sorted(api.created));
  });

  it("admits a single probe when half-open", () => {
    const clock = new FakeClock();
    const br = new CircuitBreaker(1, 1000, clock.now);
    br.recordFailure();
    assert.equal(br.state, "open");
    clock.t += 1000;
    br.acquire();
    assert.throws(() => br.acquire(), CircuitOpenError);
    br.abandon();
    br.acquire();
    br.recordSuccess();
    assert.equal(br.state, "closed");
  });

  it("stops the retries of a call once open", async () => {
    api.always.exec = "500";
    const c = client({
      breaker: new CircuitBreaker(2, 60_000),
      retry: new RetryPolicy({ maxAttempts: 5, baseMs: 1 }),
    });
    const e = await rejects(c.run(call), CircuitOpenError);
    assert.equal(e.attempts, 2);
    assert.equal(api.calls.exec, 2);
  });
});

class ScriptedTransport implements Transport {
  readonly name = "scripted";
  created: string[] = [];
  deleted: string[] = [];
  constructor(private readonly fail?: unknown, private readonly hang = false) {}
  async create(): Promise<string> {
    this.created.push(`s${this.created.length}`);
    return this.created[this.created.length - 1] ?? "";
  }
  async exec(): Promise<ExecOutput> {
    if (this.hang) return new Promise<ExecOutput>(() => {});
    if (this.fail !== undefined) throw this.fail;
    return { stdout: "", stderr: "", exitCode: 3 };
  }
  async delete(id: string): Promise<void> {
    this.deleted.push(id);
  }
}

describe("cleanup and errors", () => {
  it("bounds a transport that ignores its signal, and cleans up", async () => {
    const t = new ScriptedTransport(undefined, true);
    const c = new SandboxClient(t, {
      timeoutMs: 50, retry: new RetryPolicy({ maxAttempts: 2, baseMs: 1 }),
      sleep: new RecordingSleep().fn, log: () => {},
    });
    const e = await rejects(c.run(call), SandboxTimeoutError);
    assert.equal(e.attempts, 2);
    assert.deepEqual(t.deleted, t.created);
    assert.equal(t.created.length, 2);
  });

  it("cleans up and frees the probe slot when the transport has a bug", async () => {
    const clock = new FakeClock();
    const br = new CircuitBreaker(1, 1000, clock.now);
    br.recordFailure();
    clock.t += 1000;
    const t = new ScriptedTransport(new TypeError("bug"));
    await assert.rejects(new SandboxClient(t, { breaker: br, log: () => {} })
      .run(call), TypeError);
    assert.deepEqual(t.deleted, ["s0"]);
    assert.equal(br.state, "half_open");
    br.acquire();
  });

  it("returns a non-zero exit code as a result", async () => {
    const r = await new SandboxClient(new ScriptedTransport()).run(call);
    assert.equal(r.exitCode, 3);
    assert.equal(r.attempts, 1);
  });

  it("structures errors", () => {
    const e = errorForStatus(503, "x", 2000);
    assert.ok(e instanceof SandboxServerError && e.retryable);
    assert.deepEqual(e.toJSON(), {
      error: "server_error", message: "x", retryable: true, attempts: 0,
      status: 503, provider: e.provider,
    });
    assert.equal(errorForStatus(429, "x").retryable, true);
    for (const s of [400, 404, 409, 413, 422]) {
      assert.equal(errorForStatus(s, "x").retryable, false);
    }
    assert.equal(parseRetryAfter("7"), 7000);
    assert.equal(parseRetryAfter("soon"), undefined);
  });

  it("accepts only http(s) endpoints", () => {
    for (const bad of ["file:///etc/passwd", "ftp://x"]) {
      assert.throws(() => new HttpJsonTransport(bad), RangeError);
    }
  });
});
