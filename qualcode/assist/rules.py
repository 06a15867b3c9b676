"""Rule-based suggestions from the codebook: each theme's `keywords` (spaCy PhraseMatcher, on
word forms and on lemmas) and `patterns` (spaCy Matcher), only in the theme's groups.

A rule is one keyword or one pattern of one theme, named `theme/kw/keyword` or
`theme/pattern/N`; how far each is trusted is in assist/rule_stats.py.

Speed: with the built-in lookup lemmas (no trained pipeline configured), a word's lemma does not
depend on its context, so each form's lemma is written once into the vocabulary as its NORM;
keywords then match on NORM and `LEMMA` in patterns becomes `NORM`, and only the tokenizer runs:
once per distinct chunk of text, its tokens gathered as arrays (qualcode/token_arrays.py), on
which keywords, patterns of literal words only and the words each other pattern needs (its
anchors) are matched with numpy. spaCy's token Matcher, a Python loop per token, runs each
other pattern only on windows around its anchors.
benchmarks/bench_assist.py measures it against segmentation; tests/test_rules.py checks it
equals spaCy's matchers over each segment alone. A configured pipeline's lemmas need the
pipeline over every segment: one Doc per transcript, spaCy's matchers over it.
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from functools import cached_property
from operator import attrgetter
from typing import NamedTuple

import numpy as np
from spacy.attrs import IDX, LENGTH

from ..errors import QualcodeError
from ..model import Codebook, Segment
from ..nlp import lemma_pipeline, norms_as_lemmas, sentence_pipeline
from ..perf import paused_gc
from .array_match import IdSet, TokenPhrases, as_array
from .pattern_forms import as_norms, lemmas_used, literal_runs, most_tokens, required, words_named

SEPARATOR = " "  # between segments in one doc; matches that run across are dropped


class Hit(NamedTuple):  # a tuple: a corpus has tens of thousands, built in one go
    segment: Segment
    theme: str
    rule: str
    text: str  # the words that matched, white space collapsed ("waiting\nlist" -> "waiting list")


class Rules:
    def __init__(self, codebook: Codebook, spacy_model: str | None = None):
        from spacy.matcher import Matcher, PhraseMatcher

        self.lookup = spacy_model is None  # lookup lemmas: carried by NORM, no lemmatizer pass
        # With lookup lemmas only the tokenizer runs: the segmenter's, whose cache is warm.
        self.nlp = sentence_pipeline() if self.lookup else lemma_pipeline(spacy_model)
        if self.lookup:
            norms_as_lemmas(self.nlp, lemmas_used(codebook))
        # The keyword as written; with lookup lemmas every such match is also a NORM match.
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.lemmas = PhraseMatcher(self.nlp.vocab, attr="NORM" if self.lookup else "LEMMA")
        # Words a pattern's match must contain (see _anchor); on NORM they share the keywords' pass.
        self.anchors = self.lemmas if self.lookup else PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.anchors_lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.needs: dict[str, frozenset[int]] = {}  # per pattern: anchor keys all present in a match
        self.pattern_of: dict[str, list] = {}  # per pattern: what the Matcher holds
        self.anchor_keys: set[int] = set()
        self.matcher = Matcher(self.nlp.vocab, validate=True)
        self.themes = {t.id: t for t in codebook.themes}
        self.names: list[str] = []
        self.needs_lemmas = not self.lookup
        self.token_phrases = TokenPhrases()  # what self.lemmas holds as NORM ids, and literal patterns
        self.literal: set[str] = set()  # patterns of literal words only, matched on token arrays
        for theme in codebook.themes:
            for kw in theme.keywords:
                name = f"{theme.id}/kw/{kw}"
                if not self.lookup:
                    self.phrases.add(name, [self.nlp.make_doc(kw)])
                self._add_phrases(self.lemmas, name, [self.nlp.make_doc(kw) if self.lookup else self.nlp(kw)])
                self.names.append(name)
            for i, pattern in enumerate(theme.patterns, 1):
                name = f"{theme.id}/pattern/{i}"
                rewritten = as_norms(pattern) if self.lookup and isinstance(pattern, list) else None
                if self.lookup and rewritten is None:
                    self.needs_lemmas = True
                try:
                    self.matcher.add(name, rewritten or [pattern])
                    self.pattern_of[name] = rewritten or [pattern]
                except Exception as exc:  # spaCy's own message says what is wrong with the pattern
                    raise QualcodeError(f"theme '{theme.id}': pattern {i} is invalid: {exc}", codebook.path,
                                        "Check it with: qualcode codebook validate")
                self._anchor(name, rewritten or [pattern])
                runs = literal_runs(rewritten) if rewritten else None
                if runs:
                    strings = self.nlp.vocab.strings
                    for run in runs:
                        self.token_phrases.add(strings.add(name), tuple((a, strings.add(v)) for a, v in run))
                    self.literal.add(name)
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
                value = words_named(token.get(attr))
                if not required(token.get("OP")) or not value:
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
                    self._add_phrases(matcher, key, [self.nlp.make_doc(w) for w in words[attr]])
            needs.add(self.nlp.vocab.strings.add(key))
        self.anchor_keys |= needs
        if needs:
            self.needs[name] = frozenset(needs)
        else:
            self.unanchored = True

    unanchored = False

    def _add_phrases(self, matcher, key: str, docs: list) -> None:
        """Add to a PhraseMatcher; what goes to the NORM one is also kept as NORM ids, for the
        array matching of TokenPhrases."""
        matcher.add(key, docs)
        if matcher is self.lemmas and self.lookup:
            from spacy.attrs import NORM

            for d in docs:
                self.token_phrases.add(self.nlp.vocab.strings[key], tuple(("NORM", n) for n in d.to_array([NORM]).tolist()))

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
        segment order then rule name. A match never crosses two segments; a rule fires once per
        segment (its earliest match)."""
        with paused_gc():  # many small objects: see qualcode/perf.py
            return self._hits(segments)

    def _hits(self, segments: list[Segment]) -> list[Hit]:
        texts = list(map(attrgetter("text"), segments))  # one pass per field, in C
        # (match id, first token, end token) of every match, each token's offset and length in
        # one text holding the segments in order, and where each segment starts and ends there.
        if self.lookup and not self.needs_lemmas:
            chunked = self._streams.chunked(texts)
            m, locate = self._stream_matches(chunked), chunked.locate
            text, seg_start, seg_end = chunked.text, chunked.text_start, chunked.text_end
            collapsed = True  # that text's white space is
        else:
            lengths = np.fromiter(map(len, texts), np.int64, len(texts))
            seg_start = np.concatenate(([0], np.cumsum(lengths + len(SEPARATOR))[:-1]))
            seg_end, text = seg_start + lengths, SEPARATOR.join(texts)
            m, (idx, length) = self._doc_matches(segments, seg_start)

            def locate(g):
                return idx[g], length[g]
            collapsed = False
        if not len(m):
            return []
        begin, _ = locate(m[:, 1].astype(np.int64))
        last, length = locate(m[:, 2].astype(np.int64) - 1)
        end = last + length
        seg_index = np.searchsorted(seg_start, begin, side="right") - 1
        rule, is_rule = self._rule_index(m[:, 0])
        of_segment = list(map(attrgetter("group"), segments))
        groups = {g: i for i, g in enumerate(dict.fromkeys(of_segment))}
        seg_group = np.fromiter(map(groups.__getitem__, of_segment), np.int64, len(segments))
        allowed = np.array([[self.themes[name.partition("/")[0]].applies_to(g) for g in groups]
                            for name in self._sorted_names])
        # Not across into the next segment, and only in the theme's groups.
        keep = is_rule & (end <= seg_end[seg_index]) & allowed[rule, seg_group[seg_index]]
        # One hit per segment and rule, its earliest match; in segment order, then rule name.
        n, where = len(self._sorted_names), np.flatnonzero(keep)
        key = seg_index[where] * n + rule[where]
        by = np.lexsort((end[where], begin[where], key))
        key, where = key[by], where[by]
        first_of = np.concatenate(([True], key[1:] != key[:-1]))
        key, where = key[first_of], where[first_of]
        names, new = self._sorted_names, tuple.__new__  # the fast NamedTuple constructor
        themes = [name.partition("/")[0] for name in names]
        matched = [text[b:e] for b, e in zip(begin[where].tolist(), end[where].tolist())]
        if not collapsed:
            matched = [" ".join(w.split()) for w in matched]
        return [new(Hit, (segments[i], themes[r], names[r], w))
                for i, r, w in zip((key // n).tolist(), (key % n).tolist(), matched)]

    def _stream_matches(self, chunked):
        """With lookup lemmas: keywords, literal patterns and anchor words matched on the NORM,
        LOWER and ORTH ids of the tokens of the chunks holding a word one of them names (a few
        in a hundred; see qualcode/token_arrays.py: literal patterns through Matchers cost
        0.3-0.5 s on a million realistic words, much of it making lexemes for the windows'
        Docs); then each other pattern's Matcher run once, over a Doc of only what it must see:
        windows around its rarest anchor when its matches are bounded, else the segments
        holding all its anchors. spaCy's token Matcher walks every token in Python trying every
        pattern there: one Matcher for all patterns over every anchored segment cost four times
        as much. Returns (match id, first token, end token) rows, in the text's token order."""
        g, rows = chunked.tokens_of_chunks(self._chunks_named())
        columns = {"NORM": self._streams.table().norm[rows]}
        for attr in self.token_phrases.attrs() - {"NORM"}:  # what literal patterns test
            columns[attr] = self._streams.column(attr)[rows]
        found = self.token_phrases.matches(columns, positions=g)
        if not len(self.matcher):
            return found
        if self.unanchored:  # the Matcher everywhere: one Doc of it all
            doc = chunked.doc(self.nlp.vocab, np.arange(chunked.total))
            return np.concatenate((found, as_array(self.matcher(doc))))
        anchors = found[self._anchor_keys.where_in(found[:, 0])]
        at = {}  # anchor key -> (segments holding it; per match: its segment, first and end token)
        key, order = np.unique(anchors[:, 0], return_inverse=True)
        seg = np.searchsorted(chunked.text_tokens, anchors[:, 1].astype(np.int64), side="right") - 1
        for i, k in enumerate(key.tolist()):
            mine = order == i
            at[k] = (np.unique(seg[mine]), seg[mine], anchors[mine, 1].astype(np.int64), anchors[mine, 2].astype(np.int64))
        out = [found]
        for name, needs in self.needs.items():
            if name in self.literal or not all(k in at for k in needs):
                continue
            segs = functools.reduce(np.intersect1d, [at[k][0] for k in needs])
            if not len(segs):
                continue
            span = self._longest[name]
            if span is None:  # unbounded ('*', '+'): the whole of each segment
                lo, hi = chunked.text_tokens[segs], chunked.text_tokens_end[segs]
            else:  # windows around the rarest anchor, `span` tokens either side (see _longest)
                _, where, first, last = at[min(needs, key=lambda k: len(at[k][1]))]
                keep = np.isin(where, segs)
                lo, hi = np.maximum(first[keep] - span, 0), np.minimum(last[keep] + span, chunked.total)
            n = hi - lo
            which = np.unique(np.repeat(lo - np.cumsum(n) + n, n) + np.arange(int(n.sum())))  # their tokens
            m = as_array(self._matcher_of[name](chunked.doc(self.nlp.vocab, which)))
            s_, e_ = m[:, 1].astype(np.int64), m[:, 2].astype(np.int64)
            # Back to token indices, keeping matches whose tokens are contiguous there (not
            # across two windows). A match depends on its own tokens only, so one that ends at a
            # window's edge is real; one across two segments is dropped in _hits.
            ok = which[e_ - 1] - which[s_] == e_ - 1 - s_
            m = m[ok]
            m[:, 1], m[:, 2] = which[s_[ok]], which[e_[ok] - 1] + 1
            out.append(m)
        return np.concatenate(out)

    def _chunks_named(self) -> np.ndarray:
        """Per chunk of the table, whether one of its tokens has a NORM, LOWER or ORTH that a
        keyword, literal pattern or anchor names: only those chunks' tokens can be in a match."""
        streams = self._streams
        table = streams.table()
        named = np.zeros(len(table.norm), bool)
        for attr, ids in self._words.items():
            named |= ids.has(table.norm if attr == "NORM" else streams.column(attr))
        upto = np.concatenate(([0], np.cumsum(named)))
        return upto[table.first + table.count] > upto[table.first]

    @cached_property
    def _words(self):
        return self.token_phrases.words()

    @cached_property
    def _longest(self) -> dict[str, int | None]:
        """Per pattern, the most tokens a match can have (None: unbounded)."""
        out = {}
        for name, patterns in self.pattern_of.items():
            out[name] = max((most_tokens(p) for p in patterns), key=lambda n: float("inf") if n is None else n)
        return out

    @cached_property
    def _matcher_of(self) -> dict:
        from spacy.matcher import Matcher

        out = {}
        for name, patterns in self.pattern_of.items():
            if name in self.literal:
                continue
            out[name] = Matcher(self.nlp.vocab)  # validated when added to self.matcher
            out[name].add(name, patterns)
        return out

    def _doc_matches(self, segments: list[Segment], seg_start):
        """With a pipeline's lemmas: one Doc per run of a transcript's segments, spaCy's matchers
        over it, the token Matcher only in segments holding its anchor words."""
        runs = [list(g) for _, g in itertools.groupby(range(len(segments)), key=lambda i: segments[i].transcript_id)]
        texts = [SEPARATOR.join(segments[i].text for i in run) for run in runs]
        longest = max(map(len, texts), default=0)
        if longest >= self.nlp.max_length:  # a day-long focus group; no parser or NER runs here
            self.nlp.max_length = longest + 1
        matches, tokens, shift = [], [], 0
        docs, offsets = zip(*map(self._words_only, texts)) if texts else ((), ())
        for doc, tok, run in zip(self.nlp.pipe(docs, batch_size=64), offsets, runs):  # only when lemmas are needed
            tok[:, 0] += seg_start[run[0]]
            found = [m for matcher in (self.phrases, self.lemmas) if len(matcher) for m in matcher(doc)]
            if len(self.matcher) and self.unanchored:
                found += self.matcher(doc)
            elif len(self.matcher):
                anchors = [m for m in (found if self.anchors is self.lemmas else self.anchors(doc) if len(self.anchors) else ())
                           if m[0] in self.anchor_keys]
                anchors += self.anchors_lower(doc) if len(self.anchors_lower) else []
                anchors = as_array(anchors)
                for first, last in self._matcher_spans(anchors[:, 0], tok[:, 0], anchors[:, 1], seg_start):
                    found.extend((match_id, first + s, first + e) for match_id, s, e in self.matcher(doc[first:last]))
            matches.append(as_array(found, shift))
            tokens.append(tok)
            shift += len(doc)
        tok = np.concatenate(tokens) if tokens else np.zeros((0, 2), np.int64)
        return (np.concatenate(matches) if matches else as_array([])), (tok[:, 0], tok[:, 1])

    def _words_only(self, text: str):
        """The text's Doc without the tokens that are runs of white space (a hard-wrapped line's
        "\n", a double space), for the pipeline to run on, and each token's (offset, length) in
        the text as it is: a keyword or pattern reads white space as one space."""
        from spacy.attrs import IS_SPACE, NORM
        from spacy.tokens import Doc

        doc = self.nlp.make_doc(text)
        arr = doc.to_array([IDX, LENGTH, NORM, IS_SPACE])
        keep = np.flatnonzero(arr[:, 3] == 0)
        tok = arr[keep, :2].astype(np.int64)
        if len(keep) == len(doc):
            return doc, tok
        ends = (tok[:, 0] + tok[:, 1]).tolist()
        out = Doc(self.nlp.vocab, words=[doc[i].text for i in keep.tolist()],
                  spaces=[text[e:e + 1].isspace() for e in ends])
        if len(out):
            out.from_array([NORM], arr[keep, 2:3])  # special cases' NORMs ("n't" -> "not")
        return out, tok

    def _matcher_spans(self, keys, idx, at, seg_start) -> list[tuple[int, int]]:
        """The token ranges of the segments holding a word of each anchor of some pattern, given
        the anchor matches (`keys`, first tokens `at`) and each token's offset `idx`. Per
        segment, not per anchor word: each Matcher call costs ~25 us before any matching."""
        present = defaultdict(set)
        for k, key in zip((np.searchsorted(seg_start, idx[at.astype(np.int64)], side="right") - 1).tolist(),
                          keys.tolist()):
            present[k].add(key)
        out = []
        for k in sorted(k for k, keys in present.items() if any(needs <= keys for needs in self.needs.values())):
            first = int(np.searchsorted(idx, seg_start[k]))
            last = int(np.searchsorted(idx, seg_start[k + 1])) if k + 1 < len(seg_start) else len(idx)
            out.append((first, last))
        return out

    @cached_property
    def _streams(self):
        from ..token_arrays import Streams

        return Streams(self.nlp.tokenizer)

    @cached_property
    def _anchor_keys(self) -> IdSet:
        """The anchors the Matcher windows use: literal patterns are matched on the arrays."""
        return IdSet(k for name, needs in self.needs.items() if name not in self.literal for k in needs)

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
