"""Texts' words as token arrays, the way spaCy's tokenizer would make them, gathered from one
tokenization of each distinct chunk (chunk_tokens.py). The rules match keywords and patterns on
these; tests/test_token_arrays.py checks they equal the tokenizer's own on nasty text.
"""

from __future__ import annotations

from operator import itemgetter

import numpy as np

from .chunk_tokens import BATCH, batch_rows, plain_kind

class Streams:
    """Token arrays of texts' words, as spaCy's tokenizer would make them, over one shared table
    of chunks (what str.split() gives; spaCy's tokenizer splits at the same white space and
    tokenizes each chunk on its own). A text's tokens are the rows of its chunks, gathered with
    numpy. Rows hold each token's offset in its chunk, length and NORM (a special case's, else
    its lexeme's); `words` keeps the token texts for making a Doc."""

    BATCH = BATCH  # a test makes it small

    def __init__(self, tokenizer):
        from spacy.attrs import IDX, LENGTH, NORM

        self.tokenizer = tokenizer
        self.attrs = [IDX, LENGTH, NORM]
        self.ids = _PartIds()  # chunk -> id
        # Per chunk: its first row, how many, its length. Id 1 stands for the separator between
        # the texts of `collapsed`: one character, no tokens.
        self.first, self.count, self.size = [0, 0], [0, 0], [0, 1]
        # Per row: offset in its chunk, length, NORM, text.
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
        self.size[at] = len(text)
        for offset, length, norm in tokens:
            self.offsets.append(offset)
            self.lengths.append(length)
            self.norms.append(norm)
            self.words.append(text[offset:offset + length])

    def _learn(self, chunks: list[str]) -> None:
        """The tokens of the chunks _PartIds gave ids since the last call."""
        self.first.extend([0] * len(chunks))
        self.count.extend([0] * len(chunks))
        self.size.extend([0] * len(chunks))
        chunks = self._learn_plain(chunks)
        for i in range(0, len(chunks), self.BATCH):
            batch = chunks[i:i + self.BATCH]
            learned = batch_rows(self.tokenizer, batch, self.attrs) or [self._alone(c) for c in batch]
            for chunk, tokens in zip(batch, learned):
                self._add(chunk, tokens, chunk)

    def _learn_plain(self, chunks: list[str]) -> list[str]:
        """Learn the chunks plain_kind knows (most of them), a kind at a time with C loops (map,
        itemgetter, list.extend): a Python loop over each chunk and its tokens was most of the
        cost of learning them. The rest are returned for the tokenizer."""
        specials, rest, kinds = self.tokenizer.rules, [], ([], [])
        for chunk in chunks:
            kind = plain_kind(chunk, specials)
            (rest if kind is None else kinds[kind - 1]).append(chunk)
        one, two = kinds
        # A word alone: one token, all of it. A word and a mark: the word, then the mark.
        cores = [c[:-1] for c in two]
        marks = [c[-1] for c in two]
        self._rows(one, [0] * len(one), list(map(len, one)), one, 1)
        cut = list(map(len, cores))
        self._rows(two, _interleave([0] * len(two), cut), _interleave(cut, [1] * len(two)),
                   _interleave(cores, marks), 2)
        return rest

    def _rows(self, chunks: list[str], offsets: list[int], lengths: list[int], words: list[str], each: int) -> None:
        """Add chunks of `each` tokens apiece, their rows given flat, in order."""
        if not chunks:
            return
        at = _ids_of(self.ids, chunks).tolist()
        base = len(self.norms)
        first, count, size = self.first, self.count, self.size
        for a, f, n in zip(at, range(base, base + each * len(chunks), each), map(len, chunks)):
            first[a], count[a], size[a] = f, each, n
        memo = self._word_norms
        norms = list(map(memo.get, words))
        if None in norms:
            new = list(dict.fromkeys(w for w, v in zip(words, norms) if v is None))
            memo.update(zip(new, self._norms(new)))
            norms = list(map(memo.__getitem__, words))
        self.offsets += offsets
        self.lengths += lengths
        self.norms += norms
        self.words += words

    def _norms(self, words: list[str]) -> list[int]:
        """The NORM a lexeme of each word has, or would have once made: making one computes a
        dozen attributes in Python, and most words only need comparing with a keyword."""
        vocab, norm_of = self.tokenizer.vocab, self._norm_of
        lexeme, add = vocab.__getitem__, vocab.strings.add
        return [lexeme(w).norm if known or norm_of is None else add(norm_of(w))
                for w, known in zip(words, map(vocab.__contains__, words))]

    def _alone(self, text: str) -> list[list[int]]:
        return self.tokenizer(text).to_array(self.attrs).tolist()

    def collapsed(self, texts: list[str]) -> tuple["Stream", np.ndarray, np.ndarray]:
        """The tokens of the texts with their white space collapsed (what rules match on: a
        hard-wrapped line's "\n" or a double space is no token), as one stream over one text:
        each text's chunks one space apart, the texts joined by a separator chunk (a character
        none of them holds) that has no tokens; and where each text starts and ends in it.
        A chunk's tokens never depend on the white space around it, so no white space is looked
        at: each chunk starts one character after the one before it ends (the table knows each
        chunk's length), and the separators tell where each text's chunks begin. (Offsets from
        a mask of white space over every code point cost 40 ms of the rules' 0.5 s on a million
        realistic words.)"""
        sep, joined = _separated(texts)
        chunks = joined.split()
        ids = self.ids
        ids[sep] = 1  # the separator, only for this call: a later text may hold the character
        try:
            at = _ids_of(ids, chunks)
        finally:
            del ids[sep]
        if ids.new:
            new, ids.new = ids.new, []
            self._learn(new)
        first, count, offset, length, norms, size = self._tables()
        step = size[at] + 1  # each chunk and the space after it
        start = np.cumsum(step) - step
        text = " ".join(chunks)
        seps = np.flatnonzero(at == 1)
        text_start = np.concatenate(([0], start[seps] + 2))[:len(texts)]
        text_end = np.maximum(np.append(start[seps] - 1, len(text)), text_start)[:len(texts)]
        n = count[at]
        end = np.cumsum(n)
        # Row of each token: its chunk's first row plus its place within the chunk.
        row = np.repeat(first[at] - end + n, n) + np.arange(int(end[-1]) if len(end) else 0)
        stream = Stream(text, offset[row] + np.repeat(start, n), length[row], norms[row], row)
        return stream, text_start, text_end

    def _tables(self):
        """The table as arrays, extended by what was learned since the last call (a Rules object
        lives as long as the workbench: rebuilding it all on every call grew with the corpus)."""
        done = self._arrays
        if done is None or len(done[0]) < len(self.first):
            n_parts, n_rows = (len(done[0]), len(done[2])) if done is not None else (0, 0)
            new = (np.array(self.first[n_parts:], np.int64), np.array(self.count[n_parts:], np.int64),
                   np.array(self.offsets[n_rows:], np.int64), np.array(self.lengths[n_rows:], np.int64),
                   np.array(self.norms[n_rows:], np.uint64), np.array(self.size[n_parts:], np.int64))
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
    """Chunk -> id in the table. A chunk not seen before gets the next id when first looked up
    and waits in `new` to be learned: no pass over a text's million chunks to find the new ones.
    Ids 0 and 1 are the empty chunk and the separator (see Streams.collapsed)."""

    def __init__(self):
        super().__init__({"": 0})
        self.new: list = []
        self.next = 2

    def __missing__(self, chunk):
        self[chunk] = at = self.next
        self.next += 1
        self.new.append(chunk)
        return at


def _ids_of(ids: dict, keys: list) -> np.ndarray:
    """ids[k] for each key, looked up in one C loop (itemgetter: half the time of map over a
    million chunks); itemgetter of one key returns the value alone, hence the small cases."""
    if len(keys) < 2:
        return np.array([ids[k] for k in keys], np.int64)
    return np.fromiter(itemgetter(*keys)(ids), np.int64, len(keys))


def _separated(texts: list[str]) -> tuple[str, str]:
    """The texts joined by " X ", X a character none of them holds (a separator chunk), and X."""
    for sep in _SEPARATORS:
        joined = f" {sep} ".join(texts)
        if joined.count(sep) == len(texts) - 1 or not texts:
            return sep, joined
    raise ValueError("every separator character occurs in the texts")


# Characters that are not white space and that interview text hardly ever holds.
_SEPARATORS = ("\x00", "\x01", "\ufdd0", "\ufdd1", "\ufdd2", "\ufffe") + tuple(map(chr, range(0xF0000, 0xF0100)))


def _interleave(a: list, b: list) -> list:
    """a[0], b[0], a[1], b[1], ... (slice assignment: no Python loop)."""
    out = [None] * (2 * len(a))
    out[0::2], out[1::2] = a, b
    return out


class Stream:
    """Texts' words: the character offset, length and NORM of each token, and its row in the
    table; offsets are in `text`, the texts with their white space collapsed (see Streams.collapsed)."""

    __slots__ = ("text", "idx", "length", "norm", "row")

    def __init__(self, text, idx, length, norm, row):
        self.text, self.idx, self.length, self.norm, self.row = text, idx, length, norm, row

    def __len__(self) -> int:
        return len(self.idx)

    def spaces(self, which) -> list[bool]:
        """Whether each token has a trailing space (the one space between two chunks)."""
        text = self.text
        return [text[e:e + 1] == " " for e in (self.idx[which] + self.length[which]).tolist()]
