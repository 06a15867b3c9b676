"""Token arrays gathered from each distinct chunk's tokens (qualcode/token_arrays.py) are exactly
spaCy's tokenizer's words over the whole text: offsets, lengths, ORTHs and NORMs (special cases'
too, e.g. "n't" -> "not"), and a Doc made from them."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import spacy
from test_segment_equivalence import NASTY

from qualcode.token_arrays import _SEPARATORS, Streams
from qualcode.nlp import lemma_lookup

REPO = Path(__file__).resolve().parents[1]
WORDS = ["can't", "don't,", "(it's)", "10pm", "e.g.", "U.K.", "Mr.", "end.Next", "“quoted”", "well-being", "3.5",
         "...", "—", "😀", ":)", "a", "the", "order's", "n't", "'s", "O'Brien", "cannot", "gonna", "Dont", "Im",
         "http://x.org/a?b=c.", "café", "Straße", "東京", "x²", "ǅemal"]
SPACES = [" ", " ", " ", "  ", "\n", " \n", "\n ", "\t", "\u00a0", " \u3000 ", "\r\n", "\u2028", "\x1c", ""]


def texts() -> list[str]:
    rng = random.Random(7)
    out = list(NASTY) + ["  x", "x  ", " ", " \t\n", "a\u00a0b", "x \n", "\n"]
    for _ in range(400):
        text = "".join(rng.choice(WORDS) + rng.choice(SPACES) for _ in range(rng.randint(1, 40)))
        out.append(rng.choice(SPACES) + text if rng.random() < 0.3 else text)
    return out


def collapsed_tokens(nlp, text: str, shift: int = 0) -> list[tuple[int, int, int, int]]:
    """(offset, length, ORTH, NORM) of the tokenizer's tokens of `text` that are not white space,
    offsets moved into the text with its white space collapsed, plus `shift`. Each chunk is
    tokenized as in the whole text: spaCy tokenizes "(it's) :)" as "(it's)", ":", ")" but
    "(it's)\n:)" and ":)" alone with ":)" one token, and qualcode's words are each chunk's
    tokens, as in the text as it is."""
    chunks = [(m.start(), shift + sum(len(c) + 1 for c in text[:m.start()].split())) for m in re.finditer(r"\S+", text)]
    out = []
    for t in nlp.make_doc(text):
        if t.is_space:
            continue
        at, moved = max(c for c in chunks if c[0] <= t.idx)
        out.append((moved + t.idx - at, len(t), t.orth, t.norm))
    return out


def test_collapsed_texts_are_the_tokenizer_s_words_with_white_space_collapsed():
    """What rules match on: a hard-wrapped line's "\n" or a double space is no token, so "stop
    and\nsearch" reads as "stop and search"; each text's words are where the tokenizer puts them
    in the texts with their white space collapsed, one after another."""
    nlp = spacy.blank("en")
    streams = Streams(nlp.tokenizer)
    streams.BATCH = 40  # several batches
    pool = texts() + [p.read_text(encoding="utf-8") for p in sorted((REPO / "transcripts").glob("*"))]
    rng = random.Random(11)
    groups = [[t] for t in pool] + [rng.sample(pool, rng.randint(2, 6)) for _ in range(60)]
    groups += [[], [""], ["", "a b", " ", "c"], ["x\x00y", "\x00", "\x01 z"], ["  \n", "end.Next", ""]]
    every = " ".join(_SEPARATORS)  # a text holding every separator character: a run of NULs then
    groups += [[every, "a \x00\x00 b", "c"], ["x", every + " \x00\x00\x00"], [every]]
    for group in groups:
        chunked = streams.chunked(group)
        text, words = chunked.text, [" ".join(t.split()) for t in group]
        # Each text's span holds its words, one space apart.
        spans = zip(chunked.text_start.tolist(), chunked.text_end.tolist())
        assert [text[a:b] for a, b in spans] == words, repr(group)
        want = [tok for t, at in zip(group, chunked.text_start.tolist()) for tok in collapsed_tokens(nlp, t, at)]
        g, rows = chunked.tokens_of_chunks(np.ones(len(streams.table().first), bool))  # every chunk's
        assert g.tolist() == list(range(chunked.total)) == list(range(len(want))), repr(group)
        idx, length = chunked.locate(g)
        got = [(i, n, nlp.vocab.strings.add(text[i:i + n]), norm) for i, n, norm
               in zip(idx.tolist(), length.tolist(), streams.table().norm[rows].tolist())]
        assert got == want, repr(group)
        # Each text's tokens, by global index.
        ends = np.cumsum([len(collapsed_tokens(nlp, t)) for t in group], dtype=int)
        assert chunked.text_tokens_end.tolist() == ends.tolist()
        assert chunked.text_tokens.tolist() == (ends - [len(collapsed_tokens(nlp, t)) for t in group]).tolist()
        doc = chunked.doc(nlp.vocab, g)
        assert doc.text.rstrip() == " ".join(w for w in words if w), repr(group)
        assert [t.whitespace_ == " " for t in doc] == [text[e:e + 1] == " " for e in (idx + length).tolist()]
        assert [(t.orth, t.norm) for t in doc] == [(o, n) for _, _, o, n in want], repr(group)


def test_a_chunk_that_was_a_separator_keeps_its_place_in_the_table():
    """A separator is a character none of one call's texts holds; another call's may hold it."""
    nlp = spacy.blank("en")
    streams = Streams(nlp.tokenizer)
    first = streams.chunked(["a \x00 b", "c"])  # \x00 is a chunk here: \x01 separates
    before = streams.ids["\x00"]
    streams.chunked(["d", "e"])  # \x00 separates here
    assert streams.ids["\x00"] == before and "\x00" not in streams.ids.new
    again = streams.chunked(["a \x00 b", "c"])
    assert again.at.tolist() == first.at.tolist() and again.text == first.text


def test_the_tokens_of_some_chunks_are_those_tokens_of_all():
    """What rules read: the tokens of the chunks a keyword can match, at their global indices."""
    nlp = spacy.blank("en")
    streams = Streams(nlp.tokenizer)
    rng = random.Random(5)
    for group in [rng.sample(texts(), 5) for _ in range(40)]:
        chunked = streams.chunked(group)
        table = streams.table()
        everything, all_rows = chunked.tokens_of_chunks(np.ones(len(table.first), bool))
        some = np.array([rng.random() < 0.3 for _ in range(len(table.first))])
        g, rows = chunked.tokens_of_chunks(some)
        mine = some[chunked.at][np.searchsorted(chunked.tok, everything, side="right") - 1]
        assert g.tolist() == everything[mine].tolist()
        assert rows.tolist() == all_rows[mine].tolist()


def test_words_of_letters_alone_or_before_a_mark_are_tokenized_as_the_tokenizer_says():
    """The shortcuts for chunks of letters only, or letters and one of , ? ! ; : . (no tokenizer
    call), against the tokenizer on words of the lemma table in three cases and on letters of
    other scripts."""
    rng = random.Random(3)
    words = sorted(w for w in lemma_lookup() if w.isalpha())
    sample = rng.sample(words, 3000)
    sample += [w.upper() for w in sample[:1000]] + [w.capitalize() for w in sample[1000:2000]]
    sample += ["café", "naïve", "Ωμέγα", "москва", "東京", "ǅemal", "ﬁne", "Straße", "İstanbul", "ΣΊΣΥΦΟΣ",
               "cannot", "Cannot", "gonna", "Dont", "Im", "ive", "wanna", "Theres", "ª"]
    sample += [w + mark for w in sample[::3] for mark in ",?!;:."]
    sample += ["aB.", "McD.", "X.", "Ω.", "東京.", "ﬁ.", "ǅ.", "naïveté."]  # '.' kept on after a capital
    rng.shuffle(sample)
    nlp = spacy.blank("en")
    streams = Streams(nlp.tokenizer)
    reference = spacy.blank("en").tokenizer
    for i in range(0, len(sample), 500):  # a text of 500 words: the table's arrays grow as it learns
        text = " ".join(sample[i:i + 500])
        chunked = streams.chunked([text])
        g, rows = chunked.tokens_of_chunks(np.ones(len(streams.table().first), bool))
        idx, length = chunked.locate(g)
        ref = [t for word in sample[i:i + 500] for t in reference(word)]  # each word alone
        assert [text[a:a + n] for a, n in zip(idx.tolist(), length.tolist())] == [t.text for t in ref]
        assert [nlp.vocab.strings[n] for n in streams.table().norm[rows].tolist()] == [t.norm_ for t in ref]
