"""Tests of sandbox_fly.py against a fake Fly Machines API on
127.0.0.1 that follows the documented endpoints, driven through
SandboxClient: create body, wait, exec body with a bounded timeout, forced
delete, retry on 503, no retry on 401, cleanup of a Machine that never
starts, protocol errors.
Run: python3 -m pytest -q test_sandbox_fly.py
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Tuple

import pytest

import sandbox_client as sc
from sandbox_fly import FlyTransport

SETTINGS: Dict[str, Any] = {
    "api": "https://api.machines.dev/v1",
    "app": {"app_name": "sandbox-atlas-tools", "org_slug": "personal", "network": "sandbox-atlas-isolated"},
    "machine": {"config": {"image": "python:3.12-slim", "auto_destroy": True,
                           "metadata": {"managed-by": "sandbox-atlas"}}},
    "exec": {"timeout": 60},
}
BASE = "/v1/apps/sandbox-atlas-tools/machines"


class Fake:
    def __init__(self, create: List[int], wait: int = 200, exec_body: Any = None) -> None:
        self.create, self.wait = create, wait
        self.exec_body = exec_body if exec_body is not None else {"exit_code": 0, "stdout": "hi\n", "stderr": ""}
        self.seen: List[Tuple[str, str, str, Any]] = []
        self.n = 0


@pytest.fixture
def fly(request: pytest.FixtureRequest) -> Iterator[Tuple[str, Fake]]:
    fake: Fake = request.param

    class H(BaseHTTPRequestHandler):
        def log_message(self, *a: Any) -> None:
            pass

        def _send(self, code: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _do(self) -> None:
            n = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(n)) if n else None
            fake.seen.append((self.command, self.path, self.headers.get("Authorization", ""), body))
            if self.command == "POST" and self.path == BASE:
                code = fake.create[min(fake.n, len(fake.create) - 1)]
                fake.n += 1
                return self._send(code, {"id": "m%d" % fake.n} if code == 200 else {"error": "x"})
            if self.command == "GET" and self.path.endswith("/wait?state=started&timeout=60"):
                return self._send(fake.wait, {})
            if self.command == "POST" and self.path.endswith("/exec"):
                return self._send(200, fake.exec_body)
            if self.command == "DELETE" and self.path.endswith("?force=true"):
                return self._send(200, {"ok": True})
            self._send(404, {"error": "no route"})

        do_GET = do_POST = do_DELETE = _do

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    yield "http://127.0.0.1:%d" % srv.server_address[1], fake
    srv.shutdown()
    srv.server_close()


def client(url: str, token: str = "tok") -> sc.SandboxClient:
    return sc.SandboxClient(FlyTransport(SETTINGS, token, url), sleep=lambda s: None, rng=lambda: 0.0)


@pytest.mark.parametrize("fly", [Fake([200])], indirect=True)
def test_full_cycle(fly: Tuple[str, Fake]) -> None:
    url, fake = fly
    r = client(url).run(sc.ToolCall(code="print('hi')", timeout_s=5))
    assert r.stdout == "hi\n" and r.exit_code == 0
    assert [(m, p.replace("m1", "ID")) for m, p, _, _ in fake.seen] == [
        ("POST", BASE), ("GET", BASE + "/ID/wait?state=started&timeout=60"),
        ("POST", BASE + "/ID/exec"), ("DELETE", BASE + "/ID?force=true")]
    assert all(a == "Bearer tok" for _, _, a, _ in fake.seen)
    assert fake.seen[0][3] == SETTINGS["machine"]
    assert fake.seen[2][3] == {"command": ["python3", "-c", "print('hi')"], "timeout": 5}


@pytest.mark.parametrize("fly", [Fake([503, 200])], indirect=True)
def test_retries_503(fly: Tuple[str, Fake]) -> None:
    url, fake = fly
    assert client(url).run(sc.ToolCall(code="1")).exit_code == 0
    assert sum(1 for m, p, _, _ in fake.seen if m == "POST" and p == BASE) == 2


@pytest.mark.parametrize("fly", [Fake([401, 200])], indirect=True)
def test_no_retry_on_401(fly: Tuple[str, Fake]) -> None:
    url, fake = fly
    with pytest.raises(sc.SandboxError) as ei:
        client(url, "bad").run(sc.ToolCall(code="1"))
    assert not ei.value.retryable and len(fake.seen) == 1


@pytest.mark.parametrize("fly", [Fake([200], wait=408)], indirect=True)
def test_machine_that_never_starts_is_destroyed(fly: Tuple[str, Fake]) -> None:
    url, fake = fly
    with pytest.raises(sc.SandboxError):
        FlyTransport(SETTINGS, "tok", url).create(sc.ToolCall(code="1"), 5)
    assert any(m == "DELETE" for m, _, _, _ in fake.seen)


@pytest.mark.parametrize("fly", [Fake([200], exec_body={"stdout": "x"})], indirect=True)
def test_exec_without_exit_code(fly: Tuple[str, Fake]) -> None:
    url, _ = fly
    with pytest.raises(sc.SandboxProtocolError):
        FlyTransport(SETTINGS, "tok", url).execute("m1", sc.ToolCall(code="1", timeout_s=3600), 5)
