"""Resilience tests of sandbox_client.py against a fault-injecting fake
sandbox API on 127.0.0.1 (a real ThreadingHTTPServer on a free port).

The fake injects slow answers (client timeouts), 500/503, 429 with
Retry-After, 400, dropped connections and garbage; the tests assert retry
bounds, backoff growth with jitter inside its bounds, the breaker's
closed/open/half-open transitions, and that every created sandbox is
deleted on every path.  Run:  pytest -q test_sandbox_client.py
(Debian: apt-get install python3-pytest; no network needed).
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Optional

import pytest

import sandbox_client as sc

SLOW_S = 3.0        # how long a "slow" answer takes
TIMEOUT_S = 2.0     # the client's per-call timeout in these tests
SHORT_S = 0.3       # the timeout where a slow answer is injected


class FakeSandboxAPI:
    """Scripted behaviour per operation; the default is success."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.script: Dict[str, List[str]] = {"create": [], "exec": [],
                                             "delete": []}
        self.always: Dict[str, Optional[str]] = {"create": None,
                                                 "exec": None, "delete": None}
        self.calls: Dict[str, int] = {"create": 0, "exec": 0, "delete": 0}
        self.created: List[str] = []
        self.deleted: List[str] = []
        self.stop = threading.Event()
        self.n = 0

    def next(self, op: str) -> str:
        with self.lock:
            self.calls[op] += 1
            if self.script[op]:
                return self.script[op].pop(0)
            return self.always[op] or "ok"

    def new_id(self) -> str:
        with self.lock:
            self.n += 1
            sid = "sbx-%d" % self.n
            self.created.append(sid)
            return sid


def make_handler(api: FakeSandboxAPI) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _body(self) -> Dict[str, Any]:
            n = int(self.headers.get("Content-Length") or 0)
            body: Dict[str, Any] = json.loads(self.rfile.read(n)) if n else {}
            return body

        def _send(self, status: int, body: Optional[Dict[str, Any]],
                  headers: Optional[Dict[str, str]] = None) -> None:
            raw = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _fault(self, how: str) -> bool:
            """Applies an injected fault; True when the request is done."""
            if how == "ok":
                return False
            if how == "slow":
                api.stop.wait(SLOW_S)
                return False
            if how == "drop":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return True
            if how == "garbage":
                self.send_response(200)
                self.send_header("Content-Length", "9")
                self.end_headers()
                self.wfile.write(b"not json!")
                return True
            status = int(how)
            headers = {"Retry-After": "1"} if status == 429 else {}
            self._send(status, {"error": how}, headers)
            return True

        def do_POST(self) -> None:
            body = self._body()
            parts = self.path.strip("/").split("/")
            if parts == ["v1", "sandboxes"]:
                if self._fault(api.next("create")):
                    return
                self._send(201, {"id": api.new_id()})
            elif len(parts) == 4 and parts[3] == "exec":
                if self._fault(api.next("exec")):
                    return
                self._send(200, {"stdout": "ran: " + body.get("code", ""),
                                 "stderr": "", "exit_code": 0})
            else:
                self._send(404, {"error": "no route"})

        def do_DELETE(self) -> None:
            parts = self.path.strip("/").split("/")
            if self._fault(api.next("delete")):
                return
            with api.lock:
                api.deleted.append(parts[-1])
            self._send(204, None)

    return Handler


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: List[float] = []

    def __call__(self, s: float) -> None:
        self.delays.append(s)


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def api() -> Iterator[FakeSandboxAPI]:
    fake = FakeSandboxAPI()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(fake))
    srv.daemon_threads = True
    th = threading.Thread(target=srv.serve_forever, args=(0.01,),
                          daemon=True)
    th.start()
    fake.url = "http://127.0.0.1:%d" % srv.server_address[1]  # type: ignore
    try:
        yield fake
    finally:
        fake.stop.set()
        srv.shutdown()
        srv.server_close()


def client(api: FakeSandboxAPI, **kw: Any) -> sc.SandboxClient:
    kw.setdefault("retry", sc.RetryPolicy(max_attempts=3, base_s=0.05,
                                          cap_s=0.4))
    kw.setdefault("sleep", RecordingSleep())
    kw.setdefault("timeout_s", TIMEOUT_S)
    kw.setdefault("cleanup_timeout_s", TIMEOUT_S)
    return sc.SandboxClient(sc.HttpJsonTransport(api.url), **kw)  # type: ignore


def call() -> sc.ToolCall:
    return sc.ToolCall(code="print(1)")


def test_success_creates_executes_and_deletes(api: FakeSandboxAPI) -> None:
    res = client(api).run(call())
    assert res.stdout == "ran: print(1)" and res.exit_code == 0
    assert res.attempts == 1 and res.cleanup_error is None
    assert api.created == api.deleted == [res.sandbox_id]


def test_5xx_is_retried_then_succeeds(api: FakeSandboxAPI) -> None:
    api.script["exec"] = ["503", "500"]
    sleep = RecordingSleep()
    res = client(api, sleep=sleep).run(call())
    assert res.attempts == 3 and api.calls["exec"] == 3
    assert len(sleep.delays) == 2
    assert sorted(api.created) == sorted(api.deleted)
    assert len(api.created) == 3


def test_429_is_retried_and_honours_retry_after(api: FakeSandboxAPI) -> None:
    api.script["create"] = ["429"]
    sleep = RecordingSleep()
    res = client(api, sleep=sleep,
                 retry=sc.RetryPolicy(max_attempts=2, base_s=0.01,
                                      cap_s=5.0)).run(call())
    assert res.attempts == 2
    assert sleep.delays == [1.0]           # Retry-After: 1, under the cap
    assert api.created == api.deleted      # the failed create made none


def test_400_is_never_retried(api: FakeSandboxAPI) -> None:
    api.always["exec"] = "400"
    sleep = RecordingSleep()
    c = client(api, sleep=sleep)
    with pytest.raises(sc.SandboxClientError) as ei:
        c.run(call())
    err = ei.value
    assert err.code == "client_error" and err.status == 400
    assert err.retryable is False and err.attempts == 1
    assert api.calls["exec"] == 1 and sleep.delays == []
    assert api.created == api.deleted and len(api.created) == 1
    # A 4xx says the service is up: it does not count against the breaker.
    assert c.breaker.failures == 0


def test_401_is_an_auth_error_and_not_retried(api: FakeSandboxAPI) -> None:
    api.always["create"] = "401"
    with pytest.raises(sc.SandboxAuthError) as ei:
        client(api).run(call())
    assert ei.value.attempts == 1 and api.calls["create"] == 1


def test_timeout_is_retried_within_bounds_and_cleaned_up(
        api: FakeSandboxAPI) -> None:
    api.always["exec"] = "slow"
    t0 = time.monotonic()
    with pytest.raises(sc.SandboxTimeoutError) as ei:
        client(api, timeout_s=SHORT_S).run(call())
    took = time.monotonic() - t0
    assert ei.value.attempts == 3 and ei.value.retryable
    assert api.calls["exec"] == 3
    # Three timed-out attempts, not three slow answers.
    assert took < 3 * SHORT_S + 1.5 < 3 * SLOW_S
    assert sorted(api.deleted) == sorted(api.created)
    assert len(api.created) == 3


def test_dropped_connection_is_retried(api: FakeSandboxAPI) -> None:
    api.script["exec"] = ["drop"]
    res = client(api).run(call())
    assert res.attempts == 2 and api.calls["exec"] == 2
    assert sorted(api.deleted) == sorted(api.created)


def test_refused_connection_is_a_connection_error() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()                               # nothing listens there now
    c = sc.SandboxClient(sc.HttpJsonTransport("http://127.0.0.1:%d" % port),
                         retry=sc.RetryPolicy(max_attempts=2, base_s=0.01),
                         sleep=RecordingSleep(), timeout_s=TIMEOUT_S)
    with pytest.raises(sc.SandboxConnectionError) as ei:
        c.run(call())
    assert ei.value.attempts == 2 and ei.value.retryable


def test_garbage_is_a_protocol_error_not_retried(api: FakeSandboxAPI) -> None:
    api.script["exec"] = ["garbage"]
    with pytest.raises(sc.SandboxProtocolError) as ei:
        client(api).run(call())
    assert ei.value.attempts == 1
    assert api.created == api.deleted


def test_retry_bound_on_persistent_5xx(api: FakeSandboxAPI) -> None:
    api.always["exec"] = "500"
    sleep = RecordingSleep()
    c = client(api, sleep=sleep, retry=sc.RetryPolicy(max_attempts=4,
                                                      base_s=0.01),
               breaker=sc.CircuitBreaker(threshold=100))
    with pytest.raises(sc.SandboxServerError) as ei:
        c.run(call())
    assert ei.value.attempts == 4 and ei.value.status == 500
    assert api.calls["exec"] == 4 and len(sleep.delays) == 3
    assert sorted(api.deleted) == sorted(api.created)


def test_create_failure_leaves_nothing_to_delete(api: FakeSandboxAPI) -> None:
    api.always["create"] = "503"
    with pytest.raises(sc.SandboxServerError):
        client(api).run(call())
    assert api.calls["create"] == 3 and api.calls["delete"] == 0


def test_failed_delete_does_not_mask_the_result(api: FakeSandboxAPI) -> None:
    api.script["delete"] = ["500"]
    res = client(api).run(call())
    assert res.exit_code == 0 and res.cleanup_error is not None
    assert "server_error" in res.cleanup_error


def test_deleting_a_gone_sandbox_is_fine(api: FakeSandboxAPI) -> None:
    api.script["delete"] = ["404"]
    res = client(api).run(call())
    assert res.cleanup_error is None


def test_backoff_grows_exponentially_up_to_the_cap() -> None:
    p = sc.RetryPolicy(max_attempts=6, base_s=0.1, cap_s=0.5)
    assert [p.ceiling(n) for n in range(1, 6)] == \
        pytest.approx([0.1, 0.2, 0.4, 0.5, 0.5])
    assert [p.delay(n, lambda: 1.0) for n in range(1, 6)] == \
        pytest.approx([0.1, 0.2, 0.4, 0.5, 0.5])
    assert p.delay(3, lambda: 0.0) == 0.0


def test_full_jitter_stays_within_bounds_and_varies() -> None:
    p = sc.RetryPolicy(base_s=0.1, cap_s=3.0)
    rng = random.Random(6)
    for n in range(1, 7):
        ds = [p.delay(n, rng.random) for _ in range(200)]
        assert all(0.0 <= d <= p.ceiling(n) for d in ds)
        assert max(ds) - min(ds) > p.ceiling(n) / 2     # really jittered
    assert p.delay(1, lambda: 0.0, retry_after_s=9.0) == 3.0   # capped


def test_client_sleeps_follow_the_policy(api: FakeSandboxAPI) -> None:
    api.always["exec"] = "503"
    sleep = RecordingSleep()
    p = sc.RetryPolicy(max_attempts=5, base_s=0.1, cap_s=0.3)
    c = client(api, sleep=sleep, retry=p, rng=lambda: 1.0,
               breaker=sc.CircuitBreaker(threshold=100))
    with pytest.raises(sc.SandboxServerError):
        c.run(call())
    assert sleep.delays == pytest.approx([0.1, 0.2, 0.3, 0.3])


def test_deadline_stops_retrying_early(api: FakeSandboxAPI) -> None:
    api.always["exec"] = "503"
    clock = FakeClock()

    def sleep(s: float) -> None:
        clock.t += s

    c = client(api, sleep=sleep, clock=clock, rng=lambda: 1.0,
               retry=sc.RetryPolicy(max_attempts=10, base_s=1.0, cap_s=8.0,
                                    deadline_s=5.0),
               breaker=sc.CircuitBreaker(threshold=100))
    with pytest.raises(sc.SandboxServerError) as ei:
        c.run(call())
    # waits 1 + 2 = 3 s; the next wait (4 s) would pass the 5 s deadline.
    assert ei.value.attempts == 3


def test_breaker_opens_fails_fast_half_opens_and_closes(
        api: FakeSandboxAPI) -> None:
    clock = FakeClock()
    br = sc.CircuitBreaker(threshold=3, cooldown_s=30.0, clock=clock)
    c = client(api, breaker=br, retry=sc.RetryPolicy(max_attempts=1))
    api.always["exec"] = "500"
    for _ in range(3):
        assert br.state == "closed"
        with pytest.raises(sc.SandboxServerError):
            c.run(call())
    assert br.state == "open"
    before = dict(api.calls)
    with pytest.raises(sc.CircuitOpenError) as ei:
        c.run(call())
    assert ei.value.attempts == 0 and ei.value.retry_after_s == 30.0
    assert api.calls == before              # failed fast: no request made
    clock.t += 29.9
    assert br.state == "open"
    clock.t += 0.2
    assert br.state == "half_open"
    api.always["exec"] = None               # the service recovered
    res = c.run(call())                     # the probe
    assert res.exit_code == 0 and br.state == "closed"
    assert br.failures == 0


def test_breaker_reopens_when_the_probe_fails(api: FakeSandboxAPI) -> None:
    clock = FakeClock()
    br = sc.CircuitBreaker(threshold=2, cooldown_s=10.0, clock=clock)
    c = client(api, breaker=br, retry=sc.RetryPolicy(max_attempts=1))
    api.always["exec"] = "503"
    for _ in range(2):
        with pytest.raises(sc.SandboxServerError):
            c.run(call())
    clock.t += 10.0
    assert br.state == "half_open"
    with pytest.raises(sc.SandboxServerError):
        c.run(call())                       # the probe fails
    assert br.state == "open"
    with pytest.raises(sc.CircuitOpenError):
        c.run(call())
    assert sorted(api.deleted) == sorted(api.created)


def test_half_open_admits_a_single_probe() -> None:
    clock = FakeClock()
    br = sc.CircuitBreaker(threshold=1, cooldown_s=1.0, clock=clock)
    br.record_failure()
    assert br.state == "open"
    clock.t += 1.0
    br.acquire()                            # the probe
    with pytest.raises(sc.CircuitOpenError):
        br.acquire()                        # a second caller meanwhile
    br.abandon()                            # the probe was cancelled
    br.acquire()                            # the slot is free again
    br.record_success()
    assert br.state == "closed"


def test_breaker_stops_the_retries_of_a_call(api: FakeSandboxAPI) -> None:
    api.always["exec"] = "500"
    br = sc.CircuitBreaker(threshold=2, cooldown_s=60.0)
    c = client(api, breaker=br, retry=sc.RetryPolicy(max_attempts=5,
                                                      base_s=0.01))
    with pytest.raises(sc.CircuitOpenError) as ei:
        c.run(call())
    assert ei.value.attempts == 2 and api.calls["exec"] == 2


class ScriptedTransport:
    """In-memory transport for the paths a server cannot produce."""

    name = "scripted"

    def __init__(self, exc: Optional[BaseException] = None) -> None:
        self.exc = exc
        self.created: List[str] = []
        self.deleted: List[str] = []

    def create(self, call: sc.ToolCall, timeout_s: float) -> str:
        self.created.append("s%d" % len(self.created))
        return self.created[-1]

    def execute(self, sandbox_id: str, call: sc.ToolCall,
                timeout_s: float) -> sc.ExecOutput:
        if self.exc is not None:
            raise self.exc
        return sc.ExecOutput("", "", 3)

    def delete(self, sandbox_id: str, timeout_s: float) -> None:
        self.deleted.append(sandbox_id)


def test_cleanup_on_cancellation_and_probe_released() -> None:
    clock = FakeClock()
    br = sc.CircuitBreaker(threshold=1, cooldown_s=1.0, clock=clock)
    br.record_failure()
    clock.t += 1.0
    t = ScriptedTransport(KeyboardInterrupt())
    c = sc.SandboxClient(t, breaker=br, sleep=RecordingSleep())
    with pytest.raises(KeyboardInterrupt):
        c.run(call())
    assert t.deleted == t.created == ["s0"]
    assert br.state == "half_open"
    br.acquire()                            # the probe slot was released


def test_cleanup_when_the_transport_has_a_bug() -> None:
    t = ScriptedTransport(KeyError("bug"))
    with pytest.raises(KeyError):
        sc.SandboxClient(t).run(call())
    assert t.deleted == t.created == ["s0"]


def test_nonzero_exit_is_a_result_not_an_error() -> None:
    t = ScriptedTransport()
    res = sc.SandboxClient(t).run(call())
    assert res.exit_code == 3 and res.attempts == 1


def test_errors_are_structured() -> None:
    e = sc.error_for_status(503, "x", 2.0)
    assert isinstance(e, sc.SandboxServerError) and e.retryable
    assert e.to_dict() == {"error": "server_error", "message": "x",
                           "retryable": True, "attempts": 0, "status": 503,
                           "provider": sc.PROVIDER}
    assert isinstance(sc.error_for_status(429, "x"),
                      sc.SandboxRateLimitedError)
    for status in (400, 404, 409, 413, 422):
        assert sc.error_for_status(status, "x").retryable is False
    assert sc.parse_retry_after("7") == 7.0
    assert sc.parse_retry_after("soon") is None


def test_only_http_endpoints_are_accepted() -> None:
    for bad in ("file:///etc/passwd", "ftp://x", "localhost:80"):
        with pytest.raises(ValueError):
            sc.HttpJsonTransport(bad)
