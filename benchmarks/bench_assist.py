"""Assisted-coding benchmark on ../shared/data/nhs-patient-feedback (skips if absent).

Imports the comments with `qualcode import table` into a temporary project, holds out 30% of
comments (split by comment, seeds 1-3), trains on 10% and on 25% of all comments, and prints
macro-F1 and micro-F1 over codes with >= 30 positives, mean per-code Cohen's kappa, top-1
precision and top-3 recall of the suggestions; rules built from the code names alone; and
speed: training on 5,000 coded segments, suggesting for 100,000 segments, one review decision.
Reference (the data's README, plain TF-IDF + LR): 10%: macro 0.28 micro 0.60 top-1 0.70 top-3 0.79;
25%: macro 0.42 micro 0.65 top-1 0.74 top-3 0.83; keywords from code names: macro 0.20.
Run:  python benchmarks/bench_assist.py [--seeds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "nhs-patient-feedback" / "v6framework_230831.csv"
sys.path.insert(0, str(REPO))

from bench_foundation import compiled_as_installed  # noqa: E402
from qualcode.assist.learner import Settings, fit  # noqa: E402


def import_project(root: Path) -> None:
    (root / "transcripts").mkdir(parents=True)
    (root / "codebooks").mkdir()
    subprocess.run([sys.executable, "-m", "qualcode", "--project", str(root), "import", "table", str(DATA),
                    "--text", "FFT answer", "--id", "Comment ID", "--attr", "Trust",
                    "--codes-from", "Not assigned..Positive experience & gratitude", "--coder", "people", "--prefix", "nhs"],
                   check=True, capture_output=True)


def metrics(Y: np.ndarray, P: np.ndarray, probs: np.ndarray, cols: list[int]) -> dict:
    from sklearn.metrics import cohen_kappa_score, f1_score

    f1 = [f1_score(Y[:, k], P[:, k], zero_division=0) for k in cols]
    kappa = [cohen_kappa_score(Y[:, k], P[:, k]) if P[:, k].any() or Y[:, k].any() else 0.0 for k in cols]
    out = {"macro_f1": float(np.mean(f1)), "micro_f1": float(f1_score(Y[:, cols].ravel(), P[:, cols].ravel())),
           "kappa": float(np.nanmean(kappa))}
    if probs is not None:
        order = np.argsort(-probs, axis=1)
        has = Y.sum(1) > 0
        out["top1"] = float(np.mean([Y[r, order[r, 0]] for r in range(len(Y)) if has[r]]))
        out["top3"] = float(np.mean([Y[r, order[r, :3]].sum() / Y[r].sum() for r in range(len(Y)) if has[r]]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--min-positives", type=int, default=Settings.min_positives, help="ablation")
    ap.add_argument("--no-context", action="store_true", help="ablation: without the context features")
    ap.add_argument("--no-calibration", action="store_true", help="ablation: uncalibrated probabilities")
    ap.add_argument("--quality-only", action="store_true", help="skip the speed measurements")
    ap.add_argument("--example-once", action="store_true", help="time the example at its own size only, not twice it")
    ap.add_argument("--rules-only", action="store_true", help="only the rules speed measurement")
    ap.add_argument("--rules-words", type=int, default=1_000_000, help="corpus size for the rules speed measurement")
    ap.add_argument("--rules-runs", type=int, default=3, help="fresh processes per corpus for the rules speed")
    ap.add_argument("--rules-run", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rules_run:
        rules_run(args.rules_run)
        return
    compiled_as_installed()
    if args.rules_only:
        rules_speed(args.rules_runs, args.rules_words)
        return
    example(twice=not args.example_once)
    if not DATA.is_file():
        print(f"skipped: {DATA} not found (the shared development data sits beside the repository)")
        return

    from qualcode.assist.rules import Rules
    from qualcode.assist.training import labelled_segments
    from qualcode.corpus import load_corpus
    from qualcode.model import Codebook, Theme
    from qualcode.project import open_project

    settings = Settings(min_positives=args.min_positives, context=not args.no_context,
                        calibrate=not args.no_calibration)
    with tempfile.TemporaryDirectory(prefix="qualcode-nhs-") as tmp:
        root = Path(tmp) / "nhs"
        start = time.perf_counter()
        import_project(root)
        corpus = load_corpus(open_project(root))
        ex, _ = labelled_segments(corpus, "people")
        # Comments are split; codebook seeds (here each theme's name) always train, as in `qualcode evaluate`.
        comments = [i for i, s in enumerate(ex.sources) if s]
        seeds = [i for i, s in enumerate(ex.sources) if not s]
        print(f"imported {len(comments):,} comments with `qualcode import table` in {time.perf_counter() - start:.1f} s"
              f" ({len(seeds)} codebook seeds)")
        codes = [t.id for t in corpus.codebook.themes]
        Yall = np.array([[c in ex.positives[i] for c in codes] for i in comments])
        cols = [k for k, c in enumerate(codes) if Yall[:, k].sum() >= 30]
        print(f"{len(codes)} codes, {len(cols)} with >= 30 positives (scored)")

        results: dict[str, list[dict]] = {}
        n = len(comments)
        for seed in range(1, args.seeds + 1):
            idx = list(range(n))
            random.Random(seed).shuffle(idx)
            test, pool = [comments[i] for i in idx[: int(0.3 * n)]], [comments[i] for i in idx[int(0.3 * n):]]
            Y = Yall[idx[: int(0.3 * n)]]
            for frac in (0.10, 0.25):
                train = pool[: int(frac * n)]
                sub = ex.subset(train + seeds)
                model = fit(sub, settings)
                probs, chosen = model.outputs([ex.texts[i] for i in test], [ex.contexts[i] for i in test], codes)
                results.setdefault(f"model {int(frac * 100)}% ({len(train)} comments)", []).append(
                    metrics(Y, chosen, probs, cols))
            # Rules from the code names alone: each content word of a name is a keyword.
            named = Codebook("names", 1, {}, tuple(
                Theme(id=t.id, label=t.label, keywords=tuple(w for w in re.findall(r"[a-z]+", t.label.lower())
                                                               if len(w) > 3 and w not in {"with", "from", "care", "services", "staff"}))
                for t in corpus.codebook.themes))
            rules = Rules(named)
            row = {ex.segments[i].id: n for n, i in enumerate(test)}
            P = np.zeros_like(Y)
            for h in rules.hits([ex.segments[i] for i in test]):
                P[row[h.segment.id], codes.index(h.theme)] = True
            results.setdefault("rules from code names", []).append(metrics(Y, P, None, cols))

        print("\nquality (mean over seeds; held-out 30% of comments)")
        print(f"{'':<30} {'macro-F1':>9} {'micro-F1':>9} {'kappa':>7} {'top-1':>7} {'top-3':>7}")
        for name, runs in results.items():
            m = {k: np.mean([r[k] for r in runs]) for k in runs[0]}
            print(f"{name:<30} {m['macro_f1']:9.3f} {m['micro_f1']:9.3f} {m['kappa']:7.3f} "
                  f"{m.get('top1', float('nan')):7.3f} {m.get('top3', float('nan')):7.3f}")
        print("targets: 10% macro >= 0.35, top-3 >= 0.82; 25% macro >= 0.47, micro >= 0.66; rules macro >= 0.20")

        if args.quality_only:
            return
        # Speed.
        idx = list(range(n))
        random.Random(0).shuffle(idx)
        sub = ex.subset([comments[i] for i in idx[:5000]] + seeds)
        start = time.perf_counter()
        model = fit(sub, Settings())
        train_s = time.perf_counter() - start
        texts = [ex.texts[comments[i % n]] for i in range(100_000)]
        start = time.perf_counter()
        model.probabilities(texts)
        predict_s = time.perf_counter() - start
        print(f"\nspeed: training on 5,000 segments {train_s:.1f} s (target <= 10); "
              f"scoring 100,000 segments {predict_s:.1f} s (target <= 30)")
        print(f"review: {review_latency(root):.1f} ms from a decision to the next suggestion shown (target < 100)")
    rules_speed(args.rules_runs, args.rules_words)


def example_copy(dest: Path, copies: int) -> int:
    """The bundled example project, its .md transcripts and their codings `copies` times over
    (each copy under new ids): the same coding work at 1x, 2x... Returns the transcripts."""
    shutil.copytree(REPO / "codebooks", dest / "codebooks")
    shutil.copytree(REPO / "transcripts", dest / "transcripts")
    shutil.copytree(REPO / "codings", dest / "codings")
    shutil.copy(REPO / "qualcode.yaml", dest / "qualcode.yaml")
    for k in range(2, copies + 1):
        for path in sorted((REPO / "transcripts").glob("*.md")):
            tid = path.stem
            text = path.read_text(encoding="utf-8").replace(f"id: {tid}\n", f"id: {tid}-{k}\n", 1)
            (dest / "transcripts" / f"{tid}-{k}.md").write_text(text, encoding="utf-8")
            for coded in (REPO / "codings").glob(f"*/{tid}.*"):
                shutil.copy(coded, dest / coded.parent.relative_to(REPO) / f"{tid}-{k}{coded.suffix}")
    return len(list((dest / "transcripts").glob("*.*"))) - 1  # participants.csv aside


def example(twice: bool = True) -> None:
    """The bundled example: model, plain baseline and rules cross-validated on the same folds
    (`qualcode evaluate`), and the time `suggest` (training, then with the cached model) and
    `evaluate` take, at the example's size and at twice it: the ratio says whether cost grows
    linearly with the corpus (`--example-once` leaves out twice the size)."""
    def timed(root: Path, *argv: str) -> tuple[float, str]:
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "qualcode", "--project", str(root), *argv],
                             check=True, capture_output=True, text=True).stdout
        return time.perf_counter() - start, out

    rows = {}
    with tempfile.TemporaryDirectory(prefix="qualcode-example-") as tmp:
        for copies in (1, 2) if twice else (1,):
            root = Path(tmp) / f"x{copies}"
            n = example_copy(root, copies)
            train, _ = timed(root, "suggest", "--coder", "amara", "--json")
            cached, _ = timed(root, "suggest", "--coder", "amara", "--json")
            evaluate_s, out = timed(root, "evaluate", "--coder", "amara", "--json")
            rows[copies] = (n, train, cached, evaluate_s, json.loads(out))
    ev = rows[1][4]
    print(f"\nthe bundled example, {len(ev['folds'])}-fold cross-validation grouped by transcript "
          f"({ev['scores'][0]['segments']} labelled units; model: {ev['kind']})")
    print(f"{'':<10} {'macro-F1':>9} {'micro-F1':>9} {'kappa':>7} {'top-3':>7}")
    for sc in ev["scores"]:
        top3 = f"{sc['top3_recall']:7.3f}" if sc["top3_recall"] is not None else f"{'':>7}"
        print(f"{sc['source']:<10} {sc['macro_f1']:9.3f} {sc['micro_f1']:9.3f} {sc['mean_kappa']:7.3f} {top3}")
    print(f"{'':<36} {'suggest (train)':>16} {'suggest (cached)':>17} {'evaluate':>9}")
    for copies, (n, train, cached, evaluate_s, _) in rows.items():
        print(f"example x{copies} ({n} transcripts){'':<14} {train:15.1f}s {cached:16.1f}s {evaluate_s:8.1f}s")
    print("targets: suggest <= 10 s training, <= 3 s cached; evaluate <= 20 s (x1)." + (
        f" x2/x1 (linear is about 2 or less): training {rows[2][1] / rows[1][1]:.2f}, "
        f"cached {rows[2][2] / rows[1][2]:.2f}, evaluate {rows[2][3] / rows[1][3]:.2f}" if twice else ""))


def review_latency(root: Path) -> float:
    """Median time for one review key: decide (and save) one suggestion, then render the next."""
    import io
    import statistics

    from rich.console import Console

    from qualcode.assist.review import decide, queue
    from qualcode.assist.suggest import suggest
    from qualcode.cli.assist_cmd import _show
    from qualcode.corpus import load_corpus
    from qualcode.model import ACCEPTED
    from qualcode.project import open_project

    # A second coder who has coded half the comments gets suggestions for the other half.
    corpus = load_corpus(open_project(root))
    people = [f for f in corpus.files if f.coder == "people"]
    for f in people[: len(people) // 2]:
        target = root / "codings" / "half" / f.path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f.path.read_text(encoding="utf-8"), encoding="utf-8")
    corpus = load_corpus(open_project(root))
    suggest(corpus, "half", use_rules=False)
    items = queue(corpus, "half")[:50]
    out = Console(file=io.StringIO(), width=100)
    times = []
    for i, item in enumerate(items[:-1]):
        start = time.perf_counter()
        decide(corpus, "half", item, ACCEPTED)
        _show(out, corpus, items[i + 1], i + 1, len(items), "Accepted.")
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def rules_speed(runs: int = 3, size: int = 1_000_000) -> None:
    """A codebook's rules over each corpus of the foundation benchmark (a million words unless
    told; the KCPO codebook on the recombined one, the generator's own on the realistic one),
    against the cold load + segmentation of the same corpus. Each run is a fresh process with an empty cache:
    load, segment, then the rules, as `qualcode suggest` does on a new project. The VM's timings
    wander by +-20% from run to run, so the median of `runs` is reported."""
    from bench_foundation import build_corpus, build_realistic

    for name, build in (("recombined", build_corpus), ("realistic", build_realistic)):
        with tempfile.TemporaryDirectory(prefix="qualcode-rules-") as tmp:
            root = Path(tmp) / "corpus"
            words = build(root, size)
            if words is None:
                print("rules on the realistic corpus skipped: ../shared/bench/realistic_corpus.py not found")
                continue
            rules_on(name, root, words, runs, name == "realistic" and size >= 1_000_000)
            if name == "realistic":
                rules_command(root, runs)


def rules_command(root: Path, runs: int) -> None:
    """What a person waits for: the `qualcode rules` command with the segments cached (as after
    any earlier command), against a cold `qualcode status` of the same project, interleaved in
    fresh processes. For reference: the issue's target is the in-process figure above."""
    compiled_as_installed()

    def timed(*argv: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "qualcode", "--project", str(root), *argv], check=True,
                       capture_output=True, cwd=REPO)
        return time.perf_counter() - start

    pairs = []
    for _ in range(runs):
        shutil.rmtree(root / ".qualcode", ignore_errors=True)
        cold = timed("status")
        pairs.append((timed("rules", "--coder", "bench", "--json"), cold))
    rules_s, cold = statistics.median(r for r, _ in pairs), statistics.median(c for _, c in pairs)
    print(f"  the `qualcode rules` command there, segments cached: {rules_s:.2f} s = "
          f"{statistics.median(r / c for r, c in pairs):.2f}x a cold `qualcode status` ({cold:.2f} s); "
          f"median of {runs}, for reference")


def rules_on(name: str, root: Path, words: int, runs: int, targeted: bool) -> None:
    """One corpus's figure: see rules_speed."""
    os.sync()  # the kernel writing 800 new files back competed with the first run (0.63x vs 0.48x)
    rows = []
    for _ in range(runs):
        shutil.rmtree(root / ".qualcode", ignore_errors=True)
        out = subprocess.run([sys.executable, __file__, "--rules-run", str(root)], check=True,
                             capture_output=True, text=True).stdout
        rows.append(json.loads(out))
    cold = statistics.median(r["cold"] for r in rows)
    rules_s = statistics.median(r["rules"] for r in rows)
    ratio = statistics.median(r["rules"] / r["cold"] for r in rows)
    # The target is set on the realistic million words; elsewhere the bound is for reference.
    bound = f"target <= 0.5 {'ok' if ratio <= 0.5 else 'MISSED'}" if targeted else "reference: 0.5"
    print(f"rules, {name} corpus: {rows[0]['rules_count']} rules over {words:,} words ({rows[0]['segments']:,} segments, "
          f"{rows[0]['hits']:,} hits): {rules_s:.2f} s = {ratio:.2f}x cold load+segmentation ({cold:.2f} s; "
          f"{bound}); median of {runs} fresh processes, ratios "
          + ", ".join(f"{r['rules'] / r['cold']:.2f}" for r in rows))


def rules_run(root: Path) -> None:
    from qualcode import perf
    from qualcode.assist.rules import Rules
    from qualcode.codebook import load_codebook
    from qualcode.project import open_project
    from qualcode.segment import segment_all
    from qualcode.transcripts import load_transcripts

    perf.FREEZE_LONG_LIVED = True  # as in the `qualcode` command
    p = open_project(root)
    start = time.perf_counter()
    ts = load_transcripts(p.transcripts_dir, p.root, p.interviewers, p.encoding, p.cache_dir)
    segs = segment_all(ts, "sentence", p.cache_dir)
    cold = time.perf_counter() - start
    flat = [s for v in segs.values() for s in v if not s.is_interviewer]
    begin = time.perf_counter()
    rules = Rules(load_codebook(p.codebook_path))
    hits = rules.hits(flat)
    print(json.dumps({"cold": cold, "rules": time.perf_counter() - begin, "rules_count": len(rules.names),
                      "segments": len(flat), "hits": len(hits)}))


if __name__ == "__main__":
    main()
