"""Tests of sandbox_k8s_pool.py with the real `kubernetes` client against a
fake API server on 127.0.0.1: claiming an idle, Ready pool pod with a
resourceVersion precondition, skipping claimed, unready and terminating
pods, losing a race (409) and taking the next pod, the fallback to a Pod of
its own, no fallback (retryable error), error mapping, deleting the claimed
pod, and the browser endpoint.  The exec step (a WebSocket to pods/exec) is
not exercised here.
Run:  pytest -q test_sandbox_k8s_pool.py   (Debian: python3-kubernetes)
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List

import pytest
from kubernetes import client as k8s

import sandbox_client as sc
import sandbox_k8s as sk
import sandbox_k8s_pool as sp


def pool_pod(name: str, rv: str, ready: bool = True,
             claimed: bool = False, deleting: bool = False) -> Dict[str, Any]:
    md: Dict[str, Any] = {
        "name": name, "namespace": sk.NAMESPACE, "resourceVersion": rv,
        "labels": {"app.kubernetes.io/name": "sandbox"}}
    if claimed:
        md["annotations"] = {sp.CLAIMED_BY: "someone-else"}
    if deleting:
        md["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": md,
            "spec": {"containers": [{"name": "sandbox", "image": "x"}]},
            "status": {"phase": "Running", "podIP": "10.1.2.3",
                       "conditions": [{"type": "Ready",
                                       "status": "True" if ready else "False"}]}}


class FakeKube:
    def __init__(self) -> None:
        self.pods: Dict[str, Dict[str, Any]] = {}
        self.requests: List[Dict[str, Any]] = []
        self.conflict_once: List[str] = []
        self.list_status = 200
        self.url = ""


def make_handler(kube: FakeKube) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: Dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _body(self) -> Any:
            n = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(n)) if n else None

        def _name(self) -> str:
            return self.path.split("?")[0].rstrip("/").split("/")[-1]

        def do_GET(self) -> None:
            u = urllib.parse.urlparse(self.path)
            self_path = "/api/v1/namespaces/%s/pods" % sk.NAMESPACE
            kube.requests.append({"method": "GET", "path": self.path})
            if u.path == self_path:
                if kube.list_status != 200:
                    self._send(kube.list_status, {"kind": "Status"})
                    return
                q = urllib.parse.parse_qs(u.query)
                assert q.get("labelSelector") == [sp.POOL_SELECTOR]
                self._send(200, {"kind": "PodList", "apiVersion": "v1",
                                 "metadata": {},
                                 "items": list(kube.pods.values())})
                return
            pod = kube.pods.get(self._name())
            if pod is None:
                self._send(404, {"kind": "Status", "code": 404})
                return
            self._send(200, pod)

        def do_PATCH(self) -> None:
            body = self._body()
            name = self._name()
            kube.requests.append({"method": "PATCH", "name": name,
                                  "body": body,
                                  "type": self.headers.get("Content-Type")})
            pod = kube.pods.get(name)
            if pod is None:
                self._send(404, {"kind": "Status", "code": 404})
                return
            rv = body["metadata"].get("resourceVersion")
            if name in kube.conflict_once or \
                    rv != pod["metadata"]["resourceVersion"]:
                if name in kube.conflict_once:
                    kube.conflict_once.remove(name)
                self._send(409, {"kind": "Status", "code": 409,
                                 "reason": "Conflict"})
                return
            md = pod["metadata"]
            md.setdefault("annotations", {}).update(
                body["metadata"]["annotations"])
            md["resourceVersion"] = str(int(md["resourceVersion"]) + 1)
            self._send(200, pod)

        def do_POST(self) -> None:
            pod = self._body()
            kube.requests.append({"method": "POST", "body": pod})
            pod["status"] = {"phase": "Running"}
            kube.pods[pod["metadata"]["name"]] = pod
            self._send(201, pod)

        def do_DELETE(self) -> None:
            name = self._name()
            kube.requests.append({"method": "DELETE", "name": name})
            if kube.pods.pop(name, None) is None:
                self._send(404, {"kind": "Status", "code": 404})
                return
            self._send(200, {"kind": "Status", "status": "Success"})

    return Handler


@pytest.fixture
def kube() -> Iterator[FakeKube]:
    fake = FakeKube()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(fake))
    srv.daemon_threads = True
    th = threading.Thread(target=srv.serve_forever, args=(0.01,), daemon=True)
    th.start()
    fake.url = "http://127.0.0.1:%d" % srv.server_address[1]
    try:
        yield fake
    finally:
        srv.shutdown()
        srv.server_close()


def transport(kube: FakeKube, fallback: bool = True) -> sp.PooledKubernetesTransport:
    cfg = k8s.Configuration()
    cfg.host = kube.url
    cfg.retries = 0
    return sp.PooledKubernetesTransport(
        api=k8s.CoreV1Api(k8s.ApiClient(cfg)), claimant="agent-1",
        fallback=fallback)


def patches(kube: FakeKube) -> List[Dict[str, Any]]:
    return [r for r in kube.requests if r["method"] == "PATCH"]


def test_claims_the_only_idle_ready_pod(kube: FakeKube) -> None:
    kube.pods = {n: p for n, p in [
        ("busy", pool_pod("busy", "5", claimed=True)),
        ("starting", pool_pod("starting", "6", ready=False)),
        ("leaving", pool_pod("leaving", "7", deleting=True)),
        ("idle", pool_pod("idle", "8"))]}
    name = transport(kube).create(sc.ToolCall(code="print(1)"), 5.0)
    assert name == "idle"
    (p,) = patches(kube)
    assert p["name"] == "idle"
    assert p["body"]["metadata"]["resourceVersion"] == "8"
    ann = kube.pods["idle"]["metadata"]["annotations"]
    assert ann[sp.CLAIMED_BY] == "agent-1"
    assert ann[sp.DELETION_COST] == "1000"
    assert ann[sp.DEADLINE].endswith("Z")
    assert not [r for r in kube.requests if r["method"] == "POST"]


def test_a_lost_race_moves_on_to_the_next_idle_pod(
        kube: FakeKube, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("random.shuffle", lambda xs: None)
    kube.pods = {"a": pool_pod("a", "1"), "b": pool_pod("b", "2")}
    kube.conflict_once = ["a"]    # another client claims "a" first
    name = transport(kube).create(sc.ToolCall(code="x"), 5.0)
    assert name == "b"
    assert [p["name"] for p in patches(kube)] == ["a", "b"]
    assert kube.pods["b"]["metadata"]["annotations"][sp.CLAIMED_BY] == "agent-1"
    assert sp.CLAIMED_BY not in kube.pods["a"]["metadata"].get("annotations", {})


def test_empty_pool_falls_back_to_a_pod_of_its_own(kube: FakeKube) -> None:
    kube.pods = {"busy": pool_pod("busy", "1", claimed=True)}
    t = transport(kube)
    name = t.create(sc.ToolCall(code="x"), 5.0)
    (post,) = [r for r in kube.requests if r["method"] == "POST"]
    assert post["body"]["metadata"]["name"] == name
    assert post["body"]["spec"]["runtimeClassName"] == sk.RUNTIME_CLASS
    t.delete(name, 5.0)
    assert name not in kube.pods


def test_empty_pool_without_fallback_is_retryable(kube: FakeKube) -> None:
    kube.pods = {"busy": pool_pod("busy", "1", claimed=True)}
    with pytest.raises(sc.SandboxRateLimitedError) as ei:
        transport(kube, fallback=False).create(sc.ToolCall(code="x"), 5.0)
    assert ei.value.retryable


@pytest.mark.parametrize("status,retryable", [(500, True), (503, True),
                                              (429, True), (403, False)])
def test_list_errors_map_to_retry_classes(kube: FakeKube, status: int,
                                          retryable: bool) -> None:
    kube.list_status = status
    with pytest.raises(sc.SandboxError) as ei:
        transport(kube).create(sc.ToolCall(code="x"), 5.0)
    assert ei.value.retryable == retryable


def test_delete_removes_the_claimed_sandbox(kube: FakeKube) -> None:
    kube.pods = {"idle": pool_pod("idle", "3")}
    t = transport(kube)
    name = t.create(sc.ToolCall(code="x"), 5.0)
    t.delete(name, 5.0)
    assert kube.pods == {}
    t.delete(name, 5.0)    # a second delete (404) is fine


def test_browser_endpoint_is_the_pods_playwright_server(kube: FakeKube) -> None:
    kube.pods = {"idle": pool_pod("idle", "3")}
    t = transport(kube)
    name = t.create(sc.ToolCall(code="x"), 5.0)
    assert t.browser_endpoint(name) == "ws://10.1.2.3:%d/" % sp.BROWSER_PORT


def test_client_cleans_up_a_claimed_sandbox_when_exec_fails(
        kube: FakeKube, monkeypatch: pytest.MonkeyPatch) -> None:
    kube.pods = {"idle": pool_pod("idle", "3")}
    t = transport(kube)

    def broken_exec(sandbox_id: str, call: sc.ToolCall,
                    timeout_s: float) -> sc.ExecOutput:
        raise sc.SandboxProtocolError("exec broke")
    monkeypatch.setattr(t, "execute", broken_exec)
    client = sc.SandboxClient(t)
    with pytest.raises(sc.SandboxError):
        client.run(sc.ToolCall(code="x"))
    assert kube.pods == {}
