"""Making suggestions and storing them beside the coder's codings, as suggestions.

Re-running refreshes the open suggestions of the transcripts in scope and never touches a
decision: a (span, theme) that a person accepted or rejected is never suggested again."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

from ..corpus import Corpus
from ..model import SUGGESTED, Coding, Segment
from ..store import now
from ..tagging import save
from .learner import ONE_PER_UNIT, Model, Settings, fit_cached
from .rule_stats import confidence, decisions, group_hits, rule_stats
from .rules import Rules
from .training import Labels, labelled_segments, unit_contexts


@dataclass
class Proposal:
    segment: Segment
    code: str
    source: str  # rules | model
    confidence: float
    why: dict = field(default_factory=dict)


@dataclass
class SuggestReport:
    coder: str
    added: int = 0
    kept: int = 0  # open suggestions that were proposed again unchanged
    withdrawn: int = 0  # open suggestions no longer proposed
    skipped_decided: int = 0  # proposals a person had already accepted or rejected
    by_source: Counter = field(default_factory=Counter)
    unlabelled_segments: int = 0  # undecided units looked at (in the transcripts asked for)
    labels: dict = field(default_factory=dict)  # Labels.to_dict(): what the coder's decisions give
    model: dict | None = None

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        d["by_source"] = dict(self.by_source)
        return d


def _refreshable(c: Coding) -> bool:
    """An open suggestion of this command's own making: re-running replaces it. Decisions, and a
    split theme's codings waiting for a person, are never touched."""
    return c.status == SUGGESTED and c.source in ("rules", "model")


def model_proposals(model: Model, segments: list[Segment], contexts, codebook) -> list[Proposal]:
    """The themes the model chooses (at or above a theme's threshold, or a unit's one choice),
    only where the theme applies to the segment's stakeholder group (as for rules)."""
    import numpy as np

    texts = [s.text for s in segments]
    if not texts:
        return []
    X = model.features(texts, contexts)
    probs = model.probabilities(texts, contexts, X)
    chosen = model.predict(probs)
    rows, cols = np.nonzero(chosen & model.applies(codebook, segments))  # segment order, then the model's code order
    codes = [model.codes[j] for j in cols.tolist()]
    reasons = model.reasons(X, rows.tolist(), codes)
    thresholds = {code: round(t, 3) for code, t in model.thresholds.items()}
    return [Proposal(segments[i], code, "model", round(float(probs[i, j]), 4),
                     {"model": model.key, "threshold": thresholds[code], "features": why})
            for i, j, code, why in zip(rows.tolist(), cols.tolist(), codes, reasons)]


def rule_proposals(corpus: Corpus, coder: str, segments: list[Segment], examples=None) -> list[Proposal]:
    """Every rule hit on these segments, with the rule's precision as its confidence: learned from
    review decisions and, given the coder's labelled `examples`, from its hits on coded text."""
    rules = Rules(corpus.codebook, corpus.project.spacy_model)
    labelled = [seg for seg in (examples.segments if examples else []) if seg is not None]
    all_hits = rules.hits(sorted(segments + labelled, key=lambda s: (s.transcript_id, s.start)))  # one pass over both
    wanted = {s.id for s in segments}
    hits = [h for h in all_hits if h.segment.id in wanted]
    positives = {seg.id: p for seg, p in zip(examples.segments, examples.positives) if seg is not None} if examples else {}
    stats = {s.rule: s for s in rule_stats(rules, decisions(corpus, coder), hits,
                                           [h for h in all_hits if h.segment.id in positives], positives)}
    out = []
    for (_, theme), group in group_hits(hits).items():
        names = sorted({h.rule for h in group})
        out.append(Proposal(group[0].segment, theme, "rules", round(confidence(names, stats), 4),
                            {"rules": names, "matched": sorted({h.text for h in group})}))
    return out


def _same(a: Coding, b: Coding) -> bool:
    """The same suggestion, whenever it was made."""
    return (a.source, a.confidence, a.extra) == (b.source, b.confidence, b.extra)


def suggest(corpus: Corpus, coder: str, transcripts: list[str] | None = None, use_rules: bool = True,
            use_model: bool = True, settings: Settings | None = None) -> SuggestReport:
    report = SuggestReport(coder)
    labels = Labels()
    examples, unlabelled = labelled_segments(corpus, coder, labels)
    report.labels = labels.to_dict()
    scope = {corpus.transcript(t).id for t in transcripts} if transcripts else None
    if scope is not None:
        unlabelled = [s for s in unlabelled if s.transcript_id in scope]
    report.unlabelled_segments = len(unlabelled)
    proposals: list[Proposal] = []
    if use_model:
        model, cached = fit_cached(examples, corpus.project.cache_dir, settings)
        report.model = {"key": model.key, "codes": len(model.codes), "cached": cached,
                        "training_segments": len(examples.texts) - examples.seeds,
                        "one_per_unit": model.kind == ONE_PER_UNIT, "coded_units": labels.coded, "negative_units": labels.negatives,
                        "seed_examples": examples.seeds - sum(examples.definition),
                        "definitions": sum(examples.definition)}
        if model.codes:
            proposals += model_proposals(model, unlabelled, unit_contexts(examples, unlabelled), corpus.codebook)
    if use_rules:
        proposals += rule_proposals(corpus, coder, unlabelled, examples)

    # One proposal per (segment, theme): the more confident source, the other noted.
    best: dict[tuple[str, str], Proposal] = {}
    for p in proposals:
        key = (p.segment.id, p.code)
        if key not in best or p.confidence > best[key].confidence:
            if key in best:
                p.why = {**p.why, "also": best[key].source}
            best[key] = p
        else:
            best[key].why = {**best[key].why, "also": p.source}

    by_transcript: dict[str, list[Proposal]] = {}
    for p in best.values():
        by_transcript.setdefault(p.segment.transcript_id, []).append(p)
    touched = {s.transcript_id for s in unlabelled}
    stamp = now()
    version = corpus.codebook.version
    written = False
    for tid in sorted(touched):
        cf = corpus.file(coder, tid)
        decided = {c.key for c in cf.codings if not _refreshable(c)}  # decisions, and split codings awaiting one
        open_ = {c.key: c for c in cf.codings if _refreshable(c)}
        fresh, added = [], []
        for p in by_transcript.get(tid, []):
            key = (p.segment.start, p.segment.end, p.code)
            if key in decided:
                report.skipped_decided += 1
                continue
            new = Coding(code=p.code, start=p.segment.start, end=p.segment.end, text=p.segment.text, source=p.source,
                         status=SUGGESTED, confidence=p.confidence, codebook_version=version, at=stamp, extra=p.why)
            old = open_.pop(key, None)
            if old is not None and _same(old, new):
                fresh.append(old)  # unchanged: keep it as it was, timestamp and all
                report.kept += 1
            else:
                fresh.append(new)
                added.append(new)
        report.withdrawn += len(open_)
        if added or open_:  # an unchanged file is not rewritten
            cf.codings = [c for c in cf.codings if not _refreshable(c)] + fresh
            before = save(corpus, cf, durable=False)
            written = True
            # Counted against the file as it was when written: a `suggest` running at the same
            # moment may have stored the same suggestions first.
            there = {c.key: c for c in before if _refreshable(c)}
            same = {c.key for c in added if c.key in there and _same(there[c.key], c)}
            report.kept += len(same)
            added = [c for c in added if c.key not in same]
        report.added += len(added)
        report.by_source.update(c.source for c in added)
    if written:
        os.sync()  # every file whole (temp + rename) and all on disk: one sync, not one per file
    return report
