#!/bin/sh
# Self-test of the checks the oci-container bundles brought: oci-config,
# oci-scripts and nsjail-config.  Each check runs once over its fixtures
# (fixtures/CHECK/{good,bad}/...; only the files the check is for, the
# seccomp profiles and config.json beside them are context): every good
# file must get "ok PATH", every bad file "not ok PATH: ..." containing
# the text its line in fixtures/CHECK/expect names (PATH<TAB>text), and
# the exit status must be non-zero.  Needs root, crun, runc, jq and
# `make bundle-harness`, like the checks.
# Usage: tests/bundles/checks/selftest-oci.sh
# Prints "ok N - ..." / "not ok N - ..." per assertion; exits 1 on failure.
here=$(cd "$(dirname "$0")" && pwd)
fx=$here/fixtures
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; }
tab=$(printf '\t')

for c in oci-config oci-scripts nsjail-config; do
	case $c in
	oci-config) pat='config.json' ;;
	oci-scripts) pat='*.sh' ;;
	nsjail-config) pat='*.cfg' ;;
	esac
	files=$(find "$fx/$c/good" "$fx/$c/bad" -type f -name "$pat" | LC_ALL=C sort)
	start=$(date +%s)
	# shellcheck disable=SC2086 # fixture paths have no spaces
	out=$("$here/$c" $files 2>/dev/null); rc=$?
	secs=$(($(date +%s) - start))
	for f in $(find "$fx/$c/good" -type f -name "$pat" | LC_ALL=C sort); do
		if printf '%s\n' "$out" | grep -qxF "ok $f"; then
			ok "$c: ${f#"$fx/"} passes"
		else
			nok "$c: ${f#"$fx/"} should pass: $(printf '%s\n' "$out" | grep -F "$f" | head -1)"
		fi
	done
	while IFS="$tab" read -r rel want; do
		f=$fx/$c/$rel
		line=$(printf '%s\n' "$out" | grep -F "not ok $f: " | head -1)
		if [ -n "$line" ] && printf '%s\n' "$line" | grep -qF -- "$want"; then
			ok "$c: $rel fails ($want)"
		else
			nok "$c: $rel should fail with '$want': ${line:-no line}"
		fi
	done <"$fx/$c/expect"
	if [ $rc -ne 0 ]; then
		ok "$c: exit status non-zero with bad files (${secs}s)"
	else
		nok "$c: exit status 0 with bad files"
	fi
	missing=$("$here/$c" "$fx/$c/no-such-file" 2>/dev/null)
	case $missing in
	"ok "*) nok "$c: a missing file passed" ;;
	*) ok "$c: a missing file fails" ;;
	esac
done
echo "1..$n"
[ $bad -eq 0 ]
