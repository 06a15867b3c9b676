"""Suggestions left unread until asked for (qualcode/coding_file.py): a large `suggest`
leaves hundreds of thousands of them, which status, reports and agreement never look into.
Reading a file that way gives exactly the codings of reading it whole, in the same order; what
is left unread is only ever a suggestion whose quote is where it says; and a save keeps every
line."""

from __future__ import annotations

import json

import pytest

from conftest import run
from qualcode.corpus import load_corpus
from qualcode.errors import QualcodeError
from qualcode.model import Coding
from qualcode.project import open_project
from qualcode.coding_file import load_file
from qualcode.store import to_json


def read_both(path, body, rel="f.jsonl", known=None):
    return (load_file(path, "zoe", "t", body, rel, known, defer=True),
            load_file(path, "zoe", "t", body, rel, known, defer=False))


def same(lazy, eager) -> None:
    """The lazily read file, once asked, is the eagerly read one; its decided codings and pending
    count were right before anything was made of the unread lines."""
    anchored = eager.anchored
    assert lazy.decided == [c for c in anchored if c.status != "suggested"]
    assert lazy.pending == sum(c.status == "suggested" for c in anchored)
    assert lazy.orphaned == eager.orphaned and lazy.moved == eager.moved and lazy.fuzzy == eager.fuzzy
    assert lazy.codings == eager.codings and lazy.base == eager.base
    assert all(a is b for a, b in zip(lazy.codings, lazy.base))  # as read: the same objects


BODY = 'Waiting lists are long. He said "stop" twice.\nThe court {sic} was slow. Caf\u00e9 funding, again.'


def suggestion(code, text, body=BODY, **extra):
    start = body.index(text)
    return Coding(code=code, start=start, end=start + len(text), text=text, source="model", status="suggested",
                  confidence=0.4, codebook_version=1, at="2026-12-06T10:00:00Z", extra=extra)


def test_every_kind_of_line_reads_the_same(tmp_path):
    lines = [
        to_json(suggestion("waits", "Waiting lists are long.", features=["waiting", "list"], model="m1")),
        to_json(Coding(code="courts", start=0, end=7, text="Waiting", source="manual")),  # accepted
        to_json(suggestion("quotes", 'He said "stop" twice.')),  # escapes in the quote
        to_json(suggestion("courts", "The court {sic} was slow.")),  # a brace: read whole
        to_json(suggestion("money", "Caf\u00e9 funding, again.", why={"status": "accepted"})),  # nested
        to_json(suggestion("money", "funding")).replace('"start": ', '"start": ').replace(", ", ",", 1),
        json.dumps({"code": "waits", "start": 0, "end": 7, "text": "Waiting", "status": "suggested"}),  # compact
        to_json(Coding(code="waits", start=20, end=25, text="lists", status="suggested", source="model")),  # moved
        to_json(Coding(code="gone", start=3, end=9, text="nowhere", status="suggested", source="rules")),  # orphaned
        to_json(Coding(code="memo", start=0, end=7, text="Waiting", memo='"status": "suggested"')),  # accepted
        to_json(suggestion("waits", "are", source_note="status")),
        to_json(suggestion("waits", "long", status_of="accepted")).replace('"status_of"', '"status"'),  # the last wins
        "",
        to_json(suggestion("waits", "twice", features=["x"])),
    ]
    path = tmp_path / "f.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    lazy, eager = read_both(path, BODY)
    held = len(lazy.held)
    assert held < len(eager.codings)  # some lines were left unread
    same(lazy, eager)
    assert len(lazy.held) == len(eager.codings)


def test_suggestions_from_suggest_read_the_same_and_a_tag_keeps_them_all(example):
    r = run("suggest", "--coder", "amara", "--json", project=example)
    assert r.exit_code == 0, r.output
    corpus = load_corpus(open_project(example))
    for path in sorted((example / "codings" / "amara").glob("*.jsonl")):
        same(*read_both(path, corpus.transcript(path.stem).body))
    before = (example / "codings" / "amara" / "cps-01.jsonl").read_text(encoding="utf-8").splitlines()
    assert sum('"suggested"' in line for line in before) > 5
    assert run("tag", "cps-01", "1.1", "--code", "real-risk-cases", "--coder", "amara", project=example).exit_code == 0
    after = (example / "codings" / "amara" / "cps-01.jsonl").read_text(encoding="utf-8").splitlines()
    kept = [line for line in before if '"suggested"' in line]
    assert all(line in after for line in kept)


def test_reports_do_not_read_a_suggestion_s_reasons_but_check_and_review_do(example):
    """A suggestion line damaged after its quote (its reasons cut off): status, the reports,
    `rules`, `next` and the REFI export still run, while `check` and `review`, which read each
    suggestion whole, say where it is."""
    assert run("suggest", "--coder", "amara", "--no-model", project=example).exit_code == 0
    assert run("tag", "cps-01", "1.1", "--code", "real-risk-cases", "--coder", "zoe", project=example).exit_code == 0
    path = example / "codings" / "amara" / "cps-01.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if '"status": "suggested"' in line)
    waiting = json.loads(run("status", "--json", project=example).stdout)
    lines[at] = lines[at][:lines[at].index('"status": "suggested"') + len('"status": "suggested"')] + ', "features": ['
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for argv in (("status", "--json"), ("summary", "--format", "markdown"), ("matrix",), ("agreement",),
                 ("search", "court"), ("segments", "cps-01"), ("rules", "--coder", "amara"),
                 ("next", "--coder", "amara", "--json"), ("export", "qdpx", str(example / "out.qdpx"))):
        r = run(*argv, project=example)
        assert r.exit_code == 0, (argv, r.output)
    assert json.loads(run("status", "--json", project=example).stdout)["transcripts"] == waiting["transcripts"]
    for argv in (("check",), ("review", "--coder", "amara", "--accept-above", "0.99", "--dry-run")):
        r = run(*argv, project=example)
        assert r.exit_code != 0 and f"cps-01.jsonl:{at + 1}" in r.output, (argv, r.output)


@pytest.mark.parametrize("code", ["waits", "unknown-theme"])
def test_an_unknown_theme_is_still_an_error_at_its_line(tmp_path, code):
    path = tmp_path / "f.jsonl"
    path.write_text(to_json(suggestion(code, "Waiting lists are long.")) + "\n", encoding="utf-8")
    if code == "waits":
        assert load_file(path, "zoe", "t", BODY, "f.jsonl", {"waits"}, defer=True).pending == 1
    else:
        with pytest.raises(QualcodeError, match="unknown theme 'unknown-theme'") as exc:
            load_file(path, "zoe", "t", BODY, "f.jsonl", {"waits"}, defer=True)
        assert "f.jsonl:1" in str(exc.value)
