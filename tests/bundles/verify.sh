#!/bin/sh
# Verifies every bundle: the preset bundles of a built site and, for every
# distinct bundle listed in SITE/api/bundles.json, a bundle generated with
# `sandbox-atlas guide` for its example requirements.  For each bundle:
# checksums, archive layout (one top folder, sorted members, owner 0/0,
# tar.gz and zip alike), and every row of its VERIFIED.md run through the
# named check: tests/bundles/checks/CHECK FILE... prints "ok FILE" or
# "not ok FILE: why" per file, and runs once for all bundles' files.
# Writes build/test-results/bundles.tsv (bundle, file, check, result) and
# fails when any VERIFIED.md row lacks a passing result.
# Usage: tests/bundles/verify.sh SITE_DIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
site=$(cd "${1:?usage: verify.sh SITE_DIR}" && pwd)
bin=${ATLAS_BIN:-$top/build/sandbox-atlas}
work=$top/build/test-bundles
res=$top/build/test-results
rm -rf "$work"
mkdir -p "$work/t" "$work/z" "$res"
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; }

# archive_checks NAME TGZ ZIP TOPNAME: layout of one bundle's archives.
archive_checks() {
	b=$1 tgz=$2 zip=$3 want=$4
	mkdir -p "$work/t/$b" "$work/z/$b"
	tar -xzf "$tgz" -C "$work/t/$b" && unzip -q "$zip" -d "$work/z/$b" || { nok "$b: archives do not extract"; return; }
	[ "$(ls "$work/t/$b")" = "$want" ] || nok "$b: top folder is not $want/"
	tar -tvzf "$tgz" --numeric-owner | awk '{print $2}' | sort -u | grep -qv '^0/0$' && nok "$b: members not owned by 0/0"
	names=$(tar -tzf "$tgz")
	[ "$names" = "$(printf '%s\n' "$names" | LC_ALL=C sort)" ] || nok "$b: tar members are not sorted"
	diff -r "$work/t/$b" "$work/z/$b" >/dev/null || nok "$b: tar.gz and zip differ"
	(cd "$work/t/$b/$want" && sha256sum -c --quiet SHA256SUMS) || nok "$b: SHA256SUMS inside the bundle"
	echo "$b	$work/t/$b/$want" >>"$work/bundles"
}

: >"$work/bundles"
cd "$site/bundles" || exit 1
sha256sum -c --quiet SHA256SUMS && ok "bundles/SHA256SUMS matches every archive" || nok "bundles/SHA256SUMS"
[ "$(cut -c67- SHA256SUMS)" = "$(cut -c67- SHA256SUMS | LC_ALL=C sort)" ] && ok "bundles/SHA256SUMS is sorted" || nok "bundles/SHA256SUMS is not sorted"
for tgz in *.tar.gz; do
	b=${tgz%.tar.gz}
	archive_checks "$b" "$tgz" "$b.zip" "$b"
done
cd "$top"

# One guide per distinct bundle key.
/usr/bin/python3 -c '
import json, sys
for i, b in enumerate(json.load(open(sys.argv[1]))["bundles"]):
    print("key%03d %s %s" % (i, b["primary"], " ".join("--%s %s" % kv for kv in b["example"].items())))
' "$site/api/bundles.json" >"$work/keys"
nkeys=0
while read -r id primary args; do
	out=$work/g/$id
	if "$bin" guide -C "$top" $args -o "$out" 2>"$work/g-$id.err"; then
		want=$(tar -tzf "$out/bundle.tar.gz" | head -1 | cut -d/ -f1)
		archive_checks "$id-$primary" "$out/bundle.tar.gz" "$out/bundle.zip" "$want"
		nkeys=$((nkeys + 1))
	else
		nok "$id ($primary): guide failed: $(head -3 "$work/g-$id.err")"
	fi
done <"$work/keys"
ok "$nkeys distinct bundle keys from api/bundles.json generated"

# Rows of every VERIFIED.md: bundle, absolute file, check.
: >"$work/rows"
while IFS='	' read -r b dir; do
	v=$dir/VERIFIED.md
	[ -f "$v" ] || { nok "$b: no VERIFIED.md"; continue; }
	grep '^| `' "$v" | awk -F'|' -v b="$b" -v d="$dir" '{
		f=$2; gsub(/^ *`|` *$/, "", f); c=$4; gsub(/^ +| +$/, "", c);
		print b "\t" d "/" f "\t" c }' >>"$work/rows"
	for f in $(cd "$dir" && find . -type f | sed 's|^\./||' | LC_ALL=C sort); do
		grep -q "^$b	$dir/$f	" "$work/rows" || nok "$b: $f has no VERIFIED.md row"
	done
done <"$work/bundles"

# Run each check once over all its files.
: >"$work/results"
for c in $(cut -f3 "$work/rows" | sort -u); do
	case $c in
	verified-manifest) continue ;;
	sha256sum) cut -f2,3 "$work/rows" | awk -F'\t' '$2=="sha256sum"{print "ok " $1}' >>"$work/results"; continue ;;
	esac
	if [ ! -x "$top/tests/bundles/checks/$c" ]; then
		cut -f2,3 "$work/rows" | awk -F'\t' -v c="$c" '$2==c{print "not ok " $1 ": no check named " c}' >>"$work/results"
		continue
	fi
	cut -f2,3 "$work/rows" | awk -F'\t' -v c="$c" '$2==c{print $1}' | sort -u >"$work/files-$c"
	"$top/tests/bundles/checks/$c" $(cat "$work/files-$c") >>"$work/results" 2>"$work/check-$c.err" ||
	    echo "# check $c exited non-zero" >>"$work/results"
done

: >"$res/bundles.tsv"
while IFS='	' read -r b f c; do
	if [ "$c" = verified-manifest ]; then continue; fi
	if grep -qxF "ok $f" "$work/results"; then r=pass
	else r=fail; why=$(grep -F "not ok $f:" "$work/results" | head -1); fi
	printf '%s\t%s\t%s\t%s\n' "$b" "${f#$work/}" "$c" "$r" >>"$res/bundles.tsv"
	[ "$r" = pass ] || nok "$b: $(basename "$f"): $c: ${why:-no result}"
done <"$work/rows"
# VERIFIED.md is true when every other row of its bundle passed.
while IFS='	' read -r b dir; do
	if awk -F'\t' -v b="$b" '$1==b && $4!="pass"{f=1} END{exit f}' "$res/bundles.tsv"; then
		printf '%s\tVERIFIED.md\tverified-manifest\tpass\n' "$b" >>"$res/bundles.tsv"
	else
		printf '%s\tVERIFIED.md\tverified-manifest\tfail\n' "$b" >>"$res/bundles.tsv"
		nok "$b: VERIFIED.md has rows without a passing result"
	fi
done <"$work/bundles"
rows=$(wc -l <"$res/bundles.tsv")
pass=$(awk -F'\t' '$4=="pass"' "$res/bundles.tsv" | wc -l)
nb=$(wc -l <"$work/bundles")
[ "$pass" -eq "$rows" ] && ok "$nb bundles: all $rows VERIFIED.md rows have a passing result" || nok "$((rows - pass)) of $rows rows lack a passing result"
awk -F'\t' '{print $3}' "$res/bundles.tsv" | sort | uniq -c | sed 's/^/# /'
echo "bundles: $((n - bad)) passed, $bad failed"
[ $bad -eq 0 ]
