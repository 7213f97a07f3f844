#!/usr/bin/python3
"""The checks of bundle integration code: python, python-test, typescript,
typescript-test (tests/bundles/checks/<name> call this with their name).

Each takes absolute file paths and prints "ok PATH" or "not ok PATH: why"
per file.  Files are grouped by folder and the folders deduplicated by
content, so a folder shared by many bundles is checked once; work happens
in copies under a temporary folder, never in the bundle.

python       py_compile-equivalent compile(), pyflakes3, and one
             `/usr/bin/python3 -m mypy --strict` per distinct folder;
             third-party imports (SDKs without type stubs) are the only
             thing ignored, per imported module.
python-test  python, plus pytest (Debian python3-pytest, -p no:cacheprovider)
             on every test_*.py of the folder; a module passes when the
             test files that import it pass, and fails when none does.
typescript   one `tsc --noEmit --strict` (typescript from tests/node_modules)
             over every .ts file of every distinct folder, with a generated
             tsconfig whose node_modules is tests/node_modules; a
             package.json must pin exactly the versions installed there.
typescript-test  typescript, plus `node --import tsx --test` on every
             *.test.ts of the folder; a module passes when the tests that
             import it pass, and fails when none does.
A tool that cannot run makes every file "not ok", never "ok".
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, Iterable, List, Optional, Set, Tuple

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", "..",
                                    ".."))
NODE_MODULES = os.path.join(TOP, "tests", "node_modules")
PY = "/usr/bin/python3"
RUN_TIMEOUT = 120
JOBS = max(1, min(4, os.cpu_count() or 1))

Result = Dict[str, str]          # path -> "" (ok) or the reason
CACHE = os.path.join(TOP, "build", "check-cache")


def cache_key(kind: str, folder: str) -> str:
    """Results of a folder are reused (python and python-test share mypy,
    typescript and typescript-test share tsc) while the folder, this
    script and tests/package-lock.json are unchanged."""
    h = hashlib.sha256((kind + "\0" + folder).encode())
    for p in (__file__, os.path.join(TOP, "tests", "package-lock.json")):
        try:
            with open(p, "rb") as f:
                h.update(f.read())
        except OSError:
            pass
    return os.path.join(CACHE, "%s-%s.json" % (kind, h.hexdigest()[:24]))


def cache_get(path: str) -> Optional[Dict[str, str]]:
    try:
        with open(path) as f:
            v = json.load(f)
        return v if isinstance(v, dict) else None
    except (OSError, ValueError):
        return None


def cache_put(path: str, value: Dict[str, str]) -> None:
    try:
        os.makedirs(CACHE, exist_ok=True)
        tmp = path + ".%d" % os.getpid()
        with open(tmp, "w") as f:
            json.dump(value, f)
        os.replace(tmp, path)
    except OSError:
        pass


def folder_key(d: str, exts: Tuple[str, ...]) -> str:
    """A hash of the names and contents of d's files ending in exts."""
    h = hashlib.sha256()
    for n in sorted(os.listdir(d)):
        p = os.path.join(d, n)
        if os.path.isfile(p) and n.endswith(exts):
            h.update(n.encode() + b"\0")
            with open(p, "rb") as f:
                h.update(f.read())
            h.update(b"\0")
    return h.hexdigest()[:16]


def group(files: Iterable[str], exts: Tuple[str, ...]
          ) -> Tuple[Dict[str, List[str]], Dict[str, str]]:
    """key -> files (absolute) with that folder content; key -> a folder."""
    by: Dict[str, List[str]] = {}
    rep: Dict[str, str] = {}
    for f in files:
        d = os.path.dirname(f)
        k = folder_key(d, exts)
        by.setdefault(k, []).append(f)
        rep.setdefault(k, d)
    return by, rep


def copy_folder(src: str, dst: str, exts: Tuple[str, ...]) -> None:
    os.makedirs(dst, exist_ok=True)
    for n in sorted(os.listdir(src)):
        p = os.path.join(src, n)
        if os.path.isfile(p) and n.endswith(exts):
            shutil.copyfile(p, os.path.join(dst, n))


def run(argv: List[str], cwd: Optional[str] = None,
        env: Optional[Dict[str, str]] = None) -> Tuple[int, str]:
    e = dict(os.environ)
    e.update(env or {})
    try:
        p = subprocess.run(argv, cwd=cwd, env=e, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=RUN_TIMEOUT,
                           check=False)
    except FileNotFoundError:
        return 127, "%s: not installed" % argv[0]
    except subprocess.TimeoutExpired:
        return 124, "%s: timed out after %d s" % (argv[0], RUN_TIMEOUT)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def first_line(text: str, pattern: str = r"\S") -> str:
    for line in text.splitlines():
        if re.search(pattern, line):
            return line.strip()[:300]
    return text.strip()[:300]


# ------------------------------------------------------------------ python


def third_party(path: str, siblings: Set[str]) -> Set[str]:
    """Top-level imported names that are neither stdlib nor siblings."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    names: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and \
                node.level == 0:
            names.add(node.module.split(".")[0])
    std = set(getattr(sys, "stdlib_module_names", ())) | {"__future__"}
    return {n for n in names if n not in std and n not in siblings}


def python_static(work: str, key: str, names: List[str]) -> Result:
    """compile + pyflakes3 + mypy --strict over one folder copy; the
    verdicts of every .py of the folder are cached."""
    cpath = cache_key("py", key)
    cached = cache_get(cpath)
    if cached is not None and all(n in cached for n in names):
        return {n: cached[n] for n in names}
    names = sorted(n for n in os.listdir(work) if n.endswith(".py"))
    res = _python_static(work, names)
    if not any("could not run" in v for v in res.values()):
        cache_put(cpath, res)
    return res


def _python_static(work: str, names: List[str]) -> Result:
    res: Result = {n: "" for n in names}
    siblings = {n[:-3] for n in os.listdir(work) if n.endswith(".py")}
    ignore: Set[str] = set()
    for n in names:
        p = os.path.join(work, n)
        try:
            with open(p, encoding="utf-8") as f:
                compile(f.read(), p, "exec", dont_inherit=True)
            ignore |= third_party(p, siblings)
        except SyntaxError as e:
            res[n] = "does not compile: line %s: %s" % (e.lineno, e.msg)
    rc, out = run(["pyflakes3"] + names, cwd=work)
    if rc == 127:
        return {n: "pyflakes3 could not run" for n in names}
    for line in out.splitlines():
        m = re.match(r"^(?:\./)?([^:]+\.py):(\d+):(?:\d+:)? (.*)", line)
        if m and m.group(1) in res and not res[m.group(1)]:
            res[m.group(1)] = "pyflakes: line %s: %s" % (m.group(2),
                                                         m.group(3))
    cfg = os.path.join(work, ".mypy.ini")
    with open(cfg, "w") as fh:
        fh.write("[mypy]\nstrict = True\nwarn_unreachable = True\n")
        for mod in sorted(ignore):
            # An SDK without stubs (or not installable here): its names
            # are Any; everything else stays strict.
            fh.write("[mypy-%s]\nignore_missing_imports = True\n"
                     "[mypy-%s.*]\nignore_missing_imports = True\n"
                     % (mod, mod))
    rc, out = run([PY, "-m", "mypy", "--config-file", cfg, "--cache-dir",
                   os.path.join(work, ".mypy_cache"),
                   "--no-error-summary"] + names, cwd=work)
    if rc not in (0, 1) or "No module named mypy" in out:
        return {n: "mypy could not run: %s" % first_line(out) for n in names}
    for line in out.splitlines():
        m = re.match(r"^([^:]+\.py):(\d+): error: (.*)", line)
        if m and m.group(1) in res and not res[m.group(1)]:
            res[m.group(1)] = "mypy --strict: line %s: %s" % (m.group(2),
                                                              m.group(3))
        elif m and m.group(1) not in res:
            # An error in a sibling the file imports: blame the sibling
            # only if it is checked; note it on every file otherwise.
            for n in res:
                if not res[n]:
                    res[n] = "mypy --strict: %s" % line.strip()
    if rc == 1 and all(not v for v in res.values()):
        return {n: "mypy failed: %s" % first_line(out) for n in names}
    return res


def imports_of(path: str) -> Set[str]:
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    out: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def python_tests(work: str, names: List[str]
                 ) -> Tuple[Dict[str, str], Dict[str, Set[str]]]:
    """Runs the test_*.py of the folder copy that are among names or import
    one of names: test -> "" or why; and test -> the siblings it imports."""
    tests = sorted(n for n in os.listdir(work)
                   if n.startswith("test_") and n.endswith(".py"))
    mods = {n[:-3] for n in os.listdir(work) if n.endswith(".py")}
    verdict: Dict[str, str] = {}
    uses: Dict[str, Set[str]] = {}
    for t in tests:
        uses[t] = {m for m in imports_of(os.path.join(work, t)) if m in mods}
    want = {n[:-3] for n in names}
    tests = [t for t in tests if t[:-3] in want or uses[t] & want]

    def one(t: str) -> Tuple[str, str]:
        rc, out = run([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                       "-o", "addopts=", t], cwd=work,
                      env={"PYTHONDONTWRITEBYTECODE": "1"})
        if rc == 0:
            return t, ""
        if "No module named pytest" in out:
            return t, "pytest could not run (python3-pytest missing)"
        why = first_line(out, r"(FAILED|Error|error|failed)")
        return t, "pytest failed: %s" % why

    with ThreadPoolExecutor(JOBS) as ex:
        for t, why in ex.map(one, tests):
            verdict[t] = why
    return verdict, uses


def check_python(files: List[str], with_tests: bool) -> Result:
    out: Result = {}
    by, rep = group(files, (".py",))
    tmp = tempfile.mkdtemp(prefix="atlas-py-")
    try:
        def one(k: str) -> Result:
            work = os.path.join(tmp, k)
            copy_folder(rep[k], work, (".py",))
            names = sorted({os.path.basename(f) for f in by[k]})
            res = python_static(work, k, names)
            if not with_tests:
                return res
            verdict, uses = python_tests(work, names)
            for n in names:
                if res[n]:
                    continue
                if n in verdict:
                    res[n] = verdict[n]
                    continue
                mine = [t for t, u in uses.items()
                        if n[:-3] in u and t in verdict]
                if not mine:
                    res[n] = "no test_*.py in its folder imports it"
                else:
                    bad = [t for t in mine if verdict[t]]
                    if bad:
                        res[n] = "%s: %s" % (bad[0], verdict[bad[0]])
            return res

        keys = sorted(by)
        with ThreadPoolExecutor(JOBS) as ex:
            for k, res in zip(keys, ex.map(one, keys)):
                for f in by[k]:
                    out[f] = res[os.path.basename(f)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


# -------------------------------------------------------------- typescript


def installed_version(name: str) -> Optional[str]:
    p = os.path.join(NODE_MODULES, name, "package.json")
    try:
        with open(p) as f:
            v = json.load(f).get("version")
        return v if isinstance(v, str) else None
    except (OSError, ValueError):
        return None


def check_package_json(path: str) -> str:
    """A bundle's package.json: type module, exact pins, equal to what the
    TypeScript was checked against."""
    try:
        with open(path) as f:
            pj = json.load(f)
    except (OSError, ValueError) as e:
        return "not JSON: %s" % e
    if not isinstance(pj, dict) or pj.get("type") != "module":
        return 'package.json must say "type": "module"'
    deps: Dict[str, str] = {}
    for sec in ("dependencies", "devDependencies"):
        deps.update(pj.get(sec) or {})
    if not deps:
        return "package.json pins no packages"
    for name, want in sorted(deps.items()):
        if not re.match(r"^\d+\.\d+\.\d+$", str(want)):
            return "%s is not pinned to an exact version (%s)" % (name, want)
        have = installed_version(name)
        if have is None:
            return "%s is not in tests/node_modules (run npm ci in tests/)" \
                % name
        if have != want:
            return "%s pinned %s but checked against %s" % (name, want, have)
    return ""


def tsc_results(files: List[str]) -> Result:
    """One tsc run over every distinct folder's .ts files."""
    tsc = os.path.join(NODE_MODULES, "typescript", "bin", "tsc")
    ts = [f for f in files if f.endswith(".ts")]
    out: Result = {f: "" for f in ts}
    if not ts:
        return out
    if not os.path.exists(tsc) or installed_version("tsx") is None:
        return {f: "typescript/tsx not installed in tests/node_modules "
                   "(run npm ci in tests/)" for f in ts}
    by, rep = group(ts, (".ts",))
    keys = []
    for k in sorted(by):
        cached = cache_get(cache_key("tsc", k))
        if cached is None:
            keys.append(k)
            continue
        for f in by[k]:
            out[f] = cached.get(os.path.basename(f), "not checked")
    if not keys:
        return out
    tmp = tempfile.mkdtemp(prefix="atlas-ts-")
    try:
        os.symlink(NODE_MODULES, os.path.join(tmp, "node_modules"))
        with open(os.path.join(tmp, "package.json"), "w") as fh:
            json.dump({"type": "module", "private": True}, fh)
        inputs: List[str] = []
        for i, k in enumerate(keys):
            d = "d%d" % i
            copy_folder(rep[k], os.path.join(tmp, d), (".ts",))
            inputs += sorted("%s/%s" % (d, n)
                             for n in os.listdir(os.path.join(tmp, d)))
        with open(os.path.join(tmp, "tsconfig.json"), "w") as fh:
            json.dump({"compilerOptions": {
                "strict": True, "noEmit": True, "target": "es2022",
                "lib": ["es2022", "dom"], "module": "nodenext",
                "moduleResolution": "nodenext", "types": ["node"],
                "typeRoots": [os.path.join(NODE_MODULES, "@types")],
                "skipLibCheck": True, "noFallthroughCasesInSwitch": True,
                "forceConsistentCasingInFileNames": True,
            }, "files": inputs}, fh, indent=1)
        rc, text = run(["node", tsc, "-p", "tsconfig.json", "--pretty",
                        "false"], cwd=tmp)
        if rc not in (0, 1, 2):
            return {f: "tsc could not run: %s" % first_line(text)
                    for f in ts}
        errs: Dict[str, str] = {}
        for line in text.splitlines():
            m = re.match(r"^(d(\d+)/([^(]+))\((\d+),(\d+)\): error (.*)",
                         line)
            if m:
                errs.setdefault(m.group(1), "tsc --strict: line %s: %s" % (
                    m.group(4), m.group(6)))
        if rc != 0 and not errs:
            return {f: "tsc failed: %s" % first_line(text) for f in ts}
        for i, k in enumerate(keys):
            d = "d%d" % i
            verdicts = {n: errs.get("%s/%s" % (d, n), "")
                        for n in os.listdir(os.path.join(tmp, d))}
            cache_put(cache_key("tsc", k), verdicts)
            for f in by[k]:
                out[f] = verdicts.get(os.path.basename(f), "not checked")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def node_tests(files: List[str]) -> Result:
    """Runs the *.test.ts of each distinct folder that holds one of files;
    a module passes when the tests importing it pass."""
    out: Result = {}
    by, rep = group(files, (".ts",))
    tmp = tempfile.mkdtemp(prefix="atlas-node-")
    try:
        os.symlink(NODE_MODULES, os.path.join(tmp, "node_modules"))
        with open(os.path.join(tmp, "package.json"), "w") as fh:
            json.dump({"type": "module", "private": True}, fh)
        jobs: List[Tuple[str, str]] = []
        uses: Dict[Tuple[str, str], Set[str]] = {}
        keys = sorted(by)
        for i, k in enumerate(keys):
            d = os.path.join(tmp, "d%d" % i)
            copy_folder(rep[k], d, (".ts",))
            want = {os.path.basename(f) for f in by[k]}
            for n in sorted(os.listdir(d)):
                if n.endswith(".test.ts"):
                    with open(os.path.join(d, n)) as fh:
                        src = fh.read()
                    uses[(d, n)] = {m + ".ts" for m in re.findall(
                        r"""from\s+["']\./([\w.-]+)\.js["']""", src)}
                    if n in want or uses[(d, n)] & want:
                        jobs.append((d, n))

        def one(job: Tuple[str, str]) -> Tuple[Tuple[str, str], str]:
            d, n = job
            rc, text = run(["node", "--import", "tsx", "--test",
                            "--test-reporter=tap", n], cwd=d)
            if rc == 0:
                return job, ""
            m = re.search(r"^# fail (\d+)", text, re.M)
            why = first_line(text, r"^\s*not ok|Error|error")
            n_failed = "%s failed: " % m.group(1) if m else ""
            return job, "node --test: %s%s" % (n_failed, why)

        with ThreadPoolExecutor(JOBS) as ex:
            verdict = dict(ex.map(one, jobs))
        for i, k in enumerate(keys):
            d = os.path.join(tmp, "d%d" % i)
            for f in by[k]:
                n = os.path.basename(f)
                if (d, n) in verdict:
                    out[f] = verdict[(d, n)]
                    continue
                mine = [j for j in verdict if j[0] == d and n in uses[j]]
                if not mine:
                    out[f] = "no *.test.ts in its folder imports it"
                else:
                    bad = [j for j in mine if verdict[j]]
                    out[f] = "%s: %s" % (bad[0][1], verdict[bad[0]]) \
                        if bad else ""
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def check_typescript(files: List[str], with_tests: bool) -> Result:
    out: Result = {}
    ts = [f for f in files if f.endswith(".ts")]
    for f in files:
        if os.path.basename(f) == "package.json":
            out[f] = check_package_json(f)
        elif not f.endswith(".ts"):
            out[f] = "not a TypeScript file or package.json"
    out.update(tsc_results(ts))
    if with_tests:
        runnable = [f for f in ts if not out[f]]
        if runnable:
            tested = node_tests(runnable)
            for f in runnable:
                out[f] = tested.get(f, "not tested")
    return out


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in (
            "python", "python-test", "typescript", "typescript-test"):
        print("usage: integration-checks.py python|python-test|typescript|"
              "typescript-test FILE...", file=sys.stderr)
        return 2
    check, files = sys.argv[1], [os.path.abspath(f) for f in sys.argv[2:]]
    missing = [f for f in files if not os.path.isfile(f)]
    files = [f for f in files if os.path.isfile(f)]
    if check.startswith("python"):
        bad = [f for f in files if not f.endswith(".py")]
        res = check_python([f for f in files if f.endswith(".py")],
                           check == "python-test")
        for f in bad:
            res[f] = "not a Python file"
    else:
        res = check_typescript(files, check == "typescript-test")
    for f in missing:
        res[f] = "no such file"
    for f in sys.argv[2:]:
        why = res.get(os.path.abspath(f), "not checked")
        print("ok %s" % f if not why else "not ok %s: %s" % (f, why))
    return 0 if all(not v for v in res.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
