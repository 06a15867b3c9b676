"""Agreement figures equal independent implementations: scikit-learn's cohen_kappa_score and the
krippendorff package, on rating vectors written out by hand from the codings made here."""

from __future__ import annotations

import json

import krippendorff
import pytest
from conftest import run
from sklearn.metrics import cohen_kappa_score

# Codable units in document order: cps-01 2.1 2.2 2.3 4.1 4.2, then yos-01 2.1 2.2 3.1 3.2.
UNITS = ["cps-01:2.1", "cps-01:2.2", "cps-01:2.3", "cps-01:4.1", "cps-01:4.2",
         "yos-01:2.1", "yos-01:2.2", "yos-01:3.1", "yos-01:3.2"]
CODED = {
    "ann": {"court-procedure": ["cps-01:2.1", "cps-01:2.2"], "resource-barriers": ["cps-01:4.1", "yos-01:3.2"],
            "exploitation": ["yos-01:2.1"]},
    "bob": {"court-procedure": ["cps-01:2.1", "cps-01:2.3"], "resource-barriers": ["cps-01:4.1", "cps-01:4.2", "yos-01:3.2"],
            "exploitation": ["yos-01:2.1", "yos-01:2.2"]},
    "cat": {"court-procedure": ["cps-01:2.1", "cps-01:2.2", "cps-01:2.3"], "resource-barriers": ["yos-01:3.2"],
            "exploitation": ["yos-01:2.1"]},
}
THEMES = ["court-procedure", "resource-barriers", "exploitation"]


GROUPS = {"court-procedure": "cps", "exploitation": "yos"}  # the mini codebook's group-limited themes


def applies(theme: str, unit: str, coders=("ann", "bob")) -> bool:
    """Counted only where the theme is coded for the unit's group, or a coder gave it there."""
    return theme not in GROUPS or unit.startswith(GROUPS[theme]) or any(unit in CODED[c].get(theme, []) for c in coders)


def vector(coder: str, theme: str, coders=("ann", "bob")) -> list[int]:
    return [int(u in CODED[coder].get(theme, [])) for u in UNITS if applies(theme, u, coders)]


@pytest.fixture
def coded(mini):
    for coder, themes in CODED.items():
        for theme, units in themes.items():
            for u in units:
                tid, local = u.split(":")
                assert run("tag", tid, local, "--code", theme, "--coder", coder, project=mini).exit_code == 0
    return mini


def figures(root, *args):
    r = run("agreement", *args, "--codes", ",".join(THEMES), "--format", "json", project=root)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    return data, {f["theme"]: f for f in data["groups"]["all"]}


def test_two_coders_match_sklearn_and_krippendorff(coded):
    data, figs = figures(coded, "--coders", "ann", "bob")
    assert data["transcripts"] == ["cps-01", "yos-01"]
    for theme in THEMES:
        a, b = vector("ann", theme), vector("bob", theme)
        assert figs[theme]["units"] == len(a) == {"court-procedure": 5, "resource-barriers": 9, "exploitation": 4}[theme]
        assert figs[theme]["positives"] == {"ann": sum(a), "bob": sum(b)}
        assert figs[theme]["kappa"] == pytest.approx(cohen_kappa_score(a, b), abs=1e-4)
        assert figs[theme]["alpha"] == pytest.approx(krippendorff.alpha([a, b], level_of_measurement="nominal"), abs=1e-4)
        assert figs[theme]["percent_agreement"] == pytest.approx(sum(x == y for x, y in zip(a, b)) / len(a), abs=1e-4)
    pooled_a = [v for t in THEMES for v in vector("ann", t)]
    pooled_b = [v for t in THEMES for v in vector("bob", t)]
    assert figs["pooled"]["alpha"] == pytest.approx(krippendorff.alpha([pooled_a, pooled_b], level_of_measurement="nominal"),
                                                    abs=1e-4)
    assert figs["pooled"]["units"] == 18


def test_three_coders_alpha_and_no_kappa(coded):
    _, figs = figures(coded, "--coders", "ann", "bob", "cat")  # the issue's `--coders A B C` form
    for theme in THEMES:
        rows = [vector(c, theme, ("ann", "bob", "cat")) for c in ("ann", "bob", "cat")]
        assert figs[theme]["kappa"] is None
        assert figs[theme]["alpha"] == pytest.approx(krippendorff.alpha(rows, level_of_measurement="nominal"), abs=1e-4)


def test_by_group_turn_units_and_thresholds_for_ci(coded):
    data, _ = figures(coded, "--coders", "ann,bob", "--by", "group")
    assert set(data["groups"]) == {"all", "CPS", "YOS"}
    cps = {f["theme"]: f for f in data["groups"]["CPS"]}
    a, b = vector("ann", "court-procedure")[:5], vector("bob", "court-procedure")[:5]
    assert cps["court-procedure"]["kappa"] == pytest.approx(cohen_kappa_score(a, b), abs=1e-4)
    assert "too rare" in cps["court-procedure"]["warning"]
    turns, figs = figures(coded, "--coders", "ann", "bob", "--unit", "turn")
    assert figs["court-procedure"]["units"] == 2  # the non-interviewer turns of the CPS interview
    low = run("agreement", "--coders", "ann", "bob", "--min-kappa", "0.99", project=coded)
    assert low.exit_code == 1 and "below the threshold" in low.output
    ok = run("agreement", "--coders", "ann", "bob", "--min-kappa", "0.1", "--min-alpha", "0.1", project=coded)
    assert ok.exit_code == 0 and "pooled" in ok.output


def test_agreement_bad_requests(coded, mini):
    for args, expected in ((["--coders", "ann"], "two or more coders"), (["--coders", "ann", "zed"], "no codings by 'zed'"),
                           (["--unit", "word"], "unknown unit"), (["--codes", "nope"], "no theme 'nope'"),
                           (["--by", "theme"], "--by takes 'group'")):
        r = run("agreement", *args, project=coded)
        assert r.exit_code == 2 and expected in r.output, (args, r.output)
    run("tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "dan", project=coded)
    r = run("agreement", "--coders", "dan", "cat", "--coders", "ann", project=coded)
    assert r.exit_code == 0  # dan coded cps-01 only: measured on it alone


def test_disagreements_list_every_differing_unit(coded):
    rows = [json.loads(x) for x in run("disagreements", "--coders", "ann", "bob", "--json", project=coded).stdout.splitlines()]
    expected = [u for u in UNITS if any((u in CODED["ann"].get(t, [])) != (u in CODED["bob"].get(t, [])) for t in THEMES)]
    assert [r["unit"] for r in rows] == expected
    first = rows[0]
    assert first["codes"]["ann"] == sorted(t for t in THEMES if first["unit"] in CODED["ann"].get(t, []))
    assert run("disagreements", "--coders", "ann", "bob", project=coded).exit_code == 0


def test_a_passage_counts_on_every_unit_it_overlaps(mini):
    """A quote over the end of 2.1 and the start of 2.2 codes both units; one inside 4.1 codes
    4.1 alone; nothing reaches the units before, between or after them."""
    for coder, quotes in (("ann", ["adjourned. Court time", "no funding"]), ("bob", ["Court time is scarce", "no funding"])):
        for quote in quotes:
            r = run("tag", "cps-01", "--quote", quote, "--code", "resource-barriers", "--coder", coder, project=mini)
            assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in run("disagreements", "--coders", "ann,bob", "--json", project=mini).stdout.splitlines()]
    assert [(r["unit"], r["codes"]) for r in rows] == [("cps-01:2.1", {"ann": ["resource-barriers"], "bob": []})]
    _, figs = figures(mini, "--coders", "ann,bob")
    assert figs["resource-barriers"]["positives"] == {"ann": 3, "bob": 2}  # 2.1, 2.2, 4.1; 2.2, 4.1
    assert figs["resource-barriers"]["units"] == 5  # cps-01's codable units: yos-01 has no coding
    turns = [json.loads(x) for x in run("disagreements", "--coders", "ann,bob", "--unit", "turn", "--json",
                                        project=mini).stdout.splitlines()]
    assert turns == []  # both coded each of Priya's two turns


def test_reconcile_writes_a_consensus_coder_and_keeps_the_originals(coded):
    from conftest import tree_digest

    originals = {k: v for k, v in tree_digest(coded).items() if k.startswith(("codings/ann", "codings/bob"))}
    # ann x bob disagree on cps-01 2.2, 2.3, 4.2 and yos-01 2.2 (in that order).
    r = run("reconcile", "--coders", "ann", "bob", "--into", "team", input="1\nall\nnone\nu\n= resource-barriers\n\nq\n",
            project=coded)
    assert r.exit_code == 0, r.output
    assert "agreed unit(s) copied into 'team'" in r.output and "Undone." in r.output
    rows = {json.loads(x)["id"]: json.loads(x)["codes"] for x in
            run("segments", "cps-01", "--coder", "team", "--json", project=coded).stdout.splitlines()}
    assert [c["code"] for c in rows["cps-01:2.1"]] == ["court-procedure"]  # agreed: copied
    assert [c["code"] for c in rows["cps-01:2.2"]] == ["court-procedure"]  # 1: ann's codes
    assert sorted(c["code"] for c in rows["cps-01:2.3"]) == ["court-procedure"]  # all: ann none + bob court
    assert [c["code"] for c in rows["cps-01:4.2"]] == ["resource-barriers"]  # none, undone, then = resource-barriers
    assert {k: v for k, v in tree_digest(coded).items() if k.startswith(("codings/ann", "codings/bob"))} == originals
    again = run("reconcile", "--coders", "ann", "bob", "--into", "team", input="q\n", project=coded)
    assert "yos-01:2.2 · 4 of 4" in again.output  # resumes at the first undecided disagreement
    bad = run("reconcile", "--coders", "ann", "bob", "--into", "bob", project=coded)
    assert bad.exit_code == 2 and "one of the coders" in bad.output


def test_two_coders_on_branches_merge_in_git_without_conflict(mini):
    import shutil
    import subprocess

    if not shutil.which("git"):
        pytest.skip("git is not installed")

    def git(*args):
        return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=mini,
                              capture_output=True, text=True, check=True)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "project")
    git("checkout", "-qb", "ann")
    run("tag", "cps-01", "2.1", "2.2", "--code", "court-procedure", "--coder", "ann", project=mini)
    git("add", "-A")
    git("commit", "-qm", "ann codes")
    git("checkout", "-q", "main")
    git("checkout", "-qb", "bob")
    run("tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "bob", project=mini)
    run("tag", "yos-01", "3.2", "--code", "resource-barriers", "--coder", "bob", project=mini)
    git("add", "-A")
    git("commit", "-qm", "bob codes")
    git("checkout", "-q", "main")
    git("merge", "-q", "--no-edit", "ann")
    merged = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "merge", "--no-edit", "bob"],
                            cwd=mini, capture_output=True, text=True)
    assert merged.returncode == 0, merged.stdout + merged.stderr  # no conflict
    figs = json.loads(run("agreement", "--coders", "ann", "bob", "--format", "json", project=mini).stdout)
    assert figs["transcripts"] == ["cps-01"]


def test_reconcile_by_labels_shows_context_and_remembers_no_code(coded):
    r = run("reconcile", "--coders", "ann", "bob", "--into", "team",
            input="= Court procedure, Resource barriers\n= Court procedure\nnone\nq\n", project=coded)
    assert r.exit_code == 0, r.output
    assert "1 ann: Court procedure" in r.output and "2 bob: no code" in r.output  # labels, not ids
    assert "Hearings are often adjourned.\nPriya: Court time is scarce" in r.output  # the turn so far, as context
    assert "Consensus: Court procedure, Resource barriers." in r.output
    rows = {json.loads(x)["id"]: sorted(c["code"] for c in json.loads(x)["codes"]) for x in
            run("segments", "cps-01", "--coder", "team", "--json", project=coded).stdout.splitlines()}
    assert rows["cps-01:2.2"] == ["court-procedure", "resource-barriers"]
    assert rows["cps-01:2.3"] == ["court-procedure"] and rows["cps-01:4.2"] == []
    again = run("reconcile", "--coders", "ann", "bob", "--into", "team", input="q\n", project=coded)
    assert "yos-01:2.2 · 4 of 4" in again.output  # the "no code" on 4.2 is not asked again
    assert (coded / "codings" / "team" / "cps-01.decided").read_text().count(" none ") == 1


def test_reports_say_whose_codes_they_count(coded):
    def header():
        r = run("summary", "--format", "markdown", project=coded)
        assert r.exit_code == 0, r.output
        return r.output.split("coded by ", 1)[1].split("; unit", 1)[0]

    assert header() == "ann, bob, cat (every coder pooled; a span two coded counts once)"
    r = run("reconcile", "--coders", "ann", "bob", "--into", "consensus", input="1\n1\n1\n1\nq\n", project=coded)
    assert r.exit_code == 0, r.output
    assert header() == "consensus"  # the one consensus coder, when qualcode.yaml names nobody
    data, _ = figures(coded)  # agreement compares the independent coders, not the consensus
    assert data["coders"] == ["ann", "bob", "cat"]
    (coded / "qualcode.yaml").write_text("coder: cat\n")
    assert header() == "cat"
    assert "consensus" in run("summary", "--coder", "consensus", "--format", "markdown", project=coded).output


def test_agreement_as_markdown_for_a_methods_section(coded, tmp_path):
    out = tmp_path / "agreement.md"
    r = run("agreement", "--coders", "ann", "bob", "--by", "group", "--out", str(out), project=coded)
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert text.startswith("Agreement between ann, bob on 2 transcripts, unit: segment.")
    assert "### All groups" in text and "### CPS" in text and "| pooled |" in text
    cps = text.split("### CPS", 1)[1].split("###", 1)[0]
    assert "| court-procedure | 5 |" in cps and "exploitation" not in cps  # a YOS theme has no CPS figure
