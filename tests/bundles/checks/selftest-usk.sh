#!/bin/sh
# Self-test of the checks the user-space-kernel (gVisor) bundles brought:
# alertmanager, containerd-config, watchdog and runsc-enforce (its
# fixtures are folders: a runsc.toml beside its seccomp profile).  Each check runs once over
# its fixtures (fixtures/CHECK/{good,bad}/...): every good file must get
# "ok PATH", every bad file "not ok PATH: ..." containing the text its
# line in fixtures/CHECK/expect names (PATH<TAB>text), and the exit status
# must be non-zero.  A missing file must never be ok.
# Usage: tests/bundles/checks/selftest-usk.sh
# Prints "ok N - ..." / "not ok N - ..." per assertion; exits 1 on failure.
here=$(cd "$(dirname "$0")" && pwd)
fx=$here/fixtures
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; }
tab=$(printf '\t')

for c in alertmanager containerd-config watchdog runsc-enforce; do
	case $c in
	runsc-enforce) pat='*.toml' ;;
	*) pat='*' ;;
	esac
	files=$(find "$fx/$c/good" "$fx/$c/bad" -type f -name "$pat" | LC_ALL=C sort)
	# shellcheck disable=SC2086 # fixture paths have no spaces
	out=$("$here/$c" $files 2>/dev/null); rc=$?
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
		case $line in
		*"$want"*) ok "$c: $rel fails ($want)" ;;
		*) nok "$c: $rel should fail with '$want': ${line:-no result}" ;;
		esac
	done <"$fx/$c/expect"
	if [ $rc -ne 0 ]; then
		ok "$c: non-zero exit with failing files"
	else
		nok "$c: exit 0 with failing files"
	fi
	out=$("$here/$c" "$fx/$c/does-not-exist" 2>/dev/null)
	case $out in
	"not ok "*) ok "$c: a missing file is not ok" ;;
	*) nok "$c: a missing file gave: $out" ;;
	esac
done
echo "# selftest-usk: $((n - bad)) passed, $bad failed"
[ $bad -eq 0 ]
