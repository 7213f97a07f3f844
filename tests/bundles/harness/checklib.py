"""Shared helpers of the bundle checks in tests/bundles/checks/ that are
written in Python (run with Debian's /usr/bin/python3).

A check takes absolute file paths and prints, for each, "ok PATH" or
"not ok PATH: why" (docs/bundles.md).  Files with identical content are
checked once (dedupe by sha256) and the verdict is copied to every path.
"""
import hashlib
import os
import shutil
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
HARNESS_DIR = os.path.join(TOP, "tests", "bundles", "harness")
BUILD_DIR = os.path.join(TOP, "build", "bundle-harness")
SECCOMP_HARNESS = os.path.join(BUILD_DIR, "seccomp-harness")
BWRAP_PROBE = os.path.join(BUILD_DIR, "bwrap-probe")


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def group_by_content(paths, extra=None):
    """Return ({key: first path}, {path: key}) where key is the file's
    sha256, plus ":" and extra(path) when extra is given (for checks whose
    verdict also depends on the name); unreadable files map to None."""
    first, of = {}, {}
    for p in paths:
        try:
            d = sha256_file(p)
        except OSError:
            of[p] = None
            continue
        if extra is not None:
            d += ":" + extra(p)
        of[p] = d
        first.setdefault(d, p)
    return first, of


def report(paths, of, verdicts, missing="cannot read the file"):
    """Print one line per path.  verdicts: digest -> list of problems
    (empty list = ok).  Returns the number of failures."""
    bad = 0
    for p in paths:
        d = of.get(p)
        probs = [missing] if d is None else verdicts.get(d, ["not checked"])
        if probs:
            bad += 1
            why = "; ".join(probs[:4])
            if len(probs) > 4:
                why += "; and %d more" % (len(probs) - 4)
            print("not ok %s: %s" % (p, why.replace("\n", " ")))
        else:
            print("ok %s" % p)
    sys.stdout.flush()
    return bad


def need_tool(name):
    """Absolute path of tool NAME on PATH (plus /usr/sbin), or None."""
    return shutil.which(name, path=os.environ.get("PATH", "") +
                        ":/usr/sbin:/sbin:/usr/bin")


def fail_all(paths, why):
    """Every path fails with WHY (the check cannot run here)."""
    for p in paths:
        print("not ok %s: %s" % (p, why))
    return 1
