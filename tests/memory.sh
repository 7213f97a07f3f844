#!/bin/sh
# Memory and undefined-behaviour runs: the unit tests and the CLI, e2e
# and error suites under AddressSanitizer + UBSan (a separate build in
# build/asan), then a whole site build and the unit tests under valgrind.
# Plugin limits are scaled for the slower runs (SANDBOX_ATLAS_LIMIT_SCALE).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
san="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
bad=0 n=0
step() {	# step DESCRIPTION CMD...
	d=$1; shift; n=$((n + 1))
	if out=$("$@" 2>&1); then echo "ok $n - $d"
	else printf '%s\n' "$out" | tail -30 | sed 's/^/# /'; echo "not ok $n - $d"; bad=$((bad + 1)); fi
}
step "ASan+UBSan build" make -s B=build/asan CFLAGS="$san" LDFLAGS="-fsanitize=address,undefined" \
    build/asan/sandbox-atlas build/asan/libatlas.a
units=$(ls tests/unit/test_*.c | sed 's|tests/unit/\(.*\)\.c|build/asan/tests/\1|')
step "ASan+UBSan unit test binaries" make -s B=build/asan CFLAGS="$san" LDFLAGS="-fsanitize=address,undefined" $units
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export SANDBOX_ATLAS_LIMIT_SCALE=4
step "unit tests under ASan+UBSan" tests/run-unit.sh $units
# From here on the build runs without its sandbox (sbx.h): LeakSanitizer
# needs ptrace and /proc/PID/task, and valgrind can neither run a
# process that installs a seccomp filter nor follow the Landlock calls.
export SANDBOX_ATLAS_NO_SANDBOX=1
step "CLI suite under ASan+UBSan" env ATLAS_BIN="$top/build/asan/sandbox-atlas" tests/cli/run.sh
step "e2e golden test under ASan+UBSan" env ATLAS_BIN="$top/build/asan/sandbox-atlas" tests/e2e/run.sh
step "error suite under ASan+UBSan" env ATLAS_BIN="$top/build/asan/sandbox-atlas" tests/errors/run.sh
unset ASAN_OPTIONS UBSAN_OPTIONS
export SANDBOX_ATLAS_LIMIT_SCALE=20
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
step "site build under valgrind" $vg build/sandbox-atlas build -C . -o "$tmp/site"
step "check under valgrind" $vg build/sandbox-atlas check -C .
for u in build/tests/test_*; do
	step "$(basename "$u") under valgrind" $vg "$u"
done
echo "memory: $((n - bad)) passed, $bad failed"
[ $bad -eq 0 ]
