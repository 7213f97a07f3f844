"""Runs the expert cases of tests/recommend/expert.yaml through the CLI.

Usage (from the repository root, after a build):
    /usr/bin/python3 tests/recommend/expert.py
Prints TAP; exits 1 on any failure.  Also checks that no orchestrator,
harness or layer is ever ranked.
"""
import json
import os
import subprocess
import sys

import yaml

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
binary = os.environ.get("ATLAS_BIN", os.path.join(top, "build", "sandbox-atlas"))
cases = yaml.safe_load(open(os.path.join(top, "tests/recommend/expert.yaml")))["cases"]
fw = {f["slug"]: f for f in json.load(open(os.path.join(top, "build/site/api/frameworks.json")))["frameworks"]}
n = bad = 0


def cls(slug):
    return fw[slug]["criteria"]["isolation"]["class"] if slug else None


for c in cases:
    args = [binary, "recommend", "-C", top, "--format", "json"]
    for k, v in c["req"].items():
        args += ["--" + k, str(v)]
    out = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
    p, f = out["primary"], out["fallback"]
    errs = []
    if "primary" in c and p != c["primary"]:
        errs.append(f"primary {p}, expected {c['primary']}")
    if "one_of" in c and p not in c["one_of"]:
        errs.append(f"primary {p}, expected one of {c['one_of']}")
    if "primary_class" in c and cls(p) not in c["primary_class"]:
        errs.append(f"primary {p} ({cls(p)}), expected class {c['primary_class']}")
    for s in c.get("not", []):
        if s in (p, f):
            errs.append(f"{s} must not be primary or fallback")
    if c.get("fallback_differs") and f and cls(f) == cls(p):
        errs.append(f"fallback {f} shares the primary's class {cls(p)}")
    kinds = {fw[t["slug"]]["kind"] for t in out["ranking"]}
    if kinds - {"sandbox"}:
        errs.append(f"non-sandbox kinds ranked: {kinds - {'sandbox'}}")
    n += 1
    if errs:
        bad += 1
        print(f"not ok {n} - {c['name']}")
        for e in errs:
            print(f"# {e}")
        print(f"# reasoning: {c['why']}")
    else:
        print(f"ok {n} - {c['name']} (primary {p}, fallback {f})")
print(f"# expert: {n - bad} passed, {bad} failed")
sys.exit(1 if bad else 0)
