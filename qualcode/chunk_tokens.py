"""spaCy's tokens of many texts from one tokenization of each distinct chunk of text.

spaCy's tokenizer splits text at white space and tokenizes each chunk on its own. Over a corpus
most chunks repeat, yet over whole transcripts it re-tokenizes most of them: its cache holds
10,000 chunks and stops filling for the rest of a doc after a special case such as "can't" or a
lone newline (explosion/spaCy#13950). Here each distinct chunk is tokenized once, many to a Doc
(`batch_rows`), and a text's tokens are gathered from them as arrays (`Streams`). The segmenter
uses the first for its sentence marks, the rules both; tests/test_chunk_tokens.py checks the
arrays equal the tokenizer's own on nasty text.
"""

from __future__ import annotations

import numpy as np

BATCH = 4000  # chunks per Doc when tokenizing them together
# What str.isspace() (and so spaCy's tokenizer, and str.split) takes for white space, by code point.
_SPACE = np.zeros(0x3002, bool)
_SPACE[[c for c in range(len(_SPACE)) if chr(c).isspace()]] = True  # none above U+3000


def batch_rows(tokenizer, batch: list[str], attrs: list) -> list[list[list[int]]] | None:
    """Each chunk's tokens as rows of `attrs` (IDX and LENGTH first; IDX made relative to the
    chunk), from one Doc holding the batch a chunk a line. A newline is a token of its own, so no
    token or special case spans two chunks; None when the tokens do not line up with the chunks
    (then tokenize them one by one)."""
    rows = tokenizer("\n".join(batch)).to_array(attrs).tolist()
    out, tokens = [], []
    k, base, end = 0, 0, len(batch[0])
    for row in rows:
        idx, length = row[0], row[1]
        if idx >= end:  # the newline between chunk k and chunk k + 1
            if idx != end or length != 1 or k + 1 == len(batch):
                return None
            out.append(tokens)
            tokens = []
            k += 1
            base = end + 1
            end = base + len(batch[k])
        elif idx + length > end:
            return None
        else:
            row[0] = idx - base
            tokens.append(row)
    out.append(tokens)
    return out if len(out) == len(batch) else None


def plain_tokens(chunk: str, specials) -> tuple | None:
    """(offset, length) of each token spaCy's English tokenizer makes of a chunk of letters
    alone (one token), or of letters and one of , ? ! ; : or '.' after a-z (two); None for any
    other chunk or a special case (`specials`: the tokenizer's rules). No prefix, suffix or infix
    rule applies to letters alone, and those marks are split off after them (tested against the
    tokenizer on every word of the lemma table, in three cases). Most chunks of interview text
    are one of these, and asking the tokenizer costs ten times a lexeme lookup."""
    if chunk in specials:
        return None
    if chunk.isalpha():
        return ((0, len(chunk)),)
    core, mark = chunk[:-1], chunk[-1]
    if (mark in ",?!;:" or mark == "." and "a" <= core[-1:] <= "z") and core.isalpha() and core not in specials:
        return ((0, len(core)), (len(core), 1))
    return None


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
        self.ids: dict = {"": 0}  # part -> id; a run of white space opening a text is a 1-tuple
        self.first, self.count = [0], [0]  # per part: its first row, how many
        self.rows: list[list[int]] = []  # [offset in part, length]
        self.norms: list[int] = []
        self.words: list[str] = []
        self._norm_of = tokenizer.vocab.lex_attr_getters.get(NORM)  # what a new lexeme's NORM is
        self._arrays = None

    def _add(self, key, tokens: list[list[int]], text: str) -> None:
        self.ids[key] = len(self.first)
        self.first.append(len(self.rows))
        self.count.append(len(tokens))
        self.rows.extend(t[:2] for t in tokens)
        self.norms.extend(t[2] for t in tokens)
        self.words.extend(text[t[0]:t[0] + t[1]] for t in tokens)

    def _learn(self, parts: set) -> None:
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
        specials, norm, rest = self.tokenizer.rules, self._norm, []
        for chunk in chunks:
            plain = plain_tokens(chunk, specials)
            if plain is None:
                rest.append(chunk)
            else:
                self._add(chunk, [[a, n, norm(chunk[a:a + n])] for a, n in plain], chunk)
        chunks = rest
        for i in range(0, len(chunks), self.BATCH):
            batch = chunks[i:i + self.BATCH]
            learned = batch_rows(self.tokenizer, batch, self.attrs) or [self._alone(c) for c in batch]
            for chunk, tokens in zip(batch, learned):
                self._add(chunk, tokens, chunk)

    def _norm(self, word: str) -> int:
        """The NORM a lexeme of this word has, or would have once made: making one computes a
        dozen attributes in Python, and most words only need comparing with a keyword."""
        vocab = self.tokenizer.vocab
        if word in vocab or self._norm_of is None:
            return vocab[word].norm
        return vocab.strings.add(self._norm_of(word))

    def _alone(self, text: str) -> list[list[int]]:
        return self.tokenizer(text).to_array(self.attrs).tolist()

    def of(self, text: str) -> "Stream":
        """The tokens of one text. Chunks come from str.split() and their offsets from a mask of
        white space over the text's code points; only runs of white space other than one space
        between chunks (line breaks, double spaces) are looked at one by one."""
        chunks = text.split()
        cps = np.frombuffer(text.encode("utf-32-le"), np.uint32)
        space = _SPACE[np.minimum(cps, len(_SPACE) - 1)]
        starts = np.flatnonzero(~space & np.concatenate(([True], space[:-1])))
        ends = np.flatnonzero(~space & np.concatenate((space[1:], [True]))) + 1
        # Runs of white space that are tokens: any but one space between two chunks.
        gap_start = np.concatenate(([0], ends))
        gap_end = np.concatenate((starts, [len(text)]))
        odd = (gap_end - gap_start != 1) | (cps[np.minimum(gap_start, len(cps) - 1)] != 32) if len(cps) else gap_end < 0
        odd[0] = True  # white space opening the text is always a token
        odd = np.flatnonzero(odd & (gap_end > gap_start))
        gaps = [text[a:b] for a, b in zip(gap_start[odd].tolist(), gap_end[odd].tolist())]
        if len(odd) and odd[0] == 0:  # white space opening the text: one token, all of it
            gaps[0] = (gaps[0],)
        ids = self.ids
        new = set(chunks).union(gaps).difference(ids)
        if new:
            self._learn(new)
        # Parts in text order: each chunk, then the run of white space after it if that is a token.
        part = np.insert(np.fromiter(map(ids.__getitem__, chunks), np.int64, len(chunks)), odd,
                         np.fromiter(map(ids.__getitem__, gaps), np.int64, len(gaps)))
        at = np.insert(starts, odd, gap_start[odd])
        first, count, offset, length, norms = self._tables()
        n = count[part]
        end = np.cumsum(n)
        # Row of each token: its part's first row plus its place within the part.
        row = np.repeat(first[part] - end + n, n) + np.arange(int(end[-1]) if len(end) else 0)
        return Stream(text, offset[row] + np.repeat(at, n), length[row], norms[row], row)

    def _tables(self):
        """The table as arrays, extended by what was learned since the last call (a Rules object
        lives as long as the workbench: rebuilding it all on every call grew with the corpus)."""
        done = self._arrays
        if done is None or len(done[0]) < len(self.first):
            n_parts, n_rows = (len(done[0]), len(done[2])) if done is not None else (0, 0)
            rows = np.array(self.rows[n_rows:], np.int64).reshape(-1, 2)
            new = (np.array(self.first[n_parts:], np.int64), np.array(self.count[n_parts:], np.int64),
                   rows[:, 0].copy(), rows[:, 1].copy(), np.array(self.norms[n_rows:], np.uint64))
            self._arrays = new if done is None else tuple(np.concatenate(pair) for pair in zip(done, new))
        return self._arrays

    def doc(self, stream: "Stream", vocab, which):
        """A Doc of these tokens of the stream (an index array), with their NORMs and trailing spaces."""
        from spacy.attrs import NORM
        from spacy.tokens import Doc

        words = self.words
        doc = Doc(vocab, words=[words[r] for r in stream.row[which].tolist()], spaces=stream.spaces(which))
        if len(doc):
            doc.from_array([NORM], stream.norm[which].reshape(-1, 1))
        return doc


class Stream:
    """One text's tokens: the character offset, length and NORM of each, and its row in the table."""

    __slots__ = ("text", "idx", "length", "norm", "row")

    def __init__(self, text, idx, length, norm, row):
        self.text, self.idx, self.length, self.norm, self.row = text, idx, length, norm, row

    def __len__(self) -> int:
        return len(self.idx)

    def spaces(self, which) -> list[bool]:
        """Whether each token has a trailing space: a space right after it (a run of white space
        is a token that reaches the next chunk, so only a chunk's last token can be followed by one)."""
        text = self.text
        return [text[e:e + 1] == " " for e in (self.idx[which] + self.length[which]).tolist()]
