#!/bin/sh
# End-to-end golden test: builds the fixture site (tests/e2e/fixture) with
# a fixed SOURCE_DATE_EPOCH and compares a normalised copy of the output
# with tests/e2e/expected/.  Binary files are normalised into text: the
# SQLite file into its .dump, archives into their listings and contents,
# and the 3.5 MB Mermaid copy into its checksum.
# Usage: tests/e2e/run.sh [--regen]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${ATLAS_BIN:-$top/build/sandbox-atlas}
exp=$top/tests/e2e/expected
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# A project root: fixture content, the repository's schema, rules,
# dimensions, plugins and theme.
root=$tmp/root
mkdir -p "$root/content" "$root/themes"
cp -R "$top/tests/e2e/fixture/content/." "$root/content/"
for f in schema.yaml dimensions.yaml rules.yaml; do
	cp "$top/content/$f" "$root/content/$f"
done
mkdir -p "$root/plugins"
# Only the builder-level plugins: family bundles are verified elsewhere.
cp "$top/plugins/rank.lua" "$top/plugins/architecture.lua" "$root/plugins/"
mkdir -p "$root/themes/default"
cp -R "$top/themes/default/templates" "$top/themes/default/assets" "$root/themes/default/"
ln -s "$top/themes/default/node_modules" "$root/themes/default/node_modules"

SOURCE_DATE_EPOCH=1767225600 "$bin" build -C "$root" -o "$tmp/site" \
    2>"$tmp/stderr" || { cat "$tmp/stderr"; echo "not ok - fixture build failed"; exit 1; }

norm=$tmp/norm
cp -R "$tmp/site" "$norm"
cp "$tmp/stderr" "$norm/build.stderr"
sha256sum "$norm/assets/mermaid.min.js" | cut -c1-64 >"$norm/assets/mermaid.min.js.sha256"
rm "$norm/assets/mermaid.min.js"
sqlite3 "$norm/api/kb.sqlite" .dump >"$norm/api/kb.sqlite.dump"
rm "$norm/api/kb.sqlite"
for a in "$norm"/bundles/*.tar.gz; do
	tar -tvzf "$a" --numeric-owner --utc >"$a.list"
	mkdir "$a.d" && tar -xzf "$a" -C "$a.d"
	rm "$a"
done
for a in "$norm"/bundles/*.zip; do
	unzip -Z -l "$a" | sed 1d | grep -v '^[0-9]* files' >"$a.list"
	rm "$a"
done

# The 1296 permalink pages and the chooser pages follow one template:
# keep the chooser root, one chooser step and the fixture preset's
# permalink; count the rest.  Keep recommendations.json's dimensions, its
# first three combinations and the fixture preset's.
find "$norm/recommend" -name index.html | sed "s|^$norm/||" | LC_ALL=C sort >"$norm/recommend.pages"
keep="recommend/index.html recommend/code-execution/index.html recommend/code-execution/10/1s/untrusted/zero/kubernetes/index.html"
mkdir "$tmp/keep"
for k in $keep; do mkdir -p "$tmp/keep/$(dirname "$k")"; cp "$norm/$k" "$tmp/keep/$k"; done
rm -rf "$norm/recommend"
cp -R "$tmp/keep/recommend" "$norm/recommend"
/usr/bin/python3 - "$norm/api/recommendations.json" <<'PY'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
want = {"use-case": "code-execution", "scale": "10", "latency": "1s", "trust": "untrusted", "budget": "zero", "infra": "kubernetes"}
keep = d["combinations"][:3] + [c for c in d["combinations"] if c["requirements"] == want]
out = {"version": d["version"], "dimensions": d["dimensions"], "combinations_count": len(d["combinations"]), "combinations_kept": keep}
json.dump(out, open(p, "w"), indent=1, ensure_ascii=False)
open(p, "a").write("\n")
PY

if [ "${1:-}" = "--regen" ]; then
	rm -rf "$exp"
	cp -R "$norm" "$exp"
	echo "regenerated $exp"
	exit 0
fi
if diff -ru "$exp" "$norm" >"$tmp/diff"; then
	echo "ok - e2e golden output matches tests/e2e/expected"
else
	head -200 "$tmp/diff"
	echo "not ok - e2e golden output differs (run 'make regen' if intended)"
	exit 1
fi
