"""Assisted coding through the CLI, on real spaCy and scikit-learn: suggestions stay suggestions
until a person decides; decisions are never overridden; the model learns a separable theme."""

from __future__ import annotations

import json

from conftest import run, tree_digest

CODEBOOK = """\
name: Feedback
themes:
  - id: waiting
    label: Waiting times
    keywords: [wait, queue]
  - id: kindness
    label: Kind staff
    keywords: [kind]
    patterns: [[{LEMMA: be}, {LOWER: lovely}]]
    examples: ["The nurses were so kind to my mother."]
"""

WAIT = ["Waited four hours in a corridor.", "The queue went round the building.", "Hours of waiting before anyone came.",
        "Slow, slow, slow: three hours to be seen.", "We waited all afternoon for a bed.", "Long delay at reception."]
KIND = ["The nurse held my hand and smiled.", "Staff were gentle and caring.", "Everyone was so warm and friendly.",
        "A caring doctor who listened.", "Friendly receptionist, very gentle.", "They were lovely and warm."]


def survey(tmp_path, n_coded=6):
    """A survey project: 12 answers imported with one coder's codes for the first `n_coded` per theme."""
    root = tmp_path / "survey"
    (root / "codebooks").mkdir(parents=True)
    (root / "transcripts").mkdir()
    (root / "codebooks" / "cb.yaml").write_text(CODEBOOK)
    rows = ["id,answer,Waiting times,Kind staff"]
    for i, (w, k) in enumerate(zip(WAIT, KIND)):
        rows.append(f'w{i},"{w}",{1 if i < n_coded else ""},')
        rows.append(f'k{i},"{k}",,{1 if i < n_coded else ""}')
    rows += ['new1,"We waited six hours and nobody told us anything.",,', 'new2,"The staff were lovely and so caring.",,',
             'new3,"I had to queue for ages.",,']
    (root / "answers.csv").write_text("\n".join(rows) + "\n")
    r = run("import", "table", root / "answers.csv", "--text", "answer", "--id", "id", "--codes-from", "Waiting times",
            "--codes-from", "Kind staff", "--coder", "ann", project=root)
    assert r.exit_code == 0, r.output
    return root


def codings(root, tid, coder="ann"):
    path = root / "codings" / coder / f"{tid}.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def test_model_learns_a_separable_theme_and_suggestions_stay_suggestions(tmp_path):
    root = survey(tmp_path)
    r = run("suggest", "--coder", "ann", "--no-rules", "--json", project=root)
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["model"]["codes"] == 2 and report["unlabelled_segments"] == 3
    new1 = codings(root, "answers-new1")
    assert [(c["code"], c["status"], c["source"]) for c in new1] == [("waiting", "suggested", "model")]
    assert 0.5 < new1[0]["confidence"] <= 1 and new1[0]["model"] == report["model"]["key"]
    # why: the words that raised the score most, shown to the reviewer
    assert new1[0]["features"] and all(isinstance(w, str) for w in new1[0]["features"])
    assert any(w in ("wait", "wait ages", "theme words of waiting", "ages") or "wait" in w for w in new1[0]["features"])
    from qualcode.assist.review import reason
    from qualcode.model import Coding
    shown = reason(Coding("waiting", 0, 5, "x", source="model", confidence=0.9, extra=new1[0]))
    assert "model score 0.90" in shown and f"'{new1[0]['features'][0]}'" in shown
    assert [c["code"] for c in codings(root, "answers-new2")] == ["kindness"]
    # Suggestions are not codings: the summary and status count none of them.
    summary = json.loads(run("summary", "--format", "json", project=root).stdout)
    assert all(t["participants"] == 6 for g in summary["groups"] for t in g["themes"])


def test_rerun_is_idempotent_and_uses_the_cached_model(tmp_path):
    root = survey(tmp_path)
    run("suggest", "--coder", "ann", project=root)
    before = tree_digest(root)
    assert "suggestions waiting for review (qualcode review --coder ann)" in run("status", project=root).output
    report = json.loads(run("suggest", "--coder", "ann", "--json", project=root).stdout)
    assert report["model"]["cached"] is True and report["added"] == 0 and report["kept"] > 0
    assert tree_digest(root) == before


def test_rules_fire_within_their_groups_and_report_precision(tmp_path):
    root = survey(tmp_path)
    r = run("suggest", "--coder", "ann", "--no-model", "--json", project=root)
    assert r.exit_code == 0, r.output
    new3 = codings(root, "answers-new3")
    stats = {s["rule"]: s for s in json.loads(run("rules", "--coder", "ann", "--json", project=root).stdout)}
    queue = stats["waiting/kw/queue"]
    # its precision: hits on text ann already coded (or labelled without it) over a one-word prior of 0.4
    assert queue["prior"] == 0.4 and stats["kindness/pattern/1"]["prior"] == 0.6
    assert queue["on_coded"] == 1 and queue["on_other"] == 0 and queue["precision"] == 0.6  # (1 + 2 * 0.4) / (1 + 2)
    assert [(c["code"], c["source"], c["confidence"]) for c in new3] == [("waiting", "rules", queue["precision"])]
    assert new3[0]["rules"] == ["waiting/kw/queue"] and new3[0]["matched"] == ["queue"]
    new2 = codings(root, "answers-new2")  # the pattern: LEMMA be + 'lovely'
    assert new2[0]["rules"] == ["kindness/pattern/1"]
    assert stats["waiting/kw/wait"]["hits"] >= 3  # lemmas: waited, waiting


def test_a_rejected_suggestion_never_comes_back_and_decisions_teach_rules(tmp_path):
    root = survey(tmp_path)
    run("suggest", "--coder", "ann", "--no-model", project=root)
    r = run("review", "--coder", "ann", "--transcript", "answers-new3", input="r\n", project=root)
    assert r.exit_code == 0 and "Rejected." in r.output
    assert codings(root, "answers-new3")[0]["status"] == "rejected"
    run("suggest", "--coder", "ann", "--no-model", project=root)
    assert [c["status"] for c in codings(root, "answers-new3")] == ["rejected"]
    stats = {s["rule"]: s for s in json.loads(run("rules", "--coder", "ann", "--json", project=root).stdout)}
    assert stats["waiting/kw/queue"]["rejected"] == 1 and stats["waiting/kw/queue"]["precision"] == 0.45  # (1 + 0.8) / 4


def test_review_loop_accept_change_undo(tmp_path):
    root = survey(tmp_path)
    run("suggest", "--coder", "ann", "--no-model", project=root)
    r = run("review", "--coder", "ann", "--order", "document", input="a\nc nope\nc kindness\nu\ns\nq\n", project=root)
    assert r.exit_code == 0, r.output
    assert "no theme 'nope'" in r.output and "Coded as kindness instead." in r.output and "Undone." in r.output
    new1 = codings(root, "answers-new1")
    assert [(c["code"], c["status"]) for c in new1] == [("waiting", "accepted")]
    assert [(c["code"], c["status"]) for c in codings(root, "answers-new2")] == [("kindness", "suggested")]


def test_bulk_accept_above_with_dry_run(tmp_path):
    root = survey(tmp_path)
    run("suggest", "--coder", "ann", "--no-rules", project=root)
    before = tree_digest(root)
    r = run("review", "--coder", "ann", "--accept-above", "0.5", "--dry-run", project=root)
    assert r.exit_code == 0 and "would accept waiting" in r.output and tree_digest(root) == before
    r = run("review", "--coder", "ann", "--accept-above", "0.5", project=root)
    assert "accepted" in r.output
    assert codings(root, "answers-new1")[0]["status"] == "accepted"
    assert codings(root, "answers-new1")[0]["decided"] == "bulk >= 0.5"
    assert run("review", "--coder", "ann", "--accept-above", "2", project=root).exit_code == 2


def test_no_command_turns_a_suggestion_into_a_coding_without_a_decision(tmp_path):
    root = survey(tmp_path)
    run("suggest", "--coder", "ann", project=root)
    for args in (["status"], ["summary"], ["rules", "--coder", "ann"], ["suggest", "--coder", "ann"],
                 ["review", "--coder", "ann", "--accept-above", "0.5", "--dry-run"], ["codebook", "show"]):
        assert run(*args, project=root).exit_code == 0, args
    for tid in ("answers-new1", "answers-new2", "answers-new3"):
        assert all(c["status"] == "suggested" for c in codings(root, tid))


def test_bad_requests(tmp_path, mini):
    root = survey(tmp_path)
    assert "--no-rules and --no-model" in run("suggest", "--coder", "ann", "--no-rules", "--no-model", project=root).output
    r = run("review", "--coder", "ann", "--order", "random", project=root)
    assert r.exit_code == 2 and "unknown order" in r.output
    r = run("review", "--coder", "ann", "--code", "waitng", project=root)
    assert r.exit_code == 2 and "did you mean 'waiting'" in r.output
    for folds in ("1", "0", "-3"):  # fewer than two folds is no cross-validation: refused, not quietly made 2
        r = run("evaluate", "--coder", "ann", "--folds", folds, project=root)
        assert r.exit_code == 2 and f"{folds} is not in the range x>=2" in r.output, r.output
    # Nothing coded yet: the model learns nothing, says so, and no file changes.
    before = tree_digest(mini)
    r = run("suggest", "--coder", "bob", "--no-rules", project=mini)
    assert r.exit_code == 0 and "no theme has 2 coded examples yet" in r.output
    assert tree_digest(mini) == before
    r = run("review", "--coder", "bob", project=mini)
    assert r.exit_code == 0 and "No open suggestions" in r.output


def test_evaluate_grouped_by_transcript_never_leaks(tmp_path):
    root = survey(tmp_path)
    r = run("evaluate", "--coder", "ann", "--folds", "3", "--json", project=root)
    assert r.exit_code == 0, r.output
    ev = json.loads(r.stdout)
    assert len(ev["folds"]) == 3
    tested = []
    for fold in ev["folds"]:
        assert not set(fold["train_transcripts"]) & set(fold["test_transcripts"])
        tested += fold["test_transcripts"]
    assert sorted(tested) == sorted(set(tested)) and len(tested) == 12  # each coded answer tested exactly once
    model, baseline, rules = ev["scores"]
    assert (model["source"], baseline["source"], rules["source"]) == ("model", "baseline", "rules")
    assert model["segments"] == baseline["segments"] == rules["segments"]
    assert {c["code"] for c in model["codes"]} == {"waiting", "kindness"}
    assert model["micro_f1"] > 0.5 and model["top3_recall"] == 1.0  # two themes: both always in the top 3
    # The rules are scored against the same segments: 'wait'/'queue' and 'kind'/the pattern.
    waiting = next(c for c in rules["codes"] if c["code"] == "waiting")
    assert waiting["support"] == 6 and waiting["precision"] == 1.0


def test_evaluate_learning_curve_and_too_little_data(tmp_path, mini):
    root = survey(tmp_path)
    ev = json.loads(run("evaluate", "--coder", "ann", "--folds", "2", "--curve", "--json", project=root).stdout)
    sizes = [p["hand_coded_segments"] for p in ev["curve"]]
    assert sizes == sorted(sizes) and sizes[-1] == 6
    run("tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "ann", project=mini)
    r = run("evaluate", "--coder", "ann", project=mini)
    assert r.exit_code == 2 and "at least 2 transcripts" in r.output


def test_next_spreads_across_participants(tmp_path):
    root = survey(tmp_path)
    r = run("next", "--n", "2", "--coder", "ann", "--json", project=root)
    assert r.exit_code == 0, r.output
    picks = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(picks) == 2 and len({p["participant"] for p in picks}) == 2
    assert all(p["id"].startswith("answers-new") and 0 <= p["uncertainty"] <= 1 for p in picks)
    assert all(p["closest_theme"] in ("waiting", "kindness") for p in picks)


def test_invalid_pattern_and_empty_project(tmp_path, mini):
    cb = mini / "codebooks" / "mini.yaml"
    cb.write_text(cb.read_text().replace("    keywords: [funding]", "    keywords: [funding]\n    patterns: [[{LEMA: fund}]]"))
    before = tree_digest(mini)
    r = run("suggest", "--coder", "ann", project=mini)
    assert r.exit_code == 2 and "resource-barriers" in r.output and "pattern 1" in r.output
    assert "Traceback" not in r.output and tree_digest(mini) == before
    r = run("codebook", "validate", project=mini)
    assert r.exit_code == 1 and "E009" in r.output
    empty = tmp_path / "empty"
    (empty / "codebooks").mkdir(parents=True)
    (empty / "transcripts").mkdir()
    (empty / "codebooks" / "cb.yaml").write_text(CODEBOOK)
    r = run("suggest", "--coder", "ann", "--json", project=empty)
    assert r.exit_code == 0 and json.loads(r.stdout)["added"] == 0
    assert run("next", "--coder", "ann", project=empty).exit_code == 0
    assert run("evaluate", "--coder", "ann", project=empty).exit_code == 2


def test_model_suggestions_respect_stakeholder_groups(tmp_path):
    """A theme coded only for one group is never suggested (nor asked about) in another's answers."""
    root = survey(tmp_path)
    cb = root / "codebooks" / "cb.yaml"
    cb.write_text("name: Feedback\ngroups:\n  A: {label: Ward A}\n  B: {label: Ward B}\n" +
                  cb.read_text().split("\n", 1)[1].replace("    label: Waiting times\n", "    label: Waiting times\n    groups: [A]\n"))
    for path in (root / "transcripts" / "answers").glob("*.txt"):
        path.write_text(path.read_text().replace("speakers: []", "group: B\nspeakers: []"))
    report = json.loads(run("suggest", "--coder", "ann", "--no-rules", "--json", project=root).stdout)
    assert report["model"]["codes"] == 2
    assert all(c["code"] != "waiting" for t in ("answers-new1", "answers-new3") for c in codings(root, t))
    picks = [json.loads(x) for x in run("next", "--coder", "ann", "--json", project=root).stdout.splitlines()]
    assert all(p["closest_theme"] != "waiting" for p in picks)


def test_review_copes_with_sparse_hand_written_suggestions(tmp_path):
    """A suggestion line with no confidence, rules or model key (written by hand or another tool)."""
    root = survey(tmp_path)
    text = "We waited six hours and nobody told us anything."
    (root / "codings" / "ann" / "answers-new1.jsonl").write_text(json.dumps(
        {"code": "waiting", "start": 0, "end": len(text), "text": text, "source": "rules", "status": "suggested"}) + "\n")
    r = run("review", "--coder", "ann", input="a\nq\n", project=root)
    assert r.exit_code == 0 and "confidence ?" in r.output and "Traceback" not in r.output
    assert codings(root, "answers-new1")[0]["status"] == "accepted"
    r = run("review", "--coder", "ann", "--accept-above", "0", "--dry-run", project=root)
    assert r.exit_code == 0


PARKING = ["Took forty minutes to find a space.", "The barrier ate my ticket.", "Spaces all taken by staff cars.",
           "Had to leave the car on the road.", "The pay machine only took coins.", "Twelve pounds for one afternoon."]
FOOD = ["The sandwiches were stale.", "Lunch was cold.", "No vegetarian meals at all.", "Tea came late every day.",
        "Dinner was tasty.", "Breakfast was good."]


def named_survey(tmp_path, label: str):
    """Answers about parking that never say 'parking'; the theme is called `label`."""
    root = tmp_path / label.replace(" ", "-")
    (root / "codebooks").mkdir(parents=True)
    (root / "transcripts").mkdir()
    (root / "codebooks" / "cb.yaml").write_text(
        f"name: Visit\nthemes:\n  - id: cars\n    label: {label}\n  - id: food\n    label: Food and drink\n"
        "  - id: signs\n    label: Signage\n")
    rows = ["id,answer,cars,food"] + [f'p{i},"{p}",1,' for i, p in enumerate(PARKING)] + \
        [f'f{i},"{f}",,1' for i, f in enumerate(FOOD)] + ['new,"Parking was impossible.",,']
    (root / "answers.csv").write_text("\n".join(rows) + "\n")
    assert run("import", "table", root / "answers.csv", "--text", "answer", "--id", "id", "--codes-from", "cars",
               "--codes-from", "food", "--coder", "ann", project=root).exit_code == 0
    return root


def test_a_themes_name_teaches_the_model_but_never_makes_it_learnable(tmp_path):
    named = named_survey(tmp_path, "Parking")
    report = json.loads(run("suggest", "--coder", "ann", "--no-rules", "--json", project=named).stdout)
    assert [c["code"] for c in codings(named, "answers-new")] == ["cars"]
    # 'signs' has a name and no codings: its name is a seed, but no theme is learned from a name alone.
    assert report["model"]["codes"] == 2 and report["model"]["definitions"] == 3
    # The same codings under a name the answer does not use: nothing links the answer to the theme.
    other = named_survey(tmp_path, "Arrival")
    run("suggest", "--coder", "ann", "--no-rules", project=other)
    assert "cars" not in [c["code"] for c in codings(other, "answers-new")]


def test_theme_words_match_lemmas_ignore_stop_words_and_count_three_at_most():
    from qualcode.assist.features import ThemeWords

    words = ThemeWords({"wait": ("Waiting times",), "money": ("Funding", "staff", "provision", "gym", "budget")})
    rows = words.transform(["We waited for hours and hours.", "The times of the day", "For the gym and the budget",
                            "No funding, staff, provision, gym or budget at all", "Nothing of the sort"]).toarray()
    assert words.themes == ["money", "wait"]
    # 'waited' is a form of the label's 'waiting'; 'for', 'the', 'of' are never theme words.
    assert rows[:, 1].tolist() == [0.5, 0.5, 0.0, 0.0, 0.0]
    # Five words named: two held count 2/3, and five held count as much as three.
    assert rows[:, 0].round(3).tolist() == [0.0, 0.0, 0.667, 1.0, 0.0]


def test_the_review_loop_decides_one_suggestion_after_another(mini):
    """Each save re-reads the file and merges (tagging.save): the next decision must still find
    its suggestion, so two decisions in one session both land."""
    from conftest import run as cli

    assert cli("suggest", "--coder", "ann", "--no-model", project=mini).exit_code == 0
    r = cli("review", "--coder", "ann", "--order", "document", input="a\nr\nq\n", project=mini)
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for tid in ("cps-01", "yos-01")
            for line in ((mini / "codings" / "ann" / f"{tid}.jsonl").read_text().splitlines()
                         if (mini / "codings" / "ann" / f"{tid}.jsonl").exists() else [])]
    assert sorted(c["status"] for c in rows)[:2] == ["accepted", "rejected"]


def test_a_partly_coded_transcript_gets_suggestions_for_its_undecided_units(example):
    """Every transcript of the example is started and about a third coded: suggestions still come,
    for the units nobody has decided; a "no code" decision is a negative, never suggested again."""
    from qualcode.assist.training import Labels, labelled_segments
    from qualcode.corpus import load_corpus
    from qualcode.project import open_project

    corpus = load_corpus(open_project(example))
    labels = Labels()
    ex, unlabelled = labelled_segments(corpus, "amara", labels)
    assert labels.coded > 100 and labels.unlabelled > 100 and labels.passed_over > 0
    coded = {s.id for s, p in zip(ex.segments, ex.positives) if s is not None and p}
    assert len(coded) == labels.coded and not coded & {s.id for s in unlabelled}
    assert {s.transcript_id for s in unlabelled} == {t.id for t in corpus.transcripts}  # started, yet suggested for

    r = run("suggest", "yos-02", "--json", project=example)
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["unlabelled_segments"] == sum(s.transcript_id == "yos-02" for s in unlabelled) > 0
    assert report["added"] > 0 and report["model"]["coded_units"] == labels.coded  # units, not segments or lines
    target = next(s for s in unlabelled if s.transcript_id == "yos-02")
    # the coder decides "no code" on one undecided unit (the workbench's '-'): a negative from then on
    assert run("code", "yos-02", "--start", target.local_id, "--plain", input="-\nq\n", project=example).exit_code == 0
    labels2 = Labels()
    ex2, unlabelled2 = labelled_segments(load_corpus(open_project(example)), "amara", labels2)
    assert target.id not in {s.id for s in unlabelled2} and labels2.no_code == labels.no_code + 1
    i = [s.id if s else None for s in ex2.segments].index(target.id)
    assert ex2.positives[i] == set()
    again = json.loads(run("suggest", "yos-02", "--json", project=example).stdout)
    assert again["unlabelled_segments"] == report["unlabelled_segments"] - 1
    rows = [json.loads(x) for x in (example / "codings" / "amara" / "yos-02.jsonl").read_text().splitlines()]
    assert not [c for c in rows if c["status"] == "suggested" and (c["start"], c["end"]) == (target.start, target.end)]


def test_thresholds_are_tuned_on_exactly_sklearns_f1():
    """The threshold grid's F1, computed at once with numpy, equals sklearn's f1_score at every
    threshold: on ties, on no positives, on nothing predicted, on everything predicted."""
    import numpy as np
    from sklearn.metrics import f1_score

    from qualcode.assist.learner import THRESHOLDS, f1_at

    rng = np.random.default_rng(3)
    cases = [(rng.random(n), rng.random(n) < share) for n in (1, 7, 40, 301) for share in (0.0, 0.1, 0.5, 1.0)]
    cases += [(np.round(rng.random(60), 1), rng.random(60) < 0.3),  # scores on the grid itself: ties
              (np.full(20, 0.95), rng.random(20) < 0.5), (np.zeros(20), rng.random(20) < 0.5)]
    for scores, y in cases:
        ours = f1_at(scores, y, THRESHOLDS)
        theirs = [f1_score(y, scores >= t, zero_division=0) for t in THRESHOLDS]
        assert ours.tolist() == theirs, (scores, y)
        assert int(np.argmax(ours)) == int(np.argmax(theirs))


def test_scoring_many_units_gives_the_rows_and_reasons_of_one_at_a_time(example, monkeypatch):
    """Features read a few units at a time (a progress bar's steps) equal those read at once, and
    the reasons weighed for many suggestions at once equal each weighed on its own: the features
    that raised its score most, largest first, ties by name (written out here as the reference)."""
    from qualcode.assist.learner import Model, Settings, fit
    from qualcode.assist.training import labelled_segments, unit_contexts
    from qualcode.corpus import load_corpus
    from qualcode.project import open_project

    ex, unlabelled = labelled_segments(load_corpus(open_project(example)), "amara")
    model = fit(ex, Settings())
    texts, contexts = [s.text for s in unlabelled], unit_contexts(ex, unlabelled)
    whole = model.features(texts, contexts)
    monkeypatch.setattr(Model, "SCORE_STEP", 7)
    stepped = model.features(texts, contexts)
    assert len(texts) > 3 * 7 and whole.shape == stepped.shape and (whole != stepped).nnz == 0

    def one(row: int, code: str) -> list[str]:
        coef = model.classifiers[code].coef_[0]
        x = whole.getrow(row)
        words, chars = len(model.vectorizers[0].vocabulary_), len(model.vectorizers[1].vocabulary_)
        scored = [(v * coef[j], model._name(j, words, chars)) for j, v in zip(x.indices, x.data)
                  if v * coef[j] > 0 and not words <= j < words + chars]
        return [name for _, name in sorted(scored, reverse=True)[:3]]

    pairs = [(row, code) for row in range(len(texts)) for code in model.codes]
    got = model.reasons(whole, [r for r, _ in pairs], [c for _, c in pairs])
    assert got == [one(r, c) for r, c in pairs]
    assert sum(map(len, got)) > len(pairs)  # most pairs have reasons: the comparison is not of empty lists


def test_character_ngrams_are_counted_as_scikit_learn_counts_them():
    """The model's character n-gram features, counted a word at a time (features.transformed),
    equal scikit-learn's own transform to the last bit, on hard text, read at once or a few units
    a call (each word's n-grams learned once), and for words the fitted vocabulary never saw."""
    import random

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from qualcode.assist.features import transformed

    rng = random.Random(4)
    pieces = ["Waited", "four", "HOURS", "in", "a", "corridor.", "İstanbul", "Straße", "café", "naïve", "東京",
              "👍🏽", "don't", "can’t", "e-mail", "3.5", "ok", "I", "", "x\u0301y", "ǅemal", "ﬁne", "--", "...",
              "\u00a0", "\u3000", "\t", "\n\n", "  ", "\u2028", "\x0b"]
    texts = ["".join(rng.choice(pieces) + rng.choice([" ", "", "\n", "  "]) for _ in range(rng.randint(0, 25)))
             for _ in range(300)]
    for min_df in (1, 2):
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=min_df)
        vec.fit(texts[:200])
        for step in (100, 7):
            got = [transformed(vec, texts[i:i + step]) for i in range(0, 300, step)]
            want = [vec.transform(texts[i:i + step]) for i in range(0, 300, step)]
            for g, w in zip(got, want):
                assert g.shape == w.shape and np.array_equal(g.indptr, w.indptr)
                assert np.array_equal(g.indices, w.indices) and np.array_equal(g.data, w.data)
    assert sum(x.nnz for x in got) > 1000  # not a comparison of empty matrices
