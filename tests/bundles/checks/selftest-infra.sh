#!/bin/sh
# Self-test of the infrastructure checks in tests/bundles/checks/:
# kubernetes, cilium, terraform, yaml, falco, firecracker-config and
# audit-policy.  Each check runs once over its fixtures
# (fixtures/CHECK/{good,bad}/...) and must print, for every file listed
# in fixtures/CHECK/expect.tsv (PATH<TAB>ok | PATH<TAB>expected text),
# "ok PATH" for a good file and "not ok PATH: ..." containing the
# expected text for a bad one; the exit status must say whether any file
# failed.  Then every check must refuse to pass a file it cannot verify:
# a missing file, a missing tool (PATH without node / yamllint) and, for
# the checks that read ../shared/testdata, a missing testdata folder.
# So a check that passes everything, or nothing, is caught.
# Usage: tests/bundles/checks/selftest-infra.sh   (needs `npm ci` in tests/)
# Prints "ok ..." / "not ok ..." per assertion and a summary line.
here=$(cd "$(dirname "$0")" && pwd)
fx=$here/fixtures
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok $pass - $1"; }
nok() { fail=$((fail + 1)); echo "not ok $((pass + fail)) - $1"; }
tab=$(printf '\t')

for check in kubernetes cilium terraform yaml falco firecracker-config audit-policy; do
	exp=$fx/$check/expect.tsv
	if [ ! -x "$here/$check" ] || [ ! -f "$exp" ]; then
		nok "$check: check or fixtures missing"
		continue
	fi
	files=$(cut -f1 "$exp" | sed "s|^|$fx/$check/|")
	t0=$(date +%s%N)
	# shellcheck disable=SC2086
	out=$("$here/$check" $files 2>&1); rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	nbad=0
	while IFS="$tab" read -r rel want; do
		f=$fx/$check/$rel
		line=$(printf '%s\n' "$out" | awk -v f="$f" '$0 == "ok " f || index($0, "not ok " f ": ") == 1 { print; exit }')
		if [ "$want" = ok ]; then
			if [ "$line" = "ok $f" ]; then ok "$check: $rel passes"
			else nok "$check: $rel should pass: ${line:-no result}"; fi
		else
			nbad=$((nbad + 1))
			case $line in
			"not ok $f: "*"$want"*) ok "$check: $rel fails ($want)" ;;
			*) nok "$check: $rel should fail with '$want': ${line:-no result}" ;;
			esac
		fi
	done <"$exp"
	n=$(printf '%s\n' "$out" | grep -cE '^(not )?ok ')
	[ "$n" -eq "$(grep -c . "$exp")" ] && ok "$check: one result line per file ($n)" || nok "$check: $n result lines for $(grep -c . "$exp") files"
	if [ "$nbad" -gt 0 ]; then
		[ $rc -ne 0 ] && ok "$check: exit status non-zero with failing files" || nok "$check: exit status 0 with failing files"
	fi
	echo "# $check: $(grep -c . "$exp") fixtures in $ms ms"
	# Good files alone: exit 0.
	good=$(awk -F'\t' '$2=="ok"{print $1}' "$exp" | grep '^good/' | sed "s|^|$fx/$check/|")
	# shellcheck disable=SC2086
	if [ -n "$good" ]; then
		"$here/$check" $good >/dev/null 2>&1 && ok "$check: exit 0 on good files" || nok "$check: non-zero exit on good files"
	fi
	# A missing file is never ok.
	out=$("$here/$check" "$fx/$check/does-not-exist.yaml" 2>&1)
	case $out in
	"not ok $fx/$check/does-not-exist.yaml: "*) ok "$check: a missing file fails" ;;
	*) nok "$check: a missing file: $out" ;;
	esac
done

# Missing tools: no node (or yamllint) on PATH -> "not ok", never "ok".
nodir=$(mktemp -d)
for s in sh mktemp grep head cut rm printf cat dirname awk; do
	p=$(command -v $s) && ln -s "$p" "$nodir/$s"
done
for check in kubernetes cilium terraform falco firecracker-config audit-policy yaml; do
	f=$(awk -F'\t' '$2=="ok"{print $1; exit}' "$fx/$check/expect.tsv")
	out=$(PATH=$nodir "$here/$check" "$fx/$check/$f" 2>&1); rc=$?
	case $out in
	"not ok $fx/$check/$f: "*) [ $rc -ne 0 ] && ok "$check: fails without its tool on PATH" || nok "$check: exit 0 without its tool" ;;
	*) nok "$check: without its tool on PATH: $out" ;;
	esac
done
rm -rf "$nodir"

# Missing ../shared/testdata: the checks that need it must not pass.
for spec in "falco good/sandbox-rules.yaml" "firecracker-config good/vm-config.json" "kubernetes good/sandbox-crds.yaml"; do
	set -- $spec
	out=$(ATLAS_TESTDATA=/nonexistent "$here/$1" "$fx/$1/$2" 2>&1)
	case $out in
	"not ok $fx/$1/$2: "*"not "*) ok "$1: fails when ../shared/testdata is absent" ;;
	*) nok "$1: with ATLAS_TESTDATA=/nonexistent: $out" ;;
	esac
done
# The jailer check needs no testdata.
out=$(ATLAS_TESTDATA=/nonexistent "$here/firecracker-config" "$fx/firecracker-config/good/jailer.args" 2>&1)
[ "$out" = "ok $fx/firecracker-config/good/jailer.args" ] && ok "firecracker-config: jailer.args needs no testdata" || nok "firecracker-config: jailer.args without testdata: $out"

echo "infra-checks selftest: $pass passed, $fail failed"
[ $fail -eq 0 ]
