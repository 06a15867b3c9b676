"""Turns -> coding units (sentence | turn | paragraph), with a content-hash cache.

Sentences are those of spaCy's rule-based sentencizer on a blank English pipeline (no model,
no download), computed from spaCy's tokenization of each distinct chunk of text (see _Chunks).
The cache (`.qualcode/segments.json`, git-ignored) maps a hash of everything that decides a
transcript's units to their spans, so a second run reads JSON instead of running spaCy.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from pathlib import Path

from .cache import Pack, digest, package_version
from .chunk_tokens import BATCH, batch_rows, plain_kind
from .errors import QualcodeError, did_you_mean
from .model import Segment, Transcript
from .nlp import sentence_pipeline
from .perf import paused_gc
from .transcripts.turns import BRACKETED_TIME, paragraphs

SEGMENTER_VERSION = "4"  # 2: an entry is one flat list, 4 items per unit; 3: time stamps are no unit's edge; 4: nor time lines


def _cache_key(t: Transcript, unit: str) -> str:
    turns = ",".join(f"{x.start}-{x.end}" for x in t.turns)
    return digest(SEGMENTER_VERSION, unit, package_version("spacy"), t.body, turns)


WORDS = re.compile(r"\S+")  # the tokenizer's own split: str.isspace(), as spaCy's Py_UCS4 test


class _Chunks:
    """What spaCy's sentencizer sees of each distinct whitespace-free chunk of text: its tokens'
    offsets and kinds (1: a sentence-final mark such as '.', 2: a token that can start a
    sentence, 0: other punctuation). spaCy's tokenizer splits text at white space and tokenizes
    each chunk on its own, so each distinct chunk is tokenized once: on interview text, a few tens
    of thousands per million words. (Its special-case matcher can make a token depend on the text
    after it in contrived strings, "b/c._" before " ."; the sentence starts were the same in every
    such case fuzzing found.)

    Why not spaCy over whole docs: its tokenizer (3.8) stops caching for the rest of a doc after
    a special case such as "can't" or a lone newline (explosion/spaCy#13950), so on real
    transcripts it re-tokenizes almost every word; and the sentencizer is a Python loop over
    every token. tests/test_segment_equivalence.py checks that the starts are exactly spaCy's."""

    BATCH = BATCH  # chunks per Doc when learning them together (a test makes it small)

    def __init__(self):
        from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH

        nlp = sentence_pipeline()
        self.tokenizer = nlp.tokenizer
        self.attrs = [IDX, LENGTH, IS_PUNCT, ORTH]
        self.punct = frozenset(nlp.get_pipe("sentencizer").punct_chars)
        self.punct_ids = frozenset(nlp.vocab.strings.add(c) for c in self.punct)
        self.known: dict[str, tuple] = {}
        self.quiets: dict[str, tuple[tuple[int, ...], bool]] = {}

    def __getitem__(self, chunk: str) -> tuple:
        info = self.known.get(chunk)
        if info is None:
            if chunk.isalnum():  # letters and digits only: every token can start a sentence
                info = ((0, 2),)
            else:
                info = tuple((t.idx, 1 if t.text in self.punct else 0 if t.is_punct else 2)
                             for t in self.tokenizer(chunk))
            self.known[chunk] = info
        return info

    def quiet(self, chunk: str) -> tuple[tuple[int, ...], bool]:
        """What a chunk does when no mark is pending before it: the offsets where a sentence
        starts in it, and whether a mark is pending after it (for "said.": none, and yes)."""
        done = self.quiets.get(chunk)
        if done is None:
            done = self.quiets[chunk] = _effect(self[chunk], False)
        return done

    def marks_in(self, body: str) -> str:
        """The sentence-final marks `body` holds (`c in body` is a C scan, ~100 of them are cheap)."""
        return "".join(c for c in self.punct if c in body)

    def learn(self, bodies: list[str], advance=lambda n=1: None) -> None:
        """Learn the distinct chunks of `bodies` that hold a mark: letters then a mark without
        the tokenizer (plain_kind: most of them; 0.89 s -> 0.37 s on a million realistic
        words), the rest tokenized together (batch_rows: per-Doc overhead was most of the cost of
        tokenizing them one by one); a batch whose tokens do not line up with its chunks is left
        to the one-by-one path. `advance` is called once per body (a progress bar's step)."""
        present = "".join(c for c in sorted(self.punct) if any(c in body for body in bodies))
        if not present:
            advance(len(bodies))
            return
        has_mark = re.compile("[" + re.escape(present) + "]").search
        words: set[str] = set()
        for body in bodies:
            words.update(body.split())  # str.isspace, as the tokenizer's own split
            advance(1)
        todo, specials = [], self.tokenizer.rules
        for w in words:
            if w not in self.known and has_mark(w):
                kind = plain_kind(w, specials)
                if kind is None:
                    todo.append(w)
                else:  # letters, then perhaps a mark: a word that can start a sentence, then the mark
                    self.known[w] = ((0, 2),) if kind == 1 else ((0, 2), (len(w) - 1, 1 if w[-1] in self.punct else 0))
        for i in range(0, len(todo), self.BATCH):
            self._learn_batch(todo[i:i + self.BATCH])

    def _learn_batch(self, batch: list[str]) -> None:
        learned = batch_rows(self.tokenizer, batch, self.attrs)
        if learned is not None:
            punct = self.punct_ids
            self.known.update(zip(batch, (tuple((idx, 1 if orth in punct else 0 if is_punct else 2)
                                                for idx, _, is_punct, orth in rows) for rows in learned)))


def _starts_of(body: str, chunks: _Chunks, marks: str) -> list[int]:
    """The sentencizer's rule, over the tokens spaCy's tokenizer would make of `body`: the first
    token starts a sentence, and so does the first token after a sentence-final mark that is
    neither punctuation nor such a mark. White space other than one space after a token is a
    token of its own (one that can start a sentence). Until a sentence-final mark is seen no
    token can start one, so the scan goes from one mark (found with str.find: several times
    faster than any regex over the text) to the next, and only looks at the chunks there."""
    if not body:
        return []
    out = [0]  # the first token, or the white space the body opens with
    append = out.append
    spaces = _spaces_in(body)
    plain = spaces == [" ", "\n"]
    match, isspace, rfind, quiet, quiets = WORDS.match, str.isspace, body.rfind, chunks.quiet, chunks.quiets
    end = len(body)
    pos = 0  # everything before it is done; body[pos] is white space unless pos is 0
    for i in _positions(body, marks):
        if i < pos:
            continue  # in a chunk already read
        if plain:  # the start of its chunk
            s = max(rfind(" ", pos, i), rfind("\n", pos, i)) + 1
        else:
            s = max([rfind(c, pos, i) for c in spaces] or [-1]) + 1
        m = match(body, s)
        chunk = m.group()
        cuts, seen = quiets.get(chunk) or quiet(chunk)  # the dict first: no call for a known chunk
        for off in cuts:  # usually none: a loop costs less than making a generator
            append(s + off)
        pos = m.end()
        while seen:  # a mark is pending: the next token that is not punctuation starts a sentence
            at = pos + 1 if body[pos:pos + 1] == " " else pos  # one space after a token is its own
            if at >= end:
                break
            if isspace(body[at]) or body[at].isalnum():  # a white-space token, or a word
                append(at)
                break
            m = match(body, at)  # punctuation first: read its tokens
            cuts, seen = _effect(chunks[m.group()], True)
            out.extend(at + off for off in cuts)
            pos = m.end()
    return out


def _effect(tokens: tuple, seen: bool) -> tuple[tuple[int, ...], bool]:
    """The sentencizer's rule over one chunk's tokens (offset, kind), `seen` telling whether a
    sentence-final mark is pending before it: where sentences start, and whether one is pending after."""
    cuts = []
    for off, kind in tokens:
        if kind == 1:
            seen = True
        elif kind == 2 and seen:
            cuts.append(off)
            seen = False
    return tuple(cuts), seen


def _spaces_in(body: str) -> list[str]:
    """The white-space characters `body` holds: usually a space and a newline."""
    spaces = [c for c in " \n" if c in body]
    if OTHER_SPACE.search(body):
        spaces += sorted(set(OTHER_SPACE.findall(body)))
    return spaces


OTHER_SPACE = re.compile(r"[^\S \n]")  # tabs, carriage returns, no-break and other Unicode spaces


def _positions(body: str, marks: str) -> list[int]:
    """Every offset of a sentence-final mark in `body`, in order."""
    found: list[int] = []
    add, find = found.append, body.find
    for c in marks:
        i = find(c)
        while i >= 0:
            add(i)
            i = find(c, i + 1)
    if len(marks) > 1:
        found.sort()
    return found


BIG = 2_000_000  # characters to segment from which a progress bar is worth showing (about 2 s)


def _sentence_starts(bodies: list[str]) -> list[list[int]]:
    """Character offsets where spaCy's sentencizer starts a sentence, one list per body."""
    from . import busy

    # the bar opens before spaCy's import and the chunk learning (a second or two on a big project)
    big = sum(map(len, bodies)) >= BIG
    with busy.steps("Cutting transcripts into sentences", 2 * len(bodies), big) as advance:
        chunks = _Chunks()
        chunks.learn(bodies, advance)
        out = []
        for body in bodies:
            out.append(_starts_of(body, chunks, chunks.marks_in(body)))
            advance(1)
    return out


# A transcriber's time stamp in the text: f4transkript's "#00:01:23-4#" (MAXQDA's companion),
# "[00:01:23]", "(01:23)", or a line that is only a time with its seconds, "00:05:00" (meeting
# tools' transcripts mark every few minutes so). Never what anyone said: no unit starts or ends
# with one, and a unit that is only stamps is none. (A stamp inside a sentence stays there.)
STAMP = re.compile(rf"#\d{{1,2}}:\d{{2}}:\d{{2}}(?:[-.,]\d+)?#|{BRACKETED_TIME}")
TIME_LINE = re.compile(r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?=[ \t]*(?:\n|$))")
_DIGIT_LINE = re.compile(r"\n\d")  # no "^|": an alternation loses re's fast search for "\n"


def _spans(t: Transcript, unit: str, starts: list[int] | None) -> list:
    """Turn index, local id, start and end of every unit of the transcript, one after another in
    one flat list (as cached: a million words' nested lists took 40% more time to read and make
    segments of). Sentences never cross a paragraph or turn boundary; white space and time stamps
    are trimmed from each."""
    out = []
    body = t.body
    stamps = _stamps(body, t.turns)
    trim = _trimmer(body, stamps)
    if stamps and starts:  # spaCy starts a sentence inside "once. [00:00:20] We": start after it
        starts = _past_stamps(starts, stamps)
    for turn in t.turns:
        index = turn.index
        if unit == "turn":
            s, e = trim(turn.start, turn.end)
            if e > s:
                out += (index, str(index), s, e)
            continue
        paras = paragraphs(turn.text, turn.start)
        if unit == "paragraph":
            k = 0
            for s, e in paras:
                s, e = trim(s, e)
                if e > s:
                    k += 1
                    out += (index, f"{index}.p{k}", s, e)
            continue
        k = 0
        for lo, hi in paras:
            cuts = starts[bisect_right(starts, lo):bisect_left(starts, hi)]
            cuts.append(hi)
            a = lo
            for b in cuts:  # white space trimmed inline: a call per unit cost 10% of a cold run
                s, e = a, b
                while s < e and body[s].isspace():
                    s += 1
                while e > s and body[e - 1].isspace():
                    e -= 1
                if stamps:
                    s, e = trim(s, e)
                if e > s:
                    k += 1
                    out += (index, f"{index}.{k}", s, e)
                a = b
    return out


def _stamps(body: str, turns) -> dict[int, int]:
    """Where each time stamp in what the turns say starts, and its end (those before a speaker's
    name are in no turn). Found from each '#', '[' and '(' with str.find (few in a transcript):
    the regex's own scan cost 0.06 s a million words."""
    out = {}
    firsts = [turn.start for turn in turns]

    def keep(m):
        k = bisect_right(firsts, m.start()) - 1
        if k >= 0 and m.end() <= turns[k].end:
            out[m.start()] = m.end()

    match, find = STAMP.match, body.find
    for c in "#[(":
        i = find(c)
        while i >= 0:
            if (m := match(body, i)) is not None:
                keep(m)
            i = find(c, i + 1)
    # A time line, from each line that opens with a digit (re finds "\n" + digit at C speed).
    for i in [0] * body[:1].isdigit() + [m.end() - 1 for m in _DIGIT_LINE.finditer(body)]:
        if (m := TIME_LINE.match(body, i)) is not None:
            keep(m)
    return out


def _trimmer(body: str, stamps: dict[int, int]):
    """(s, e) -> the span without the white space, and the time stamps, at its edges."""
    def trim(s: int, e: int) -> tuple[int, int]:
        while s < e and body[s].isspace():
            s += 1
        while e > s and body[e - 1].isspace():
            e -= 1
        return s, e

    if not stamps:
        return trim
    ends = {b: a for a, b in stamps.items()}

    def trim_stamps(s: int, e: int) -> tuple[int, int]:
        s, e = trim(s, e)
        while stamps.get(s, e + 1) <= e:
            s, e = trim(stamps[s], e)
        while ends.get(e, s - 1) >= s:
            s, e = trim(s, ends[e])
        return s, e
    return trim_stamps


def _past_stamps(starts: list[int], stamps: dict[int, int]) -> list[int]:
    """Sentence starts at or inside a stamp moved to its end (the stamp then ends the sentence
    before, and is trimmed from it)."""
    moved = list(starts)
    for a, b in stamps.items():
        for i in range(bisect_left(moved, a), bisect_left(moved, b)):
            moved[i] = b
    return sorted(set(moved))


def _make(t: Transcript, spans) -> list[Segment]:
    participant, group, role = t.participant, t.group, t.role  # properties: read once, not per turn
    info = {turn.index: (turn.speaker, turn.is_interviewer, turn.participant or participant,
                         turn.group or group, turn.role or role) for turn in t.turns}
    if len(spans) % 4:
        raise ValueError("a damaged entry")
    prefix, tid, body, new = f"{t.id}:", t.id, t.body, tuple.__new__  # the fast NamedTuple constructor
    it = iter(spans)
    return [new(Segment, (prefix + local, tid, turn, s, e, body[s:e]) + info[turn]) for turn, local, s, e in zip(it, it, it, it)]


def segment_all(transcripts: list[Transcript], unit: str = "sentence",
                cache_dir: Path | None = None) -> dict[str, list[Segment]]:
    """Segments of every transcript, by transcript id, in document order."""
    with paused_gc(long_lived=True):
        return _segment_all(transcripts, unit, cache_dir)


def _segment_all(transcripts: list[Transcript], unit: str, cache_dir: Path | None) -> dict[str, list[Segment]]:
    pack = Pack(cache_dir, "segments", SEGMENTER_VERSION)
    result: dict[str, list] = {}
    todo: list[tuple[Transcript, str]] = []
    units = {t.id: unit_of(t, unit) for t in transcripts}
    for t in transcripts:
        key = _cache_key(t, units[t.id])
        spans = pack.get(key)
        if spans is not None:
            try:
                result[t.id] = _make(t, spans)
                continue
            except (ValueError, KeyError, TypeError):
                pass  # a damaged entry is rebuilt
        todo.append((t, key))

    need = [t for t, _ in todo if units[t.id] == "sentence"]
    starts = dict(zip((t.id for t in need), _sentence_starts([t.body for t in need]) if need else []))
    for t, key in todo:
        spans = _spans(t, units[t.id], starts.get(t.id))
        pack.put(key, spans)
        result[t.id] = _make(t, spans)
    pack.save()
    return {t.id: result[t.id] for t in transcripts}


def unit_of(t: Transcript, default: str) -> str:
    """A transcript's front matter may set its own unit (`unit: turn` for survey answers)."""
    unit = t.metadata.get("unit")
    return unit if unit in ("sentence", "turn", "paragraph") else default


def find_segment(segments: list[Segment], sid: str) -> Segment:
    """By full id ('mps-01:12.2') or local id ('12.2')."""
    for seg in segments:
        if sid in (seg.id, seg.local_id):
            return seg
    tid = segments[0].transcript_id if segments else "?"
    raise QualcodeError(f"no segment '{sid}' in {tid}" + did_you_mean(sid, [s.local_id for s in segments]),
                        hint=f"List them with: qualcode segments {tid}")
