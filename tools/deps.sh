#!/bin/sh
# Installs the Debian packages the build and the tests need, when they are
# missing.  As root it runs apt-get; otherwise it prints the exact command
# and fails, so `make` stops with the fix in plain sight.
# Usage: tools/deps.sh build|test
set -eu
build="pkg-config gcc make libcmark-gfm-dev libcmark-gfm-extensions-dev
libyaml-dev liblua5.4-dev libsqlite3-dev libarchive-dev libseccomp-dev
nodejs npm"
test="$build valgrind clang libclang-rt-14-dev libarchive-tools sqlite3
python3 python3-yaml python3-jsonschema unzip chromium yamllint
libjansson-dev seccomp bubblewrap apparmor nftables shellcheck runsc
golang-github-opencontainers-specs-dev
python3-pytest python3-mypy pyflakes3 python3-kubernetes
prometheus-alertmanager
crun runc jq python3-protobuf
prometheus curl systemd"
case "${1:-build}" in
build) want=$build ;;
test) want=$test ;;
*) echo "usage: tools/deps.sh build|test" >&2; exit 2 ;;
esac
missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
# npm ships with Debian's nodejs on some images (NodeSource); accept either.
case "$missing" in
*" npm"*) command -v npm >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ npm//') ;;
esac
case "$missing" in
*" nodejs"*) command -v node >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ nodejs//') ;;
esac
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages:$missing" >&2
	echo "run as root:  apt-get update && $cmd" >&2
	exit 1
fi
echo "installing:$missing" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive $cmd >/dev/null
