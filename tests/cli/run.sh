#!/bin/sh
# Command-line behaviour: exit statuses, --help, usage errors, the
# recommendation JSON shape, and that a failed build changes nothing.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${ATLAS_BIN:-$top/build/sandbox-atlas}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0 bad=0
t() {	# t WANT_RC DESCRIPTION CMD...
	want=$1 desc=$2; shift 2
	n=$((n + 1)); rc=0
	"$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" -eq "$want" ]; then echo "ok $n - $desc"
	else echo "not ok $n - $desc (exit $rc, want $want)"; sed 's/^/# /' "$tmp/err" | head -5; bad=$((bad + 1)); fi
}
has() {	# has FILE PATTERN DESCRIPTION
	n=$((n + 1))
	if grep -q -- "$2" "$tmp/$1"; then echo "ok $n - $3"
	else echo "not ok $n - $3"; sed 's/^/# /' "$tmp/$1" | head -5; bad=$((bad + 1)); fi
}
six="--use-case code-execution --scale 1000 --latency 1s --trust untrusted --budget zero --infra kubernetes"

t 2 "no command is a usage error" "$bin"
t 2 "unknown command is a usage error" "$bin" frobnicate
has err "unknown command 'frobnicate'" "unknown command is named"
for c in build check recommend; do
	t 0 "$c --help exits 0" "$bin" $c --help
	has out "usage: sandbox-atlas $c" "$c --help prints its usage"
	t 2 "$c with an unknown flag exits 2" "$bin" $c --no-such-flag
done
t 0 "help exits 0" "$bin" help
t 0 "check passes on the repository" "$bin" check -C "$top"
has err "ok (" "check reports a summary"
t 2 "recommend with an unknown token exits 2" "$bin" recommend -C "$top" \
    --use-case code-execution --scale 1000 --latency 1s --trust nobody --budget zero --infra kubernetes
has err "valid tokens: untrusted, semi-trusted, trusted" "the error lists the valid tokens"
t 2 "recommend with a missing flag exits 2" "$bin" recommend -C "$top" --use-case code-execution
t 2 "recommend with a bad --format exits 2" "$bin" recommend -C "$top" $six --format yaml
t 0 "recommend --format json" "$bin" recommend -C "$top" $six --format json
n=$((n + 1))
if /usr/bin/python3 - "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["version", "requirements", "primary", "fallback", "notes", "ranking"], list(d)
assert d["version"] == 1
assert d["requirements"] == {"use-case": "code-execution", "scale": "1000", "latency": "1s",
    "trust": "untrusted", "budget": "zero", "infra": "kubernetes"}
r = d["ranking"]
assert r, "empty ranking"
for c in r:
    assert list(c) == ["slug", "name", "score", "eligible", "reasons"], list(c)
    assert 0 <= c["score"] <= 100 and round(c["score"], 1) == c["score"]
    assert c["reasons"] and all(isinstance(x, str) and x for x in c["reasons"])
key = [(not c["eligible"], -c["score"], c["slug"]) for c in r]
assert key == sorted(key), "ranking order"
el = [c["slug"] for c in r if c["eligible"]]
assert d["primary"] == (el[0] if el else None)
if d["primary"] is None: assert d["notes"], "null primary without notes"
if d["fallback"] is not None: assert d["fallback"] != d["primary"] and d["fallback"] in el
PY
then echo "ok $n - recommendation JSON has DESIGN.md's shape and ordering"
else echo "not ok $n - recommendation JSON shape"; bad=$((bad + 1)); fi
t 0 "recommend --format text" "$bin" recommend -C "$top" $six
has out "^primary:" "text output names the primary"

# guide: the five outputs, the archive's top folder, lint and diagram checks.
t 0 "guide writes a tailored guide" "$bin" guide -C "$top" $six -o "$tmp/g"
n=$((n + 1))
if [ -f "$tmp/g/guide.md" ] && [ -f "$tmp/g/guide.html" ] && [ -f "$tmp/g/bundle/VERIFIED.md" ] &&
   [ -f "$tmp/g/bundle.tar.gz" ] && [ -f "$tmp/g/bundle.zip" ]; then echo "ok $n - guide.md, guide.html, bundle/, bundle.tar.gz, bundle.zip exist"
else echo "not ok $n - guide outputs missing"; bad=$((bad + 1)); fi
n=$((n + 1))
want=sandbox-atlas-code-execution-1000-1s-untrusted-zero-kubernetes
if [ "$(tar -tzf "$tmp/g/bundle.tar.gz" | cut -d/ -f1 | sort -u)" = "$want" ] &&
   [ "$(unzip -Z1 "$tmp/g/bundle.zip" | cut -d/ -f1 | sort -u)" = "$want" ]; then echo "ok $n - both archives have the one top folder $want/"
else echo "not ok $n - archive top folder"; bad=$((bad + 1)); fi
n=$((n + 1))
if (cd "$tmp/g/bundle" && sha256sum -c --quiet SHA256SUMS); then echo "ok $n - the guide bundle's SHA256SUMS match"
else echo "not ok $n - guide bundle checksums"; bad=$((bad + 1)); fi
n=$((n + 1))
if "$top/tests/tools/mdlint.sh" "$tmp/g/guide.md" "$tmp/g/bundle/README.md" >"$tmp/lint" 2>&1; then echo "ok $n - guide.md and the bundle README pass markdownlint"
else echo "not ok $n - markdownlint"; sed 's/^/# /' "$tmp/lint" | head -10; bad=$((bad + 1)); fi
n=$((n + 1))
if node "$top/tests/tools/mermaid-check.mjs" "$tmp/g/guide.md" "$tmp/g/guide.html" "$tmp/g/bundle/architecture.mmd" >"$tmp/mm" 2>&1; then echo "ok $n - the guide's diagrams parse (md, html, mmd)"
else echo "not ok $n - guide diagrams"; sed 's/^/# /' "$tmp/mm" | head -5; bad=$((bad + 1)); fi
t 0 "guide may replace its own earlier output" "$bin" guide -C "$top" $six -o "$tmp/g"
mkdir -p "$tmp/other" && echo keep >"$tmp/other/notes.txt"
t 2 "guide refuses to replace a folder holding other files" "$bin" guide -C "$top" $six -o "$tmp/other"
n=$((n + 1))
if [ "$(cat "$tmp/other/notes.txt")" = keep ]; then echo "ok $n - the other folder is untouched"
else echo "not ok $n - guide clobbered a folder"; bad=$((bad + 1)); fi
t 2 "guide with an unknown token exits 2" "$bin" guide -C "$top" --use-case x --scale 1000 --latency 1s --trust untrusted --budget zero --infra kubernetes -o "$tmp/g2"
nullreq=$(/usr/bin/python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
c=[c for c in d["combinations"] if c["primary"] is None]
print(" ".join("--%s %s" % kv for kv in c[0]["requirements"].items()) if c else "")' "$top/build/site/api/recommendations.json")
if [ -n "$nullreq" ]; then
	t 0 "guide for requirements no sandbox meets still writes a guide" "$bin" guide -C "$top" $nullreq -o "$tmp/g3"
	has_g3() { n=$((n + 1)); if grep -q -- "$1" "$tmp/g3/guide.md"; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=$((bad + 1)); fi; }
	has_g3 "No sandbox meets every requirement" "the guide says no sandbox fits"
	has_g3 "Not eligible" "the guide says what excluded each candidate"
	has_g3 "Relaxing one requirement\|No single relaxed requirement" "the guide says what relaxing one requirement allows"
fi

# A broken copy: check exits 1 with path:line:col, build keeps the old site.
cp -R "$top/content" "$top/plugins" "$tmp/" 2>/dev/null
mkdir -p "$tmp/proj/themes"
mv "$tmp/content" "$tmp/plugins" "$tmp/proj/"
ln -s "$top/themes/default" "$tmp/proj/themes/default"
t 0 "build a good copy" "$bin" build -C "$tmp/proj" -o "$tmp/site"
before=$(cd "$tmp/site" && find . -type f | sort | xargs sha256sum | sha256sum)
sed -i 's/^    class: hardware-vm$/    class: vm/' "$tmp/proj/content/frameworks/firecracker.md"
t 1 "check fails on a broken copy" "$bin" check -C "$tmp/proj"
has err "^content/frameworks/firecracker.md:[0-9]*:[0-9]*: criteria.isolation.class: 'vm' is not one of" "the error has path:line:col"
t 1 "build fails on a broken copy" "$bin" build -C "$tmp/proj" -o "$tmp/site"
has err "build failed; .* was not changed" "build says the site was not changed"
after=$(cd "$tmp/site" && find . -type f | sort | xargs sha256sum | sha256sum)
n=$((n + 1))
if [ "$before" = "$after" ] && [ -z "$(ls -d "$tmp"/site.tmp-* 2>/dev/null)" ]; then
	echo "ok $n - the previous site is untouched and no temporary folder is left"
else echo "not ok $n - the previous site changed"; bad=$((bad + 1)); fi
echo "cli: $((n - bad)) passed, $bad failed"
[ $bad -eq 0 ]
