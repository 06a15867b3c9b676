"""What the writer discipline costs (qualcode/locking.py, tagging.save), measured in one run:

  - one save of a codings file as it is now (project lock, transcript and codebook checked
    unchanged, the file read again and merged) against the bare atomic write it used to be,
    on a copy of the bundled example;
  - `qualcode tag` as a process, beside `qualcode status` in the same run;
  - 20 `qualcode tag` processes started at once on one transcript (all must land).
Run:  python benchmarks/bench_safety.py [--saves 200]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench_foundation import compiled_as_installed

REPO = Path(__file__).resolve().parents[1]


def copy_example(root: Path) -> Path:
    for name in ("codebooks", "transcripts", "codings"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "qualcode.yaml", root / "qualcode.yaml")
    return root


def per_save(root: Path, n: int) -> tuple[float, float]:
    sys.path.insert(0, str(REPO))
    from qualcode.corpus import load_corpus
    from qualcode.project import open_project
    from qualcode.store import write_codings
    from qualcode.tagging import save

    corpus = load_corpus(open_project(root))
    cf = max(corpus.files, key=lambda f: len(f.codings))
    print(f"file: {corpus.project.rel(cf.path)} ({len(cf.codings)} codings)")
    first = cf.codings[0]
    bare, locked = [], []
    for i in range(n):
        cf.codings[0] = replace(first, memo=f"memo {i}")
        t = time.perf_counter()
        write_codings(cf.path, cf.codings)
        bare.append(time.perf_counter() - t)
        cf.base = list(cf.codings)  # what a save after that bare write would have read
        cf.codings[0] = replace(first, memo=f"memo {i}b")
        t = time.perf_counter()
        save(corpus, cf)
        locked.append(time.perf_counter() - t)
    return statistics.median(bare) * 1000, statistics.median(locked) * 1000


def command(root: Path, *args: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "qualcode", "--project", str(root), *args], check=True,
                   capture_output=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--saves", type=int, default=200)
    args = ap.parse_args()
    compiled_as_installed()
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_example(Path(tmp) / "example")
        bare, locked = per_save(root, args.saves)
        print(f"one save, median of {args.saves}: bare atomic write {bare:.2f} ms; "
              f"locked, checked and merged {locked:.2f} ms (+{locked - bare:.2f} ms, {locked / bare:.2f}x)")
        command(root, "status")  # warm the cache
        status = statistics.median(command(root, "status") for _ in range(3))
        tag = statistics.median(command(root, "tag", "cps-01", "2.1", "--code", "court-procedure", "--coder",
                                        "bench") for _ in range(3))
        print(f"qualcode status {status:.2f} s; qualcode tag {tag:.2f} s ({tag / status:.2f}x status)")
        listed = subprocess.run([sys.executable, "-m", "qualcode", "--project", str(root), "segments", "yos-02",
                                 "--json"], check=True, capture_output=True, text=True).stdout
        units = [json.loads(line)["id"].split(":")[1] for line in listed.splitlines()][:20]
        t = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-m", "qualcode", "--project", str(root), "tag", "yos-02",
                                   unit, "--code", "legislative-intent", "--coder", "crowd"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for unit in units]
        codes = [p.wait() for p in procs]
        wall = time.perf_counter() - t
        path = root / "codings" / "crowd" / "yos-02.jsonl"
        kept = len(path.read_text().splitlines()) if path.exists() else 0
        print(f"20 concurrent tag processes: {wall:.1f} s wall, exit codes {sorted(set(codes))}, "
              f"{kept} of {sum(c == 0 for c in codes)} reported codings in the file")
        print(json.dumps({"save_bare_ms": round(bare, 3), "save_locked_ms": round(locked, 3),
                          "status_s": round(status, 3), "tag_s": round(tag, 3), "concurrent_kept": kept}))


if __name__ == "__main__":
    main()
