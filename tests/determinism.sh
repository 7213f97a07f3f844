#!/bin/sh
# Two builds of the repository, at different times, under different
# umasks and time zones, must give identical bytes.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${ATLAS_BIN:-$top/build/sandbox-atlas}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
(umask 022; TZ=UTC "$bin" build -C "$top" -o "$tmp/a" 2>/dev/null)
sleep 1
(umask 077; TZ=Asia/Tokyo LC_ALL=C.UTF-8 "$bin" build -C "$top" -o "$tmp/b" 2>/dev/null)
if diff -r "$tmp/a" "$tmp/b" >/dev/null && \
   [ "$(cd "$tmp/a" && find . -printf '%m %p\n' | sort)" = "$(cd "$tmp/b" && find . -printf '%m %p\n' | sort)" ]; then
	echo "ok 1 - two builds are byte-identical ($(find "$tmp/a" -type f | wc -l) files, same modes)"
else
	diff -r "$tmp/a" "$tmp/b" | head
	echo "not ok 1 - two builds differ"
	exit 1
fi
