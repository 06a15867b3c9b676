"""Assisted coding on real transcripts: ../shared/data/talkmoves (skips, saying why, if absent).

Imports the 567 classroom transcripts with `qualcode import talk` (the Teacher Tag column as coder
"people"), then, for each seed, holds out 30% of lessons and trains on 10% and on 30% of all
lessons from the rest: folds grouped by lesson, no lesson on both sides. Scored on the teacher
sentences of the held-out lessons (every sentence that has a tag, "1 - None" included):
macro-F1 and mean Cohen's kappa over the talk moves with >= 30 held-out examples, top-1
precision and top-3 recall of the ranked moves (sentences with a move). Side by side, in the same
run on exactly the same folds, the plain baseline (qualcode/assist/baseline.py, as `qualcode
evaluate` scores it): TF-IDF word 1-2 + char_wb 2-5, logistic regression, balanced, multinomial. Also the calibration of qualcode's probabilities
(Brier score and a reliability table) and its time to train and to score.
Target: qualcode's macro-F1 >= 1.10x the baseline's at both sizes.
Run:  python benchmarks/bench_talkmoves.py [--seeds 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "talkmoves" / "data"
sys.path.insert(0, str(REPO))

from bench_foundation import compiled_as_installed  # noqa: E402


def import_project(root: Path, lessons: int | None = None) -> None:
    files = sorted(str(p) for p in DATA.glob("*/*.xlsx"))
    if lessons:  # a fixed sample, for a short run (CI)
        files = sorted(random.Random(0).sample(files, min(lessons, len(files))))
    (root / "transcripts").mkdir(parents=True, exist_ok=True)
    (root / "codebooks").mkdir(exist_ok=True)
    subprocess.run([sys.executable, "-m", "qualcode", "--project", str(root), "import", "talk", *files,
                    "--codes", "Teacher Tag", "--coder", "people", "--prefix", "talkmoves"],
                   check=True, capture_output=True)


def scores(Y: np.ndarray, P: np.ndarray, R: np.ndarray, cols: list[int]) -> dict:
    """Y, P: units x moves (true, predicted) booleans; R: units x moves, a ranking score."""
    from sklearn.metrics import cohen_kappa_score, f1_score

    f1 = [f1_score(Y[:, k], P[:, k], zero_division=0) for k in cols]
    kappa = [cohen_kappa_score(Y[:, k], P[:, k]) for k in cols]
    has = Y.any(1)
    order = np.argsort(-R[has], axis=1)
    Yh = Y[has]
    top1 = float(np.mean(Yh[np.arange(len(Yh)), order[:, 0]]))
    top3 = float(np.mean(np.take_along_axis(Yh, order[:, :3], 1).sum(1) / Yh.sum(1)))
    return {"macro_f1": float(np.mean(f1)), "kappa": float(np.mean(kappa)), "top1": top1, "top3": top3}


def reliability(Y: np.ndarray, R: np.ndarray, bins: int = 10) -> tuple[float, list[tuple]]:
    """Brier score over every (unit, move), and (bin, mean predicted, observed share, count)."""
    p, y = R.ravel(), Y.ravel().astype(float)
    rows = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        m = (p >= lo) & ((p < hi) if b < bins - 1 else (p <= hi))
        if m.any():
            rows.append((f"{lo:.1f}-{hi:.1f}", float(p[m].mean()), float(y[m].mean()), int(m.sum())))
    return float(np.mean((p - y) ** 2)), rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="import into DIR once and reuse it on later runs")
    ap.add_argument("--sizes", default="0.1,0.3", help="training shares of all lessons")
    ap.add_argument("--lessons", type=int, help="import a fixed sample of this many lessons only (a short run)")
    ap.add_argument("--no-context", action="store_true", help="ablation: without the context features")
    ap.add_argument("--exclusive", default="auto", choices=("auto", "yes", "no"), help="ablation: the model kind")
    args = ap.parse_args()
    compiled_as_installed()
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found (the shared development data sits beside the repository)")
        return
    tmp = None
    if args.keep:
        root = args.keep
    else:
        tmp = tempfile.TemporaryDirectory(prefix="qualcode-talkmoves-")
        root = Path(tmp.name) / "talkmoves"
    start = time.perf_counter()
    if not (root / "codings").is_dir():
        import_project(root, args.lessons)
    imported = time.perf_counter() - start
    try:
        run(root, args, imported)
    finally:
        if tmp:
            tmp.cleanup()


def run(root: Path, args, imported: float) -> None:
    from qualcode.assist import baseline
    from qualcode.assist.learner import Settings, fit
    from qualcode.assist.training import labelled_segments
    from qualcode.corpus import load_corpus
    from qualcode.project import open_project

    start = time.perf_counter()
    corpus = load_corpus(open_project(root))
    ex, _ = labelled_segments(corpus, "people")
    loaded = time.perf_counter() - start
    # The teacher's sentences: every unit the coder decided (a move, or "no code").
    units = [i for i, k in enumerate(ex.kinds) if k in ("coded", "no code")]
    lessons = sorted({ex.sources[i] for i in units})
    moves = sorted({c for i in units for c in ex.positives[i]})
    print(f"imported {len(lessons)} lessons with `qualcode import talk` in {imported:.0f} s, loaded in {loaded:.0f} s: "
          f"{len(units):,} decided teacher sentences, {sum(1 for i in units if ex.positives[i]):,} with a move")
    by_lesson: dict[str, list[int]] = {}
    for i in units:
        by_lesson.setdefault(ex.sources[i], []).append(i)
    seeds_ = [i for i, s in enumerate(ex.sources) if not s]
    results: dict[str, list[dict]] = {}
    calib = []
    for seed in range(1, args.seeds + 1):
        order = lessons[:]
        random.Random(seed).shuffle(order)
        n_test = int(0.3 * len(order))
        test = [i for les in order[:n_test] for i in by_lesson[les]]
        Y = np.array([[m in ex.positives[i] for m in moves] for i in test])
        cols = [k for k in range(len(moves)) if Y[:, k].sum() >= 30]
        for frac in (float(f) for f in args.sizes.split(",")):
            chosen = order[n_test:n_test + max(1, round(frac * len(order)))]
            train = [i for les in chosen for i in by_lesson[les]]
            tag = f"{int(frac * 100)}% ({len(chosen)} lessons, {len(train):,} sentences)"

            t0 = time.perf_counter()
            P, R = baseline.fit_predict([ex.texts[i] for i in train], [ex.positives[i] for i in train],
                                        [ex.texts[i] for i in test], moves, one_per_unit=True)
            base_s = time.perf_counter() - t0
            results.setdefault(f"baseline {tag}", []).append({**scores(Y, P, R, cols), "seconds": base_s})

            t0 = time.perf_counter()
            model = fit(ex.subset(train + seeds_), Settings(context=not args.no_context, exclusive=args.exclusive))
            fit_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            probs, chosen_ = model.outputs([ex.texts[i] for i in test], [ex.contexts[i] for i in test], moves)
            score_s = time.perf_counter() - t0
            results.setdefault(f"qualcode {tag}", []).append(
                {**scores(Y, chosen_, probs, cols), "seconds": fit_s + score_s, "kind": model.kind})
            model.calibration = {}  # the same model's scores before calibration, for comparison
            raw, _ = model.outputs([ex.texts[i] for i in test], [ex.contexts[i] for i in test], moves)
            calib.append((tag, *reliability(Y, probs), reliability(Y, raw)[0]))

    print(f"\nquality on held-out lessons (30%, mean over {args.seeds} seed(s)); moves scored: "
          + ", ".join(moves[k] for k in cols))
    print(f"{'':<44} {'macro-F1':>9} {'kappa':>7} {'top-1':>7} {'top-3':>7} {'seconds':>8}")
    for name, runs in results.items():
        m = {k: np.mean([r[k] for r in runs]) for k in ("macro_f1", "kappa", "top1", "top3", "seconds")}
        print(f"{name:<44} {m['macro_f1']:9.3f} {m['kappa']:7.3f} {m['top1']:7.3f} {m['top3']:7.3f} {m['seconds']:8.1f}")
    for frac in (float(f) for f in args.sizes.split(",")):
        ours = [r for k, v in results.items() if k.startswith(f"qualcode {int(frac * 100)}%") for r in v]
        base = [r for k, v in results.items() if k.startswith(f"baseline {int(frac * 100)}%") for r in v]
        ratio = np.mean([r["macro_f1"] for r in ours]) / np.mean([r["macro_f1"] for r in base])
        print(f"{int(frac * 100)}%: qualcode's macro-F1 = {ratio:.2f}x the baseline's (target >= 1.10); model: {ours[0]['kind']}")
    for tag, brier, rows, raw_brier in calib[: len(args.sizes.split(","))]:
        print(f"\ncalibration of qualcode's probabilities, {tag}: Brier score {brier:.4f} "
              f"(the same model uncalibrated: {raw_brier:.4f}; lower is better)")
        print(f"  {'bin':<9} {'predicted':>9} {'observed':>9} {'pairs':>8}")
        for b, pred, obs, n in rows:
            print(f"  {b:<9} {pred:9.3f} {obs:9.3f} {n:8,}")


if __name__ == "__main__":
    main()
