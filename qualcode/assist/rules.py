"""Rule-based suggestions from the codebook: each theme's `keywords` (spaCy PhraseMatcher on
lower-case text and on lemmas) and `patterns` (spaCy Matcher), only in the theme's groups.

A rule is one keyword or one pattern of one theme, named `theme/kw/keyword` or
`theme/pattern/N`. Its confidence is its observed precision in people's review decisions,
(accepted + 1) / (accepted + rejected + 2): 0.5 before anyone has decided anything."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..errors import QualcodeError
from ..model import ACCEPTED, REJECTED, Codebook, Coding, Segment
from ..nlp import lemma_pipeline

PRIOR_HITS, PRIOR_GOOD = 2, 1  # a neutral Beta(1, 1) prior


@dataclass(frozen=True)
class Hit:
    segment: Segment
    theme: str
    rule: str
    text: str  # the words that matched


@dataclass
class RuleStats:
    rule: str
    theme: str
    hits: int = 0
    accepted: int = 0
    rejected: int = 0

    @property
    def precision(self) -> float:
        return (self.accepted + PRIOR_GOOD) / (self.accepted + self.rejected + PRIOR_HITS)

    def to_dict(self) -> dict:
        return {"rule": self.rule, "theme": self.theme, "hits": self.hits, "accepted": self.accepted,
                "rejected": self.rejected, "precision": round(self.precision, 4)}


class Rules:
    def __init__(self, codebook: Codebook, spacy_model: str | None = None):
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp = lemma_pipeline(spacy_model)
        self.lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.lemma = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        self.matcher = Matcher(self.nlp.vocab, validate=True)
        self.themes = {t.id: t for t in codebook.themes}
        self.names: list[str] = []
        for theme in codebook.themes:
            for kw in theme.keywords:
                name = f"{theme.id}/kw/{kw}"
                self.lower.add(name, [self.nlp.make_doc(kw)])
                self.lemma.add(name, [self.nlp(kw)])
                self.names.append(name)
            for i, pattern in enumerate(theme.patterns, 1):
                name = f"{theme.id}/pattern/{i}"
                try:
                    self.matcher.add(name, [pattern])
                except Exception as exc:  # spaCy's own message says what is wrong with the pattern
                    raise QualcodeError(f"theme '{theme.id}': pattern {i} is invalid: {exc}", codebook.path,
                                        "Check it with: qualcode codebook validate")
                self.names.append(name)

    @property
    def active(self):
        """The matchers that have rules (spaCy warns about running an empty one)."""
        return [m for m in (self.lower, self.lemma, self.matcher) if len(m)]

    def hits(self, segments: list[Segment]) -> list[Hit]:
        """Every rule that fires on each segment, limited to the theme's stakeholder groups."""
        out = []
        vocab = self.nlp.vocab
        for seg, doc in zip(segments, self.nlp.pipe([s.text for s in segments], batch_size=256)):
            seen = set()
            for matcher in self.active:
                for match_id, start, end in matcher(doc):
                    rule = vocab.strings[match_id]
                    theme = rule.split("/", 1)[0]
                    if rule in seen or not self.themes[theme].applies_to(seg.group):
                        continue
                    seen.add(rule)
                    out.append(Hit(seg, theme, rule, doc[start:end].text))
        return out


def rule_stats(rules: Rules, decisions: list[Coding], hits: list[Hit]) -> list[RuleStats]:
    """Hits now, and accepts and rejects of each rule's past suggestions."""
    stats = {name: RuleStats(name, name.split("/", 1)[0]) for name in rules.names}
    for h in hits:
        stats[h.rule].hits += 1
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
    return max(stats[n].precision if n in stats else PRIOR_GOOD / PRIOR_HITS for n in names)


def group_hits(hits: list[Hit]) -> dict[tuple[str, str], list[Hit]]:
    by = defaultdict(list)
    for h in hits:
        by[(h.segment.id, h.theme)].append(h)
    return by
