"""What the model reads beside a unit's words, how it chooses for a coder who gives a unit one
theme at most, calibration, and the plain baseline `evaluate` scores beside it. Real projects in
tmp_path, real spaCy and scikit-learn."""

from __future__ import annotations

import json
import random

import numpy as np
from conftest import run

from qualcode.assist.learner import CALIBRATE_FROM, ONE_PER_UNIT, PER_THEME, Settings, fit
from qualcode.assist.training import NO_CONTEXT, contexts, labelled_segments
from qualcode.corpus import load_corpus
from qualcode.project import open_project

CODEBOOK = """\
name: Talk
themes:
  - id: press
    label: Press for reasoning
  - id: revoice
    label: Revoicing
  - id: praise
    label: Praise
"""


def talk_project(tmp_path, lessons=8, seed=0, two_codes=False):
    """Lessons where the teacher's 'Okay.' or 'So.' is coded by what the student said before it:
    after a number it revoices, after 'I think' it presses for reasoning. The teacher's own words
    carry no sign of the code; only the turn before does."""
    rnd = random.Random(seed)
    root = tmp_path / ("two" if two_codes else "one")
    (root / "codebooks").mkdir(parents=True)
    (root / "transcripts").mkdir()
    (root / "codebooks" / "talk.yaml").write_text(CODEBOOK)
    (root / "qualcode.yaml").write_text("codebook: codebooks/talk.yaml\nunit: turn\ninterviewers: []\n")
    (root / "codings" / "ann").mkdir(parents=True)
    for n in range(lessons):
        body, coded = "", []
        for k in range(12):
            if rnd.random() < 0.5:
                student, code = f"It is {rnd.randint(10, 99)} apples.", "revoice"
            else:
                student, code = f"I think {rnd.choice(['the square', 'the circle', 'half of it'])} is bigger.", "press"
            body += f"Student: {student}\n\n"
            said = rnd.choice(["Okay.", "So.", "Right."])
            start = len(body) + len("Teacher: ")
            body += f"Teacher: {said}\n\n"
            coded.append({"code": code, "start": start, "end": start + len(said), "text": said, "status": "accepted"})
            if two_codes and k % 3 == 0:
                coded.append({"code": "praise", "start": start, "end": start + len(said), "text": said, "status": "accepted"})
        (root / "transcripts" / f"l{n}.txt").write_text(f"---\nid: l{n}\n---\n{body}")
        (root / "codings" / "ann" / f"l{n}.jsonl").write_text("".join(json.dumps(c) + "\n" for c in coded))
    return root


def test_contexts_give_the_other_speakers_last_turn_and_the_place_in_the_turn(tmp_path):
    root = tmp_path / "p"
    (root / "transcripts").mkdir(parents=True)
    (root / "codebooks").mkdir()
    (root / "codebooks" / "cb.yaml").write_text(CODEBOOK)
    (root / "transcripts" / "t.txt").write_text(
        "Interviewer: What happened next? Tell me.\n\nAmy: We waited. Then we left.\n\nAmy: It was late.\n\n"
        "Interviewer: Why?\n\nAmy: No buses.\n")
    corpus = load_corpus(open_project(root))
    segs = corpus.segments(corpus.transcripts)["t"]
    ctx = contexts(segs)
    by_text = {s.text: ctx[s.id] for s in segs}
    assert by_text["We waited."] == ("What happened next? Tell me.", "", 0, 2)
    assert by_text["Then we left."] == ("What happened next? Tell me.", "We waited.", 1, 2)
    assert by_text["It was late."].before == "What happened next? Tell me."  # her own turn before is not 'before'
    assert by_text["No buses."] == ("Why?", "", 0, 1)
    assert by_text["What happened next?"].before == ""
    ex, _ = labelled_segments(corpus, "nobody")
    assert ex.contexts == [NO_CONTEXT] * len(ex.texts)  # codebook seeds only: no conversation around them


def test_the_turn_before_decides_when_the_units_own_words_cannot(tmp_path):
    root = talk_project(tmp_path)
    ex, _ = labelled_segments(load_corpus(open_project(root)), "ann")
    texts = ["Okay.", "Okay."]
    from qualcode.assist.training import Context

    after = [Context("It is 42 apples.", "", 0, 1), Context("I think the circle is bigger.", "", 0, 1)]
    with_context = fit(ex, Settings())
    p = with_context.probabilities(texts, after)
    revoice, press = with_context.codes.index("revoice"), with_context.codes.index("press")
    assert p[0, revoice] > 0.8 > 0.2 > p[1, revoice] and p[1, press] > 0.8
    blind = fit(ex, Settings(context=False)).probabilities(texts, after)
    assert abs(blind[0, revoice] - blind[1, revoice]) < 1e-9  # without context the two are the same unit
    # The reason shown to a reviewer names what was said before.
    X = with_context.features(texts, after)
    assert any(f.startswith("said before:") for f in with_context.top_features(X, 0, "revoice"))


def test_one_theme_per_unit_is_detected_and_a_unit_gets_one_suggestion_at_most(tmp_path):
    one = talk_project(tmp_path)
    (one / "transcripts" / "new.txt").write_text("---\nid: new\n---\nStudent: It is 17 apples.\n\nTeacher: So.\n\n"
                                                 "Student: I think half of it is bigger.\n\nTeacher: Right.\n")
    r = run("suggest", "--coder", "ann", "--no-rules", "--json", project=one)
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["model"]["one_per_unit"] is True
    got = [json.loads(x) for x in (one / "codings" / "ann" / "new.jsonl").read_text().splitlines()]
    teacher = {(c["start"], c["end"]) for c in got if c["text"] in ("So.", "Right.")}
    assert len(teacher) == 2 and len([c for c in got if c["text"] in ("So.", "Right.")]) == 2  # one each
    assert {c["text"]: c["code"] for c in got if c["text"] in ("So.", "Right.")} == {"So.": "revoice", "Right.": "press"}
    r = run("suggest", "--coder", "ann", "--no-rules", project=one)
    assert "one theme per unit at most" in r.output
    two = talk_project(tmp_path, two_codes=True)
    ex, _ = labelled_segments(load_corpus(open_project(two)), "ann")
    assert fit(ex, Settings()).kind == PER_THEME
    ex1, _ = labelled_segments(load_corpus(open_project(one)), "ann")
    assert fit(ex1, Settings()).kind == ONE_PER_UNIT


def test_calibration_keeps_every_decision_and_needs_enough_decisions(tmp_path):
    root = talk_project(tmp_path, lessons=10)
    ex, _ = labelled_segments(load_corpus(open_project(root)), "ann")
    assert sum("revoice" in p for p in ex.positives) >= CALIBRATE_FROM
    calibrated, raw = fit(ex, Settings()), fit(ex, Settings(calibrate=False))
    assert "revoice" in calibrated.calibration and not raw.calibration
    contexts_ = [c for c in ex.contexts if c.before][:60]
    texts = ["Okay."] * len(contexts_)
    pc, pr = calibrated.probabilities(texts, contexts_), raw.probabilities(texts, contexts_)
    assert not np.allclose(pc, pr)
    assert (calibrated.predict(pc) == raw.predict(pr)).all()  # the threshold moved with the scale
    small = talk_project(tmp_path / "small", lessons=2)
    ex2, _ = labelled_segments(load_corpus(open_project(small)), "ann")
    assert fit(ex2, Settings()).calibration == {}  # 12 of each: too few to calibrate on


def test_evaluate_scores_the_plain_baseline_on_the_same_folds(tmp_path):
    root = talk_project(tmp_path)
    r = run("evaluate", "--coder", "ann", "--folds", "4", "--json", project=root)
    assert r.exit_code == 0, r.output
    ev = json.loads(r.stdout)
    assert [s["source"] for s in ev["scores"]] == ["model", "baseline", "rules"]
    model, baseline = ev["scores"][0], ev["scores"][1]
    # 96 coded teacher turns and the 88 student turns between them (passed over): each lesson's first is undecided
    assert model["segments"] == baseline["segments"] == 184 and ev["kind"] == ONE_PER_UNIT
    # The teacher's words alone cannot tell the two codes apart; the turn before can.
    assert model["macro_f1"] > 0.9 and baseline["macro_f1"] < 0.75
    text = run("evaluate", "--coder", "ann", "--folds", "4", project=root).output
    assert "baseline: micro P" in text and "one theme per unit at most" in text
