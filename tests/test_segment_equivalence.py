"""Sentence starts are exactly those of spaCy's own pipeline (blank English + sentencizer over the
whole text), though qualcode computes them from the tokenization of each distinct chunk of text
(qualcode/segment.py, _Chunks): on hand-written nasty text, on random text from a pool of hard
characters, on the bundled transcripts, and on the shared TalkMoves transcripts when present."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import spacy

from qualcode.segment import _Chunks, _sentence_starts

REPO = Path(__file__).resolve().parents[1]
TALKMOVES = REPO.parent / "shared" / "data" / "talkmoves" / "data"

NASTY = [
    "Dr. Smith met Mr. Jones at 3.30 p.m. on Jan. 5th, e.g. at the U.K. office. Then they left.",
    "It cost £3.50... or was it $4.99?! Nobody knew. \"Really?\" she asked. 'Yes.' (He nodded.) Next.",
    "See https://example.org/a.b?c=d. Or www.gov.uk. Email me@x.com! Done.",
    "I can't, won't, shan't. Y'all'd've known. We’re fine… aren’t we? “Quite.” Yes.",
    "Emoji 😀. Then 🎉! Names: Zoë, Siobhán, Nguyễn Văn An, Ólafur. Ça va? Oui. 北京很大。好。",
    "Hindi: यह ठीक है। अगला वाक्य॥ Arabic: هل أنت بخير؟ نعم. Armenian ։ end",
    "Line one ends here.\nline two, hard-wrapped\nacross lines. Another.\n\nNew paragraph.   Spaces.\t\tTabs.",
    "  leading spaces. And trailing.   ",
    "\nStarts with a newline. ... Ellipsis alone ... and !!! and ?!? and .. two dots.",
    "Numbers 1.5, 2., .5 and 10km. v2.0.1 released. No. 5 is next. St. Paul's. U.S.A. is big.",
    "[00:12:31] Interviewer: Why? [laughs] Because. (inaudible) OK.",
    "A\u00a0non-breaking space. A\u2009thin space. A\u3000wide space. End.",
    "Mixed\r\nline endings.\rOld Mac. Done.",
    "",
    " ",
    ".",
    "No final stop",
]

POOL = list("abcXYZ019 .!?…,;:'\"“”‘’()[]-–—/\\$£%&*@#_\n\t") + ["can't", "Mr.", "e.g.", "😀", "।", "3.5", "http://a.b/c.",
                                                            "\r", "\u00a0", "\u3000", "\x0b", "\u2028", "\n\n", "  "]


def spacy_starts(texts: list[str]) -> list[list[int]]:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return [[s.start_char for s in doc.sents] if len(doc) else [] for doc in nlp.pipe(texts)]


def test_nasty_text_splits_exactly_as_spacy_does():
    assert _sentence_starts(NASTY) == spacy_starts(NASTY)


def test_random_hard_text_splits_exactly_as_spacy_does():
    rng = random.Random(13)
    texts = ["".join(rng.choice(POOL) + (" " if rng.random() < 0.4 else "") for _ in range(rng.randint(1, 120)))
             for _ in range(400)]
    assert _sentence_starts(texts) == spacy_starts(texts)


def test_chunks_learned_together_are_tokenized_as_one_by_one():
    """Chunks holding a mark are tokenized in batches, a chunk a line; each must come out as
    spaCy tokenizes it alone, and every one of them must be learned (none left to the slow path)."""
    rng = random.Random(5)
    texts = NASTY + ["".join(rng.choice(POOL) for _ in range(rng.randint(1, 30))) for _ in range(300)]
    together = _Chunks()
    together.BATCH = 50  # several batches
    together.learn(texts)
    marked = {w for t in texts for w in t.split() if any(c in w for c in together.punct)}
    assert marked and marked <= set(together.known)
    alone = _Chunks()
    assert {w: together.known[w] for w in marked} == {w: alone[w] for w in marked}


def test_the_bundled_transcripts_split_exactly_as_spacy_does():
    from qualcode.transcripts import load_transcripts

    bodies = [t.body for t in load_transcripts(REPO / "transcripts", REPO)]
    assert _sentence_starts(bodies) == spacy_starts(bodies)


def test_real_classroom_talk_splits_exactly_as_spacy_does():
    if not TALKMOVES.is_dir():
        pytest.skip(f"{TALKMOVES} not found (the shared development data sits beside the repository)")
    import openpyxl

    texts = []
    for path in sorted(TALKMOVES.glob("*/*.xlsx"))[::12]:  # every 12th lesson: 48 of them
        rows = openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True)
        texts.append("\n".join(str(c) for r in rows for c in r if isinstance(c, str)))
    assert _sentence_starts(texts) == spacy_starts(texts)


def test_label_lines_are_the_label_patterns_own_matches():
    """Speaker labels are searched only on lines with a colon: the same matches as a full scan."""
    from qualcode.transcripts.turns import _LABEL_LINE, label_lines

    rng = random.Random(11)
    pieces = ["Interviewer:", "Amy: ", "**Dr. Lee**:", "[00:01:02] Sam:", "Q:", "no colon here", "a: b: c",
              "\n", "\n\n", " ", "time 10:30 today", "__Bo__ : hi", "x" * 70 + ":", "(aside): no", ":", "\t", "::", ":\n"]
    for _ in range(500):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        for pos in (0, rng.randint(0, len(body))):
            assert [m.span() for m in label_lines(body, pos)] == [m.span() for m in _LABEL_LINE.finditer(body, pos)]
