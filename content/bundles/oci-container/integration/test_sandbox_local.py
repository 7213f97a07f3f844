"""Tests of sandbox_local.py against a fake runner (a small script that
stands in for security/run-sandbox.sh): argv and stdin handed over, exit
codes passed through, the deadline exit 124 as a result, the backstop
timeout stopping the runner with SIGTERM, refused calls, and the whole
path through SandboxClient.  Run with pytest."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

import sandbox_client as sc
import sandbox_local as sl

FAKE = r'''
import json, os, signal, sys, time
log = os.environ["FAKE_LOG"]
def on_term(signum, frame):
    open(log + ".term", "w").write("cleanup")
    sys.exit(143)
signal.signal(signal.SIGTERM, on_term)
argv = sys.argv[1:]
data = sys.stdin.read()
json.dump({"argv": argv, "stdin": data}, open(log, "w"))
code = argv[-1]
if code == "hang":
    time.sleep(60)
elif code.startswith("exit "):
    sys.exit(int(code.split()[1]))
elif code == "usage":
    sys.stderr.write("usage: run-sandbox.sh ID -- COMMAND\n")
    sys.exit(2)
print("ran " + code)
'''


@pytest.fixture()
def transport(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
              ) -> sl.LocalRunnerTransport:
    runner = tmp_path / "run-sandbox.py"
    runner.write_text(FAKE)
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "log.json"))
    return sl.LocalRunnerTransport(runner=str(runner),
                                   prefix=(sys.executable,))


def logged(tmp_path: Path) -> dict:  # type: ignore[type-arg]
    import json
    with open(tmp_path / "log.json") as f:
        return json.load(f)  # type: ignore[no-any-return]


def test_runs_the_call(transport: sl.LocalRunnerTransport,
                       tmp_path: Path) -> None:
    call = sc.ToolCall(code="print(1)", stdin="input data")
    sid = transport.create(call, 5)
    out = transport.execute(sid, call, 5)
    assert out.exit_code == 0
    assert out.stdout == "ran print(1)\n"
    log = logged(tmp_path)
    assert log["argv"] == [sid, "--", "python3", "-c", "print(1)"]
    assert log["stdin"] == "input data"


def test_exit_codes_and_deadline_are_results(
        transport: sl.LocalRunnerTransport) -> None:
    call = sc.ToolCall(code="exit 7", language="sh")
    assert transport.execute("s1", call, 5).exit_code == 7
    call = sc.ToolCall(code="exit 124", language="sh")
    assert transport.execute("s2", call, 5).exit_code == 124


def test_backstop_timeout_stops_the_runner(
        transport: sl.LocalRunnerTransport, tmp_path: Path) -> None:
    call = sc.ToolCall(code="hang", language="sh")
    start = time.monotonic()
    with pytest.raises(sc.SandboxTimeoutError):
        transport.execute("s3", call, 0.5)
    assert time.monotonic() - start < sl.TERM_GRACE_S + 2
    # The runner got SIGTERM, so its trap (the sandbox's cleanup) ran.
    assert (tmp_path / "log.json.term").read_text() == "cleanup"


def test_refused_calls(transport: sl.LocalRunnerTransport) -> None:
    with pytest.raises(sc.SandboxClientError):
        transport.create(sc.ToolCall(code="x", env={"TOKEN": "t"}), 5)
    with pytest.raises(sc.SandboxClientError):
        transport.execute("s4", sc.ToolCall(code="usage", language="sh"), 5)
    missing = sl.LocalRunnerTransport(runner="/nonexistent/runner",
                                      prefix=())
    with pytest.raises(sc.SandboxError) as err:
        missing.execute("s5", sc.ToolCall(code="x"), 5)
    assert not err.value.retryable


def test_through_the_client(transport: sl.LocalRunnerTransport) -> None:
    client = sc.SandboxClient(transport, timeout_s=5,
                              sleep=lambda s: None)
    res = client.run(sc.ToolCall(code="print(2)"))
    assert res.exit_code == 0 and res.stdout == "ran print(2)\n"
    assert res.attempts == 1 and res.cleanup_error is None
    with pytest.raises(sc.SandboxTimeoutError) as err:
        client.run(sc.ToolCall(code="hang", language="sh", timeout_s=0.3))
    assert err.value.attempts == client.retry.max_attempts
    assert os.environ.get("FAKE_LOG")
