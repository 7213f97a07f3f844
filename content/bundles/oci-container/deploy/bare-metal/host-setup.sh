#!/bin/sh
# host-setup.sh: prepares a Debian 12 host (bare metal, a VM, or an EC2
# instance at boot: deploy/main.tf passes it as user data) to run the
# {{use_case}} sandboxes of Sandbox Atlas bundle {{top}}.  As root:
#   sh deploy/host-setup.sh            (from the unpacked bundle), or
#   BUNDLE_S3_URI=s3://bucket/bundle.tar.gz sh host-setup.sh
# It installs the runtimes and tools, unpacks the bundle to
# /opt/sandbox-atlas, builds the sandbox root filesystem, loads the
# AppArmor profile and the nftables ruleset, and starts the watchdog.
set -eu

bundle_uri=${BUNDLE_S3_URI:-@BUNDLE_S3_URI@}
dest=/opt/sandbox-atlas
rootfs=/var/lib/sandbox-atlas/rootfs

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends crun jq apparmor apparmor-utils \
    nftables debootstrap bubblewrap coreutils ca-certificates

# The bundle: from S3 when a URI was given, else the folder this script
# is in.
case $bundle_uri in
s3://*)
	apt-get install -y -q --no-install-recommends awscli
	tmp=$(mktemp -d)
	aws s3 cp "$bundle_uri" "$tmp/bundle.tar.gz"
	install -d -m 0755 "$dest"
	tar -xzf "$tmp/bundle.tar.gz" -C "$dest" --strip-components=1 --no-same-owner
	rm -rf "$tmp"
	;;
*)
	src=$(cd "$(dirname "$0")/.." && pwd)
	if [ "$src" != "$dest" ]; then
		install -d -m 0755 "$dest"
		cp -R "$src/." "$dest/"
	fi
	;;
esac
chown -R root:root "$dest"
chmod -R go-w "$dest"

# The sandbox's root filesystem: a minimal Debian with the use case's
# interpreters, read-only to every sandbox.
if [ ! -x "$rootfs/usr/bin/python3" ]; then
	install -d -m 0755 "$(dirname "$rootfs")"
	debootstrap --variant=minbase --include={{rootfs_packages}} bookworm "$rootfs"
	install -d -m 1777 "$rootfs/workspace" "$rootfs/tmp"
fi
install -d -m 0700 /run/sandbox-atlas /var/lib/sandbox-atlas/jobs

# AppArmor: config.json names the profile; the runtime refuses to start
# a sandbox whose profile is not loaded.
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
	install -m 0644 "$dest/security/apparmor-profile" /etc/apparmor.d/{{apparmor_name}}
	apparmor_parser -r -W /etc/apparmor.d/{{apparmor_name}}
else
	echo "host-setup.sh: AppArmor is not enabled; sandboxes run without it" >&2
fi

# Egress filter for sandbox veths.
install -d -m 0755 /etc/nftables.d
install -m 0644 "$dest/network/sandbox.nft" /etc/nftables.d/sandbox.nft
grep -q 'include "/etc/nftables.d/sandbox.nft"' /etc/nftables.conf ||
	echo 'include "/etc/nftables.d/sandbox.nft"' >>/etc/nftables.conf
nft -c -f /etc/nftables.d/sandbox.nft
systemctl enable --now nftables.service
systemctl restart nftables.service

install -m 0644 "$dest/deploy/sandbox@.service" /etc/systemd/system/
install -m 0644 "$dest/deploy/sandbox-watchdog.service" /etc/systemd/system/
install -m 0644 "$dest/deploy/sandbox-watchdog.timer" /etc/systemd/system/
systemctl daemon-reload
systemctl enable --now sandbox-watchdog.timer

# Smoke test: one sandbox, end to end.
echo 'print("sandbox ok")' | SANDBOX_ROOTFS=$rootfs sh "$dest/security/run-sandbox.sh" setup-smoke -- /usr/bin/python3 -I -
