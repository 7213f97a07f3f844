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
