"""Every everyday command on the bundled example, warm (caches filled), against `qualcode status`
computing its result (its stored result removed: see qualcode/analysis/status_cache.py) in the
same run, each a fresh process, interleaved, medians of --repeat runs. Targets: summary
(every text format), matrix, quotes, search, codebook validate, check and tag <= 1.5x status;
the .docx and .html reports and plot <= 3x. Also `search` over the realistic million-word corpus
against grep over the same files (target <= 3x), and the everyday commands on that corpus coded
by two coders against status there, then once one coder's `suggest` has filled the codings
files with suggestions (skipped without ../shared).
Run:  python benchmarks/bench_commands.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_foundation import SAME_CORPUS, compiled_as_installed

REPO = Path(__file__).resolve().parents[1]
REALISTIC = REPO.parent / "shared" / "bench" / "realistic_corpus.py"

COMMANDS = [  # (label, argv, target as a multiple of status)
    ("summary --format markdown", ["summary", "--format", "markdown"], 1.5),
    ("summary --format csv", ["summary", "--format", "csv"], 1.5),
    ("summary --format json", ["summary", "--format", "json"], 1.5),
    ("matrix", ["matrix"], 1.5),
    ("quotes THEME", ["quotes", "resource-barriers"], 1.5),
    ("search WORD", ["search", "court"], 1.5),
    ("codebook validate", ["codebook", "validate"], 1.5),
    ("check", ["check"], 1.5),
    ("tag", ["tag", "cps-01", "2.2", "--code", "court-procedure", "--coder", "bench"], 1.5),
    ("summary --out report.docx", ["summary", "--out", "{tmp}/r.docx", "--force"], 3.0),
    ("summary --out report.html", ["summary", "--out", "{tmp}/r.html", "--force"], 3.0),
    ("plot heatmap --out h.png", ["plot", "heatmap", "--out", "{tmp}/h.png", "--force"], 3.0),
]


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - start


def qualcode(root: Path, *argv: str) -> list[str]:
    return [sys.executable, "-m", "qualcode", "--project", str(root), *argv]


def forget_status(root: Path) -> None:
    """Make the next `status` compute its result: remove the result it stored and what it
    printed (qualcode/analysis/status_cache.py)."""
    from qualcode.analysis.status_cache import FILE, SHOWN

    for name in (FILE, SHOWN):
        (root / ".qualcode" / name).unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--words", type=int, default=1_000_000, help="size of the realistic corpus for search")
    args = ap.parse_args()
    compiled_as_installed()
    with tempfile.TemporaryDirectory(prefix="qualcode-commands-") as tmp:
        root = Path(tmp) / "example"
        for part in ("codebooks", "transcripts", "codings"):
            shutil.copytree(REPO / part, root / part)
        shutil.copy(REPO / "qualcode.yaml", root / "qualcode.yaml")
        commands = [(label, [a.format(tmp=tmp) for a in argv], target) for label, argv, target in COMMANDS]
        for _, argv, _ in commands:  # warm every cache once: segments, patterns, figures
            subprocess.run(qualcode(root, *argv), check=True, capture_output=True)
        ratios: dict[str, list[float]] = {label: [] for label, _, _ in commands}
        status, stored = [], []
        for _ in range(args.repeat):
            for label, argv, _ in commands:
                # The baseline is status computing its result from the warm caches (what every
                # command does first), not status printing the result it stored last time.
                forget_status(root)
                base = timed(qualcode(root, "status"))
                status.append(base)
                stored.append(timed(qualcode(root, "status")))
                ratios[label].append(timed(qualcode(root, *argv)) / base)
        med = statistics.median
        print(f"the bundled example, warm; qualcode status {med(status):.2f} s computing its result, "
              f"{med(stored):.2f} s printing the one it stored (medians of {len(status)}); "
              f"each command against the computing status run just before it, medians of {args.repeat}")
        for label, _, target in commands:
            r = med(ratios[label])
            print(f"  {label:<28} {r:5.2f}x status   target <= {target}   {'ok' if r <= target else 'MISSED'}")

        if not REALISTIC.is_file():
            print("search vs grep skipped: ../shared/bench/realistic_corpus.py not found (it sits beside the repository)")
            return
        big = Path(tmp) / "realistic"
        subprocess.run([sys.executable, str(REALISTIC), str(big), "--words", str(args.words)], check=True,
                       capture_output=True, env=SAME_CORPUS)
        subprocess.run(qualcode(big, "status"), check=True, capture_output=True)  # warm
        grep = shutil.which("grep")
        rows = []
        for _ in range(args.repeat):
            g = timed([grep, "-r", "-i", "-w", "-c", "funding", str(big / "transcripts")])
            rows.append((timed(qualcode(big, "search", "funding")) / g, g))
        r = med(x for x, _ in rows)
        print(f"search over {args.words:,} realistic words, warm: {r:.2f}x grep -riw over the same files "
              f"(grep {med(g for _, g in rows):.2f} s)   target <= 3   {'ok' if r <= 3 else 'MISSED'}")
        large_project(big, args.words, args.repeat)


def large_project(root: Path, words: int, repeat: int) -> None:
    """The realistic corpus as a project two coders have worked on: each codes 15% of the
    codable units with one or two themes (seeded). The everyday commands, warm, against status
    computing its result, as on the example."""
    coded, theme = code_it(root)
    commands = [("summary --format markdown", ["summary", "--format", "markdown"]), ("matrix", ["matrix"]),
                ("quotes THEME", ["quotes", theme]), ("search WORD", ["search", "funding"]), ("check", ["check"]),
                ("agreement", ["agreement"]), ("disagreements --json", ["disagreements", "--json"])]
    for _, argv in commands:
        subprocess.run(qualcode(root, *argv), check=True, capture_output=True)  # warm
    status, took = [], {label: [] for label, _ in commands}
    for _ in range(repeat):
        for label, argv in commands:
            forget_status(root)
            status.append(timed(qualcode(root, "status")))
            took[label].append(timed(qualcode(root, *argv)) / status[-1])
    med = statistics.median
    print(f"a large coded project: {words:,} realistic words, two coders, {coded:,} codings; "
          f"qualcode status {med(status):.2f} s computing its result; medians of {repeat}")
    for label, _ in commands:
        r = med(took[label])
        print(f"  {label:<28} {r:5.2f}x status   target <= 1.5 (as on the example)   {'ok' if r <= 1.5 else 'MISSED'}")
    long_table(root, repeat)
    after_suggest(root, repeat, med(status))


def long_table(root: Path, repeat: int) -> None:
    """`disagreements` as a table of thousands of rows: the whole of it redirected, and its first
    lines piped into `head` (drawn a batch of rows at a time: qualcode/cli/tables.py). For reference."""
    rows = subprocess.run(qualcode(root, "disagreements", "--json"), check=True, capture_output=True).stdout.count(b"\n")
    whole, head = [], []
    for _ in range(repeat):
        whole.append(timed(qualcode(root, "disagreements")))
        start = time.perf_counter()
        p = subprocess.Popen(qualcode(root, "disagreements"), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        subprocess.run(["head", "-5"], stdin=p.stdout, check=True, capture_output=True)
        p.stdout.close()
        p.wait()
        head.append(time.perf_counter() - start)
    med = statistics.median
    print(f"  disagreements as a table of {rows:,} rows: {med(whole):.2f} s the whole; {med(head):.2f} s its first "
          f"lines piped into head -5 (for reference)")


def after_suggest(root: Path, repeat: int, before: float) -> None:
    """The same project once `suggest` has stored a suggestion for most undecided units of one
    coder (with its reasons): the everyday commands never read those reasons, so they should
    cost about what reading the larger codings files costs. For reference, against status before."""
    import json

    start = time.perf_counter()
    made = json.loads(subprocess.run(qualcode(root, "suggest", "--coder", "ana", "--json"), check=True,
                                     capture_output=True, text=True).stdout)["added"]
    took = time.perf_counter() - start
    commands = [("status", ["status"]), ("summary --format markdown", ["summary", "--format", "markdown"]),
                ("matrix", ["matrix"]), ("search WORD", ["search", "funding"]), ("agreement", ["agreement"]),
                ("check (again)", ["check"])]
    subprocess.run(qualcode(root, "check"), check=True, capture_output=True)  # what a hook ran last time
    times: dict[str, list[float]] = {label: [] for label, _ in commands}
    for _ in range(repeat):
        for label, argv in commands:
            forget_status(root)
            times[label].append(timed(qualcode(root, *argv)))
    med = statistics.median
    print(f"after `suggest --coder ana` stored {made:,} suggestions ({took:.1f} s, model trained): each command "
          f"against status before them ({before:.2f} s); medians of {repeat}, for reference")
    for label, _ in commands:
        print(f"  {label:<28} {med(times[label]):5.2f} s   {med(times[label]) / before:5.2f}x")


def code_it(root: Path) -> tuple[int, str]:
    """Codings for two coders through qualcode's own store; returns (how many, a theme used)."""
    import random

    from qualcode.corpus import load_corpus
    from qualcode.model import Coding
    from qualcode.project import open_project
    from qualcode.store import coding_path, write_codings

    rng = random.Random(7)
    corpus = load_corpus(open_project(root))
    themes = [t.id for t in corpus.codebook.themes]
    count = 0
    for coder in ("ana", "ben"):
        for tid, segs in corpus.segments().items():
            codings = [Coding(code, s.start, s.end, s.text, codebook_version=corpus.codebook.version)
                       for s in segs if not s.is_interviewer and rng.random() < 0.15
                       for code in rng.sample(themes, rng.choice((1, 1, 2)))]
            write_codings(coding_path(corpus.project.codings_dir, coder, tid), codings, durable=False)
            count += len(codings)
    return count, themes[0]


if __name__ == "__main__":
    main()
