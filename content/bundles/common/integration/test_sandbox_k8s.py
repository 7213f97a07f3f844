"""Tests of sandbox_k8s.py with the real `kubernetes` client against a fake
API server on 127.0.0.1: the Pod it creates (RuntimeClass, restricted
security context, no token, limits, deadline), waiting until it runs,
delete on every path, and error mapping (5xx/429 retryable, 4xx not).
The exec step (a WebSocket to pods/exec) is not exercised here.
Run:  pytest -q test_sandbox_k8s.py   (Debian: python3-kubernetes)
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Type

import pytest
from kubernetes import client as k8s

import sandbox_client as sc
import sandbox_k8s as sk


class FakeKube:
    def __init__(self) -> None:
        self.pods: Dict[str, Dict[str, Any]] = {}
        self.deleted: List[str] = []
        self.create_status = 201
        self.phases: List[str] = ["Pending", "Running"]
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

        def do_POST(self) -> None:
            n = int(self.headers.get("Content-Length") or 0)
            pod: Dict[str, Any] = json.loads(self.rfile.read(n))
            if self.path.rstrip("/") != "/api/v1/namespaces/%s/pods" % \
                    sk.NAMESPACE:
                self._send(404, {"kind": "Status", "code": 404})
                return
            if kube.create_status != 201:
                self._send(kube.create_status, {"kind": "Status",
                                                "code": kube.create_status})
                return
            kube.pods[pod["metadata"]["name"]] = pod
            self._send(201, pod)

        def do_GET(self) -> None:
            name = self.path.split("?")[0].rstrip("/").split("/")[-1]
            pod = kube.pods.get(name)
            if pod is None:
                self._send(404, {"kind": "Status", "code": 404})
                return
            phase = kube.phases.pop(0) if len(kube.phases) > 1 \
                else kube.phases[0]
            self._send(200, dict(pod, status={"phase": phase}))

        def do_DELETE(self) -> None:
            name = self.path.split("?")[0].rstrip("/").split("/")[-1]
            if kube.pods.pop(name, None) is None:
                self._send(404, {"kind": "Status", "code": 404})
                return
            kube.deleted.append(name)
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


def transport(kube: FakeKube) -> sk.KubernetesTransport:
    cfg = k8s.Configuration()
    cfg.host = kube.url
    return sk.KubernetesTransport(api=k8s.CoreV1Api(k8s.ApiClient(cfg)))


def test_creates_a_restricted_pod_and_waits_until_it_runs(
        kube: FakeKube) -> None:
    t = transport(kube)
    name = t.create(sc.ToolCall(code="print(1)"), 5.0)
    pod = kube.pods[name]
    spec = pod["spec"]
    assert spec["runtimeClassName"] == sk.RUNTIME_CLASS
    assert spec["automountServiceAccountToken"] is False
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["seccompProfile"] == {
        "type": "RuntimeDefault"}
    assert spec["activeDeadlineSeconds"] > 0
    c = spec["containers"][0]
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert c["securityContext"]["allowPrivilegeEscalation"] is False
    assert c["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert c["resources"]["limits"] == c["resources"]["requests"]
    t.delete(name, 5.0)
    assert kube.deleted == [name] and kube.pods == {}


def test_delete_of_a_gone_pod_is_fine(kube: FakeKube) -> None:
    transport(kube).delete("sandbox-gone", 5.0)


def test_a_pod_that_never_runs_times_out_and_is_deleted(
        kube: FakeKube) -> None:
    kube.phases = ["Pending"]
    t = transport(kube)
    with pytest.raises(sc.SandboxTimeoutError):
        t.create(sc.ToolCall(code="x"), 0.6)
    assert len(kube.deleted) == 1 and kube.pods == {}


@pytest.mark.parametrize("status,cls", [
    (500, sc.SandboxServerError), (503, sc.SandboxServerError),
    (429, sc.SandboxRateLimitedError), (403, sc.SandboxAuthError),
    (422, sc.SandboxClientError)])
def test_api_errors_map_to_retry_classes(kube: FakeKube, status: int,
                                         cls: Type[sc.SandboxError]) -> None:
    kube.create_status = status
    with pytest.raises(cls) as ei:
        transport(kube).create(sc.ToolCall(code="x"), 5.0)
    assert ei.value.retryable == (status in (429, 500, 503))


def test_unreachable_api_server_is_a_connection_error() -> None:
    cfg = k8s.Configuration()
    cfg.host = "http://127.0.0.1:9"
    cfg.retries = 0
    t = sk.KubernetesTransport(api=k8s.CoreV1Api(k8s.ApiClient(cfg)))
    with pytest.raises(sc.SandboxError) as ei:
        t.create(sc.ToolCall(code="x"), 1.0)
    assert ei.value.retryable
