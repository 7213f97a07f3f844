#!/bin/sh
# microvm-launch.sh: starts and stops one Firecracker microVM of the
# {{use_case}} sandboxes through the jailer (bundle {{top}}).
#
#   microvm-launch.sh start ID INDEX
#       prepare the jail (hard links of the read-only kernel and rootfs, a
#       fresh {{scratch_mib}} MiB scratch drive, vm_config.json), the network
#       namespace and the deadline, then run the jailer with jailer.args,
#       replacing the example values of --id, --uid, --gid, --netns and
#       --chroot-base-dir with this microVM's;
#   microvm-launch.sh stop ID
#       kill every process of the microVM (its cgroup, made by the jailer),
#       then remove its network namespace, veth, jail and cgroup.
#
# ID:    a-z, 0-9 and "-", at most 48 characters, unique on the host (the
#        controller makes a random one per sandbox).
# INDEX: 1..16383, unique among the host's running microVMs.  It picks the
#        microVM's own unprivileged uid and gid ({{uid_base}} + INDEX: one per
#        microVM, as Firecracker's production host setup asks), the host end
#        "fcv<INDEX>" of its veth pair and the /30 of that link in
#        10.200.0.0/16.
# Files: CONF_DIR holds this bundle's vm_config.json and jailer.args;
# IMAGE_DIR holds vmlinux (guest kernel) and rootfs.ext4 (the guest image:
# your workload, the guest agent and the seccomp profile of the bundle).
# CREDENTIALS_FILE (optional, start only): a JSON document of short-lived
# credentials put into the microVM's MMDS (version 2, session tokens) and
# deleted right after; used only when vm_config.json configures MMDS.
# Run as root: the jailer starts as root and drops to the uid before it
# executes Firecracker.  Firecracker's own seccomp filters stay at their
# built-in default (no --seccomp-filter, no --no-seccomp).
set -eu

CONF_DIR=${CONF_DIR:-/etc/sandbox-atlas/microvm}
IMAGE_DIR=${IMAGE_DIR:-/var/lib/sandbox-atlas/images}
CHROOT_BASE=${CHROOT_BASE:-/srv/jailer}
CGROUP_ROOT=${CGROUP_ROOT:-/sys/fs/cgroup}
JAILER=${JAILER:-/usr/local/bin/jailer}
PARENT_CGROUP=sandbox-microvms
UID_BASE={{uid_base}}
MAX_AGE_S={{max_age}}
SCRATCH_MIB={{scratch_mib}}
WITH_NIC={{with_nic}}
WITH_MMDS={{with_mmds}}

die() {
	echo "microvm-launch: $*" >&2
	exit 1
}

check_id() {
	case $1 in
	'' | *[!a-z0-9-]*) die "bad id '$1': use a-z, 0-9 and -" ;;
	esac
	[ "${#1}" -le 48 ] || die "id '$1' is longer than 48 characters"
}

# The guest's link: tap0 (172.16.0.1/30, the guest is 172.16.0.2) inside
# the namespace, masqueraded out through veth0 to the host end fcv<INDEX>.
# The host's nftables ruleset (network/nftables-microvm.nft) filters what
# leaves fcv<INDEX>; inside the namespace only the guest's own outbound
# traffic and its replies are forwarded.
setup_network() {
	id=$1 index=$2 uid=$3
	n=$((index * 4))
	host_ip=10.200.$((n / 256)).$((n % 256 + 1))
	ns_ip=10.200.$((n / 256)).$((n % 256 + 2))
	ip link add "fcv$index" type veth peer name veth0 netns "$id"
	ip addr add "$host_ip/30" dev "fcv$index"
	ip link set "fcv$index" up
	ip -n "$id" addr add "$ns_ip/30" dev veth0
	ip -n "$id" link set veth0 up
	ip -n "$id" route add default via "$host_ip"
	ip -n "$id" tuntap add dev tap0 mode tap user "$uid" group "$uid"
	ip -n "$id" addr add 172.16.0.1/30 dev tap0
	ip -n "$id" link set tap0 up
	ip netns exec "$id" sysctl -q -w net.ipv4.ip_forward=1
	ip netns exec "$id" nft -f - <<'NFT'
table ip microvm {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "tap0" oifname "veth0" accept
	}
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "veth0" masquerade
	}
}
NFT
}

start() {
	id=$1 index=$2
	check_id "$id"
	case $index in
	'' | *[!0-9]*) die "bad index '$index'" ;;
	esac
	{ [ "$index" -ge 1 ] && [ "$index" -le 16383 ]; } ||
	    die "index $index is not in 1..16383"
	dir=$CHROOT_BASE/firecracker/$id
	[ ! -e "$dir" ] || die "$dir exists: ids must be unique"
	uid=$((UID_BASE + index))
	jail=$dir/root
	mkdir -p "$jail"
	chmod 0755 "$dir" "$jail"
	echo "$index" >"$dir/index"
	echo $(($(date +%s) + MAX_AGE_S)) >"$dir/deadline"

	for f in vmlinux rootfs.ext4; do
		ln "$IMAGE_DIR/$f" "$jail/$f" 2>/dev/null ||
		    cp "$IMAGE_DIR/$f" "$jail/$f"
	done
	truncate -s "${SCRATCH_MIB}M" "$jail/scratch.ext4"
	mkfs.ext4 -q -F -m 0 "$jail/scratch.ext4"
	chown "$uid:$uid" "$jail/scratch.ext4"
	chmod 0600 "$jail/scratch.ext4"
	install -m 0444 "$CONF_DIR/vm_config.json" "$jail/vm_config.json"
	install -m 0600 -o "$uid" -g "$uid" /dev/null "$jail/firecracker.log"

	ip netns add "$id"
	ip -n "$id" link set lo up
	if [ "$WITH_NIC" = yes ]; then
		setup_network "$id" "$index" "$uid"
	fi

	# jailer.args, one argument per line, with this microVM's values.
	set --
	prev=
	while IFS= read -r arg; do
		case $prev in
		--id) arg=$id ;;
		--uid | --gid) arg=$uid ;;
		--netns) arg=/var/run/netns/$id ;;
		--chroot-base-dir) arg=$CHROOT_BASE ;;
		esac
		set -- "$@" "$arg"
		prev=$arg
	done <"$CONF_DIR/jailer.args"
	"$JAILER" "$@"

	if [ "$WITH_MMDS" = yes ] && [ -n "${CREDENTIALS_FILE:-}" ]; then
		sock=$jail/run/firecracker.socket
		i=0
		while [ ! -S "$sock" ] && [ "$i" -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		curl -fsS --max-time 5 --unix-socket "$sock" -X PUT \
		    -H 'Content-Type: application/json' \
		    --data-binary "@$CREDENTIALS_FILE" http://localhost/mmds
		rm -f "$CREDENTIALS_FILE"
	fi
	echo "microvm-launch: started $id (uid $uid, deadline $(cat "$dir/deadline"))"
}

stop() {
	id=$1
	check_id "$id"
	dir=$CHROOT_BASE/firecracker/$id
	cg=$CGROUP_ROOT/$PARENT_CGROUP/$id
	if [ -d "$cg" ]; then
		if [ -e "$cg/cgroup.kill" ]; then
			echo 1 >"$cg/cgroup.kill"
		else
			xargs -r kill -KILL <"$cg/cgroup.procs"
		fi
		i=0
		while grep -q '^populated 1' "$cg/cgroup.events" 2>/dev/null &&
		    [ "$i" -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		rmdir "$cg" || echo "microvm-launch: cgroup $cg not removed" >&2
	fi
	if [ -r "$dir/index" ]; then
		ip link del "fcv$(cat "$dir/index")" 2>/dev/null || true
	fi
	ip netns del "$id" 2>/dev/null || true
	rm -rf "$dir"
	echo "microvm-launch: stopped $id"
}

case ${1:-} in
start)
	[ $# -eq 3 ] || die "usage: $0 start ID INDEX"
	start "$2" "$3"
	;;
stop)
	[ $# -eq 2 ] || die "usage: $0 stop ID"
	stop "$2"
	;;
*)
	die "usage: $0 start ID INDEX | stop ID"
	;;
esac
