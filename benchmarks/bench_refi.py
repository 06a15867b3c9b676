"""REFI-QDA exchange speed on the foundation benchmark's corpus (default 1 million words), with
one coding per answer turn so selections are many: export to .qdpx, import it again as a new
project, each against loading the same transcripts cold in the same run (the baseline).
Run:  python benchmarks/bench_refi.py [--words 1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def qualcode(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "qualcode", *args], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    from bench_foundation import build_corpus, compiled_as_installed

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", type=int, default=1_000_000)
    args = ap.parse_args()
    compiled_as_installed()
    from qualcode.transcripts import load_transcripts

    with tempfile.TemporaryDirectory(prefix="qualcode-refi-") as tmp:
        root = Path(tmp) / "corpus"
        words = build_corpus(root, args.words)
        codings = 0
        for t in load_transcripts(root / "transcripts", root):
            lines = [json.dumps({"code": "court-procedure", "start": x.start, "end": x.end, "text": x.text})
                     for x in t.turns if not x.is_interviewer and x.end > x.start]
            codings += len(lines)
            path = root / "codings" / "bench" / f"{t.id}.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        baseline = qualcode("--project", str(root), "status", "--json")  # a cold load of the same project
        export = qualcode("--project", str(root), "export", "qdpx", str(Path(tmp) / "c.qdpx"))
        size = (Path(tmp) / "c.qdpx").stat().st_size
        imported = qualcode("import", "qdpx", str(Path(tmp) / "c.qdpx"), "--out", str(Path(tmp) / "back"))
        print(f"{words:,} words, {codings:,} codings; archive {size / 1e6:.1f} MB")
        print(f"cold status (baseline)   {baseline:6.2f} s")
        print(f"export qdpx              {export:6.2f} s   {export / baseline:5.2f}x baseline")
        print(f"import qdpx              {imported:6.2f} s   {imported / baseline:5.2f}x baseline")


if __name__ == "__main__":
    main()
