#!/bin/sh
# Shell workload run under a seccomp profile by the "seccomp" bundle
# check: a pipeline of common tools with a temporary file and a subshell.
# Prints "shell-ok 2001000" on success.
set -eu
t=$(mktemp)
trap 'rm -f "$t"' EXIT
seq 1 2000 | sort -rn | awk '{ s += $1 } END { print s }' >"$t"
sum=$(cat "$t")
n=$(printf 'a\nb\nc\n' | grep -c . | tr -d ' ')
h=$(printf '%s' "$sum" | sha256sum | cut -c1-8)
x=$(echo "one two three" | sed 's/two/2/' | xargs -n1 | wc -l | tr -d ' ')
[ "$n" = 3 ] && [ "$x" = 3 ] && [ -n "$h" ] && (cd /tmp && pwd >/dev/null)
echo "shell-ok $sum"
