#!/bin/sh
# Lints Markdown files with markdownlint-cli2 from tests/node_modules, using
# the project's configuration tests/tools/atlas.markdownlint.jsonc (default
# rules; MD013 line length off; MD033 inline HTML and MD041 first-line
# heading on).  Files are passed as literal paths, not globs.
# Usage: tests/tools/mdlint.sh FILE...
# Exit status is markdownlint-cli2's (0 clean, 1 lint errors, 2 failure);
# 2 also for no arguments or a file that cannot be read (markdownlint-cli2
# would silently lint nothing for a missing path).
here=$(cd "$(dirname "$0")" && pwd)
cli=$here/../node_modules/markdownlint-cli2/markdownlint-cli2-bin.mjs
if [ $# -eq 0 ]; then
	echo "usage: tests/tools/mdlint.sh FILE..." >&2
	exit 2
fi
if [ ! -f "$cli" ]; then
	echo "mdlint: $cli missing; run: npm ci --prefix tests" >&2
	exit 2
fi
for f in "$@"; do
	if [ ! -f "$f" ] || [ ! -r "$f" ]; then
		echo "mdlint: $f: no such readable file" >&2
		exit 2
	fi
done
# A leading ":" makes markdownlint-cli2 take each argument literally.
for f in "$@"; do
	shift
	set -- "$@" ":$f"
done
exec node "$cli" --config "$here/atlas.markdownlint.jsonc" "$@"
