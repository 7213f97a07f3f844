#!/bin/sh
# Self-test of the host-level bundle checks: every check is run once over
# its fixtures (tests/bundles/checks/fixtures/CHECK/{good,bad}); each good
# file must get "ok PATH", each bad file "not ok PATH: why" with the
# reason its line in fixtures/CHECK/expect names.  Then the seccomp
# harness is tested directly (namespaces, live probes, kill actions,
# compile errors), and the seccomp check is timed over 100 profiles.
# Prints TAP-style "ok N - ..." / "not ok N - ..." lines; exits 1 on any
# failure.  Needs root (namespaces, bwrap, nft) and `make bundle-harness`.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
checks=$top/tests/bundles/checks
fx=$checks/fixtures
h=$top/build/bundle-harness/seccomp-harness
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; }
# res STATUS PASS-TEXT FAIL-TEXT: ok or nok by a command's exit status.
res() { if [ "$1" -eq 0 ]; then ok "$2"; else nok "$3"; fi; }
tmp=$(mktemp -d /tmp/atlas-selftest.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$h" ] || [ ! -x "$top/build/bundle-harness/bwrap-probe" ]; then
	nok "harness not built: run make bundle-harness"
	exit 1
fi

for c in seccomp bwrap apparmor shell nftables runsc-config kata-config microvm-watchdog; do
	case $c in
	bwrap) pat='*.bwrap' ;;
	*) pat='*' ;;
	esac
	files=$(find -L "$fx/$c/good" "$fx/$c/bad" -type f -name "$pat" |
	    LC_ALL=C sort)
	start=$(date +%s%N)
	# shellcheck disable=SC2086 # one path per word, no spaces
	out=$("$checks/$c" $files 2>"$tmp/$c.err")
	rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	lines=$(printf '%s\n' "$out" | grep -c '^\(not \)\{0,1\}ok /')
	want=$(printf '%s\n' "$files" | wc -l)
	if [ "$lines" -eq "$want" ]; then
		ok "$c: one verdict per file ($want files, ${ms} ms)"
	else
		nok "$c: $lines verdicts for $want files: $(head -c 300 "$tmp/$c.err")"
	fi
	[ $rc -ne 0 ]
	res $? "$c: exits non-zero when a file fails" \
	    "$c: exit status 0 although bad files were given"
	for f in $(find -L "$fx/$c/good" -type f -name "$pat" | LC_ALL=C sort); do
		if printf '%s\n' "$out" | grep -qxF "ok $f"; then
			ok "$c: good/${f#"$fx/$c/good/"} passes"
		else
			nok "$c: good/${f#"$fx/$c/good/"}: $(printf '%s\n' "$out" |
			    grep -F " $f:" | cut -c1-400)"
		fi
	done
	for f in $(find -L "$fx/$c/bad" -type f -name "$pat" | LC_ALL=C sort); do
		rel=bad/${f#"$fx/$c/bad/"}
		line=$(printf '%s\n' "$out" | grep -F "not ok $f: " | head -1)
		why=$(awk -F'\t' -v r="$rel" '$1 == r { print $2 }' \
		    "$fx/$c/expect")
		if [ -z "$line" ]; then
			nok "$c: $rel does not fail"
		elif [ -z "$why" ]; then
			nok "$c: $rel has no line in fixtures/$c/expect"
		elif printf '%s\n' "$line" | grep -qF -- "$why"; then
			ok "$c: $rel fails: $why"
		else
			nok "$c: $rel fails for another reason: ${line#*: }"
		fi
	done
done

# The seccomp harness itself.
good=$fx/seccomp/good/seccomp-code-execution.json
in=$("$h" run "$good" -- readlink /proc/self/ns/user /proc/self/ns/mnt)
out_ns="$(readlink /proc/self/ns/user) $(readlink /proc/self/ns/mnt)"
# shellcheck disable=SC2086 # split the two links
set -- $in
if [ $# -eq 2 ] && [ "$1" != "${out_ns% *}" ] && [ "$2" != "${out_ns#* }" ]
then
	ok "harness run: private user and mount namespaces ($1 $2)"
else
	nok "harness run: namespaces not private: '$in' vs '$out_ns'"
fi
"$h" probe "$fx/seccomp/bad/ptrace-seccomp-code-execution.json" \
    >"$tmp/probe" 2>&1
grep -q '^probe	.*	ptrace	allowed	' "$tmp/probe"
res $? "harness probe: a profile allowing ptrace is caught live" \
    "harness probe: ptrace allowance not seen: $(grep ptrace "$tmp/probe")"
grep -q '^probe	.*	bpf	skip	control blocked: not counted' "$tmp/probe"
res $? "harness probe: bpf blocked without a filter is not counted" \
    "harness probe: bpf control handling: $(grep bpf "$tmp/probe")"
if grep -qE '	(reboot|kexec_load|kexec_file_load|init_module|finit_module|delete_module|swapon|swapoff)	' "$tmp/probe"; then
	nok "harness probe: a static-only syscall was probed live"
else
	ok "harness probe: reboot, kexec, modules and swap are never probed"
fi
grep -q '^probe	.*	clone3	blocked	errno 38' "$tmp/probe"
res $? "harness probe: clone3 gets ENOSYS" \
    "harness probe: clone3: $(grep clone3 "$tmp/probe")"
printf '%s\n' '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["unshare"],"action":"SCMP_ACT_KILL_PROCESS"}]}' >"$tmp/kill.json"
"$h" probe "$tmp/kill.json" >"$tmp/kill" 2>&1
grep -q '^probe	.*	unshare	blocked	killed by signal 31' "$tmp/kill"
res $? "harness probe: SCMP_ACT_KILL_PROCESS counts as blocked (SIGSYS)" \
    "harness probe: kill action: $(grep unshare "$tmp/kill")"
grep -q '^probe	.*	mount	allowed' "$tmp/kill"
res $? "harness probe: mount gets through an allow-default filter" \
    "harness probe: mount under allow-default: $(grep mount "$tmp/kill")"
"$h" compile "$fx/seccomp/bad/bogus-action-seccomp-code-execution.json" |
    grep -q 'error	syscalls\[0\]: bad action SCMP_ACT_BOGUS'
res $? "harness compile: bad action reported" \
    "harness compile: bad action not reported"
"$h" export "$good" "$tmp/good.bpf" && [ -s "$tmp/good.bpf" ]
res $? "harness export: BPF written ($(wc -c <"$tmp/good.bpf") bytes)" \
    "harness export failed"

# Scale: 100 profiles, 10 distinct contents, in one run.
mkdir -p "$tmp/scale"
i=0
while [ $i -lt 100 ]; do
	k=$((i % 10))
	if [ $k -lt 5 ]; then
		src=$fx/seccomp/good/seccomp-code-execution.json
		dst=$tmp/scale/p$i-seccomp-code-execution.json
	else
		src=$fx/seccomp/good/seccomp-browser-automation.json
		dst=$tmp/scale/p$i-seccomp-browser-automation.json
	fi
	{ cat "$src"; printf '%*s\n' "$k" ''; } >"$dst"
	i=$((i + 1))
done
start=$(date +%s%N)
# shellcheck disable=SC2046 # generated names without spaces
out=$("$checks/seccomp" $(find "$tmp/scale" -type f | LC_ALL=C sort) \
    2>"$tmp/scale.err")
ms=$(( ($(date +%s%N) - start) / 1000000 ))
pass=$(printf '%s\n' "$out" | grep -c '^ok ')
if [ "$pass" -eq 100 ] && [ "$ms" -lt 60000 ]; then
	ok "seccomp: 100 profiles (10 distinct) checked in ${ms} ms"
else
	nok "seccomp: 100 profiles: $pass passed in ${ms} ms (limit 60000)"
fi

sed 's/^/# /' "$tmp/scale.err"
echo "bundle-checks: $((n - bad)) passed, $bad failed"
[ $bad -eq 0 ]
