// Tests of k8sPoolTransport.ts with the real @kubernetes/client-node
// against a fake API server on 127.0.0.1: claiming an idle, Ready pool pod
// with a resourceVersion precondition (merge patch), skipping claimed,
// unready and terminating pods, losing a race (409) and taking the next
// pod, the fallback to a Pod of its own, no fallback (retryable error),
// error mapping, deleting the claimed pod and the browser endpoint.  The
// exec step (a WebSocket to pods/exec) is not exercised here.
// Run:  node --import tsx --test k8sPoolTransport.test.ts

import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";

import { KubeConfig } from "@kubernetes/client-node";

import { NAMESPACE, RUNTIME_CLASS } from "./k8sTransport.js";
import {
  BROWSER_PORT, CLAIMED_BY, DEADLINE, DELETION_COST, POOL_SELECTOR,
  PooledKubernetesTransport,
} from "./k8sPoolTransport.js";
import { SandboxError, SandboxRateLimitedError } from "./sandboxClient.js";

type Obj = Record<string, any>;

function poolPod(name: string, rv: string, o: { ready?: boolean; claimed?: boolean; deleting?: boolean } = {}): Obj {
  const metadata: Obj = {
    name, namespace: NAMESPACE, resourceVersion: rv,
    labels: { "app.kubernetes.io/name": "sandbox" },
  };
  if (o.claimed) metadata.annotations = { [CLAIMED_BY]: "someone-else" };
  if (o.deleting) metadata.deletionTimestamp = "2026-01-01T00:00:00Z";
  return {
    apiVersion: "v1", kind: "Pod", metadata,
    spec: { containers: [{ name: "sandbox", image: "x" }] },
    status: {
      phase: "Running", podIP: "10.1.2.3",
      conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }],
    },
  };
}

const kube = {
  pods: new Map<string, Obj>(),
  requests: [] as Obj[],
  conflictOnce: new Set<string>(),
  listStatus: 200,
};

function send(res: ServerResponse, status: number, body: Obj): void {
  const raw = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(raw) });
  res.end(raw);
}

async function bodyOf(req: IncomingMessage): Promise<Obj | undefined> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://x");
  const list = `/api/v1/namespaces/${NAMESPACE}/pods`;
  const name = url.pathname.split("/").pop() ?? "";
  const body = await bodyOf(req);
  kube.requests.push({ method: req.method, path: url.pathname, name, body, type: req.headers["content-type"] });
  if (req.method === "GET" && url.pathname === list) {
    if (kube.listStatus !== 200) return send(res, kube.listStatus, { kind: "Status", code: kube.listStatus });
    assert.equal(url.searchParams.get("labelSelector"), POOL_SELECTOR);
    return send(res, 200, { kind: "PodList", apiVersion: "v1", metadata: {}, items: [...kube.pods.values()] });
  }
  if (req.method === "POST" && url.pathname === list) {
    const pod = body as Obj;
    pod.status = { phase: "Running" };
    kube.pods.set(pod.metadata.name, pod);
    return send(res, 201, pod);
  }
  const pod = kube.pods.get(name);
  if (!pod) return send(res, 404, { kind: "Status", code: 404, reason: "NotFound" });
  if (req.method === "GET") return send(res, 200, pod);
  if (req.method === "PATCH") {
    const md = (body as Obj).metadata;
    if (kube.conflictOnce.delete(name) || md.resourceVersion !== pod.metadata.resourceVersion) {
      return send(res, 409, { kind: "Status", code: 409, reason: "Conflict" });
    }
    pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...md.annotations };
    pod.metadata.resourceVersion = String(Number(pod.metadata.resourceVersion) + 1);
    return send(res, 200, pod);
  }
  if (req.method === "DELETE") {
    kube.pods.delete(name);
    return send(res, 200, { kind: "Status", status: "Success" });
  }
  send(res, 405, { kind: "Status", code: 405 });
}

let server: Server;
let kc: KubeConfig;

before(async () => {
  server = createServer((req, res) => { handle(req, res).catch((e) => send(res, 500, { message: String(e) })); });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "fake", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "agent", token: "test-token" }],
    contexts: [{ name: "fake", cluster: "fake", user: "agent" }],
    currentContext: "fake",
  });
});

after(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(() => {
  kube.pods.clear();
  kube.requests.length = 0;
  kube.conflictOnce.clear();
  kube.listStatus = 200;
});

const call = { code: "print(1)", language: "python" as const };
const signal = (): AbortSignal => AbortSignal.timeout(5_000);
const patches = (): Obj[] => kube.requests.filter((r) => r.method === "PATCH");

describe("PooledKubernetesTransport", () => {
  it("claims the only idle, Ready pod with a resourceVersion precondition", async () => {
    for (const p of [poolPod("busy", "5", { claimed: true }), poolPod("starting", "6", { ready: false }),
      poolPod("leaving", "7", { deleting: true }), poolPod("idle", "8")]) kube.pods.set(p.metadata.name, p);
    const t = new PooledKubernetesTransport(kc, { claimant: "agent-1" });
    assert.equal(await t.create(call, signal()), "idle");
    const [p, ...rest] = patches();
    assert.equal(rest.length, 0);
    assert.equal(p!.name, "idle");
    assert.equal(p!.body.metadata.resourceVersion, "8");
    assert.match(String(p!.type), /merge-patch\+json/);
    const ann = kube.pods.get("idle")!.metadata.annotations;
    assert.equal(ann[CLAIMED_BY], "agent-1");
    assert.equal(ann[DELETION_COST], "1000");
    assert.match(ann[DEADLINE], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(kube.requests.filter((r) => r.method === "POST").length, 0);
  });

  it("moves on to the next idle pod after losing a race (409)", async () => {
    kube.pods.set("a", poolPod("a", "1"));
    kube.pods.set("b", poolPod("b", "2"));
    kube.conflictOnce.add("a");
    kube.conflictOnce.add("b");
    const t = new PooledKubernetesTransport(kc, { claimant: "agent-1", fallback: false });
    // Both conflict once: the first pass fails on both, so the pool is
    // "empty" for this call and the error is retryable.
    await assert.rejects(t.create(call, signal()), SandboxRateLimitedError);
    assert.deepEqual(patches().map((p) => p.name).sort(), ["a", "b"]);
    // The retry claims one of them.
    const name = await t.create(call, signal());
    assert.ok(name === "a" || name === "b");
    assert.equal(kube.pods.get(name)!.metadata.annotations[CLAIMED_BY], "agent-1");
  });

  it("falls back to a Pod of its own when the pool is empty", async () => {
    kube.pods.set("busy", poolPod("busy", "1", { claimed: true }));
    const t = new PooledKubernetesTransport(kc, { claimant: "agent-1", fallback: true });
    const name = await t.create(call, signal());
    const post = kube.requests.find((r) => r.method === "POST");
    assert.equal(post?.body.metadata.name, name);
    assert.equal(post?.body.spec.runtimeClassName, RUNTIME_CLASS);
    await t.delete(name, signal());
    assert.equal(kube.pods.has(name), false);
  });

  it("without fallback, an empty pool is a retryable error", async () => {
    kube.pods.set("busy", poolPod("busy", "1", { claimed: true }));
    const t = new PooledKubernetesTransport(kc, { fallback: false });
    await assert.rejects(t.create(call, signal()), (e: unknown) =>
      e instanceof SandboxRateLimitedError && e.retryable);
  });

  for (const [status, retryable] of [[500, true], [503, true], [429, true], [403, false]] as const) {
    it(`maps HTTP ${status} on the pool list to retryable=${retryable}`, async () => {
      kube.listStatus = status;
      const t = new PooledKubernetesTransport(kc);
      await assert.rejects(t.create(call, signal()), (e: unknown) =>
        e instanceof SandboxError && e.retryable === retryable);
    });
  }

  it("deletes the claimed sandbox and gives its browser endpoint", async () => {
    kube.pods.set("idle", poolPod("idle", "3"));
    const t = new PooledKubernetesTransport(kc);
    const name = await t.create(call, signal());
    assert.equal(await t.browserEndpoint(name), `ws://10.1.2.3:${BROWSER_PORT}/`);
    await t.delete(name, signal());
    assert.equal(kube.pods.size, 0);
    await t.delete(name, signal());
  });
});
