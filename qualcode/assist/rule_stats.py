"""How far each rule is trusted. A rule is one keyword or one pattern of one theme
(assist/rules.py). Its confidence is its precision as people's decisions show it: its
suggestions accepted and rejected in review, and its hits on units the coder has already labelled
(coded with the theme, or labelled without it; assist/training.py), over a prior whose mean depends
on the rule's strength: a pattern or a keyword of several words says more than one common word.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..model import ACCEPTED, REJECTED, Coding
from .rules import Hit, Rules

PRIOR_HITS = 2  # the prior weighs as much as two decisions
PRIOR_STRONG, PRIOR_WEAK = 0.6, 0.4  # its mean: a pattern or multi-word keyword; a single word

@dataclass
class RuleStats:
    rule: str
    theme: str
    hits: int = 0
    accepted: int = 0
    rejected: int = 0
    on_coded: int = 0  # hits on units the coder coded with this theme
    on_other: int = 0  # hits on units the coder labelled without it

    @property
    def prior(self) -> float:
        return prior_of(self.rule)

    @property
    def precision(self) -> float:
        good = self.accepted + self.on_coded
        return (good + PRIOR_HITS * self.prior) / (good + self.rejected + self.on_other + PRIOR_HITS)

    def to_dict(self) -> dict:
        return {"rule": self.rule, "theme": self.theme, "hits": self.hits, "accepted": self.accepted,
                "rejected": self.rejected, "on_coded": self.on_coded, "on_other": self.on_other,
                "prior": self.prior, "precision": round(self.precision, 4)}


def prior_of(rule: str) -> float:
    """A pattern, or a keyword of two or more words, is a stronger rule than one word."""
    _, kind, what = (rule.split("/", 2) + ["", ""])[:3]
    return PRIOR_STRONG if kind == "pattern" or " " in what.strip() else PRIOR_WEAK


def decisions(corpus, coder: str) -> list[Coding]:
    """The coder's accepted and rejected codings: what the rules' precision is learned from."""
    return [c for f in corpus.files if f.coder == coder for c in f.held if c.status in (ACCEPTED, REJECTED)]


def report(corpus, coder: str) -> list[RuleStats]:
    """Every rule of the codebook with its hits over the codable segments and its review record."""
    from .training import labelled_segments

    rules = Rules(corpus.codebook, corpus.project.spacy_model)
    segments = [s for segs in corpus.segments().values() for s in segs if not s.is_interviewer]
    hits = rules.hits(segments)
    ex, _ = labelled_segments(corpus, coder)
    positives = {seg.id: p for seg, p in zip(ex.segments, ex.positives) if seg is not None}
    stats = rule_stats(rules, decisions(corpus, coder), hits, [h for h in hits if h.segment.id in positives], positives)
    return sorted(stats, key=lambda r: (r.theme, -r.hits, r.rule))


def rule_stats(rules: Rules, decisions: list[Coding], hits: list[Hit], labelled_hits: list[Hit] = (),
               positives: dict[str, set[str]] | None = None) -> list[RuleStats]:
    """Hits now, accepts and rejects of each rule's past suggestions, and (given the hits on the
    coder's labelled units and each unit's themes, `positives`) how often it hit coded text."""
    stats = {name: RuleStats(name, name.split("/", 1)[0]) for name in rules.names}
    for h in hits:
        stats[h.rule].hits += 1
    # a unit where a rule's own suggestion was decided is counted once, as that decision
    reviewed = {(c.start, c.end, c.code) for c in decisions if c.source == "rules"}
    seen = set()
    for h in labelled_hits:
        if (h.segment.id, h.rule) in seen or (h.segment.start, h.segment.end, h.theme) in reviewed:
            continue
        seen.add((h.segment.id, h.rule))
        if h.theme in (positives or {}).get(h.segment.id, ()):
            stats[h.rule].on_coded += 1
        else:
            stats[h.rule].on_other += 1
    for c in decisions:
        for name in c.extra.get("rules", []) if c.source == "rules" else []:
            if name in stats:
                if c.status == ACCEPTED:
                    stats[name].accepted += 1
                elif c.status == REJECTED:
                    stats[name].rejected += 1
    return list(stats.values())


def confidence(names: list[str], stats: dict[str, RuleStats]) -> float:
    """The best observed precision among the rules that fired. Not combined as independent
    evidence: a theme's keywords overlap ('condition', 'conditions' on lemmas), and treating
    them as independent made untested rules look 75% sure."""
    return max(stats[n].precision if n in stats else prior_of(n) for n in names)


def group_hits(hits: list[Hit]) -> dict[tuple[str, str], list[Hit]]:
    by = defaultdict(list)
    for h in hits:
        by[(h.segment.id, h.theme)].append(h)
    return by
