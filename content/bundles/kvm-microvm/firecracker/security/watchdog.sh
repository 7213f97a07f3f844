#!/bin/sh
# watchdog.sh: stops every Firecracker microVM of this host that is past
# its deadline (bundle {{top}}).  microvm-watchdog.timer runs it every
# {{watchdog_period}} s.
#
# microvm-launch.sh writes each microVM's deadline (start + {{max_age}} s,
# the longest a {{trust}} {{use_case}} sandbox may live) to
# CHROOT_BASE/firecracker/ID/deadline, outside the jail's root, where
# neither the guest nor the Firecracker process can change it.  A jail
# without a readable deadline (a launch that died half-way) is overdue
# once its folder is older than {{max_age}} s.  Stopping goes through
# "microvm-launch.sh stop ID": the microVM's whole cgroup is killed
# (cgroup.kill), then its namespace, veth, jail and cgroup are removed.
# To keep an overdue microVM for forensics instead, pause it and take a
# snapshot first (monitoring/playbook.md).
#
# Environment: CHROOT_BASE (default /srv/jailer), LAUNCH (the launch
# script), DRY_RUN=1 (report only).  Exit status: 0 when every overdue
# microVM was stopped, 1 when stopping any of them failed.
set -u

CHROOT_BASE=${CHROOT_BASE:-/srv/jailer}
LAUNCH=${LAUNCH:-/usr/local/lib/sandbox-atlas/microvm-launch.sh}
MAX_AGE_S={{max_age}}
DRY_RUN=${DRY_RUN:-0}

now=$(date +%s)
rc=0
for dir in "$CHROOT_BASE"/firecracker/*/; do
	[ -d "$dir" ] || continue
	dir=${dir%/}
	id=${dir##*/}
	deadline=
	if [ -r "$dir/deadline" ]; then
		deadline=$(head -c 32 "$dir/deadline")
	fi
	case $deadline in
	'' | *[!0-9]*)
		deadline=$(($(stat -c %Y "$dir") + MAX_AGE_S))
		;;
	esac
	[ "$now" -ge "$deadline" ] || continue
	echo "watchdog: microVM $id is $((now - deadline)) s past its deadline"
	[ "$DRY_RUN" = 1 ] && continue
	if ! "$LAUNCH" stop "$id"; then
		echo "watchdog: stopping microVM $id failed" >&2
		rc=1
	fi
done
exit "$rc"
