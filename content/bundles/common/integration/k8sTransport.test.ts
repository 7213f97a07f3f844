// Tests of k8sTransport.ts with the real @kubernetes/client-node against a
// fake API server on 127.0.0.1: the Pod it creates (RuntimeClass,
// restricted security context, no token, limits, deadline), waiting until
// it runs, delete on every path, and error mapping (5xx/429 retryable, 4xx
// not).  The exec step (a WebSocket to pods/exec) is not exercised here.
// Run:  node --import tsx --test k8sTransport.test.ts

import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";

import { KubeConfig, type V1Pod } from "@kubernetes/client-node";

import { KubernetesTransport, NAMESPACE, RUNTIME_CLASS, exitCodeOf } from "./k8sTransport.js";
import {
  SandboxAuthError, SandboxClientError, SandboxError, SandboxProtocolError,
  SandboxRateLimitedError, SandboxServerError, SandboxTimeoutError,
} from "./sandboxClient.js";

const kube = {
  pods: new Map<string, V1Pod>(),
  deleted: [] as string[],
  createStatus: 201,
  phases: ["Pending", "Running"],
};
let server: http.Server;
let url = "";

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

before(async () => {
  server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => { raw += c.toString(); });
    req.on("end", () => {
      const path = (req.url ?? "").split("?")[0] ?? "";
      const name = path.split("/").pop() ?? "";
      if (req.method === "POST" && path === `/api/v1/namespaces/${NAMESPACE}/pods`) {
        if (kube.createStatus !== 201) {
          send(res, kube.createStatus, { kind: "Status", code: kube.createStatus });
          return;
        }
        const pod = JSON.parse(raw) as V1Pod;
        kube.pods.set(pod.metadata?.name ?? "", pod);
        send(res, 201, pod);
      } else if (req.method === "GET" && kube.pods.has(name)) {
        const phase = kube.phases.length > 1 ? kube.phases.shift() : kube.phases[0];
        send(res, 200, { ...kube.pods.get(name), status: { phase } });
      } else if (req.method === "DELETE" && kube.pods.delete(name)) {
        kube.deleted.push(name);
        send(res, 200, { kind: "Status", status: "Success" });
      } else {
        send(res, 404, { kind: "Status", code: 404 });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => {
  kube.pods.clear();
  kube.deleted = [];
  kube.createStatus = 201;
  kube.phases = ["Pending", "Running"];
});

function transport(server_ = url): KubernetesTransport {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "fake", server: server_, skipTLSVerify: true }],
    users: [{ name: "agent", token: "t" }],
    contexts: [{ name: "fake", cluster: "fake", user: "agent" }],
    currentContext: "fake",
  });
  return new KubernetesTransport(kc);
}

describe("Kubernetes transport", () => {
  it("creates a restricted pod and waits until it runs", async () => {
    const t = transport();
    const name = await t.create({ code: "print(1)" }, AbortSignal.timeout(5000));
    const spec = kube.pods.get(name)?.spec;
    assert.ok(spec);
    assert.equal(spec.runtimeClassName, RUNTIME_CLASS);
    assert.equal(spec.automountServiceAccountToken, false);
    assert.equal(spec.securityContext?.runAsNonRoot, true);
    assert.deepEqual(spec.securityContext?.seccompProfile, { type: "RuntimeDefault" });
    assert.ok((spec.activeDeadlineSeconds ?? 0) > 0);
    const c = spec.containers[0];
    assert.equal(c?.securityContext?.readOnlyRootFilesystem, true);
    assert.equal(c?.securityContext?.allowPrivilegeEscalation, false);
    assert.deepEqual(c?.securityContext?.capabilities, { drop: ["ALL"] });
    assert.deepEqual(c?.resources?.limits, c?.resources?.requests);
    await t.delete(name, AbortSignal.timeout(5000));
    assert.deepEqual(kube.deleted, [name]);
    assert.equal(kube.pods.size, 0);
  });

  it("accepts deleting a gone pod", async () => {
    await transport().delete("sandbox-gone", AbortSignal.timeout(5000));
  });

  it("deletes a pod that never runs", async () => {
    kube.phases = ["Pending"];
    await assert.rejects(transport().create({ code: "x" }, AbortSignal.timeout(600)),
      SandboxTimeoutError);
    assert.equal(kube.deleted.length, 1);
    assert.equal(kube.pods.size, 0);
  });

  for (const [status, cls] of [[500, SandboxServerError], [503, SandboxServerError],
    [429, SandboxRateLimitedError], [403, SandboxAuthError], [422, SandboxClientError]] as const) {
    it(`maps API status ${status} to ${cls.name}`, async () => {
      kube.createStatus = status;
      const e = await transport().create({ code: "x" }, AbortSignal.timeout(5000))
        .then(() => undefined, (err: unknown) => err);
      assert.ok(e instanceof cls, String(e));
      assert.equal((e as SandboxError).retryable, [429, 500, 503].includes(status));
    });
  }

  it("maps an unreachable API server to a retryable error", async () => {
    const e = await transport("http://127.0.0.1:9").create({ code: "x" }, AbortSignal.timeout(5000))
      .then(() => undefined, (err: unknown) => err);
    assert.ok(e instanceof SandboxError && e.retryable, String(e));
  });

  it("reads the exit code of a pods/exec status", () => {
    assert.equal(exitCodeOf({ status: "Success" }), 0);
    assert.equal(exitCodeOf({ status: "Failure", reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "3" }] } }), 3);
    assert.throws(() => exitCodeOf(undefined), SandboxProtocolError);
  });
});
