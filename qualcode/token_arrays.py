"""A text's tokens as arrays, the way spaCy's tokenizer would make them, gathered from one
tokenization of each distinct chunk (chunk_tokens.py). The rules match keywords and patterns on
these; tests/test_token_arrays.py checks they equal the tokenizer's own on nasty text.
"""

from __future__ import annotations

from operator import itemgetter

import numpy as np

from .chunk_tokens import BATCH, batch_rows, plain_tokens

# What str.isspace() (and so spaCy's tokenizer, and str.split) takes for white space, by code point.
_SPACE = np.zeros(0x3002, bool)
_SPACE[[c for c in range(len(_SPACE)) if chr(c).isspace()]] = True  # none above U+3000


class Streams:
    """Token arrays of texts, as spaCy's tokenizer would make them, over one shared table of parts.

    A text is split into parts: chunks and the runs of white space between them. spaCy makes a
    run of white space a token of its own, except one space after a token (its trailing
    whitespace), so a run is stored by its text and a chunk by its tokens; a text's tokens are the
    rows of its parts, gathered with numpy. Rows hold each token's offset in its part, length and
    NORM (a special case's, else its lexeme's); `words` keeps the token texts for making a Doc."""

    BATCH = BATCH  # a test makes it small

    def __init__(self, tokenizer):
        from spacy.attrs import IDX, LENGTH, NORM

        self.tokenizer = tokenizer
        self.attrs = [IDX, LENGTH, NORM]
        self.ids = _PartIds()  # part -> id; a run of white space opening a text is a 1-tuple
        self.first, self.count = [0], [0]  # per part: its first row, how many
        # Per row: offset in its part, length, NORM, text.
        self.offsets: list[int] = []
        self.lengths: list[int] = []
        self.norms: list[int] = []
        self.words: list[str] = []
        self._norm_of = tokenizer.vocab.lex_attr_getters.get(NORM)  # what a new lexeme's NORM is
        self._word_norms: dict[str, int] = {}  # "police" is in "police," "police." "police?"...
        self._arrays = None
        self._columns: dict[str, np.ndarray] = {}

    def _add(self, key, tokens: list[list[int]], text: str) -> None:
        at = self.ids[key]
        self.first[at] = len(self.norms)
        self.count[at] = len(tokens)
        for offset, length, norm in tokens:
            self.offsets.append(offset)
            self.lengths.append(length)
            self.norms.append(norm)
            self.words.append(text[offset:offset + length])

    def _learn(self, parts: list) -> None:
        """The tokens of the parts _PartIds gave ids since the last call."""
        self.first.extend([0] * len(parts))
        self.count.extend([0] * len(parts))
        chunks = []
        for part in parts:
            if isinstance(part, tuple):  # white space opening a text: one token, all of it
                self._add(part, self._alone(part[0]), part[0])
            elif part[0].isspace():  # one space after a token is its trailing whitespace
                text = part[1:] if part[0] == " " else part
                tokens = self._alone(text) if text else []
                for t in tokens:
                    t[0] += len(part) - len(text)
                self._add(part, tokens, part)
            else:
                chunks.append(part)
        chunks = self._learn_plain(chunks)
        for i in range(0, len(chunks), self.BATCH):
            batch = chunks[i:i + self.BATCH]
            learned = batch_rows(self.tokenizer, batch, self.attrs) or [self._alone(c) for c in batch]
            for chunk, tokens in zip(batch, learned):
                self._add(chunk, tokens, chunk)

    def _learn_plain(self, chunks: list[str]) -> list[str]:
        """Learn the chunks plain_tokens knows (most of them), as _add would, inline: a call per
        chunk was a third of learning them; the rest are returned for the tokenizer."""
        specials, norm, memo, rest = self.tokenizer.rules, self._norm, self._word_norms, []
        ids, first, count = self.ids, self.first, self.count
        offsets, lengths, norms, words = self.offsets, self.lengths, self.norms, self.words
        for chunk in chunks:
            plain = plain_tokens(chunk, specials)
            if plain is None:
                rest.append(chunk)
                continue
            at = ids[chunk]
            first[at] = len(norms)
            count[at] = len(plain)
            for a, n in plain:
                word = chunk[a:a + n]
                value = memo.get(word)
                if value is None:
                    value = memo[word] = norm(word)
                offsets.append(a)
                lengths.append(n)
                norms.append(value)
                words.append(word)
        return rest

    def _norm(self, word: str) -> int:
        """The NORM a lexeme of this word has, or would have once made: making one computes a
        dozen attributes in Python, and most words only need comparing with a keyword."""
        vocab = self.tokenizer.vocab
        if word in vocab or self._norm_of is None:
            return vocab[word].norm
        return vocab.strings.add(self._norm_of(word))

    def _alone(self, text: str) -> list[list[int]]:
        return self.tokenizer(text).to_array(self.attrs).tolist()

    def of(self, text: str, words_only: bool = False) -> "Stream":
        """The tokens of one text. Chunks come from str.split() and their offsets from a mask of
        white space over the text's code points; only runs of white space other than one space
        between chunks (line breaks, double spaces) are looked at one by one. With `words_only`,
        without the tokens that are runs of white space: the tokens of the text with its white
        space collapsed to single spaces, at their offsets in the text as it is; then the white
        space is not looked at at all (50 ms of the rules' 0.5 s on a million realistic words)."""
        chunks = text.split()
        cps = np.frombuffer(text.encode("utf-32-le"), np.uint32)
        space = _SPACE.take(cps, mode="clip")  # above the table: not white space
        starts = np.flatnonzero(~space & np.concatenate(([True], space[:-1])))
        ids = self.ids
        part = _ids_of(ids, chunks)
        if words_only:  # a chunk's tokens never depend on the white space around it
            at = starts
        else:
            part, at = self._with_gaps(text, cps, space, starts, part)
        if ids.new:
            new, ids.new = ids.new, []
            self._learn(new)
        first, count, offset, length, norms = self._tables()
        n = count[part]
        end = np.cumsum(n)
        # Row of each token: its part's first row plus its place within the part.
        row = np.repeat(first[part] - end + n, n) + np.arange(int(end[-1]) if len(end) else 0)
        return Stream(text, offset[row] + np.repeat(at, n), length[row], norms[row], row, words_only)

    def _with_gaps(self, text: str, cps, space, starts, chunk_ids):
        """The parts of the text in order, each chunk then the run of white space after it when
        that is a token (any but one space between two chunks), and where each part starts."""
        ends = np.flatnonzero(~space & np.concatenate((space[1:], [True]))) + 1
        gap_start = np.concatenate(([0], ends))
        gap_end = np.concatenate((starts, [len(text)]))
        odd = (gap_end - gap_start != 1) | (cps[np.minimum(gap_start, len(cps) - 1)] != 32) if len(cps) else gap_end < 0
        odd[0] = True  # white space opening the text is always a token
        odd = np.flatnonzero(odd & (gap_end > gap_start))
        gaps = [text[a:b] for a, b in zip(gap_start[odd].tolist(), gap_end[odd].tolist())]
        if len(odd) and odd[0] == 0:  # white space opening the text: one token, all of it
            gaps[0] = (gaps[0],)
        return np.insert(chunk_ids, odd, _ids_of(self.ids, gaps)), np.insert(starts, odd, gap_start[odd])

    def _tables(self):
        """The table as arrays, extended by what was learned since the last call (a Rules object
        lives as long as the workbench: rebuilding it all on every call grew with the corpus)."""
        done = self._arrays
        if done is None or len(done[0]) < len(self.first):
            n_parts, n_rows = (len(done[0]), len(done[2])) if done is not None else (0, 0)
            new = (np.array(self.first[n_parts:], np.int64), np.array(self.count[n_parts:], np.int64),
                   np.array(self.offsets[n_rows:], np.int64), np.array(self.lengths[n_rows:], np.int64),
                   np.array(self.norms[n_rows:], np.uint64))
            self._arrays = new if done is None else tuple(np.concatenate(pair) for pair in zip(done, new))
        return self._arrays

    def column(self, attr: str) -> np.ndarray:
        """Per row, the string id of its token's LOWER or ORTH (what literal patterns test),
        extended like the table; one id per distinct token, not per occurrence."""
        done = self._columns.get(attr, np.zeros(0, np.uint64))
        if len(done) < len(self.words):
            add, words = self.tokenizer.vocab.strings.add, self.words[len(done):]
            new = np.fromiter(map(add, map(str.lower, words) if attr == "LOWER" else words), np.uint64, len(words))
            done = self._columns[attr] = np.concatenate((done, new))
        return done

    def doc(self, stream: "Stream", vocab, which):
        """A Doc of these tokens of the stream (an index array), with their NORMs and trailing spaces."""
        from spacy.attrs import NORM
        from spacy.tokens import Doc

        words = self.words
        doc = Doc(vocab, words=[words[r] for r in stream.row[which].tolist()], spaces=stream.spaces(which))
        if len(doc):
            doc.from_array([NORM], stream.norm[which].reshape(-1, 1))
        return doc


class _PartIds(dict):
    """Part -> id in the table. A part not seen before gets the next id when first looked up
    and waits in `new` to be learned: no pass over a text's million chunks to find the new ones."""

    def __init__(self):
        super().__init__({"": 0})
        self.new: list = []

    def __missing__(self, part):
        self[part] = at = len(self)
        self.new.append(part)
        return at


def _ids_of(ids: dict, keys: list) -> np.ndarray:
    """ids[k] for each key, looked up in one C loop (itemgetter: half the time of map over a
    million chunks); itemgetter of one key returns the value alone, hence the small cases."""
    if len(keys) < 2:
        return np.array([ids[k] for k in keys], np.int64)
    return np.fromiter(itemgetter(*keys)(ids), np.int64, len(keys))


class Stream:
    """One text's tokens: the character offset, length and NORM of each, and its row in the table."""

    __slots__ = ("text", "idx", "length", "norm", "row", "words_only")

    def __init__(self, text, idx, length, norm, row, words_only: bool = False):
        self.text, self.idx, self.length, self.norm, self.row = text, idx, length, norm, row
        self.words_only = words_only  # without white-space tokens: see Streams.of

    def __len__(self) -> int:
        return len(self.idx)

    def spaces(self, which) -> list[bool]:
        """Whether each token has a trailing space: white space right after it. Where runs of
        white space are tokens, only one space can be (a run reaches the next chunk); without
        them, as though the text's white space were collapsed, any is."""
        text, ends = self.text, (self.idx[which] + self.length[which]).tolist()
        if self.words_only:  # white space ending the text would be stripped when collapsed
            words_end = len(text.rstrip())
            return [e < words_end and text[e:e + 1].isspace() for e in ends]
        return [text[e:e + 1] == " " for e in ends]
