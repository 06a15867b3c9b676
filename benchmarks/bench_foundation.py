"""Foundation benchmark: load + segment a ~1-million-word corpus, cold and warm.

Builds the corpus by recombining the bundled example's turns (fixed seed), then runs each
phase in a fresh process and prints:
  - words/s for load+segment, cold (empty cache) and warm (cache filled);
  - cold time / a bare spacy.blank("en")+sentencizer pass over the same text (target <= 1.5);
  - warm / cold (target <= 0.2);
  - peak RSS of the cold run (target <= 600 MB);
  - `qualcode --help` start-up time (target <= 0.5 s).
Run:  python benchmarks/bench_foundation.py [--words 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def build_corpus(root: Path, words: int, seed: int = 7) -> int:
    sys.path.insert(0, str(REPO))
    from qualcode.transcripts import load_transcripts

    example = load_transcripts(REPO / "transcripts", REPO)
    questions = [t for x in example for t in x.turns if t.is_interviewer]
    answers = [(x, t) for x in example for t in x.turns if not t.is_interviewer]
    rng = random.Random(seed)
    (root / "transcripts").mkdir(parents=True)
    (root / "codebooks").mkdir()
    shutil.copy(REPO / "codebooks" / "kcpo.yaml", root / "codebooks" / "kcpo.yaml")
    total, n = 0, 0
    while total < words:
        n += 1
        source = rng.choice(example)
        lines = [f"---\nid: synth-{n:04d}\nparticipant: S{n:04d}\ngroup: {source.group}\nrole: {source.role}\n---\n"]
        size = 0
        while size < 1200:
            q = rng.choice(questions)
            t, a = rng.choice(answers)
            lines.append(f"Interviewer: {q.text}\n\n{a.speaker}: {a.text}\n\n")
            size += len(q.text.split()) + len(a.text.split())
        (root / "transcripts" / f"synth-{n:04d}.md").write_text("".join(lines), encoding="utf-8")
        total += size
    return total


def phase(name: str, root: Path) -> dict:
    """Run in a child process so timings and peak memory are its own."""
    sys.path.insert(0, str(REPO))
    start, cpu = time.perf_counter(), time.process_time()
    if name == "bare":  # the least any spaCy-based tool must do: read the files, split sentences
        import spacy

        # The same text qualcode segments: each file's body, its front matter cut off.
        # (spaCy's tokenizer is several times slower on the raw files, '---' blocks and all.)
        bodies = [p.read_text(encoding="utf-8").split("---\n", 2)[2]
                  for p in sorted((root / "transcripts").glob("*.md"))]
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        sentences = sum(len(list(doc.sents)) for doc in nlp.pipe(bodies, batch_size=64))
    else:
        from qualcode.project import open_project
        from qualcode.segment import segment_all
        from qualcode.transcripts import load_transcripts

        p = open_project(root)
        ts = load_transcripts(p.transcripts_dir, p.root, p.interviewers, p.encoding, p.cache_dir)
        segs = segment_all(ts, "sentence", p.cache_dir)
        sentences = sum(len(v) for v in segs.values())
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"phase": name, "seconds": seconds, "cpu": cpu, "sentences": sentences, "peak_rss_mb": rss_mb}


def child(name: str, root: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", name, "--root", str(root)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def help_time(runs: int = 7) -> float:
    exe = shutil.which("qualcode")
    cmd = [exe, "--help"] if exe else [sys.executable, "-m", "qualcode", "--help"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5, help="interleaved runs of each phase; medians are reported")
    ap.add_argument("--keep", type=Path, help="build the corpus here and keep it (default: a temp folder)")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.root)))
        return

    tmp = None
    root = args.keep
    if root is None:
        tmp = tempfile.TemporaryDirectory(prefix="qualcode-bench-")
        root = Path(tmp.name) / "corpus"
    elif root.exists():
        shutil.rmtree(root)
    words = build_corpus(root, args.words)
    files = len(list((root / "transcripts").glob("*.md")))
    print(f"corpus: {words:,} words in {files} transcripts (recombined example turns, seed 7)")

    # The phases run as interleaved triples (bare, cold, warm), each in a fresh process, and every
    # ratio is taken within a triple: this virtual machine's speed wanders between seconds, and
    # pairing cancels most of that. Medians over the repeats; CPU-time ratios shown beside.
    triples = []
    for _ in range(args.repeat):
        bare = child("bare", root)
        shutil.rmtree(root / ".qualcode", ignore_errors=True)
        triples.append((bare, child("cold", root), child("warm", root)))
    med = statistics.median
    startup = help_time()
    print(f"{args.repeat} interleaved runs of each phase, each in a fresh process; medians")
    for i, label in enumerate(("bare spaCy blank('en')+sentencizer", "load+segment cold", "load+segment warm")):
        secs = med(t[i]["seconds"] for t in triples)
        print(f"{label:<36} {secs:6.2f} s  {words / secs:>11,.0f} words/s")
    print(f"segments: {triples[0][1]['sentences']:,} (bare spaCy found {triples[0][0]['sentences']:,} sentences)")
    rows = [
        ("cold / bare spaCy", med(c["seconds"] / b["seconds"] for b, c, _ in triples),
         med(c["cpu"] / b["cpu"] for b, c, _ in triples), 1.5),
        ("warm / cold", med(w["seconds"] / c["seconds"] for _, c, w in triples),
         med(w["cpu"] / c["cpu"] for _, c, w in triples), 0.2),
        ("peak RSS cold (MB)", max(c["peak_rss_mb"] for _, c, _ in triples), None, 600),
        ("qualcode --help (s)", startup, None, 0.5),
    ]
    print(f"{'':<22} {'wall':>8} {'cpu':>8}")
    for label, value, cpu, target in rows:
        cpu_text = f"{cpu:8.3f}" if cpu is not None else " " * 8
        print(f"{label:<22} {value:8.3f} {cpu_text}   target <= {target}   {'ok' if value <= target else 'MISSED'}")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
