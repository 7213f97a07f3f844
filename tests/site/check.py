"""Structural checks of a built Sandbox Atlas site (run with /usr/bin/python3).

Prints TAP lines; exits 1 when any check fails.
"""
import html.parser
import json
import os
import sqlite3
import sys
import urllib.parse

site = sys.argv[1]
n = 0
bad = 0


def check(cond, desc):
    global n, bad
    n += 1
    if cond:
        print(f"ok {n} - {desc}")
    else:
        bad += 1
        print(f"not ok {n} - {desc}")


scen = json.load(open(os.path.join(site, "api/scenarios.json")))
fw = json.load(open(os.path.join(site, "api/frameworks.json")))
slugs = [f["slug"] for f in fw["frameworks"]]
ss = [s["slug"] for s in scen["scenarios"]]
required = ["index.html", "matrix/index.html", "404.html", "sitemap.xml", "robots.txt",
            "favicon.svg", "assets/style.css", "assets/site.js", "assets/mermaid.min.js",
            "api/frameworks.json", "api/scenarios.json", "api/kb.sqlite", "bundles/SHA256SUMS"]
required += [f"frameworks/{s}/index.html" for s in slugs]
required += [f"scenarios/{s}/index.html" for s in ss]
required += [f"bundles/{s}.{e}" for s in ss for e in ("tar.gz", "zip")]
missing = [p for p in required if not os.path.isfile(os.path.join(site, p))]
check(not missing, f"all {len(required)} required paths exist {missing if missing else ''}")

check(fw["version"] == 1 and list(fw) == ["version", "frameworks"], "frameworks.json shape")
check(slugs == sorted(slugs), "frameworks.json is sorted by slug")
ok = True
for f in fw["frameworks"]:
    crit = f.get("criteria", {})
    if list(crit) != ["isolation", "cold_start", "languages", "network", "filesystem",
                      "cost", "self_host", "integrations"]:
        ok = False
    for c in crit.values():
        if not isinstance(c.get("stale"), bool) or not c.get("sources"):
            ok = False
        for s in c.get("sources", []):
            if not isinstance(s.get("stale"), bool) or not s["url"].startswith(("http://", "https://")):
                ok = False
    if "body" not in f:
        ok = False
check(ok, "every entry has the eight criteria, stale flags, sources and its Markdown body")
ok = all(list(s) == ["slug", "title", "requirements", "primary", "fallback"] for s in scen["scenarios"])
check(scen["version"] == 1 and ok, "scenarios.json shape")

db = sqlite3.connect(os.path.join(site, "api/kb.sqlite"))
ver = db.execute("select value from meta where key='version'").fetchone()
check(ver is not None and ver[0] == "1", "kb.sqlite meta.version is 1")
cnt = db.execute("select count(*) from frameworks").fetchone()[0]
check(cnt == len(slugs), f"kb.sqlite holds all {len(slugs)} frameworks")


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("href", "src"):
            if k in a and a[k] is not None:
                self.links.append(a[k])
        if tag == "script":
            self.scripts.append(a.get("src"))
        for k, v in attrs:
            if k.startswith("on"):
                self.scripts.append("inline handler " + k)


broken = []
scripts = set()
pages = 0
for dirpath, _, files in os.walk(site):
    for fn in files:
        if not fn.endswith(".html"):
            continue
        pages += 1
        path = os.path.join(dirpath, fn)
        p = Links()
        p.feed(open(path, encoding="utf-8").read())
        for s in p.scripts:
            scripts.add(s if s is None else os.path.basename(s) if not s.startswith("inline") else s)
        if fn == "404.html":
            continue  # absolute links to base_url
        for link in p.links:
            u = urllib.parse.urlparse(link)
            if u.scheme or link.startswith("#") or link.startswith("mailto:"):
                continue
            target = os.path.normpath(os.path.join(dirpath, urllib.parse.unquote(u.path)))
            if os.path.isdir(target):
                target = os.path.join(target, "index.html")
            if not target.startswith(site) or not os.path.exists(target):
                broken.append(f"{os.path.relpath(path, site)} -> {link}")
check(not broken, f"internal links resolve in {pages} pages {broken[:5] if broken else ''}")
check(scripts <= {"site.js", "mermaid.min.js"}, f"only the theme's scripts appear: {sorted(map(str, scripts))}")
sm = open(os.path.join(site, "sitemap.xml")).read()
robots = open(os.path.join(site, "robots.txt")).read()
base = robots.split("Sitemap: ")[1].split("sitemap.xml")[0]
locs = set(l.split("</loc>")[0][len(base):] for l in sm.split("<loc>")[1:])
want = set()
for dirpath, _, files in os.walk(site):
    if "index.html" in files:
        r = os.path.relpath(dirpath, site)
        want.add("" if r == "." else r + "/")
check(locs == want and len(locs) == sm.count("<loc>"), f"sitemap lists every page once ({len(locs)} URLs) {sorted(want - locs)[:3]} {sorted(locs - want)[:3]}")
rec = json.load(open(os.path.join(site, "api/recommendations.json")))
dims = [d["name"] for d in rec["dimensions"]]
check(dims == ["use-case", "scale", "latency", "trust", "budget", "infra"], "recommendations.json dimensions in order")
ncomb = 1
for d in rec["dimensions"]:
    ncomb *= len(d["tokens"])
check(len(rec["combinations"]) == ncomb, f"recommendations.json has all {ncomb} combinations")
import itertools
order = [dict(zip(dims, t)) for t in itertools.product(*[d["tokens"] for d in rec["dimensions"]])]
check([c["requirements"] for c in rec["combinations"]] == order, "combinations ordered with use-case slowest, infra fastest")
check(all(list(c) == ["requirements", "primary", "fallback", "notes", "top"] and len(c["top"]) <= 3 for c in rec["combinations"]), "combination shape")
missing = [c for c in rec["combinations"] if not os.path.isfile(os.path.join(site, "recommend", *[c["requirements"][d] for d in dims], "index.html"))]
check(not missing, "every combination has its permalink page")
print(f"# site: {n - bad} passed, {bad} failed")
sys.exit(1 if bad else 0)
