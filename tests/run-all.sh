#!/bin/sh
# The whole suite after the unit tests (the Makefile runs those first):
# CLI behaviour, golden end-to-end output, error messages, a
# byte-identical double build, the checks of every bundle file, and the
# built site in Chromium (tests/site/browser.test.mjs).
# Prints one "N passed, N failed" line per stage and a total.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
total_pass=0 total_fail=0 failed=
stage() {
	name=$1; shift
	echo "== $name"
	out=$("$@" 2>&1); rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
	[ $rc -eq 0 ] || failed="$failed $name"
}
stage tools tests/tools/selftest.sh
stage cli tests/cli/run.sh
stage e2e tests/e2e/run.sh
stage errors tests/errors/run.sh
stage determinism tests/determinism.sh
stage bundle-checks tests/bundles/checks/selftest.sh
stage infra-checks tests/bundles/checks/selftest-infra.sh
stage integration-checks tests/bundles/checks/selftest-integration.sh
stage oci-checks tests/bundles/checks/selftest-oci.sh
stage gvisor-checks tests/bundles/checks/selftest-usk.sh
stage bundles tests/bundles/verify.sh build/site
stage site tests/site/run.sh build/site
stage templates /usr/bin/python3 tests/site/lint-templates.py
stage fuzz tests/fuzz/run.sh 10
stage browser node --test tests/site/browser.test.mjs
stage recommend /usr/bin/python3 tests/recommend/properties.py build/site
stage expert /usr/bin/python3 tests/recommend/expert.py
stage memory tests/memory.sh
echo "suite: $total_pass passed, $total_fail failed"
[ -z "$failed" ] || { echo "failing stages:$failed"; exit 1; }
