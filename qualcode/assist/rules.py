"""Rule-based suggestions from the codebook: each theme's `keywords` (spaCy PhraseMatcher, on
word forms and on lemmas) and `patterns` (spaCy Matcher), only in the theme's groups.

A rule is one keyword or one pattern of one theme, named `theme/kw/keyword` or
`theme/pattern/N`. Its confidence is its precision as people's decisions show it: its
suggestions accepted and rejected in review, and its hits on units the coder has already labelled
(coded with the theme, or labelled without it; assist/training.py), over a prior whose mean depends
on the rule's strength: a pattern or a keyword of several words says more than one common word.

Speed: with the built-in lookup lemmas (no trained pipeline configured), a word's lemma does not
depend on its context, so each form's lemma is written once into the vocabulary as its NORM;
keywords then match on NORM and `LEMMA` in patterns becomes `NORM`, and only the tokenizer runs,
over one doc per transcript. The token Matcher, slow per call, runs only on segments holding the
words a pattern needs, and matches are gathered as arrays (benchmarks/bench_assist.py measures it
all against segmentation; tests/test_rules.py checks it equals matching each segment alone).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np
from spacy.attrs import IDX, LENGTH

from ..errors import QualcodeError
from ..model import ACCEPTED, REJECTED, Codebook, Coding, Segment
from ..nlp import lemma_of, lemma_pipeline, norms_as_lemmas, sentence_pipeline
from ..perf import paused_gc

PRIOR_HITS = 2  # the prior weighs as much as two decisions
PRIOR_STRONG, PRIOR_WEAK = 0.6, 0.4  # its mean: a pattern or multi-word keyword; a single word
MAX_VARIANTS = 64  # forms of a multi-word keyword, at most
SEPARATOR = " "  # between segments in one doc; matches that run across are dropped


class Hit(NamedTuple):  # a tuple: a corpus has tens of thousands, built in one go
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
        # The keyword as written; with lookup lemmas every such match is also a NORM match.
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.lemmas = PhraseMatcher(self.nlp.vocab, attr="NORM" if self.lookup else "LEMMA")
        # Words a pattern's match must contain (see _anchor); on NORM they share the keywords' pass.
        self.anchors = self.lemmas if self.lookup else PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.anchors_lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.needs: list[frozenset[int]] = []  # per pattern: anchor keys all present in a match
        self.anchor_keys: set[int] = set()
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
                try:
                    self.matcher.add(name, rewritten or [pattern])
                except Exception as exc:  # spaCy's own message says what is wrong with the pattern
                    raise QualcodeError(f"theme '{theme.id}': pattern {i} is invalid: {exc}", codebook.path,
                                        "Check it with: qualcode codebook validate")
                self._anchor(name, rewritten or [pattern])
                self.names.append(name)

    def _anchor(self, name: str, patterns: list) -> None:
        """For each token every match of the pattern must have, the words it may be (its NORM or
        LOWER as a word or an `IN` list, in every variant), so the slow token Matcher only runs on
        segments holding a word of each. Tokens that may be a stop word ('for') are left out when
        others remain: they are in nearly every segment and only cost matching time. A pattern with
        no such token is run everywhere."""
        positions = []
        for i in range(min(len(p) if isinstance(p, list) else 0 for p in patterns)):
            words = {"NORM": set(), "LOWER": set()}
            for pattern in patterns:
                token = pattern[i] if isinstance(pattern[i], dict) else {}
                token = {str(k).upper(): v for k, v in token.items()}
                attr = next((a for a in ("NORM", "LOWER") if a in token), None)
                value = token.get(attr)
                if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
                    value = value["IN"]
                elif isinstance(value, str):
                    value = [value]
                if not _required(token.get("OP")) or not value or not all(isinstance(v, str) for v in value):
                    break
                words[attr].update(value)
            else:
                positions.append((i, words))
        stop = self.nlp.Defaults.stop_words
        rare = [(i, w) for i, w in positions if not any(x.lower() in stop for x in w["NORM"] | w["LOWER"])]
        needs = set()
        for i, words in rare or positions:
            key = f"{name}#{i}"
            if self.lookup:  # one NORM pass finds both (see _norms_of_lower)
                words = {"NORM": words["NORM"] | {n for w in words["LOWER"] for n in self._norms_of_lower(w)},
                         "LOWER": set()}
            for attr, matcher in (("NORM", self.anchors), ("LOWER", self.anchors_lower)):
                if words[attr]:
                    matcher.add(key, [self.nlp.make_doc(w) for w in words[attr]])
            needs.add(self.nlp.vocab.strings.add(key))
        self.anchor_keys |= needs
        if needs:
            self.needs.append(frozenset(needs))
        else:
            self.unanchored = True

    unanchored = False

    def _norms_of_lower(self, word: str) -> set[str]:
        """Every NORM a token whose lower-case form is `word` can have: its lexemes' (the lemma,
        for forms of the lemmas rules use) and those the tokenizer's special cases give it."""
        word = word.lower()
        return {self.nlp.vocab[v].norm_ for v in (word, word.capitalize(), word.upper())} | self._special_norms[word]

    @cached_property
    def _special_norms(self) -> defaultdict[str, set[str]]:
        """Lower-case token text -> the NORMs the tokenizer's special cases give it ('pm' in '10pm' -> 'p.m.')."""
        from spacy.attrs import NORM, ORTH

        out: defaultdict[str, set[str]] = defaultdict(set)
        for pieces in self.nlp.tokenizer.rules.values():
            for t in pieces:
                if NORM in t:
                    out[t[ORTH].lower()].add(t[NORM])
        return out

    def hits(self, segments: list[Segment]) -> list[Hit]:
        """Every rule that fires on each segment, limited to the theme's stakeholder groups, in
        segment order then rule name. Segments of one transcript are matched as one doc; a match
        never crosses two segments; a rule fires once per segment (its earliest match)."""
        with paused_gc():  # many small objects: see qualcode/perf.py
            return self._hits(segments)

    def _hits(self, segments: list[Segment]) -> list[Hit]:
        by_transcript: dict[str, list[int]] = defaultdict(list)
        for i, seg in enumerate(segments):
            by_transcript[seg.transcript_id].append(i)
        # One doc per transcript; every offset below is in one text made of all the docs, end to end.
        order = [i for members in by_transcript.values() for i in members]
        lengths = np.array([len(segments[i].text) for i in order], dtype=np.int64)
        seg_start = np.concatenate(([0], np.cumsum(lengths + len(SEPARATOR))[:-1]))
        texts = [SEPARATOR.join(segments[i].text for i in members) for members in by_transcript.values()]
        tokenize = self.nlp.pipe if self.needs_lemmas else self.nlp.tokenizer.pipe
        longest = max(map(len, texts), default=0)
        if longest >= self.nlp.max_length:  # a day-long focus group; no parser or NER runs here
            self.nlp.max_length = longest + 1
        # Matches are assembled as arrays: a keyword corpus has ~2 matches per segment, mostly
        # repeats of a rule already seen there, and a Python loop over them cost more than matching.
        matches, counts, token_arrays, first_seg = [], [], [], 0
        for doc, members in zip(tokenize(texts, batch_size=64), by_transcript.values()):
            starts = seg_start[first_seg:first_seg + len(members)]
            first_seg += len(members)
            tok = doc.to_array([IDX, LENGTH]).view(np.int64)  # small offsets: the same values
            found = self._matches(doc, tok[:, 0], starts - starts[0])
            if found:
                matches.extend(found)
                counts.append(len(found))
                tok[:, 0] += starts[0]
                token_arrays.append(tok)
        if not matches:
            return []
        m = np.fromiter(itertools.chain.from_iterable(matches), np.uint64, 3 * len(matches)).reshape(-1, 3)
        shift = np.repeat(np.cumsum([0] + [len(t) for t in token_arrays[:-1]]), counts)
        tok = np.concatenate(token_arrays)
        first, last = m[:, 1].astype(np.int64) + shift, m[:, 2].astype(np.int64) - 1 + shift
        begin, end = tok[first, 0], tok[last, 0] + tok[last, 1]
        k = np.searchsorted(seg_start, begin, side="right") - 1
        seg_index = np.asarray(order)[k]
        rule, is_rule = self._rule_index(m[:, 0])
        groups = {g: i for i, g in enumerate(dict.fromkeys(s.group for s in segments))}
        seg_group = np.fromiter((groups[s.group] for s in segments), np.int64, len(segments))
        allowed = np.array([[self.themes[name.partition("/")[0]].applies_to(g) for g in groups]
                            for name in self._sorted_names])
        # Not across into the next segment, and only in the theme's groups.
        keep = is_rule & (end <= seg_start[k] + lengths[k]) & allowed[rule, seg_group[seg_index]]
        # One hit per segment and rule, its earliest match; in segment order, then rule name.
        n, where = len(self._sorted_names), np.flatnonzero(keep)
        key = seg_index[where] * n + rule[where]
        by = np.lexsort((end[where], begin[where], key))
        key, where = key[by], where[by]
        first_of = np.concatenate(([True], key[1:] != key[:-1]))
        key, where = key[first_of], where[first_of]
        out = []
        for i, r, b, e in zip((key // n).tolist(), (key % n).tolist(), (begin - seg_start[k])[where].tolist(),
                              (end - seg_start[k])[where].tolist()):
            name = self._sorted_names[r]
            out.append(Hit(segments[i], name.partition("/")[0], name, segments[i].text[b:e]))
        return out

    def _matches(self, doc, idx, starts) -> list[tuple[int, int, int]]:
        """(match id, first token, end token) of every rule in the doc, whose segments start at
        `starts` (character offsets in the doc); with lookup lemmas, anchor words too."""
        out = []
        for matcher in (self.phrases, self.lemmas):
            if len(matcher):
                out.extend(matcher(doc))
        if not len(self.matcher):
            return out
        if self.unanchored:
            out.extend(self.matcher(doc))
            return out
        # The token Matcher only in segments holding a word of each anchor of some pattern.
        found = [m for m in (out if self.anchors is self.lemmas else self.anchors(doc) if len(self.anchors) else ())
                 if m[0] in self.anchor_keys]
        found += self.anchors_lower(doc) if len(self.anchors_lower) else []
        if not found:
            return out
        keys, at = zip(*((key, start) for key, start, _ in found))
        present = defaultdict(set)
        for k, key in zip((np.searchsorted(starts, idx[list(at)], side="right") - 1).tolist(), keys):
            present[k].add(key)
        # Per segment, not per anchor word: each Matcher call costs ~25 us before any matching.
        for k in sorted(k for k, keys in present.items() if any(needs <= keys for needs in self.needs)):
            first = int(np.searchsorted(idx, starts[k]))
            last = int(np.searchsorted(idx, starts[k + 1])) if k + 1 < len(starts) else len(idx)
            out.extend((match_id, first + s, first + e) for match_id, s, e in self.matcher(doc[first:last]))
        return out

    @cached_property
    def _sorted_names(self) -> list[str]:
        return sorted(self.names)

    def _rule_index(self, ids):
        """Match ids (string hashes of rule names) -> positions in `_sorted_names`, and whether
        each is a rule (not an anchor word)."""
        hashes = np.array([self.nlp.vocab.strings[name] for name in self._sorted_names], dtype=np.uint64)
        order = np.argsort(hashes)
        at = np.minimum(np.searchsorted(hashes[order], ids), len(order) - 1)
        return order[at], hashes[order][at] == ids


def _required(op) -> bool:
    """Whether a token with this operator is in every match: no operator, "1", "+", or a
    quantifier such as "{2}", "{1,3}" or "{2,}" whose least count is not zero."""
    if op in (None, "1", "+"):
        return True
    bounds = re.fullmatch(r"\{(\d*)(?:,\d*)?\}", op) if isinstance(op, str) else None
    return bool(bounds and bounds[1] and int(bounds[1]) > 0)


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
