#!/bin/sh
# Self-test of tests/tools/mermaid-check.mjs: it must pass a valid flowchart
# (selftest/good.mmd: exit 0, "ok" line) and fail a syntax error
# (selftest/bad.mmd: exit 1, "not ok" line naming the parse error), so a
# checker that passes everything, or nothing, is caught.
# Usage: tests/tools/selftest.sh   (needs `npm ci` in tests/)
# Prints "mermaid-check selftest: P passed, F failed"; exit 1 if F > 0.
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0

out=$(node "$here/mermaid-check.mjs" "$here/selftest/good.mmd" 2>&1); rc=$?
if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q '^ok .*/good\.mmd#1$' &&
    printf '%s\n' "$out" | grep -q '^mermaid: 1 passed, 0 failed$'; then
	echo "ok good.mmd passes"
	pass=$((pass + 1))
else
	echo "not ok good.mmd passes (exit $rc)"
	printf '%s\n' "$out" | sed 's/^/# /'
	fail=$((fail + 1))
fi

out=$(node "$here/mermaid-check.mjs" "$here/selftest/bad.mmd" 2>&1); rc=$?
if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q '^not ok .*/bad\.mmd#1: Parse error on line 2' &&
    printf '%s\n' "$out" | grep -q '^mermaid: 0 passed, 1 failed$'; then
	echo "ok bad.mmd fails"
	pass=$((pass + 1))
else
	echo "not ok bad.mmd fails (exit $rc)"
	printf '%s\n' "$out" | sed 's/^/# /'
	fail=$((fail + 1))
fi

echo "mermaid-check selftest: $pass passed, $fail failed"
[ $fail -eq 0 ]
