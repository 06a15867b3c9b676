"""Rule-based suggestions from the codebook: each theme's `keywords` (spaCy PhraseMatcher, on
word forms and on lemmas) and `patterns` (spaCy Matcher), only in the theme's groups.

A rule is one keyword or one pattern of one theme, named `theme/kw/keyword` or
`theme/pattern/N`. Its confidence is its observed precision in people's review decisions,
(accepted + 1) / (accepted + rejected + 2): 0.5 before anyone has decided anything.

Speed: with the built-in lookup lemmas (no trained pipeline configured), a word's lemma does not
depend on its context, so each form's lemma is written once into the vocabulary as its NORM;
keywords then match on NORM and `LEMMA` in patterns becomes `NORM`, and only the tokenizer runs,
over one doc per transcript (benchmarks/bench_assist.py measures it against segmentation).
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass

from spacy.attrs import IDX, LENGTH

from ..errors import QualcodeError
from ..model import ACCEPTED, REJECTED, Codebook, Coding, Segment
from ..nlp import lemma_of, lemma_pipeline, norms_as_lemmas, sentence_pipeline
from ..perf import paused_gc

PRIOR_HITS, PRIOR_GOOD = 2, 1  # a neutral Beta(1, 1) prior
MAX_VARIANTS = 64  # forms of a multi-word keyword, at most
SEPARATOR = "\n\n"  # between segments in one doc: a whitespace token no phrase can cross


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


def _as_norms(pattern: list[dict]) -> list[list[dict]] | None:
    """A pattern with `LEMMA` constraints as patterns on `NORM` (which holds lookup lemmas): a list
    of lemmas (`IN`) becomes one pattern per lemma, so spaCy matches in C rather than testing a
    set in Python at every token. None when a constraint cannot be carried over (e.g. a REGEX)."""
    options: list[list[dict]] = []
    for token in pattern:
        token = {k.upper() if isinstance(k, str) else k: v for k, v in token.items()}
        value = token.pop("LEMMA", None)
        if value is None:
            options.append([token])
        elif isinstance(value, str):
            options.append([{**token, "NORM": lemma_of(value)}])
        elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
            options.append([{**token, "NORM": lemma_of(v)} for v in dict.fromkeys(value["IN"])])
        elif isinstance(value, dict) and set(value) == {"NOT_IN"} and isinstance(value["NOT_IN"], list):
            options.append([{**token, "NORM": {"NOT_IN": [lemma_of(v) for v in value["NOT_IN"]]}}])
        else:
            return None
    combos = list(itertools.islice(itertools.product(*options), MAX_VARIANTS + 1))
    return None if len(combos) > MAX_VARIANTS else [list(c) for c in combos]


class Rules:
    def __init__(self, codebook: Codebook, spacy_model: str | None = None):
        from spacy.matcher import Matcher, PhraseMatcher

        self.lookup = spacy_model is None  # lookup lemmas: carried by NORM, no lemmatizer pass
        # With lookup lemmas only the tokenizer runs: the segmenter's, whose cache is warm.
        self.nlp = sentence_pipeline() if self.lookup else lemma_pipeline(spacy_model)
        if self.lookup:
            norms_as_lemmas(self.nlp, _lemmas_used(codebook))
        self.anchors = PhraseMatcher(self.nlp.vocab, attr="NORM" if self.lookup else "LOWER")
        # The keyword as written; with lookup lemmas every such match is also a NORM match.
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.lemmas = PhraseMatcher(self.nlp.vocab, attr="NORM" if self.lookup else "LEMMA")
        self.matcher = Matcher(self.nlp.vocab, validate=True)
        self.themes = {t.id: t for t in codebook.themes}
        self.names: list[str] = []
        self.needs_lemmas = not self.lookup
        for theme in codebook.themes:
            for kw in theme.keywords:
                name = f"{theme.id}/kw/{kw}"
                if not self.lookup:
                    self.phrases.add(name, [self.nlp.make_doc(kw)])
                self.lemmas.add(name, [self.nlp.make_doc(kw) if self.lookup else self.nlp(kw)])
                self.names.append(name)
            for i, pattern in enumerate(theme.patterns, 1):
                name = f"{theme.id}/pattern/{i}"
                rewritten = _as_norms(pattern) if self.lookup and isinstance(pattern, list) else None
                if self.lookup and rewritten is None:
                    self.needs_lemmas = True
                self._anchor(name, rewritten or [pattern])
                try:
                    self.matcher.add(name, rewritten or [pattern])
                except Exception as exc:  # spaCy's own message says what is wrong with the pattern
                    raise QualcodeError(f"theme '{theme.id}': pattern {i} is invalid: {exc}", codebook.path,
                                        "Check it with: qualcode codebook validate")
                self.names.append(name)

    def _anchor(self, name: str, patterns: list) -> None:
        """Words one of which every match of the pattern must contain (a required token's NORM or
        LOWER), so the slow token Matcher only runs on segments that have one. A pattern with no
        such word is run everywhere."""
        words = set()
        for pattern in patterns:
            required = [t for t in pattern if isinstance(t, dict) and t.get("OP") in (None, "+", "1")]
            literal = next((t.get("NORM", t.get("LOWER")) for t in required
                            if isinstance(t.get("NORM", t.get("LOWER")), str)), None)
            if literal is None:
                self.unanchored = True
                return
            words.add(literal)
        self.anchors.add(name, [self.nlp.make_doc(w) for w in words])

    unanchored = False

    def hits(self, segments: list[Segment]) -> list[Hit]:
        """Every rule that fires on each segment, limited to the theme's stakeholder groups.
        Segments of one transcript are matched as one doc; a match never crosses two segments."""
        with paused_gc():  # many small objects: see qualcode/perf.py
            return self._hits(segments)

    def _hits(self, segments: list[Segment]) -> list[Hit]:
        by_transcript: dict[str, list[Segment]] = defaultdict(list)
        for seg in segments:
            by_transcript[seg.transcript_id].append(seg)
        texts, layouts = [], []
        for segs in by_transcript.values():
            starts, pos = [], 0
            for seg in segs:
                starts.append(pos)
                pos += len(seg.text) + len(SEPARATOR)
            texts.append(SEPARATOR.join(s.text for s in segs))
            layouts.append((segs, starts))
        docs = self.nlp.pipe(texts, batch_size=64) if self.needs_lemmas else self.nlp.tokenizer.pipe(texts, batch_size=64)
        out, vocab = [], self.nlp.vocab
        for doc, text, (segs, starts) in zip(docs, texts, layouts):
            arr = doc.to_array([IDX, LENGTH])  # token offsets as lists: no Span object per match
            idx, length = arr[:, 0].tolist(), arr[:, 1].tolist()
            seen = set()
            for match_id, start, end in self._matches(doc, idx, segs, starts):
                begin, finish = idx[start], idx[end - 1] + length[end - 1]
                k = bisect_right(starts, begin) - 1
                if (k, match_id) in seen:
                    continue
                seen.add((k, match_id))
                seg = segs[k]
                if finish > starts[k] + len(seg.text):
                    continue  # ran across into the next segment
                rule = vocab.strings[match_id]
                theme = rule.split("/", 1)[0]
                if self.themes[theme].applies_to(seg.group):
                    out.append(Hit(seg, theme, rule, text[begin:finish]))
        order = {s.id: i for i, s in enumerate(segments)}
        out.sort(key=lambda h: (order[h.segment.id], h.rule))
        return out


    def _matches(self, doc, idx, segs, starts):
        for matcher in (self.phrases, self.lemmas):
            if len(matcher):
                yield from matcher(doc)
        if not len(self.matcher):
            return
        if self.unanchored:
            yield from self.matcher(doc)
            return
        # The token Matcher only where an anchor word occurs: within that segment's tokens.
        for k in sorted({bisect_right(starts, idx[start]) - 1 for _, start, _ in self.anchors(doc)}):
            first = bisect_left(idx, starts[k])
            last = bisect_left(idx, starts[k] + len(segs[k].text))
            for match_id, s, e in self.matcher(doc[first:last]):
                yield match_id, first + s, first + e


def _lemmas_used(codebook: Codebook) -> set[str]:
    """Every lemma a keyword or pattern can match on: the ones whose forms need a NORM."""
    tokenize = sentence_pipeline().make_doc
    out = set()
    for theme in codebook.themes:
        for kw in theme.keywords:
            out.update(lemma_of(t.text) for t in tokenize(kw))
        for pattern in theme.patterns:
            for token in pattern if isinstance(pattern, list) else []:
                if not isinstance(token, dict):
                    continue
                for key, value in token.items():
                    if str(key).upper() != "LEMMA":
                        continue
                    values = [value] if isinstance(value, str) else (value.get("IN", []) + value.get("NOT_IN", [])
                                                                     if isinstance(value, dict) else [])
                    out.update(lemma_of(v) for v in values if isinstance(v, str))
    return out


def decisions(corpus, coder: str) -> list[Coding]:
    """The coder's accepted and rejected codings: what the rules' precision is learned from."""
    return [c for f in corpus.files if f.coder == coder for c in f.codings if c.status in (ACCEPTED, REJECTED)]


def report(corpus, coder: str) -> list[RuleStats]:
    """Every rule of the codebook with its hits over the codable segments and its review record."""
    rules = Rules(corpus.codebook, corpus.project.spacy_model)
    segments = [s for segs in corpus.segments().values() for s in segs if not s.is_interviewer]
    stats = rule_stats(rules, decisions(corpus, coder), rules.hits(segments))
    return sorted(stats, key=lambda r: (r.theme, -r.hits, r.rule))


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
