#!/bin/sh
# host-setup.sh: prepares a Linux host (x86_64, KVM, cgroup v2) for the
# Firecracker microVMs of the {{use_case}} sandboxes (bundle {{top}}).
#
#   host-setup.sh install   once per host, from the unpacked bundle folder:
#                           packages, Firecracker {{firecracker_version}} and its
#                           jailer, this bundle's files, systemd units, then
#                           everything "boot" does
#   host-setup.sh boot      at every boot (microvm-host.service): the host
#                           hardening of Firecracker's production host setup
#                           that does not survive a reboot, the parent cgroup
#                           and the nftables ruleset
#
# Firecracker's production host setup
# (https://github.com/firecracker-microvm/firecracker/blob/main/docs/prod-host-setup.md)
# asks for: the jailer (one unprivileged uid per microVM), no SMT where
# tenants must be separated, no KSM, no swap (or secure swap), guest
# traffic to 169.254.169.254 dropped, and cgroup v2.
# Environment: BUNDLE_DIR (default: this script's bundle folder),
# IMAGES_URI (optional, install only: an s3:// or https:// folder holding
# vmlinux and rootfs.ext4, fetched into /var/lib/sandbox-atlas/images),
# KEEP_SMT=1 to leave SMT on (only if every microVM on the host belongs to
# one tenant).
set -eu

FC_VERSION={{firecracker_version}}
CONF_DIR=/etc/sandbox-atlas/microvm
LIB_DIR=/usr/local/lib/sandbox-atlas
IMAGE_DIR=/var/lib/sandbox-atlas/images
PARENT_CGROUP=sandbox-microvms

die() {
	echo "host-setup: $*" >&2
	exit 1
}

boot() {
	[ "$(id -u)" -eq 0 ] || die "run as root"
	[ -c /dev/kvm ] || die "/dev/kvm is missing: use a metal instance or a host with KVM"
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] ||
	    die "/sys/fs/cgroup is not cgroup v2 (boot with systemd.unified_cgroup_hierarchy=1)"
	# No page merging between microVMs (side channel), no swap.
	if [ -w /sys/kernel/mm/ksm/run ]; then
		echo 2 >/sys/kernel/mm/ksm/run
	fi
	swapoff -a
	# SMT off: sibling hyperthreads share caches across tenants.
	if [ "${KEEP_SMT:-0}" != 1 ] && [ -w /sys/devices/system/cpu/smt/control ]; then
		case $(cat /sys/devices/system/cpu/smt/control) in
		on) echo off >/sys/devices/system/cpu/smt/control ;;
		esac
	fi
	if [ -r /sys/module/kvm_intel/parameters/ept ] &&
	    [ "$(cat /sys/module/kvm_intel/parameters/ept)" != Y ]; then
		echo "host-setup: warning: KVM runs without EPT (shadow paging, CVE-2022-1789 class)" >&2
	fi
	# The jailer makes one cgroup per microVM under this parent, with the
	# cpu, memory and pids limits of jailer.args.
	echo "+cpu +memory +pids" >/sys/fs/cgroup/cgroup.subtree_control
	mkdir -p "/sys/fs/cgroup/$PARENT_CGROUP"
	echo "+cpu +memory +pids" >"/sys/fs/cgroup/$PARENT_CGROUP/cgroup.subtree_control"
	sysctl -q -w net.ipv4.ip_forward=1
	nft -f "$CONF_DIR/nftables-microvm.nft"
}

install_packages() {
	if command -v apt-get >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    nftables iproute2 e2fsprogs curl tar coreutils
	elif command -v dnf >/dev/null 2>&1; then
		dnf install -y -q nftables iproute e2fsprogs tar coreutils
	else
		die "no apt-get or dnf: install nftables, iproute2, e2fsprogs, curl and tar"
	fi
}

install_firecracker() {
	arch=$(uname -m)
	[ "$arch" = x86_64 ] || die "this bundle's seccomp profile is for x86_64, not $arch"
	base=https://github.com/firecracker-microvm/firecracker/releases/download/v$FC_VERSION
	tgz=firecracker-v$FC_VERSION-$arch.tgz
	tmp=$(mktemp -d)
	curl -fsSL --retry 3 -o "$tmp/$tgz" "$base/$tgz"
	curl -fsSL --retry 3 -o "$tmp/$tgz.sha256.txt" "$base/$tgz.sha256.txt"
	(cd "$tmp" && sha256sum -c "$tgz.sha256.txt")
	tar -xzf "$tmp/$tgz" -C "$tmp"
	rel=$tmp/release-v$FC_VERSION-$arch
	install -m 0755 -o root -g root "$rel/firecracker-v$FC_VERSION-$arch" /usr/local/bin/firecracker
	install -m 0755 -o root -g root "$rel/jailer-v$FC_VERSION-$arch" /usr/local/bin/jailer
	rm -rf "$tmp"
}

install_bundle() {
	b=$BUNDLE_DIR
	install -d -m 0755 -o root -g root "$CONF_DIR" "$LIB_DIR" "$IMAGE_DIR" /srv/jailer
	install -m 0444 "$b/security/vm_config.json" "$b/security/jailer.args" \
	    "$b/network/nftables-microvm.nft" "$CONF_DIR/"
	install -m 0755 "$b/security/microvm-launch.sh" "$b/security/watchdog.sh" \
	    "$b/security/host-setup.sh" "$LIB_DIR/"
	install -m 0644 "$b/deploy/systemd/microvm-host.service" \
	    "$b/deploy/systemd/microvm-watchdog.service" \
	    "$b/deploy/systemd/microvm-watchdog.timer" /etc/systemd/system/
	printf 'net.ipv4.ip_forward = 1\n' >/etc/sysctl.d/60-sandbox-microvm.conf
	if [ -n "${IMAGES_URI:-}" ]; then
		for f in vmlinux rootfs.ext4; do
			case $IMAGES_URI in
			s3://*) aws s3 cp --only-show-errors "$IMAGES_URI/$f" "$IMAGE_DIR/$f" ;;
			https://*) curl -fsSL --retry 3 -o "$IMAGE_DIR/$f" "$IMAGES_URI/$f" ;;
			*) die "IMAGES_URI must be s3:// or https://" ;;
			esac
			chmod 0444 "$IMAGE_DIR/$f"
		done
	fi
}

case ${1:-} in
install)
	BUNDLE_DIR=${BUNDLE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
	[ "$(id -u)" -eq 0 ] || die "run as root"
	install_packages
	install_firecracker
	install_bundle
	boot
	systemctl daemon-reload
	systemctl enable --now microvm-host.service microvm-watchdog.timer
	;;
boot)
	boot
	;;
*)
	die "usage: $0 install | boot"
	;;
esac
