#!/bin/sh
# Error tests: each folder under tests/errors/cases/ holds files that are
# laid over a copy of the fixture project (content/..., plugins/...), and
# expected.stderr with the exact diagnostics `sandbox-atlas check` must
# print (exit status 1).  A file named "delete" lists paths to remove
# from the copy first.  With --regen, expected.stderr is rewritten.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${ATLAS_BIN:-$top/build/sandbox-atlas}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0
for case in "$top"/tests/errors/cases/*/; do
	name=$(basename "$case")
	root=$tmp/$name
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
	if [ -f "$case/delete" ]; then
		while read -r p; do rm -rf "${root:?}/$p"; done <"$case/delete"
	fi
	(cd "$case" && find . -type f ! -name expected.stderr ! -name delete \
	    ! -name README | while read -r f; do
		mkdir -p "$root/$(dirname "$f")"; cp "$f" "$root/$f"; done)
	rc=0
	SOURCE_DATE_EPOCH=1767225600 "$bin" check -C "$root" 2>"$tmp/err" >/dev/null || rc=$?
	if [ "${1:-}" = "--regen" ]; then
		cp "$tmp/err" "$case/expected.stderr"
	fi
	if [ $rc -eq 1 ] && cmp -s "$tmp/err" "$case/expected.stderr"; then
		echo "ok - errors/$name"
		pass=$((pass + 1))
	else
		echo "not ok - errors/$name (exit $rc)"
		diff -u "$case/expected.stderr" "$tmp/err" | sed 's/^/# /' | head -20
		fail=$((fail + 1))
	fi
done
echo "errors: $pass passed, $fail failed"
[ $fail -eq 0 ]
