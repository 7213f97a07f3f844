#!/bin/sh
# Runs each unit-test executable, prints its TAP, and sums the results.
# Exit 1 when any test program fails or crashes.
pass=0 fail=0 bad=
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out" | sed "s|^|$(basename "$t"): |"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	pass=$((pass + p)); fail=$((fail + f))
	if [ $rc -ne 0 ] && [ $f -eq 0 ]; then fail=$((fail + 1)); fi
	[ $rc -ne 0 ] && bad="$bad $(basename "$t")"
done
echo "unit: $pass passed, $fail failed"
[ -z "$bad" ] || { echo "failing:$bad"; exit 1; }
