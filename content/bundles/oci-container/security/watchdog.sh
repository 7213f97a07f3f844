#!/bin/sh
# watchdog.sh: kills sandboxes that outlived their deadline (Sandbox
# Atlas).  run-sandbox.sh kills its own sandbox at the
# deadline; this catches what it cannot: a runner killed with SIGKILL, a
# crashed agent, a stuck runtime.  Run it every minute
# (deploy/sandbox-watchdog.timer).
#
# Every sandbox has the cgroup /sandbox-atlas/ID (config.json's
# cgroupsPath, set by run-sandbox.sh).  A cgroup older than MAX_AGE
# seconds is killed as a whole:
#   cgroup v2 (Linux 5.14+): "1" into cgroup.kill, which SIGKILLs every
#     process in it at once, forks racing with the kill included;
#   otherwise: freeze the cgroup (cgroup.freeze, or freezer.state on v1),
#     SIGKILL every pid in cgroup.procs, thaw so the kills land.
# Then the runtime's record of the container is deleted.
#
# Environment (defaults in brackets):
#   MAX_AGE      seconds [{{max_age_s}}: the {{command_s}} s deadline, the {{kill_after_s}} s grace and a minute]
#   CGROUP_ROOT  the cgroup v2 mount [/sys/fs/cgroup]; on a cgroup v1 host
#                use the freezer hierarchy, /sys/fs/cgroup/freezer
#   SANDBOX_RUNTIME  crun or runc, for the delete [crun]
#   DRY_RUN=1    only print what would be killed
# Prints one line per killed sandbox; exits 1 if a kill failed.
set -eu

max_age=${MAX_AGE:-{{max_age_s}}}
root=${CGROUP_ROOT:-/sys/fs/cgroup}
runtime=${SANDBOX_RUNTIME:-crun}
dry=${DRY_RUN:-0}
now=$(date +%s)
rc=0

case $max_age in
'' | *[!0-9]*) echo "watchdog.sh: MAX_AGE must be whole seconds" >&2; exit 2 ;;
esac

kill_cgroup() {
	cg=$1
	if [ -f "$cg/cgroup.kill" ]; then
		echo 1 >"$cg/cgroup.kill"
		return
	fi
	frozen=
	if [ -f "$cg/cgroup.freeze" ]; then
		echo 1 >"$cg/cgroup.freeze" && frozen=v2
	elif [ -f "$cg/freezer.state" ]; then
		echo FROZEN >"$cg/freezer.state" && frozen=v1
	fi
	while read -r pid; do
		kill -KILL "$pid" 2>/dev/null || true
	done <"$cg/cgroup.procs"
	case $frozen in
	v2) echo 0 >"$cg/cgroup.freeze" ;;
	v1) echo THAWED >"$cg/freezer.state" ;;
	esac
}

for cg in "$root"/sandbox-atlas/*/; do
	[ -d "$cg" ] || continue
	cg=${cg%/}
	id=${cg##*/}
	born=$(stat -c %Y "$cg")
	age=$((now - born))
	[ "$age" -gt "$max_age" ] || continue
	if [ "$dry" = 1 ]; then
		echo "would kill sandbox $id (age ${age}s > ${max_age}s)"
		continue
	fi
	if kill_cgroup "$cg"; then
		"$runtime" delete --force "$id" >/dev/null 2>&1 || true
		rmdir "$cg" 2>/dev/null || true
		echo "killed sandbox $id (age ${age}s > ${max_age}s)"
	else
		echo "watchdog.sh: could not kill sandbox $id in $cg" >&2
		rc=1
	fi
done
exit $rc
