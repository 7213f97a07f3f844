"""Code-execution workload run under a seccomp profile by the "seccomp"
bundle check: threads, a subprocess, files, sqlite, compression and
hashing, the things an agent's Python tool call does.  Prints
"python-ok DIGEST" on success."""
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor


def square(n):
    return n * n


def main():
    with ThreadPoolExecutor(max_workers=4) as pool:
        total = sum(pool.map(square, range(1000)))
    lock = threading.Lock()
    seen = []

    def worker(i):
        with lock:
            seen.append(i)
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out = subprocess.run(["sh", "-c", "echo sub-$((6*7))"], check=True,
                         capture_output=True, text=True, timeout=10).stdout
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "data.json")
        with open(p, "w") as f:
            json.dump({"total": total, "seen": sorted(seen)}, f)
        with open(p, "rb") as f:
            blob = zlib.compress(f.read())
        db = sqlite3.connect(os.path.join(d, "t.db"))
        db.execute("create table t (k text, v int)")
        db.executemany("insert into t values (?, ?)",
                       [(str(i), i) for i in range(100)])
        (rows,) = db.execute("select sum(v) from t").fetchone()
        db.close()
    digest = hashlib.sha256(blob).hexdigest()[:12]
    assert total == 332833500 and len(seen) == 8
    assert out.strip() == "sub-42" and rows == 4950
    print("python-ok", digest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
