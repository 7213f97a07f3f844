#!/bin/sh
# run-node.sh SCRIPT [ARGS...] -- FILE...: runs one Node check script over
# all files and guarantees one result line per file: when the script
# crashes before reporting a file (node or tests/node_modules missing),
# that file gets "not ok FILE: check could not run: ...", never "ok".
# Sourced by the check wrappers: run_node SCRIPT MODE FILE...
run_node() {
	script=$1 mode=$2; shift 2
	err=$(mktemp) || exit 2
	out=$(node "$script" ${mode:+"$mode"} "$@" 2>"$err"); rc=$?
	why=$(grep -v '^\s*$' "$err" | grep -v 'ExperimentalWarning' | head -1 | cut -c1-200)
	rm -f "$err"
	[ -n "$out" ] && printf '%s\n' "$out"
	missing=0
	for f in "$@"; do
		printf '%s\n' "$out" | grep -qxF "ok $f" && continue
		printf '%s\n' "$out" | grep -qF "not ok $f: " && continue
		echo "not ok $f: check could not run (exit $rc): ${why:-no output}"
		missing=1
	done
	[ $rc -eq 0 ] && [ $missing -eq 0 ]
}
