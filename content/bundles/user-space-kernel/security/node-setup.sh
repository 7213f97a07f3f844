#!/bin/sh
# node-setup.sh: turns a Linux node with containerd into a gVisor node for
# the {{use_case}} sandboxes.  Installs a pinned runsc release (checksums
# verified), the shim configuration (runsc.toml: systrap, --oci-seccomp,
# directfs off), the containerd runtime handler "runsc", and the OCI
# seccomp profile the pods reference as Localhost
# "{{seccomp_localhost}}"; then restarts containerd.
# Run as root on every sandbox node: EC2 user data on EKS (deploy/main.tf
# passes it), or by hand / configuration management on bare metal.  Not
# for GKE Sandbox nodes, where Google installs and configures runsc.
# Idempotent: running it twice changes nothing the second time.
set -eu

GVISOR_RELEASE=${GVISOR_RELEASE:-{{gvisor_release}}}
PREFIX=/usr/local/bin
PROFILE_DIR=/var/lib/kubelet/seccomp/{{seccomp_dir}}

[ "$(id -u)" -eq 0 ] || { echo "node-setup.sh: run as root" >&2; exit 1; }
case $(uname -m) in
x86_64) ARCH=x86_64 ;;
aarch64)
	# The bundled seccomp profile lists only SCMP_ARCH_X86_64.
	echo "node-setup.sh: the seccomp profile is for x86_64 nodes" >&2
	exit 1 ;;
*) echo "node-setup.sh: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# 1. runsc and the containerd shim, verified against the release's
#    published SHA-512 sums.
url=https://storage.googleapis.com/gvisor/releases/release/$GVISOR_RELEASE/$ARCH
for f in runsc containerd-shim-runsc-v1; do
	curl -fsSL --retry 3 -o "$tmp/$f" "$url/$f"
	curl -fsSL --retry 3 -o "$tmp/$f.sha512" "$url/$f.sha512"
done
(cd "$tmp" && sha512sum -c runsc.sha512 containerd-shim-runsc-v1.sha512)
install -m 0755 "$tmp/runsc" "$tmp/containerd-shim-runsc-v1" "$PREFIX/"

# 2. Shim configuration, runtime handler and seccomp profile.
install -d -m 0755 /etc/containerd /etc/containerd/config.d /var/log/runsc "$PROFILE_DIR"
cat >"$tmp/runsc.toml" <<'RUNSC_TOML'
{{runsc_toml}}RUNSC_TOML
cat >"$tmp/containerd-runsc.toml" <<'CONTAINERD_TOML'
{{containerd_toml}}CONTAINERD_TOML
cat >"$tmp/seccomp.json" <<'SECCOMP_JSON'
{{seccomp_json}}SECCOMP_JSON
install -m 0644 "$tmp/runsc.toml" /etc/containerd/runsc.toml
install -m 0644 "$tmp/containerd-runsc.toml" /etc/containerd/config.d/runsc.toml
install -m 0644 "$tmp/seccomp.json" "$PROFILE_DIR/{{seccomp_file}}"

# 3. Make containerd read /etc/containerd/config.d/*.toml.  Amazon Linux
#    2023 EKS nodes already do; a stock config gets the imports line
#    prepended (top-level keys must precede every table).
cfg=/etc/containerd/config.toml
if [ ! -f "$cfg" ]; then
	printf 'version = 2\nimports = ["/etc/containerd/config.d/*.toml"]\n' >"$cfg"
elif grep -q '^imports' "$cfg" && ! grep -q '/etc/containerd/config.d/' "$cfg"; then
	echo "node-setup.sh: add \"/etc/containerd/config.d/*.toml\" to the imports of $cfg" >&2
	exit 1
elif ! grep -q '/etc/containerd/config.d/' "$cfg"; then
	{ printf 'imports = ["/etc/containerd/config.d/*.toml"]\n'; cat "$cfg"; } >"$tmp/config.toml"
	install -m 0644 "$tmp/config.toml" "$cfg"
fi

# 4. Restart containerd if it is running; on first boot it starts later.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet containerd; then
	systemctl restart containerd
fi
"$PREFIX/runsc" --version
