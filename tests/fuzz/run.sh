#!/bin/sh
# Builds the libFuzzer targets (clang, ASan + UBSan) into build/fuzz/
# and runs each for SECONDS (default 10) on a working copy of its seed
# corpus in tests/fuzz/corpus/<target>/.  Prints one TAP line per target:
#   ok - fuzz_X (N execs)
#   not ok - fuzz_X: <reason> [crash file build/fuzz/artifacts/...]
# A crash input is kept under build/fuzz/artifacts/; reproduce it with
#   build/fuzz/fuzz_X build/fuzz/artifacts/<file>
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
secs=${1:-10}
[ $# -gt 0 ] && shift
targets=${*:-fuzz_fm fuzz_md fuzz_tpl fuzz_path}
out=build/fuzz
CC=${FUZZ_CC:-clang}
cflags="-std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer
-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isite"
mkdir -p "$out/artifacts"
fail=0

srcs() {	# the site/*.c each target links, and its pkg-config packages
	case $1 in
	fuzz_fm) echo "site/fm.c site/val.c site/buf.c site/diag.c|yaml-0.1" ;;
	fuzz_md) echo "site/md.c site/buf.c site/diag.c|libcmark-gfm" ;;
	fuzz_tpl) echo "site/tpl.c site/val.c site/buf.c site/diag.c|" ;;
	fuzz_path) echo "site/arc.c site/sch.c site/val.c site/buf.c site/diag.c|libarchive" ;;
	esac
}

for t in $targets; do
	s=$(srcs "$t")
	files=${s%|*} pkgs=${s#*|}
	if [ -z "$s" ]; then
		echo "not ok - $t: unknown target"; fail=1; continue
	fi
	if ! command -v "$CC" >/dev/null 2>&1; then
		echo "not ok - $t: $CC not found (tools/deps.sh test installs clang)"
		fail=1; continue
	fi
	libs=
	[ -n "$pkgs" ] && libs=$(pkg-config --libs $pkgs)
	[ "$t" = fuzz_md ] && libs="$libs -lcmark-gfm-extensions"
	# shellcheck disable=SC2086
	if ! log=$($CC $cflags $([ -n "$pkgs" ] && pkg-config --cflags $pkgs) \
	    -o "$out/$t" "tests/fuzz/$t.c" $files $libs 2>&1); then
		printf '%s\n' "$log" | sed 's/^/# /' | tail -20
		echo "not ok - $t: build failed (clang and libclang-rt-14-dev?)"
		fail=1; continue
	fi
	work="$out/corpus/$t"
	mkdir -p "$work"
	rm -f "$out/$t.log"
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$out/$t" -max_total_time="$secs" -max_len=65536 -timeout=5 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$out/artifacts/$t-" \
	    "$work" "tests/fuzz/corpus/$t" >"$out/$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -1)
	crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$out/$t.log" | tail -1)
	if [ $rc -eq 0 ] && [ -z "$crash" ]; then
		echo "ok - $t (${execs:-?} execs)"
	else
		grep -E 'ERROR|SUMMARY|runtime error|==[0-9]+==' "$out/$t.log" |
		    head -8 | sed 's/^/# /'
		echo "not ok - $t: exit $rc after ${execs:-?} execs; crash file ${crash:-none} (log $out/$t.log)"
		fail=1
	fi
done
exit $fail
