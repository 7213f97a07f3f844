#!/bin/sh
# Checks a built site: required paths, internal links, API shapes,
# kb.sqlite, HTML validity (html-validate), the Mermaid diagrams of every
# guide page, and that no page carries a script other than the theme's.
# Usage: tests/site/run.sh SITE_DIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
site=$(cd "${1:?usage: run.sh SITE_DIR}" && pwd)
bad=0
/usr/bin/python3 "$top/tests/site/check.py" "$site" || bad=1
out=$(node "$top/tests/tools/mermaid-check.mjs" "$site"/scenarios/*/index.html 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^ok /# ok /; s/^not ok /# not ok /'
if [ $rc -eq 0 ]; then echo "ok - every guide page's diagram parses"; else echo "not ok - a guide diagram does not parse"; bad=1; fi
out=$(cd "$top/tests" && npx --no-install html-validate --config "$top/tests/site/htmlvalidate.json" \
    "$site"/index.html "$site"/404.html "$site"/matrix/index.html \
    "$site"/frameworks/*/index.html "$site"/scenarios/*/index.html 2>&1); rc=$?
if [ $rc -eq 0 ]; then echo "ok - html-validate finds no error in any page"
else printf '%s\n' "$out" | head -40 | sed 's/^/# /'; echo "not ok - html-validate"; bad=1; fi
[ $bad -eq 0 ]
