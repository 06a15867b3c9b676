"""Token arrays gathered from each distinct chunk's tokens (qualcode/token_arrays.py) are exactly
spaCy's tokenizer over the whole text: offsets, lengths, NORMs (special cases' too, e.g. "n't"
-> "not", U+00A0 -> two spaces), trailing spaces, and a Doc made from them."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import spacy
from spacy.attrs import IDX, LENGTH, NORM, ORTH, SPACY
from test_segment_equivalence import NASTY

from qualcode.token_arrays import Streams
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


def test_streams_equal_the_tokenizer_over_whole_texts():
    nlp = spacy.blank("en")
    streams = Streams(nlp.tokenizer)
    streams.BATCH = 40  # several batches
    for text in texts() + [p.read_text(encoding="utf-8") for p in sorted((REPO / "transcripts").glob("*"))]:
        ref = nlp.make_doc(text)
        stream = streams.of(text)
        got = np.column_stack((stream.idx, stream.length)).astype(np.uint64)
        assert got.tolist() == ref.to_array([IDX, LENGTH]).tolist(), repr(text)
        assert stream.norm.tolist() == ref.to_array([NORM]).tolist(), repr(text)
        assert stream.spaces(np.arange(len(stream))) == [bool(t.whitespace_) for t in ref], repr(text)
        doc = streams.doc(stream, nlp.vocab, np.arange(len(stream)))
        assert doc.text == ref.text
        assert doc.to_array([ORTH, NORM, SPACY]).tolist() == ref.to_array([ORTH, NORM, SPACY]).tolist()


def test_words_only_are_the_tokens_of_the_text_with_its_white_space_collapsed():
    """What rules match on: a hard-wrapped line's "\n" or a double space is no token, so "stop
    and\nsearch" reads as "stop and search"; offsets stay those of the text as it is."""
    nlp = spacy.blank("en")
    streams = Streams(nlp.tokenizer)
    streams.BATCH = 40
    for text in texts():
        # Not the tokenizer over the collapsed text: spaCy tokenizes "(it's) :)" as "(it's)", ":",
        # ")" but "(it's)\n:)" and ":)" alone with ":)" one token; qualcode's words are each
        # chunk's tokens, as in the text as it is.
        ref = [t for t in nlp.make_doc(text) if not t.is_space]
        stream = streams.of(text, words_only=True)
        assert np.column_stack((stream.idx, stream.length)).tolist() == [[t.idx, len(t)] for t in ref], repr(text)
        assert stream.norm.tolist() == [t.norm for t in ref], repr(text)
        doc = streams.doc(stream, nlp.vocab, np.arange(len(stream)))
        assert doc.text == " ".join(text.split()), repr(text)
        assert [(t.orth, t.norm) for t in doc] == [(t.orth, t.norm) for t in ref], repr(text)


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
        stream = streams.of(text)
        ref = [t for word in sample[i:i + 500] for t in reference(word)]  # each word alone
        assert [text[a:a + n] for a, n in zip(stream.idx.tolist(), stream.length.tolist())] == [t.text for t in ref]
        assert [nlp.vocab.strings[n] for n in stream.norm.tolist()] == [t.norm_ for t in ref]
