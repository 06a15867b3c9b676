"""Manual tagging through the CLI: what is written, what is refused, and codings surviving edits."""

from __future__ import annotations

import json

from conftest import assert_refused, run, tree_digest


def codings(root, coder="ann", tid="cps-01"):
    path = root / "codings" / coder / f"{tid}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_tag_segments_writes_sorted_accepted_manual_codings(mini):
    r = run("tag", "cps-01", "4.2", "2.1", "--code", "resource-barriers", "--coder", "ann", "--memo", "no money",
            project=mini)
    assert r.exit_code == 0, r.output
    rows = codings(mini)
    assert [row["text"] for row in rows] == ["Hearings are often adjourned.", "Nobody pays for the mentoring."]
    first = rows[0]
    assert first["code"] == "resource-barriers" and first["source"] == "manual" and first["status"] == "accepted"
    assert first["memo"] == "no money" and first["codebook_version"] == 2 and first["at"].endswith("Z")
    assert rows[0]["start"] < rows[1]["start"]
    body = (mini / "transcripts" / "cps-01.md").read_text().split("---\n", 2)[2]
    assert all(body[row["start"]:row["end"]] == row["text"] for row in rows)
    assert list(rows[0])[:6] == ["code", "start", "end", "text", "source", "status"]


def test_tagging_twice_is_idempotent_and_pin_updates(mini):
    run("tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "ann", project=mini)
    before = (mini / "codings" / "ann" / "cps-01.jsonl").read_text()
    r = run("tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "ann", project=mini)
    assert "nothing changed" in r.output
    assert (mini / "codings" / "ann" / "cps-01.jsonl").read_text() == before
    run("tag", "cps-01", "cps-01:2.1", "--code", "Court procedure", "--coder", "ann", "--pin", project=mini)
    assert codings(mini)[0]["pinned"] is True and len(codings(mini)) == 1


def test_tag_by_quote_and_ambiguous_quote(mini):
    r = run("tag", "cps-01", "--quote", "listing is unpredictable", "--code", "court-procedure", "--coder", "ann",
            project=mini)
    assert r.exit_code == 0, r.output
    assert codings(mini)[0]["text"] == "listing is unpredictable"
    r = run("tag", "yos-01", "--quote", "no funding", "--code", "resource-barriers", "--coder", "ann", project=mini)
    assert r.exit_code == 0  # once in yos-01
    (mini / "transcripts" / "extra.md").write_text("---\nid: extra\ngroup: CPS\n---\nA: no funding here.\nB: no funding there.\n")
    r = run("tag", "extra", "--quote", "no funding", "--code", "resource-barriers", "--coder", "ann", project=mini)
    assert r.exit_code == 2 and "occurs 2 times" in r.output and "turn 1, turn 2" in r.output
    r = run("tag", "extra", "2.1", "--quote", "no funding", "--code", "resource-barriers", "--coder", "ann", project=mini)
    assert r.exit_code == 0 and codings(mini, tid="extra")[0]["text"] == "no funding"


def test_bad_requests_write_nothing(mini):
    run("tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "ann", project=mini)
    before = tree_digest(mini)
    cases = [
        (["tag", "cps-01", "2.1", "--code", "court-procedur", "--coder", "ann"], "did you mean 'court-procedure'"),
        (["tag", "cps-01", "9.9", "--code", "court-procedure", "--coder", "ann"], "no segment '9.9' in cps-01"),
        (["tag", "cps-1", "2.1", "--code", "court-procedure", "--coder", "ann"], "did you mean 'cps-01'"),
        (["tag", "cps-01", "--code", "court-procedure", "--coder", "ann"], "SEGMENT_ID"),
        (["tag", "cps-01", "--quote", "not in the text", "--code", "court-procedure", "--coder", "ann"], "is not in cps-01"),
        (["tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "../evil"], "coder name"),
        (["untag", "cps-01", "4.1", "--code", "court-procedure", "--coder", "ann"], "nothing removed"),
    ]
    assert_refused(cases, mini)
    assert tree_digest(mini) == before


def test_coder_defaults(mini):
    r = run("tag", "cps-01", "2.1", "--code", "court-procedure", project=mini)
    assert r.exit_code == 2 and "--coder" in r.output  # nobody has coded yet and no default
    (mini / "qualcode.yaml").write_text("coder: bea\n")
    assert run("tag", "cps-01", "2.1", "--code", "court-procedure", project=mini).exit_code == 0
    assert codings(mini, "bea")


def test_theme_for_another_group_warns(mini):
    r = run("tag", "cps-01", "2.1", "--code", "safeguarding", "--coder", "ann", project=mini)
    assert r.exit_code == 0 and "listed for YOS" in r.output


def test_untag_removes_and_last_removal_deletes_the_file(mini):
    run("tag", "cps-01", "2.1", "2.2", "--code", "court-procedure", "--coder", "ann", project=mini)
    r = run("untag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "ann", project=mini)
    assert r.exit_code == 0 and [c["text"] for c in codings(mini)] == ["Court time is scarce and listing is unpredictable."]
    run("untag", "cps-01", "2.2", "--code", "court-procedure", "--coder", "ann", project=mini)
    assert not (mini / "codings" / "ann" / "cps-01.jsonl").exists()


def test_codings_follow_their_text_after_an_edit(mini):
    run("tag", "cps-01", "4.2", "--code", "resource-barriers", "--coder", "ann", project=mini)
    old = codings(mini)[0]
    path = mini / "transcripts" / "cps-01.md"
    path.write_text(path.read_text().replace("How do hearings go?", "How do hearings usually go, in your experience?"))
    r = run("segments", "cps-01", "--json", project=mini)
    row = next(json.loads(x) for x in r.stdout.splitlines() if json.loads(x)["text"] == old["text"])
    assert row["codes"] == [{"code": "resource-barriers", "coder": "ann"}]
    # The next write stores the new offsets.
    run("tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "ann", project=mini)
    moved = next(c for c in codings(mini) if c["code"] == "resource-barriers")
    assert moved["start"] == old["start"] + len(" usually go, in your experience?") - len(" go?")
    assert moved["text"] == old["text"]


def test_rewrapped_text_is_found_again(mini):
    run("tag", "cps-01", "--quote", "Court time is scarce and listing is unpredictable.", "--code", "court-procedure",
        "--coder", "ann", project=mini)
    path = mini / "transcripts" / "cps-01.md"
    path.write_text(path.read_text().replace("Court time is scarce and listing", "Court time is scarce and\nlisting"))
    r = run("status", "--json", project=mini)
    data = json.loads(r.stdout)
    assert data["warnings"] == []
    assert next(t for t in data["transcripts"] if t["id"] == "cps-01")["coded"]["ann"] == 1


def test_orphaned_coding_is_reported_and_kept(mini):
    run("tag", "cps-01", "4.2", "--code", "resource-barriers", "--coder", "ann", project=mini)
    path = mini / "transcripts" / "cps-01.md"
    path.write_text(path.read_text().replace("Nobody pays for the mentoring.", "[redacted]"))
    r = run("tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "ann", project=mini)
    assert r.exit_code == 0 and "orphaned" in r.output and "Nobody pays for the mentoring." in r.output
    kept = [c for c in codings(mini) if c["code"] == "resource-barriers"]
    assert kept and kept[0]["text"] == "Nobody pays for the mentoring."
    r = run("summary", "--format", "json", project=mini)
    assert "Nobody pays" not in r.stdout  # not quoted, but not deleted either


def test_quotes_match_across_hard_wrapped_lines(mini):
    """A quote typed on one line (or copied from `segments`, which re-wraps) finds a passage the
    transcript breaks over two lines; the coding keeps the transcript's own text."""
    r = run("tag", "cps-01", "--quote", "unpredictable. The   bench wants", "--code", "court-procedure", "--coder", "ann",
            project=mini)
    assert r.exit_code == 0, r.output
    row = json.loads((mini / "codings" / "ann" / "cps-01.jsonl").read_text().splitlines()[0])
    assert row["text"] == "unpredictable.\nThe bench wants"
    r = run("untag", "cps-01", "--quote", "unpredictable. The bench wants", "--code", "court-procedure", "--coder", "ann",
            project=mini)
    assert r.exit_code == 0, r.output
    assert not (mini / "codings" / "ann" / "cps-01.jsonl").exists()


def test_small_stumbles(mini):
    assert run("tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "ann", project=mini).exit_code == 0
    r = run("summary", "--group", "cps", "--format", "md", project=mini)  # group in any case; md as a format
    assert r.exit_code == 0, r.output
    assert "Crown Prosecution Service" in r.output and "Court procedure" in r.output
    r = run("code", "cps-01", "--coder", "ann", "--start", "9.9", input="q\n", project=mini)
    assert r.exit_code == 2 and "no codable segment '9.9'" in r.output
    r = run("segments", "cps-01", project=mini)
    assert "7 sentence units (5 to code, 2 interviewer)" in r.output


def test_tag_new_makes_the_theme_first_and_a_bad_quote_makes_nothing(mini):
    book = mini / "codebooks" / "mini.yaml"
    r = run("tag", "cps-01", "--code", "Court delays", "--new", "--quote", "no such words", project=mini)
    assert r.exit_code == 2 and "court-delays" not in book.read_text()  # nothing made for a tag that fails
    r = run("tag", "cps-01", "2.1", "--code", "Court delays", "--new", "--under", "court-procedure", "--coder", "ann", project=mini)
    assert r.exit_code == 0, r.output
    assert "added theme court-delays 'Court delays' under court-procedure to codebooks/mini.yaml (version 3)" in r.output
    assert "version: 3" in book.read_text()
    r = run("tag", "cps-01", "2.2", "--code", "court-delays", "--new", "--coder", "ann", project=mini)  # again: it exists now
    assert r.exit_code == 0 and "in the codebook already; tagged with it" in r.output
    assert run("check", project=mini).exit_code == 0
    r = run("tag", "cps-01", "2.3", "--code", "court-procedure", "--under", "safeguarding", "--coder", "ann", project=mini)
    assert r.exit_code == 2 and "--under is for a new theme" in r.output


def test_a_paragraph_or_turn_id_tags_that_text_whatever_the_unit(mini):
    r = run("tag", "cps-01", "2.p1", "--code", "court-procedure", "--coder", "ann", project=mini)
    assert r.exit_code == 0, r.output
    r = run("tag", "cps-01", "4", "--code", "resource-barriers", "--coder", "ann", project=mini)
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in (mini / "codings" / "ann" / "cps-01.jsonl").read_text().splitlines()]
    assert [(c["code"], c["text"]) for c in rows] == [
        ("court-procedure", "Hearings are often adjourned. Court time is scarce and listing is unpredictable.\nThe bench wants more information."),
        ("resource-barriers", "There is no funding for the programmes. Nobody pays for the mentoring.")]
    r = run("tag", "cps-01", "2.p7", "--code", "court-procedure", "--coder", "ann", project=mini)
    assert r.exit_code == 2 and "no segment '2.p7'" in r.output
