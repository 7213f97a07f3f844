"""Properties of the recommendations over every requirement combination.

Run with /usr/bin/python3 from the repository root after a build:
    tests/recommend/properties.py build/site
Reads api/recommendations.json, api/frameworks.json, content/rules.yaml,
and a sample of full rankings from `sandbox-atlas recommend --format json`.
The hard constraints are re-derived here from rules.yaml and the entries,
independently of plugins/rank.lua, so a rule the plugin forgets to apply
is caught.  Prints TAP; exits 1 on any failure.
"""
import html.parser
import json
import os
import subprocess
import sys

import yaml

site = sys.argv[1]
top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
binary = os.environ.get("ATLAS_BIN", os.path.join(top, "build", "sandbox-atlas"))
rec = json.load(open(os.path.join(site, "api/recommendations.json")))
fw = {f["slug"]: f for f in json.load(open(os.path.join(site, "api/frameworks.json")))["frameworks"]}
rules = yaml.safe_load(open(os.path.join(top, "content/rules.yaml")))
dims = [d["name"] for d in rec["dimensions"]]
strength = {"process": 0, "os-namespaces": 1, "language-vm": 2, "user-space-kernel": 2, "hardware-vm": 3}
n = 0
bad = 0


def check(cond, desc, detail=""):
    global n, bad
    n += 1
    if cond:
        print(f"ok {n} - {desc}")
    else:
        bad += 1
        print(f"not ok {n} - {desc}")
        if detail:
            print("# " + str(detail)[:600])


def cls(slug):
    return fw[slug]["criteria"]["isolation"]["class"]


def violations(slug, req):
    """The hard constraints slug breaks for req, from rules.yaml."""
    e = fw[slug]
    c = rules["constraints"]
    out = []
    t = c["trust"][req["trust"]]
    ok = set(t["isolation"])
    if req["use-case"] in t.get("language_vm_use_cases", []):
        ok.add("language-vm")
    if cls(slug) not in ok:
        out.append("isolation")
    if e.get("userland") not in c["userland"][req["use-case"]]:
        out.append("userland")
    if e["criteria"]["self_host"]["class"] not in c["budget_self_host"][req["budget"]]:
        out.append("self_host")
    if e["criteria"]["cost"]["class"] not in c["budget_cost"][req["budget"]]:
        out.append("cost")
    if req["infra"] not in e.get("fits_infra", []):
        out.append("infra")
    ceiling = c["latency_ms"].get(req["latency"])
    if ceiling is not None:
        starts = [x for x in (e["criteria"]["cold_start"].get("ms_min"),
                              e.get("snapshot_restore", {}).get("ms_min")) if x is not None]
        if not starts or min(starts) > int(ceiling):
            out.append("latency")
    conc = e.get("concurrency", {})
    need = c.get("scale_min_concurrency", {}).get(req["scale"])
    if need is not None and conc.get("max") is not None and conc["max"] < int(need):
        out.append("scale")
    if req["scale"] == "autoscale":
        a = c["autoscale"]
        mode = conc.get("autoscale")
        if not (mode in a["built_in"] or (mode == "with-orchestrator" and req["infra"] in a["with_orchestrator_infra"])):
            out.append("autoscale")
    return out


combos = rec["combinations"]
by_key = {tuple(c["requirements"][d] for d in dims): c for c in combos}

# 1. budget zero => self_host full, for primary and fallback.
badz = [c["requirements"] for c in combos if c["requirements"]["budget"] == "zero" and any(
    s and fw[s]["criteria"]["self_host"]["class"] != "full" for s in (c["primary"], c["fallback"]))]
check(not badz, "budget zero: primary and fallback are self-hostable for free (self_host full)", badz[:2])

# 2. trust monotonicity.
order = ["trusted", "semi-trusted", "untrusted"]
ti = dims.index("trust")
mono = []
for key, c in by_key.items():
    if key[ti] != "trusted":
        continue
    chain = []
    for t in order:
        k = list(key)
        k[ti] = t
        chain.append(by_key[tuple(k)]["primary"])
    for a, b in zip(chain, chain[1:]):
        if a and b and strength[cls(b)] < strength[cls(a)]:
            mono.append((key, chain))
check(not mono, "less trust never lowers the primary's isolation strength", mono[:2])

# 3. primary != fallback; nulls only with notes.
check(all(c["primary"] is None or c["primary"] != c["fallback"] for c in combos), "primary and fallback differ")
check(all(c["fallback"] is None or c["primary"] is not None for c in combos), "no fallback without a primary")
check(all(c["notes"] for c in combos if c["primary"] is None or c["fallback"] is None),
      "a null primary or fallback always comes with notes")

# 4. reasons never empty; top is the ranking's head.
check(all(t["reasons"] and all(isinstance(r, str) and r for r in t["reasons"]) for c in combos for t in c["top"]),
      "every candidate has non-empty reasons")
check(all(c["primary"] is None or (c["top"] and c["top"][0]["slug"] == c["primary"]) for c in combos),
      "the primary heads the top three")

# 5. eligible top candidates meet every hard constraint; excluded ones break one.
wrong = []
for c in combos:
    for t in c["top"]:
        v = violations(t["slug"], c["requirements"])
        if t["eligible"] and v:
            wrong.append((c["requirements"], t["slug"], "eligible but breaks", v))
        if not t["eligible"] and not v:
            wrong.append((c["requirements"], t["slug"], "excluded but breaks nothing"))
check(not wrong, "eligibility in every top three agrees with rules.yaml", wrong[:3])

# 6. the fallback rule, within the top three.
fb = []
for c in combos:
    if c["primary"] is None:
        continue
    other = [t["slug"] for t in c["top"][1:] if t["eligible"] and cls(t["slug"]) != cls(c["primary"])]
    if other and c["fallback"] != other[0]:
        fb.append((c["requirements"], c["fallback"], other[0]))
    if c["fallback"] and cls(c["fallback"]) == cls(c["primary"]):
        if not any("shares" in x for x in c["notes"]):
            fb.append((c["requirements"], "same class without a note"))
check(not fb, "fallback: the best eligible candidate of another isolation class, else a noted same-class one", fb[:2])

# 7. full rankings from the CLI for a spread sample: same answer as the API,
#    every eligible candidate meets every constraint, the fallback rule holds.
sample = combos[::37] + [c for c in combos if c["primary"] is None][:3]
mism, full = [], []
for c in sample:
    args = [binary, "recommend", "-C", top, "--format", "json"]
    for d in dims:
        args += ["--" + d, c["requirements"][d]]
    out = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
    if (out["primary"], out["fallback"], [t["slug"] for t in out["ranking"][:3]]) != \
       (c["primary"], c["fallback"], [t["slug"] for t in c["top"]]):
        mism.append(c["requirements"])
    el = [t["slug"] for t in out["ranking"] if t["eligible"]]
    for t in out["ranking"]:
        if bool(violations(t["slug"], c["requirements"])) == t["eligible"]:
            full.append((c["requirements"], t["slug"]))
    if out["primary"]:
        diff = [s for s in el if cls(s) != cls(out["primary"])]
        want = diff[0] if diff else (el[1] if len(el) > 1 else None)
        if out["fallback"] != want:
            full.append((c["requirements"], "fallback", out["fallback"], want))
check(not mism, f"CLI and recommendations.json agree on {len(sample)} sampled combinations", mism[:2])
check(not full, "full rankings: eligibility matches rules.yaml and the fallback rule holds", full[:3])


class Slugs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = {}
        self.top = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id") in ("answer-primary", "answer-fallback"):
            self.found[a["id"]] = a.get("data-slug") or None
        if tag == "li" and a.get("data-slug") and len(self.top) < 3 and "answer-primary" in self.found:
            self.top.append(a["data-slug"])


pages = []
for c in combos:
    p = Slugs()
    p.feed(open(os.path.join(site, "recommend", *[c["requirements"][d] for d in dims], "index.html")).read())
    got = (p.found.get("answer-primary"), p.found.get("answer-fallback"), p.top)
    if got != (c["primary"], c["fallback"], [t["slug"] for t in c["top"]]):
        pages.append((c["requirements"], got))
check(not pages, f"all {len(combos)} permalink pages show the API's primary, fallback and top three", pages[:2])
prim = sorted({c["primary"] for c in combos if c["primary"]})
nulls = sum(1 for c in combos if c["primary"] is None)
print(f"# {len(prim)} distinct primaries: {', '.join(prim)}; {nulls} combinations with no eligible sandbox")
print(f"# recommend: {n - bad} passed, {bad} failed")
sys.exit(1 if bad else 0)
