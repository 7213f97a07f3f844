#!/usr/bin/env python3
"""Sandbox watchdog: deletes sandbox pods that outlived their time limit.

Runs as a Kubernetes CronJob (security/watchdog.yaml) every minute.  It
lists the pods matching a label selector in one namespace and deletes,
with a zero grace period, every pod that is older than --max-age seconds
or whose "sandbox.atlas.dev/deadline" annotation (RFC 3339, set by the
client when it claims a pod) has passed.  Pods already being deleted are
skipped.  Standard library only; talks to the API server with the pod's
projected ServiceAccount token.  Prints one JSON line per action; exits 1
when the API could not be read or a deletion failed, so the Job fails
and alerts (monitoring/alertmanager.yml).
"""

import argparse
import datetime
import json
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request

SA = "/var/run/secrets/kubernetes.io/serviceaccount"
DEADLINE = "sandbox.atlas.dev/deadline"


def parse_time(s):
    """RFC 3339 timestamp (as the API server writes it) -> aware datetime."""
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def overdue(pod, now, max_age):
    """Returns the reason a pod is overdue, or None."""
    meta = pod.get("metadata", {})
    if meta.get("deletionTimestamp"):
        return None
    created = meta.get("creationTimestamp")
    if created and (now - parse_time(created)).total_seconds() > max_age:
        return "older than %d s" % max_age
    deadline = (meta.get("annotations") or {}).get(DEADLINE)
    if deadline:
        try:
            if now > parse_time(deadline):
                return "deadline %s passed" % deadline
        except ValueError:
            return "unparsable deadline %r" % deadline
    return None


class Api:
    """Minimal Kubernetes API client: bearer token, optional CA file."""

    def __init__(self, base, token_file, ca_file, timeout):
        self.base = base.rstrip("/")
        with open(token_file, encoding="utf-8") as f:
            self.token = f.read().strip()
        self.ctx = None
        if self.base.startswith("https:"):
            self.ctx = ssl.create_default_context(cafile=ca_file)
        self.timeout = timeout

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + self.token)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=self.timeout,
                                    context=self.ctx) as resp:
            return json.load(resp)


def log(**kv):
    print(json.dumps(kv, sort_keys=True), flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--namespace", required=True)
    p.add_argument("--selector", required=True, help="label selector")
    p.add_argument("--max-age", type=int, required=True, help="seconds")
    p.add_argument("--api", default="https://kubernetes.default.svc")
    p.add_argument("--token-file", default=SA + "/token")
    p.add_argument("--ca-file", default=SA + "/ca.crt")
    p.add_argument("--timeout", type=float, default=10.0)
    p.add_argument("--dry-run", action="store_true")
    a = p.parse_args(argv)

    api = Api(a.api, a.token_file, a.ca_file, a.timeout)
    ns = urllib.parse.quote(a.namespace, safe="")
    try:
        pods = api.call("GET", "/api/v1/namespaces/%s/pods?labelSelector=%s"
                        % (ns, urllib.parse.quote(a.selector, safe="")))
    except (urllib.error.URLError, OSError, ValueError) as e:
        log(event="list-failed", error=str(e))
        return 1
    now = datetime.datetime.now(datetime.timezone.utc)
    failed = 0
    for pod in pods.get("items", []):
        name = pod.get("metadata", {}).get("name", "")
        why = overdue(pod, now, a.max_age)
        if why is None:
            continue
        if a.dry_run:
            log(event="would-delete", pod=name, reason=why)
            continue
        try:
            api.call("DELETE", "/api/v1/namespaces/%s/pods/%s" % (
                ns, urllib.parse.quote(name, safe="")),
                {"apiVersion": "v1", "kind": "DeleteOptions",
                 "gracePeriodSeconds": 0})
            log(event="deleted", pod=name, reason=why)
        except urllib.error.HTTPError as e:
            if e.code == 404:
                continue    # already gone
            failed += 1
            log(event="delete-failed", pod=name, status=e.code)
        except (urllib.error.URLError, OSError) as e:
            failed += 1
            log(event="delete-failed", pod=name, error=str(e))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
