"""Texts' words as token arrays, the way spaCy's tokenizer would make them, gathered from one
tokenization of each distinct chunk (chunk_tokens.py). The rules match keywords and patterns on
these; tests/test_token_arrays.py checks they equal the tokenizer's own on nasty text.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import NamedTuple

import numpy as np

from .chunk_tokens import BATCH, batch_rows, plain_kind


class Table(NamedTuple):
    """The table as arrays: per chunk id its first row, how many rows and its length; per row
    its offset in its chunk, length and NORM."""
    first: np.ndarray
    count: np.ndarray
    offset: np.ndarray
    length: np.ndarray
    norm: np.ndarray
    size: np.ndarray


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
        self.ids = _ChunkIds()  # chunk -> id
        # Per chunk: its first row, how many, its length. Id 1 stands for the separator between
        # the texts of `chunked` (no tokens; its length is each call's own).
        self.first, self.count, self.size = [0, 0], [0, 0], [0, 0]
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
        """The tokens of the chunks _ChunkIds gave ids since the last call."""
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
        """Learn the chunks plain_kind knows (most of them), a kind at a time; the rest are
        returned for the tokenizer."""
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

    def chunked(self, texts: list[str]) -> "Chunked":
        """The texts with their white space collapsed (what rules match on: a hard-wrapped
        line's "\n" or a double space is no token), as the chunks of one text: each text's
        chunks one space apart, the texts joined by a separator chunk that none of them holds
        and that has no tokens (see _separated). A chunk's tokens never depend on the white
        space around it, so no white space is looked at: each chunk starts one character after
        the one before it ends (the table knows each chunk's length)."""
        sep, joined = _separated(texts)
        chunks = joined.split()
        ids = self.ids
        held = ids.pop(sep, None)  # a chunk of earlier texts, but of none of these
        ids[sep] = 1  # the separator, only for this call
        try:
            at = _ids_of(ids, chunks)
        finally:
            del ids[sep]
            if held is not None:
                ids[sep] = held
        if ids.new:
            new, ids.new = ids.new, []
            self._learn(new)
        return Chunked(self, at, " ".join(chunks), len(texts), len(sep))

    def table(self) -> Table:
        """The table as arrays, extended by what was learned since the last call (a Rules object
        lives as long as the workbench: rebuilding it all on every call grew with the corpus)."""
        done = self._arrays
        if done is None or len(done[0]) < len(self.first):
            n_chunks, n_rows = (len(done[0]), len(done[2])) if done is not None else (0, 0)
            new = (np.array(self.first[n_chunks:], np.int64), np.array(self.count[n_chunks:], np.int64),
                   np.array(self.offsets[n_rows:], np.int64), np.array(self.lengths[n_rows:], np.int64),
                   np.array(self.norms[n_rows:], np.uint64), np.array(self.size[n_chunks:], np.int64))
            self._arrays = Table(*(new if done is None else (np.concatenate(pair) for pair in zip(done, new))))
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


class _ChunkIds(dict):
    """Chunk -> id in the table. A chunk not seen before gets the next id when first looked up
    and waits in `new` to be learned: no pass over a text's million chunks to find the new ones.
    Ids 0 and 1 are the empty chunk and the separator (see Streams.chunked)."""

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
    """The texts joined by " X ", X a chunk none of them holds (a separator), and X: a character
    none of them holds, or failing that (a text holding them all) a run of NULs longer than any
    in the texts."""
    for sep in _SEPARATORS:
        joined = f" {sep} ".join(texts)
        if joined.count(sep) == len(texts) - 1 or not texts:
            return sep, joined
    sep = "\x00" * (max((len(run) for t in texts for run in re.findall("\x00+", t)), default=0) + 1)
    return sep, f" {sep} ".join(texts)


# Characters that are not white space and that interview text hardly ever holds.
_SEPARATORS = ("\x00", "\x01", "\ufdd0", "\ufdd1", "\ufdd2", "\ufffe") + tuple(map(chr, range(0xF0000, 0xF0100)))


def _interleave(a: list, b: list) -> list:
    """a[0], b[0], a[1], b[1], ... (slice assignment: no Python loop)."""
    out = [None] * (2 * len(a))
    out[0::2], out[1::2] = a, b
    return out


class Chunked:
    """Texts as occurrences of chunks of the table (see Streams.chunked), and their tokens by a
    global index, counted over all of them in order. Nothing is made per token until asked for:
    the rules ask for the tokens of the few chunks a keyword or pattern can match, and where each
    match lies."""

    def __init__(self, streams: Streams, at: np.ndarray, text: str, n_texts: int, sep_length: int):
        self.streams, self.at, self.text = streams, at, text
        table = streams.table()
        self.first, self.count = first, count = table.first, table.count
        seps = np.flatnonzero(at == 1)
        step = table.size[at] + 1  # each chunk and the space after it
        step[seps] = sep_length + 1
        self.start = np.cumsum(step) - step  # of each occurrence, in `text`
        n = count[at]
        self.tok = np.cumsum(n) - n  # the global index of each occurrence's first token
        self.total = int(self.tok[-1] + n[-1]) if len(at) else 0
        # Where each text starts and ends, in `text` and in tokens.
        self.text_start = np.concatenate(([0], self.start[seps] + sep_length + 1))[:n_texts]
        self.text_end = np.maximum(np.append(self.start[seps] - 1, len(text)), self.text_start)[:n_texts]
        self.text_tokens = np.concatenate(([0], self.tok[seps]))[:n_texts]
        self.text_tokens_end = np.append(self.tok[seps], self.total)[:n_texts]

    def tokens_of_chunks(self, chunks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The global index and table row of every token of every occurrence of these chunks
        (a bool per chunk id), in order."""
        occ = np.flatnonzero(chunks[self.at])
        n = self.count[self.at[occ]]
        end = np.cumsum(n)
        g = np.repeat(self.tok[occ] - end + n, n) + np.arange(int(end[-1]) if len(end) else 0)
        return g, np.repeat(self.first[self.at[occ]] - self.tok[occ], n) + g

    def _place(self, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each token's occurrence (one with no tokens shares its first index with the next) and row."""
        occ = np.searchsorted(self.tok, g, side="right") - 1
        return occ, self.first[self.at[occ]] + g - self.tok[occ]

    def locate(self, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each token's offset in `text` and its length."""
        occ, row = self._place(g)
        table = self.streams.table()
        return self.start[occ] + table.offset[row], table.length[row]

    def doc(self, vocab, g: np.ndarray):
        """A Doc of these tokens (global indices, ascending), with their NORMs and trailing spaces."""
        from spacy.attrs import NORM
        from spacy.tokens import Doc

        occ, row = self._place(g)
        # A token is followed by a space when it ends its chunk, unless that chunk ends the text.
        spaces = ((g - self.tok[occ] == self.count[self.at[occ]] - 1) & (occ < len(self.at) - 1)).tolist()
        words = self.streams.words
        doc = Doc(vocab, words=[words[r] for r in row.tolist()], spaces=spaces)
        if len(doc):
            doc.from_array([NORM], self.streams.table().norm[row].reshape(-1, 1))
        return doc
