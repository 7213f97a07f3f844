#!/bin/sh
# run-sandbox.sh: runs one tool call in a fresh {{use_case}} sandbox with
# runc or crun and removes the sandbox on every path (Sandbox Atlas).
#
#   run-sandbox.sh ID -- COMMAND [ARG...]     stdin, stdout, stderr pass through
#
# ID names the sandbox (letters, digits, '-', '_', '.'); COMMAND replaces
# process.args of config.json (next to this script).  The sandbox gets
# its own cgroup /sandbox-atlas/ID (memory, pids, CPU as config.json
# says), which watchdog.sh reaps should this script itself be killed.
# The deadline: SIGTERM after {{command_s}} s, SIGKILL {{kill_after_s}} s
# later; a killed call exits 124.  Then the container is killed, deleted
# and its state removed, whatever happened.
#
# Environment (defaults in brackets):
#   SANDBOX_RUNTIME   crun or runc [crun]
#   SANDBOX_ROOTFS    the image's root filesystem, read-only [/var/lib/sandbox-atlas/rootfs]
#   SANDBOX_STATE     per-sandbox bundle folders [/run/sandbox-atlas]
#   SANDBOX_DEADLINE  seconds before SIGTERM [{{command_s}}]
#   SANDBOX_KILL_AFTER  seconds from SIGTERM to SIGKILL [{{kill_after_s}}]
# Needs: jq, timeout (coreutils), and the runtime, as root.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
runtime=${SANDBOX_RUNTIME:-crun}
rootfs=${SANDBOX_ROOTFS:-/var/lib/sandbox-atlas/rootfs}
state=${SANDBOX_STATE:-/run/sandbox-atlas}
deadline=${SANDBOX_DEADLINE:-{{command_s}}}
kill_after=${SANDBOX_KILL_AFTER:-{{kill_after_s}}}

usage() {
	echo "usage: run-sandbox.sh ID -- COMMAND [ARG...]" >&2
	exit 2
}

[ $# -ge 3 ] || usage
id=$1
[ "$2" = "--" ] || usage
shift 2
case $id in
'' | *[!A-Za-z0-9_.-]* | .*) echo "run-sandbox.sh: bad sandbox id '$id'" >&2; exit 2 ;;
esac
case $runtime in
crun | runc) ;;
*) echo "run-sandbox.sh: SANDBOX_RUNTIME must be crun or runc" >&2; exit 2 ;;
esac
case $deadline$kill_after in
*[!0-9]*) echo "run-sandbox.sh: deadline and kill-after are whole seconds" >&2; exit 2 ;;
esac

dir=$state/$id
# Cleanup on every path.  The runtime may have been killed while it was
# still creating the sandbox, before it recorded it: then only the
# sandbox's cgroup finds its processes (cgroup v2, or v1's pids
# hierarchy).
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	"$runtime" kill "$id" KILL >/dev/null 2>&1 || true
	for cg in /sys/fs/cgroup/sandbox-atlas/"$id" /sys/fs/cgroup/pids/sandbox-atlas/"$id"; do
		[ -d "$cg" ] || continue
		if [ -f "$cg/cgroup.kill" ]; then
			echo 1 >"$cg/cgroup.kill" 2>/dev/null || true
		else
			xargs -r kill -KILL <"$cg/cgroup.procs" 2>/dev/null || true
		fi
	done
	"$runtime" delete --force "$id" >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$state"
mkdir -m 0700 "$dir"

# The runtime refuses an AppArmor profile the kernel cannot load: on a
# host without AppArmor the profile is dropped, loudly.
apparmor=keep
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
	apparmor=drop
	echo "run-sandbox.sh: AppArmor is not enabled on this host; running without the $(jq -r '.process.apparmorProfile' "$here/config.json") profile" >&2
fi

jq --arg id "$id" --arg rootfs "$rootfs" --arg apparmor "$apparmor" \
    --argjson args "$(jq -n '$ARGS.positional' --args -- "$@")" '
	.process.args = $args
	| .root.path = $rootfs
	| .linux.cgroupsPath = "/sandbox-atlas/" + $id
	| .annotations["org.sandbox-atlas.id"] = $id
	| if $apparmor == "drop" then del(.process.apparmorProfile) else . end
' "$here/config.json" >"$dir/config.json"

set +e
timeout --signal=TERM --kill-after="$kill_after" "$deadline" \
    "$runtime" run --bundle "$dir" "$id"
rc=$?
set -e
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "run-sandbox.sh: sandbox $id passed its ${deadline}s deadline and was killed" >&2
	rc=124
fi
exit $rc
