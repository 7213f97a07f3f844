#!/bin/sh
# Self-test of the integration checks (python, python-test, typescript,
# typescript-test): the templates of content/bundles/common/integration/,
# filled the way a family plugin fills them, must pass every check; copies
# with one defect each must fail the check that is meant to catch it:
#   a client that retries HTTP 400           -> python-test, typescript-test
#   a client that skips delete after an error -> python-test, typescript-test
#   a type error                              -> python (mypy), typescript
#   an unused import                          -> python (pyflakes)
#   a package.json pin that differs           -> typescript
# Each check runs once over all fixture folders, as in verify.sh.
# Prints TAP-style "ok N - ..." lines and "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
checks=$top/tests/bundles/checks
tpl=$top/content/bundles/common/integration
work=$(mktemp -d /tmp/atlas-integ-selftest.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; }

# fill SRC DST: the builtin fill() of plugins (site/pl.c), same pattern.
fill() {
	/usr/bin/python3 - "$1" "$2" <<'EOF'
import os, re, sys
v = {"provider": "selftest", "endpoint": "http://sandbox-controller.sandbox.svc:8080",
     "timeout_s": "30", "namespace": "sandbox", "runtime_class": "gvisor",
     "image": "python:3.12-slim", "transport_class": "KubernetesTransport",
     "transport_module": "./k8sTransport.js"}
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst)
for n in sorted(os.listdir(src)):
    t = open(os.path.join(src, n), encoding="utf-8").read()
    t = re.sub(r"\{\{([\w.\-]+)\}\}", lambda m: v[m.group(1)], t)
    open(os.path.join(dst, n), "w", encoding="utf-8").write(t)
EOF
}

# mutate DIR FILE PYTHON-EXPR: rewrite one file; fail loudly if the
# expression changed nothing (the template moved on: fix the self-test).
mutate() {
	/usr/bin/python3 - "$1/$2" "$3" <<'EOF'
import sys
p, expr = sys.argv[1], sys.argv[2]
s = open(p, encoding="utf-8").read()
old, new = expr.split("=>", 1)
if old not in s:
    sys.exit("selftest: %r not found in %s" % (old, p))
open(p, "w", encoding="utf-8").write(s.replace(old, new, 1))
EOF
}

for d in good py400 pycleanup pytype pyflake ts400 tscleanup tstype pin; do
	fill "$tpl" "$work/$d" || { nok "fill templates into $d"; exit 1; }
done
ok "templates fill with every placeholder a family plugin supplies"

m() { mutate "$@" || nok "mutation of $1/$2 applies"; }
m "$work/py400" sandbox_client.py '    if status >= 500:=>    if status >= 500 or status == 400:'
m "$work/pycleanup" sandbox_client.py '            out = self.transport.execute(sandbox_id, call, timeout_s)
        finally:
            cleanup_error = self._cleanup(sandbox_id)=>            out = self.transport.execute(sandbox_id, call, timeout_s)
            cleanup_error = self._cleanup(sandbox_id)
        finally:
            pass'
m "$work/pytype" sandbox_client.py '        return ExecOutput(stdout=stdout, stderr=stderr, exit_code=code)=>        return ExecOutput(stdout=stdout, stderr=stderr, exit_code=str(code))'
m "$work/pyflake" sandbox_k8s.py 'import secrets=>import secrets
import glob'
m "$work/ts400" sandboxClient.ts '  if (status >= 500) {=>  if (status >= 500 || status === 400) {'
m "$work/tscleanup" sandboxClient.ts '    } finally {
      cleanupError = await this.cleanup(id);
    }=>      cleanupError = await this.cleanup(id);
    } finally {
      // nothing
    }'
m "$work/tstype" e2bTransport.ts 'allowInternetAccess: false=>allowInternetAccess: "no"'
m "$work/pin" package.json '"e2b": "2.51.0"=>"e2b": "2.50.0"'

# expect CHECK-OUTPUT DIR FILE ok|fail WHAT
expect() {
	line=$(printf '%s\n' "$1" | grep -F " $work/$2/$3" | head -1)
	case "$4:$line" in
	ok:"ok $work/$2/$3") ok "$5" ;;
	fail:"not ok $work/$2/$3:"*) ok "$5 (${line#*: })" ;;
	*) nok "$5: got '${line:-no line}'" ;;
	esac
}

t0=$(date +%s)
out=$("$checks/python-test" "$work"/good/*.py "$work/py400/test_sandbox_client.py" \
    "$work/py400/sandbox_client.py" "$work/pycleanup/test_sandbox_client.py" 2>&1)
expect "$out" good sandbox_client.py ok "python-test passes the filled core client"
expect "$out" good test_sandbox_client.py ok "python-test runs the resilience tests"
expect "$out" good sandbox_k8s.py ok "python-test runs the Kubernetes transport tests"
expect "$out" good sandbox_e2b.py fail "python-test refuses an SDK adapter no test exercises"
expect "$out" py400 test_sandbox_client.py fail "python-test fails a client that retries 400"
expect "$out" py400 sandbox_client.py fail "python-test fails the module under a failing test"
expect "$out" pycleanup test_sandbox_client.py fail "python-test fails a client that skips cleanup on error"

out=$("$checks/python" "$work"/good/sandbox_*.py "$work/pytype/sandbox_client.py" \
    "$work/pyflake/sandbox_k8s.py" 2>&1)
for f in sandbox_client.py sandbox_k8s.py sandbox_e2b.py sandbox_daytona.py sandbox_modal.py sandbox_vercel.py; do
	expect "$out" good "$f" ok "python (compile, pyflakes, mypy --strict) passes $f"
done
expect "$out" pytype sandbox_client.py fail "python fails a type error (mypy --strict)"
expect "$out" pyflake sandbox_k8s.py fail "python fails an unused import (pyflakes)"

out=$("$checks/typescript" "$work"/good/*.ts "$work/good/package.json" \
    "$work/tstype/e2bTransport.ts" "$work/pin/package.json" 2>&1)
for f in sandboxClient.ts k8sTransport.ts e2bTransport.ts daytonaTransport.ts vercelTransport.ts modalTransport.ts mcpServer.ts openaiAgentTool.ts package.json; do
	expect "$out" good "$f" ok "typescript passes $f"
done
expect "$out" tstype e2bTransport.ts fail "typescript fails an option the E2B SDK does not have"
expect "$out" pin package.json fail "typescript fails a pin that differs from the checked version"

out=$("$checks/typescript-test" "$work/good/sandboxClient.ts" "$work/good/sandboxClient.test.ts" \
    "$work/good/mcpServer.ts" "$work/good/openaiAgentTool.ts" "$work/good/wiring.test.ts" \
    "$work/good/k8sTransport.ts" "$work/good/k8sTransport.test.ts" \
    "$work/ts400/sandboxClient.test.ts" "$work/tscleanup/sandboxClient.test.ts" 2>&1)
for f in sandboxClient.ts sandboxClient.test.ts mcpServer.ts openaiAgentTool.ts wiring.test.ts k8sTransport.ts k8sTransport.test.ts; do
	expect "$out" good "$f" ok "typescript-test passes $f"
done
expect "$out" ts400 sandboxClient.test.ts fail "typescript-test fails a client that retries 400"
expect "$out" tscleanup sandboxClient.test.ts fail "typescript-test fails a client that skips cleanup on error"
echo "# integration checks self-test took $(( $(date +%s) - t0 )) s"

echo "$((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
