"""Rules over a whole corpus give exactly what spaCy's matchers give segment by segment.

`Rules.hits` matches one doc per transcript, runs the token Matcher only where a pattern's
anchor words occur, and assembles matches as arrays (qualcode/assist/rules.py); each of those
is a shortcut that could drop or invent a hit. The reference here is the plain way: each
segment its own doc, every matcher over all of it, one hit per rule and segment."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from conftest import REPO, run

from qualcode.assist.rules import Rules
from qualcode.codebook import load_codebook
from qualcode.corpus import load_corpus

# Patterns chosen to stress the anchors: a stop word beside a rare word, an IN list, a LOWER
# word the tokenizer gives another NORM ("pm" in "10pm" -> "p.m."), only stop words, a lower-case
# key, a quantifier, NOT_IN, ORTH, "+", a NORM, a "!" (which takes a token: no match where a
# segment ends); literal words only (matched on token arrays, not by spaCy's Matcher): TEXT and
# ORTH, which are case-sensitive, and a special case's pieces ("can't": "ca", "n't" whose NORM is
# "not"); then one with no literal word at all, which runs everywhere.
EXTRA = """\
  - id: stress
    label: Stress patterns
    keywords: [knife crime, "order's", youth offending team]
    patterns:
      - [{LEMMA: pay}, {LOWER: for}]
      - [{LEMMA: {IN: [report, record, breach]}}, {OP: "*", IS_PUNCT: false}, {LEMMA: order}]
      - [{LIKE_NUM: true}, {LOWER: pm}]
      - [{LOWER: for}, {LOWER: the}]
      - [{LOWER: {IN: [multi, cross]}}, {ORTH: "-", OP: "?"}, {LOWER: agency}]
      - [{lower: knife}, {LOWER: crime}]
      - [{LOWER: {IN: [order, orders]}, OP: "{2,3}"}]
      - [{LEMMA: {NOT_IN: [be, have]}}, {LOWER: order}]
      - [{ORTH: "CPS"}, {LOWER: {IN: [lawyer, lawyers, prosecutor]}}]
      - [{LOWER: "youth", OP: "+"}, {LOWER: "offending"}]
      - [{NORM: "p.m."}]
      - [{LOWER: "order"}, {LOWER: "twice", OP: "!"}]
      - [{TEXT: "Multi"}, {ORTH: "-"}, {LOWER: "agency"}]
      - [{LOWER: {IN: ["ca", "wo"]}}, {NORM: "not"}]
      - [{ORTH: "Order"}, {lower: "order"}]
"""
UNANCHORED = """\
      - [{LIKE_NUM: true}, {IS_ALPHA: true, OP: "+"}]
"""

TRICKY = """\
---
id: tricky
participant: T1
group: {group}
---
Interviewer: Tell me about it.

T1: We paid for it because of the knife crime figures. 3 officers reported the order twice.

T1: It ended at 10pm.

T1: It was knife

T1: crime, I think. Multi-agency work? Cross agency too. For the record, the order's breach was reported.

T1: Order order, said the CPS lawyers. Youth youth offending teams.

T1: They broke the order

T1: Yes, twice over, they said.

T1: We can't, and multi-agency work won't fix it. Order order.

T1: We paid
for the youth
  offending team, and the knife  crime
figures.
"""


def reference(rules: Rules, segments, text: bool = False) -> list[tuple]:
    """What spaCy's own matchers find in each segment alone: (segment, rule), and with `text`
    the words of the rule's earliest match there."""
    out = {}
    for seg in segments:
        words = " ".join(seg.text.split())  # rules read white space as one space
        doc = rules.nlp(words) if rules.needs_lemmas else rules.nlp.make_doc(words)
        found = [m for matcher in (rules.phrases, rules.lemmas, rules.matcher) if len(matcher) for m in matcher(doc)]
        for match_id, start, end in sorted(found, key=lambda m: (m[1], m[2])):
            rule = rules.nlp.vocab.strings[match_id]
            if "#" not in rule and rules.themes[rule.split("/")[0]].applies_to(seg.group):
                out.setdefault((seg.id, rule), doc[start:end].text)
    return sorted((*k, v) if text else k for k, v in out.items())


def project(tmp_path: Path, unanchored: bool = False) -> Path:
    root = tmp_path / "p"
    root.mkdir()
    (root / "codebooks").mkdir()
    (root / "codebooks" / "kcpo.yaml").write_text(
        (REPO / "codebooks" / "kcpo.yaml").read_text(encoding="utf-8") + EXTRA + (UNANCHORED if unanchored else ""),
        encoding="utf-8")
    (root / "transcripts").mkdir()
    for path in sorted((REPO / "transcripts").glob("*.md")):
        (root / "transcripts" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    group = next(iter(load_codebook(root / "codebooks" / "kcpo.yaml").groups))
    (root / "transcripts" / "tricky.md").write_text(TRICKY.format(group=group), encoding="utf-8")
    return root


def saved_pipeline(tmp_path: Path) -> str:
    """A pipeline on disk, as a trained one would be (spaCy loads it by path): the other code
    path, where lemmas come from the pipeline and keywords match on LEMMA, not NORM."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.to_disk(tmp_path / "pipeline")
    return str(tmp_path / "pipeline")


@pytest.mark.parametrize("unanchored,pipeline", [(False, False), (True, False), (False, True)],
                         ids=["anchored", "with-an-unanchored-pattern", "configured-pipeline"])
def test_corpus_hits_equal_matching_each_segment_alone(tmp_path, unanchored, pipeline):
    root = project(tmp_path, unanchored)
    corpus = load_corpus(project_dir=root)
    segments = [s for segs in corpus.segments().values() for s in segs if not s.is_interviewer]
    rules = Rules(corpus.codebook, saved_pipeline(tmp_path) if pipeline else None)
    assert rules.lookup is not pipeline and rules.unanchored is (unanchored or pipeline)  # LEMMA: no anchor
    hits = rules.hits(segments)
    if not pipeline:  # literal words only: on token arrays; the rest through spaCy's Matcher
        assert {int(n.rsplit("/", 1)[1]) for n in rules.literal if n.startswith("stress/")} == {1, 4, 6, 9, 11, 13, 14, 15}
    got = [(h.segment.id, h.rule) for h in hits]
    assert sorted(got) == reference(rules, segments)
    order = {s.id: i for i, s in enumerate(segments)}
    assert got == sorted(got, key=lambda x: (order[x[0]], x[1]))  # segment order, then rule name
    collapsed = {s.id: " ".join(s.text.split()) for s in segments}
    assert all(h.text == collapsed[h.segment.id][collapsed[h.segment.id].lower().index(h.text.lower()):][:len(h.text)]
               for h in hits)
    fired = {rule for _, rule in got}
    stress = next(t for t in corpus.codebook.themes if t.id == "stress")
    assert sorted((h.segment.id, h.rule, h.text) for h in hits) == reference(rules, segments, text=True)
    for i in range(1, len(stress.patterns) + 1):  # every stress pattern fires somewhere
        assert f"stress/pattern/{i}" in fired, i
    tricky = {(sid.split(":")[1], rule) for sid, rule in got if sid.startswith("tricky:")}
    assert ("3.1", "stress/pattern/3") in tricky  # '10pm': '10', 'pm' whose NORM is 'p.m.'
    assert ("2.1", "stress/kw/knife crime") in tricky
    # Across hard line breaks, a double space and an indent: white space reads as one space.
    assert {("10.1", r) for r in ("stress/kw/knife crime", "stress/kw/youth offending team", "stress/pattern/1")} <= tricky
    # A segment ends at 'order': a "!" token takes one token, and the next segment's 'Yes' is not
    # this segment's, so pattern 12 does not fire there (as spaCy finds on the segment alone).
    assert ("7.1", "stress/pattern/12") not in tricky and ("6.1", "stress/pattern/12") in tricky
    # 'knife' ends one turn and 'crime' starts the next: never one match across them.
    assert not any(rule == "stress/kw/knife crime" and sid.startswith(("4.", "5.")) for sid, rule in tricky)


def test_suggest_never_matches_across_segments(tmp_path):
    root = project(tmp_path)
    r = run("suggest", "--coder", "ann", "--no-model", "--json", "tricky", project=root)
    assert r.exit_code == 0, r.output
    stress = [json.loads(x) for x in (root / "codings" / "ann" / "tricky.jsonl").read_text(encoding="utf-8").splitlines()]
    stress = {c["text"]: c for c in stress if c["code"] == "stress"}
    first = stress["We paid for it because of the knife crime figures."]
    assert "stress/kw/knife crime" in first["rules"] and "knife crime" in first["matched"]
    assert "10pm" in stress["It ended at 10pm."]["matched"]
    wrapped = next(c for text, c in stress.items() if text.startswith("We paid\nfor"))
    assert {"knife crime", "youth offending team", "paid for"} <= set(wrapped["matched"])
    assert all("stress/kw/knife crime" not in c["rules"] for c in stress.values() if c not in (first, wrapped))


def test_rules_command_with_a_configured_pipeline(tmp_path):
    root = project(tmp_path)
    plain = {r["rule"]: r["hits"] for r in json.loads(run("rules", "--coder", "ann", "--json", project=root).stdout)}
    (root / "qualcode.yaml").write_text(f"spacy_model: {json.dumps(saved_pipeline(tmp_path))}\n", encoding="utf-8")
    r = run("rules", "--coder", "ann", "--json", project=root)
    assert r.exit_code == 0, r.output
    with_pipeline = {x["rule"]: x["hits"] for x in json.loads(r.stdout)}
    assert with_pipeline.keys() == plain.keys()
    assert all(with_pipeline[k] == plain[k] for k in plain if k.startswith("stress/")), (with_pipeline, plain)
    (root / "qualcode.yaml").write_text("spacy_model: xx_no_such_pipeline\n", encoding="utf-8")
    r = run("rules", "--coder", "ann", project=root)
    assert r.exit_code != 0 and "qualcode never downloads models" in r.output


def test_each_pattern_alone_gives_what_spacy_gives(tmp_path):
    """A pattern alone has no other pattern's anchors to run the Matcher in its segments: each
    must find its own (a NOT_IN once counted as an anchor word, so its pattern never ran alone)."""
    root = project(tmp_path)
    corpus = load_corpus(project_dir=root)
    segments = [s for segs in corpus.segments().values() for s in segs if not s.is_interviewer]
    stress = next(t for t in corpus.codebook.themes if t.id == "stress")
    for i, pattern in enumerate(stress.patterns, 1):
        book = dataclasses.replace(corpus.codebook, themes=(dataclasses.replace(stress, keywords=(), patterns=(pattern,)),))
        rules = Rules(book)
        got = sorted((h.segment.id, h.rule, h.text) for h in rules.hits(segments))
        assert got == reference(rules, segments, text=True), pattern
        assert got, pattern  # it fires somewhere
