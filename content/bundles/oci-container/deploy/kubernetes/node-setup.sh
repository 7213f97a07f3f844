#!/bin/sh
# node-setup.sh: prepares a Kubernetes node for the {{use_case}} sandbox
# pods of Sandbox Atlas bundle {{top}}.  Run as root on every sandbox node
# (or bake it into the node image), from the bundle's top folder:
#   sh deploy/node-setup.sh NODE_NAME
# It installs the seccomp profile where the kubelet looks for Localhost
# profiles, loads the AppArmor profile, and labels and taints the node so
# only sandbox pods (RuntimeClass runc-hardened) land on it.  Needs
# apparmor_parser; kubectl with rights to label and taint nodes for the
# last step (or do that step from your provisioning).
set -eu

node=${1:?usage: node-setup.sh NODE_NAME}
top=$(cd "$(dirname "$0")/.." && pwd)
seccomp_dir=${KUBELET_SECCOMP_DIR:-/var/lib/kubelet/seccomp}/sandbox-atlas

install -d -m 0755 "$seccomp_dir"
install -m 0644 "$top/security/{{profile_file}}" "$seccomp_dir/{{profile_file}}"

if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
	install -m 0644 "$top/security/apparmor-profile" /etc/apparmor.d/{{apparmor_name}}
	apparmor_parser -r -W /etc/apparmor.d/{{apparmor_name}}
else
	echo "node-setup.sh: AppArmor is not enabled on this node; pods asking for the" \
	    "{{apparmor_name}} profile will not start here" >&2
	exit 1
fi

kubectl label node "$node" sandbox-atlas.dev/oci-profiles=installed --overwrite
kubectl taint node "$node" sandbox-atlas.dev/sandbox=true:NoSchedule --overwrite
echo "node $node is ready for sandbox pods"
