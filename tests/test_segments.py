"""Coding units: stable, typable ids; code-point offsets; a cache that spares spaCy on a second run."""

from __future__ import annotations

import json

from conftest import run

from qualcode import segment as segment_module
from qualcode.errors import QualcodeError
from qualcode.nlp import lemmas
from qualcode.project import open_project
from qualcode.segment import segment_all
from qualcode.transcripts import load_transcripts


def load(root, unit="sentence"):
    p = open_project(root, unit)
    ts = load_transcripts(p.transcripts_dir, p.root, p.interviewers)
    return ts, segment_all(ts, unit, p.cache_dir)


def test_sentence_ids_offsets_and_interviewer_flag(mini):
    ts, segs = load(mini)
    cps = segs["cps-01"]
    assert [s.local_id for s in cps] == ["1.1", "2.1", "2.2", "2.3", "3.1", "4.1", "4.2"]
    assert cps[0].is_interviewer and not cps[1].is_interviewer
    assert cps[2].text == "Court time is scarce and listing is unpredictable."
    assert cps[3].text == "The bench wants more information."  # a new line in the same turn is not a new turn
    body = ts[0].body
    assert all(body[s.start:s.end] == s.text for s in cps)
    assert cps[1].id == "cps-01:2.1" and cps[1].role == "CPS prosecutor" and cps[1].group == "CPS"


def test_ids_are_stable_across_runs_and_edits_elsewhere(mini):
    _, first = load(mini)
    path = mini / "transcripts" / "cps-01.md"
    path.write_text(path.read_text().replace("There is no funding", "There is, sadly, no funding"))
    _, second = load(mini)
    assert [s.id for s in first["cps-01"]] == [s.id for s in second["cps-01"]]
    assert [s.text for s in first["yos-01"]] == [s.text for s in second["yos-01"]]


def test_turn_and_paragraph_units(mini):
    path = mini / "transcripts" / "yos-01.md"
    path.write_text(path.read_text() + "\nFirst paragraph here.\n\nSecond paragraph here.\n")
    _, turns = load(mini, "turn")
    assert [s.local_id for s in turns["yos-01"]] == ["1", "2", "3"]
    _, paras = load(mini, "paragraph")
    assert [s.local_id for s in paras["yos-01"]][-3:] == ["3.p1", "3.p2", "3.p3"]
    assert paras["yos-01"][-1].text == "Second paragraph here."


def one_transcript(tmp_path, name: str, text: str):
    """A project of one transcript and a one-theme codebook."""
    root = tmp_path / "p"
    (root / "transcripts").mkdir(parents=True)
    (root / "codebooks").mkdir()
    (root / "codebooks" / "c.yaml").write_text("name: c\nversion: 1\nthemes:\n  - id: a\n    label: A\n")
    (root / "transcripts" / name).write_text(text)
    return root


def test_time_stamps_in_the_text_are_no_unit_s_edge(tmp_path):
    """f4transkript's "#00:00:03-2#" and bracketed times between sentences: spaCy makes "[" end
    one sentence and "00:00:20]" open the next; no unit starts or ends with a stamp, a paragraph of
    stamps alone is no unit, and a stamp inside a sentence stays."""
    root = one_transcript(tmp_path, "f4.txt",
                          "I: How did it start? #00:00:03-2#\n\nB: Slowly. We had no referrals. #00:00:09-5#\n\n"
                          "I: And then?#00:00:12#\n\nB: Then they came at once. [00:00:20] We were short-staffed.\n"
                          "Nobody expected it. (00:31)\n\n[01:02:03]\n\nWe were [00:00:40] tired.\n")
    ts, segs = load(root)
    units = segs["f4"]
    assert [u.text for u in units] == ["How did it start?", "Slowly.", "We had no referrals.", "And then?",
                                       "Then they came at once.", "We were short-staffed.", "Nobody expected it.",
                                       "We were [00:00:40] tired."]
    assert [u.local_id for u in units] == ["1.1", "2.1", "2.2", "3.1", "4.1", "4.2", "4.3", "4.4"]
    assert all(ts[0].body[u.start:u.end] == u.text for u in units)
    _, turns = load(root, "turn")
    assert [u.text for u in turns["f4"]][:3] == ["How did it start?", "Slowly. We had no referrals.", "And then?"]
    _, paras = load(root, "paragraph")
    assert [u.local_id for u in paras["f4"]][-3:] == ["3.p1", "4.p1", "4.p2"]  # the stamps' paragraph is none
    assert paras["f4"][-1].text == "We were [00:00:40] tired."


def test_a_line_that_is_only_a_time_is_no_unit(tmp_path):
    """Meeting tools' transcripts put a time on a line of its own every few minutes ("00:05:00"):
    never a unit or part of one; a time without its seconds, or inside a sentence, stays words."""
    root = one_transcript(tmp_path, "meet.txt",
                          "00:00:00\n\nAlice: Hello everyone. We start now.\nBob: Hi.\n\n00:05:00\n\nAlice: Next point.\n"
                          "00:10:00.5\nIt was at\n12:30 that it changed, at 10:00:00 sharp.\n")
    ts, segs = load(root)
    assert [u.text for u in segs["meet"]] == ["Hello everyone.", "We start now.", "Hi.", "Next point.",
                                              "It was at\n12:30 that it changed, at 10:00:00 sharp."]
    _, paras = load(root, "paragraph")
    assert [u.text for u in paras["meet"]] == ["Hello everyone. We start now.", "Hi.",
                                               "Next point.\n00:10:00.5\nIt was at\n12:30 that it changed, at 10:00:00 sharp."]


def test_second_run_reads_the_cache_not_spacy(mini, monkeypatch):
    _, first = load(mini)
    pack = json.loads((mini / ".qualcode" / "segments.json").read_text())
    assert len(pack["entries"]) == 2

    def no_spacy():
        raise AssertionError("spaCy was run although the cache was warm")

    monkeypatch.setattr(segment_module, "sentence_pipeline", no_spacy)
    _, second = load(mini)
    assert first == second


def test_damaged_cache_is_rebuilt(mini):
    _, first = load(mini)
    pack = mini / ".qualcode" / "segments.json"
    pack.write_text("{not json")
    _, second = load(mini)
    assert first == second
    assert len(json.loads(pack.read_text())["entries"]) == 2
    data = json.loads(pack.read_text())
    # Well-formed JSON, wrong content: nested spans, an unknown turn, a text offset, a short entry.
    for damage in ([[99, "x", 0, 1]], [99, "x", 0, 1], [1, "1.1", "a", 2], [1, "1.1", 0]):
        for key in data["entries"]:
            data["entries"][key] = damage
        pack.write_text(json.dumps(data))
        _, again = load(mini)
        assert again == first, damage


def test_damaged_transcript_cache_is_rebuilt(mini):
    p = open_project(mini)
    first = load_transcripts(p.transcripts_dir, p.root, p.interviewers, cache_dir=p.cache_dir)
    pack = mini / ".qualcode" / "transcripts.json"
    data = json.loads(pack.read_text())
    turns = {key: entry[4] for key, entry in data["entries"].items()}
    # A turn one field short or long, a turn that is no list, offsets that are not numbers.
    for damage in (lambda t: t[:-1], lambda t: t + [None], lambda t: 7, lambda t: [t[0], t[1], "a", "b", *t[4:]]):
        for key, entry in data["entries"].items():
            entry[4] = [damage(t) for t in turns[key]]
        pack.write_text(json.dumps(data))
        again = load_transcripts(p.transcripts_dir, p.root, p.interviewers, cache_dir=p.cache_dir)
        assert again == first
        assert all(isinstance(turn.start, int) for t in again for turn in t.turns)


def test_segments_command_lists_ids_speakers_and_codes(mini):
    assert run("tag", "cps-01", "2.2", "--code", "court-procedure", "--coder", "ann", project=mini).exit_code == 0
    r = run("segments", "cps-01", "--json", project=mini)
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows[2]["id"] == "cps-01:2.2" and rows[2]["speaker"] == "Priya"
    assert rows[2]["codes"] == [{"code": "court-procedure", "coder": "ann"}]
    assert rows[0]["interviewer"] is True
    r = run("segments", "cps-01", "--codable", project=mini)
    assert r.exit_code == 0 and "2.2" in r.output and "How do hearings go?" not in r.output
    r = run("segments", "cps-01", "--unit", "turn", "--json", project=mini)
    assert [json.loads(x)["id"] for x in r.stdout.splitlines()] == ["cps-01:1", "cps-01:2", "cps-01:3", "cps-01:4"]
    bad = run("segments", "cps-01", "--unit", "word", project=mini)
    assert bad.exit_code == 2 and "unknown coding unit 'word'" in bad.output


def test_lookup_lemmas_work_offline():
    assert lemmas("The officers were running the pilots") == ["the", "officer", "be", "run", "the", "pilot"]


def test_a_configured_pipeline_that_is_not_installed_is_a_clear_error():
    import pytest

    with pytest.raises(QualcodeError, match="never downloads"):
        lemmas("text", model="xx_not_a_real_pipeline")


def test_the_cache_ignores_itself_in_git(mini):
    load(mini)
    assert (mini / ".qualcode" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_package_versions_in_cache_keys_are_what_importlib_metadata_says(tmp_path, monkeypatch):
    """Cache keys name spaCy's (and matplotlib's) version, read from the dist-info folder's name;
    anything that is not one such folder beside the package is left to importlib.metadata."""
    import importlib.util
    from importlib.metadata import version

    from qualcode import cache

    for name in ("spacy", "matplotlib", "numpy", "qualcode"):  # qualcode: an editable install
        cache.package_version.cache_clear()
        assert cache.package_version(name) == version(name), name
    # Two dist-info folders (a broken upgrade): the folder names cannot say which one is installed.
    (tmp_path / "pkgx").mkdir()
    (tmp_path / "pkgx" / "__init__.py").write_text("", encoding="utf-8")
    for v in ("1.0", "2.0"):
        (tmp_path / f"pkgx-{v}.dist-info").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    asked = []
    monkeypatch.setattr("importlib.metadata.version", lambda name: asked.append(name) or "from-metadata")
    cache.package_version.cache_clear()
    assert cache.package_version("pkgx") == "from-metadata" and asked == ["pkgx"]
    (tmp_path / "pkgx-1.0.dist-info").rmdir()
    cache.package_version.cache_clear()
    assert cache.package_version("pkgx") == "2.0"
    cache.package_version.cache_clear()
