#!/bin/sh
# node-setup.sh: prepares one Kubernetes node for the Kata {{use_case}}
# sandboxes (bundle {{top}}), after kata-deploy {{kata_version}} has installed
# Kata under /opt/kata (SETUP.md, step 2).  Run it as root on every node
# of the sandbox node pool (from your node image build, your
# configuration management, or a privileged DaemonSet in kube-system).
#
# It
#   - checks that the node can run Kata (KVM, cgroup v2);
#   - installs this bundle's configuration-qemu.toml over kata-deploy's
#     copy, keeping the original as configuration-qemu.toml.kata-deploy
#     (run it again after every kata-deploy upgrade: kata-deploy rewrites
#     the file);
#   - installs the seccomp profile as the kubelet's localhost profile
#     {{seccomp_localhost}}, for pods that name it (seccompProfile type
#     Localhost); with disable_guest_seccomp = false Kata applies the
#     pod's profile inside the guest.
# The configuration and profile texts are embedded below, so the script
# can be run on its own.
set -eu

KATA_CONF=/opt/kata/share/defaults/kata-containers/configuration-qemu.toml
SECCOMP_DIR=/var/lib/kubelet/seccomp/{{seccomp_dir}}

[ "$(id -u)" -eq 0 ] || { echo "node-setup: run as root" >&2; exit 1; }
[ -c /dev/kvm ] || { echo "node-setup: /dev/kvm is missing: Kata needs bare metal or nested virtualization" >&2; exit 1; }
[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] ||
    { echo "node-setup: cgroup v2 is required (sandbox_cgroup_only)" >&2; exit 1; }
[ -f "$KATA_CONF" ] || { echo "node-setup: $KATA_CONF missing: install kata-deploy first" >&2; exit 1; }

if [ ! -f "$KATA_CONF.kata-deploy" ]; then
	cp -p "$KATA_CONF" "$KATA_CONF.kata-deploy"
fi
tmp=$(mktemp "$KATA_CONF.XXXXXX")
cat >"$tmp" <<'KATA_TOML'
{{kata_toml}}KATA_TOML
chmod 0644 "$tmp"
mv "$tmp" "$KATA_CONF"

install -d -m 0755 "$SECCOMP_DIR"
tmp=$(mktemp "$SECCOMP_DIR/.profile.XXXXXX")
cat >"$tmp" <<'SECCOMP_JSON'
{{seccomp_json}}SECCOMP_JSON
chmod 0644 "$tmp"
mv "$tmp" "$SECCOMP_DIR/{{seccomp_file}}"
echo "node-setup: Kata configuration and seccomp profile installed"
