"""The full-screen workbench, driven key by key through Textual's pilot on real project files;
every assertion is on what was written to codings/ (and the progress record) or shown."""

from __future__ import annotations

import asyncio
import json

from conftest import MINI_CODEBOOK, run

from qualcode.corpus import load_corpus
from qualcode.project import open_project
from qualcode.session import CodingSession
from qualcode.workbench.app import CodingApp


def codings(root, tid="cps-01", coder="ann"):
    path = root / "codings" / coder / f"{tid}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def decided(root, tid="cps-01", coder="ann"):
    path = root / "codings" / coder / f"{tid}.decided"
    return [line.split()[:3] for line in path.read_text().splitlines() if not line.startswith("#")] if path.exists() else []


def drive(root, *keys, tid="cps-01", size=(100, 30), check=None):
    """Open the workbench on a fresh load of the project, press the keys, return the app."""
    session = CodingSession(load_corpus(open_project(root)), tid, "ann")
    return drive_app(CodingApp(session), *keys, size=size, check=check)


def drive_app(app, *keys, size=(100, 30), check=None):
    """Run the app headless, press the keys, keep what the status line (and detail box) said."""
    async def go():
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            if check:
                check(app)
            app.last_status = str(app.query_one("#status").render())
            if app.query("#detail"):
                app.last_detail = str(app.query_one("#detail").render())
    asyncio.run(go())
    return app


def status(app) -> str:
    return app.last_status


def test_code_a_unit_extend_a_run_and_select_words(mini):
    # 1 = court-procedure (this group's first theme). Then 2.2 + 2.3 as one run, coded 2.
    drive(mini, "1", "down", "J", "2")
    rows = codings(mini)
    assert [(c["code"], c["text"]) for c in rows] == [
        ("court-procedure", "Hearings are often adjourned."),
        ("resource-barriers", "Court time is scarce and listing is unpredictable.\nThe bench wants more information.")]
    assert [d[2] for d in decided(mini)] == ["coded", "coded", "coded"]  # 2.1, and both units of the run
    # 4.1 "There is no funding for the programmes.": end two words earlier, start one word later
    drive(mini, "g", *"4.1", "enter", "left_square_bracket", "left_square_bracket", "right_curly_bracket", "2")
    assert codings(mini)[-1]["text"] == "is no funding for"


def test_no_code_undo_memo_pin(mini):
    app = drive(mini, "minus", "1", "m", *"adjournments", "enter", "p")
    assert decided(mini)[0][2] == "none"  # 2.1 decided "no code"; the view moved on to 2.2
    rows = codings(mini)
    assert [(c["code"], c["text"], c.get("memo"), c.get("pinned")) for c in rows] == [
        ("court-procedure", "Court time is scarce and listing is unpredictable.", "adjournments", True)]
    assert "Pinned as an indicative quote." in status(app)
    drive(mini, "g", *"2.2", "enter", "u")  # a new session has no history: nothing to undo
    assert len(codings(mini)) == 1
    drive(mini, "g", *"2.2", "enter", "1", "u")  # toggled off, then the removal undone
    assert len(codings(mini)) == 1
    drive(mini, "g", *"2.2", "enter", "1")  # 1 again on the same span takes it off
    assert codings(mini) == []


def test_filter_applies_only_on_enter_and_warns_for_another_group(mini):
    app = drive(mini, "slash", *"ex")
    assert codings(mini) == []  # two typed letters never code
    assert [o.id for o in app.shown] == ["exploitation"]
    app = drive(mini, "slash", *"exploit", "enter")
    assert [c["code"] for c in codings(mini)] == ["exploitation"]
    assert "listed for YOS, not CPS; applied anyway" in status(app)


def test_resume_after_restart_at_the_first_undecided_unit_after_the_last_decision(mini):
    drive(mini, "1", "down", "down", "minus")  # 2.1 coded, 2.2 left undecided, 2.3 no code
    app = drive(mini)
    assert app.unit.local_id == "4.1"
    assert "unit 4 of 5 (undecided)" in status(app) and "40% decided" in status(app)
    assert drive(mini, "n").unit.local_id == "4.2"  # the next undecided unit
    assert drive(mini, "n", "n").unit.local_id == "2.2"  # ... and round to the one left earlier


def test_the_unit_and_five_themes_fit_at_80x24_with_thirty_themes(tmp_path):
    from conftest import mini_project

    themes = "".join(f"  - id: theme-{i:02d}\n    label: A fairly long theme label number {i}\n" for i in range(30))
    root = mini_project(tmp_path / "p", "name: Thirty\nversion: 1\nthemes:\n" + themes)
    seen = {}

    def look(app):
        seen["unit whole"] = app.selection_in_view()
        seen["theme rows"] = app.query_one("#themes").region.height
        seen["themes"] = len(app.shown)
    drive(root, "down", "down", "down", size=(80, 24), check=look)
    assert seen["unit whole"] and seen["theme rows"] >= 5 and seen["themes"] == 30
    drive(root, size=(60, 24), check=lambda app: seen.update(narrow=app.screen.has_class("-narrow")))
    assert seen["narrow"]


def test_plain_and_piped_input_keep_the_line_loop(mini):
    r = run("code", "cps-01", "--coder", "ann", "--plain", input="1\nq\n", project=mini)
    assert r.exit_code == 0 and "Coded 2.1: Court procedure" in r.output
    assert MINI_CODEBOOK  # the mini codebook's first CPS theme is court-procedure


def test_piped_line_loops_draw_their_rules_at_80_columns(mini, monkeypatch):
    """Piped without COLUMNS the console is as wide as its content, so no table is cut; a rule
    has no content, and was drawn 10,000 characters wide. Anonymised output goes the same way."""
    monkeypatch.delenv("COLUMNS", raising=False)
    assert run("suggest", "--coder", "ann", "--no-model", project=mini).exit_code == 0

    def rules():
        r = run("review", "--coder", "ann", "--plain", input="q\n", project=mini)
        assert r.exit_code == 0, r.output
        return [line for line in r.output.splitlines() if "suggestion 1 of" in line]

    assert [len(x) for x in rules()] == [80] and rules()[0].startswith("─")
    (mini / "qualcode.yaml").write_text("anonymous: true\n", encoding="utf-8")
    assert [len(x) for x in rules()] == [80]
    monkeypatch.setenv("COLUMNS", "50")
    assert [len(x) for x in rules()] == [50]


# --- review and reconcile in the workbench ---------------------------------------------------

def review_app(root):
    from qualcode.assist.review import queue
    from qualcode.workbench.decide import ReviewApp

    corpus = load_corpus(open_project(root))
    return ReviewApp(corpus, "ann", queue(corpus, "ann", order="document"))


def all_codings(root, coder="ann"):
    return [c for tid in ("cps-01", "yos-01") for c in codings(root, tid, coder)]


def test_review_accept_reject_change_skip_undo(mini):
    cb = mini / "codebooks" / "mini.yaml"
    cb.write_text(cb.read_text().replace("keywords: [court, hearing]", "keywords: [court, hearing, bench, information]")
                  .replace("keywords: [funding]", "keywords: [funding, mentoring, youth clubs]"))
    assert run("suggest", "--coder", "ann", "--no-model", project=mini).exit_code == 0
    assert sum(c["status"] == "suggested" for c in all_codings(mini)) >= 5
    app = drive_app(review_app(mini))
    first = app.items[0].coding
    assert "suggestion 1 of" in app.last_status
    assert app.corpus.codebook.theme(first.code).label in app.last_detail and "matched" in app.last_detail
    drive_app(review_app(mini), "a", "r", "slash", *"exploit", "enter")  # accept; reject; another theme
    rows = all_codings(mini)
    statuses = [c["status"] for c in rows]
    assert statuses.count("accepted") == 2 and statuses.count("rejected") == 2
    assert any(c["code"] == "exploitation" and c.get("instead_of") for c in rows)
    app = drive_app(review_app(mini), "s", "a", "u")  # skip one, accept the next, undo that
    assert "Undone." in app.last_status
    assert [c["status"] for c in all_codings(mini)].count("accepted") == 2


def test_reconcile_in_the_workbench(mini):
    from qualcode.reconcile import Reconciliation
    from qualcode.workbench.decide import ReconcileApp

    for coder, unit, theme in (("ann", "2.2", "court-procedure"), ("bob", "2.2", "resource-barriers"),
                               ("ann", "2.3", "court-procedure"), ("bob", "4.1", "resource-barriers")):
        assert run("tag", "cps-01", unit, "--code", theme, "--coder", coder, project=mini).exit_code == 0

    def app():
        corpus = load_corpus(open_project(mini))
        return ReconcileApp(corpus, Reconciliation(corpus, ["ann", "bob"], "team"))

    shown = drive_app(app())
    assert "1 ann: Court procedure" in shown.last_detail and "2 bob: Resource barriers" in shown.last_detail
    drive_app(app(), "slash", *"Court proc", "enter", "minus")  # 2.2: exactly court-procedure; 2.3: no code
    team = codings(mini, coder="team")
    assert [(c["code"], c["text"]) for c in team] == [("court-procedure", "Court time is scarce and listing is unpredictable.")]
    again = drive_app(app())
    assert "disagreement 3 of 3" in again.last_status  # 2.3's "no code" is not asked again
    drive_app(app(), "2")
    assert [c["code"] for c in codings(mini, coder="team")][-1] == "resource-barriers"


def test_plus_makes_a_new_theme_and_codes_the_selection(mini):
    app = drive(mini, "plus", *"Peer pressure", "enter")
    assert [c["code"] for c in codings(mini)] == ["peer-pressure"]
    assert "New theme peer-pressure 'Peer pressure'" in status(app)
    assert "- id: peer-pressure" in (mini / "codebooks" / "mini.yaml").read_text()
    assert any(th.id == "peer-pressure" for th in app.shown)  # in the theme list, to use again


def test_with_stderr_redirected_the_line_loop_runs_instead_of_a_blank_screen(mini, tmp_path):
    """Textual draws on stderr: under `qualcode code cps-01 2> log` in a terminal the workbench
    would paint into the log and leave the screen blank. A real terminal (a pty) on stdin and
    stdout, stderr to a file: the line loop must show the unit on the terminal instead."""
    import os
    import select
    import subprocess
    import sys
    import time

    main, child = os.openpty()
    log = tmp_path / "stderr.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "qualcode", "--project", str(mini), "code", "cps-01",
                                 "--coder", "ann"], stdin=child, stdout=child, stderr=err, close_fds=True,
                                env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"})
    os.close(child)
    shown = b""
    deadline = time.monotonic() + 30
    try:
        while b"code> " not in shown and time.monotonic() < deadline and proc.poll() is None:
            if select.select([main], [], [], 0.5)[0]:
                shown += os.read(main, 65536)
        os.write(main, b"q\n")
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        while select.select([main], [], [], 0.2)[0]:
            try:
                shown += os.read(main, 65536)
            except OSError:
                break
        os.close(main)
    assert b"\x1b[?1049h" not in log.read_bytes()  # no full-screen app painted into the log
    assert b"code> " in shown and b"Hearings are often adjourned." in shown
    assert proc.returncode == 0


def cell_of(app, needle: str) -> tuple[int, int]:
    """Where the first character of `needle` is drawn in the transcript pane, as an offset in
    the widget (its one column of padding included): from the lines as wrapped on screen."""
    view = app.view
    top, height = view.scroll_offset.y, view.scrollable_content_region.height
    for i, turn in enumerate(view.turns):
        for row, (_, line) in enumerate(view.texts[turn]):
            if needle in line and top <= view.starts[i] + row < top + height:
                from rich.cells import cell_len

                return 1 + cell_len(line[:line.index(needle)]), view.starts[i] + row - top
    raise AssertionError(f"{needle!r} is not on screen")


def mouse(root, *gestures, size=(100, 30)):
    """Open the workbench and click or drag: each gesture is ("click", text, shift), ("drag",
    from_text, to_text) or ("key", key); returns the app."""
    session = CodingSession(load_corpus(open_project(root)), "cps-01", "ann")
    app = CodingApp(session)

    async def go():
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for kind, *what in gestures:
                if kind == "key":
                    await pilot.press(what[0])
                elif kind == "click":
                    await pilot.click("#transcript", offset=cell_of(app, what[0]), shift=what[1])
                elif kind == "theme":  # a click on a theme's row in the panel
                    row = next(i for i, th in enumerate(app.shown) if th.id == what[0])
                    await pilot.click("#themes", offset=(4, row))
                else:
                    await pilot.mouse_down("#transcript", offset=cell_of(app, what[0]))
                    await pilot.mouse_up("#transcript", offset=cell_of(app, what[1]))
                await pilot.pause()
            app.last_status = str(app.query_one("#status").render())
    asyncio.run(go())
    return app


def test_the_mouse_selects_a_unit_a_run_and_words(mini):
    """Click a unit and code it; shift-click to extend a run; drag across two units to select
    words, whole, then code them: what is saved is what was pointed at."""
    mouse(mini, ("click", "Nobody pays", False), ("key", "1"))
    assert [c["text"] for c in codings(mini)] == ["Nobody pays for the mentoring."]
    app = mouse(mini, ("click", "Hearings are", False), ("click", "The bench", True), ("key", "2"))
    assert "selection 3 units" in status(app) and "Coded Resource barriers." in status(app)
    assert [c["text"] for c in codings(mini) if c["code"] == "resource-barriers"] == [
        "Hearings are often adjourned. Court time is scarce and listing is unpredictable.\nThe bench wants more information."]
    # From inside "often" to inside "scarce": both words whole, across the two units.
    mouse(mini, ("drag", "ften adjourned", "arce and"), ("key", "1"))
    assert "often adjourned. Court time is scarce" in [c["text"] for c in codings(mini)]
    # A click on a theme in the panel codes the selection with it; again, takes it off.
    mouse(mini, ("click", "There is no", False), ("theme", "resource-barriers"))
    assert ("resource-barriers", "There is no funding for the programmes.") in [(c["code"], c["text"]) for c in codings(mini)]
    mouse(mini, ("click", "There is no", False), ("theme", "resource-barriers"))
    assert "There is no funding for the programmes." not in [c["text"] for c in codings(mini)]


def test_the_mouse_at_80x24_on_the_speaker_and_on_a_label(mini):
    """The narrow layout (themes under the transcript): a click on a speaker's name goes to the
    turn's first unit, a drag that ends on a coding's label stops at the coding's end."""
    mouse(mini, ("key", "1"), size=(80, 24))  # 2.1 coded: its label follows it on screen
    app = mouse(mini, ("click", "Priya: There", False), ("key", "2"), size=(80, 24))
    assert ("resource-barriers", "There is no funding for the programmes.") in [(c["code"], c["text"]) for c in codings(mini)]
    mouse(mini, ("drag", "Hearings", "⟨"), ("key", "2"), size=(80, 24))
    assert ("resource-barriers", "Hearings are often adjourned.") in [(c["code"], c["text"]) for c in codings(mini)]
    assert "4.1 · unit 4 of 5" in status(app)  # the click on "Priya:" went to that turn's first unit


def long_answer_project(root, sentences: int):
    """One interview whose second turn is a long answer: `sentences` numbered sentences."""
    from conftest import mini_project

    mini_project(root)
    answer = " ".join(f"Sentence {i} says the hearing was adjourned again." for i in range(1, sentences + 1))
    (root / "transcripts" / "cps-01.md").write_text(
        "---\nid: cps-01\ngroup: CPS\nparticipant: P1\n---\nInterviewer: Tell me all of it.\n"
        f"P1: {answer}\nInterviewer: Thank you.\n", encoding="utf-8")
    return root


def test_a_long_answer_keeps_the_selected_unit_in_view_at_80x24(tmp_path):
    """A turn taller than the screen: moving down it scrolls so the selected sentence stays on
    screen (it stayed at the turn's top), and a long turn is drawn as blocks of whole units."""
    root = long_answer_project(tmp_path / "p", 120)
    seen = []
    app = drive(root, *["down"] * 60, size=(80, 24), check=lambda app: seen.append(app.selection_in_view()))
    assert app.unit.text.startswith("Sentence 61 ") and seen == [True]  # it opens on sentence 1
    assert len({b[0] for b in app.blocks}) == 3 < len(app.blocks)  # three turns, the answer in several blocks
    answer = [b for b in app.blocks if b[0] == 2]
    assert answer[0][1] < answer[-1][2] and all(a[2] == b[1] for a, b in zip(answer, answer[1:]))  # contiguous
    app = drive(root, *["down"] * 60, "up", "up", "1", size=(80, 24))
    assert [c["text"] for c in codings(root)] == ["Sentence 59 says the hearing was adjourned again."]


def test_blocks_cut_a_long_turn_at_unit_edges_and_leave_short_ones_whole(tmp_path):
    from qualcode.workbench.blocks import BLOCK, blocks_of, ends_turn

    root = long_answer_project(tmp_path / "p", 400)
    corpus = load_corpus(open_project(root))
    t = corpus.transcript("cps-01")
    segs = corpus.segments([t])[t.id]
    blocks, of_unit = blocks_of(t, segs)
    starts = {u.start for u in segs}
    assert [b[0] for b in blocks if b[0] != 2] == [1, 3]  # the short turns: one block each
    for turn, a, b in blocks:
        if turn == 2 and (turn, a) != blocks[1][:2]:
            assert a in starts  # a block after the first starts at a unit
        assert b - a <= BLOCK + max(u.end - u.start for u in segs) + 1
    assert all(blocks[of_unit[i]][1] <= u.start < blocks[of_unit[i]][2] for i, u in enumerate(segs))
    assert [ends_turn(blocks, k) for k in range(len(blocks))].count(True) == 3


def test_review_shows_a_suggestion_deep_in_a_long_answer(tmp_path):
    root = long_answer_project(tmp_path / "p", 120)
    cb = root / "codebooks" / "mini.yaml"
    cb.write_text(cb.read_text().replace("keywords: [court, hearing]", "keywords: [court, Sentence 90 says]"))
    assert run("suggest", "--coder", "ann", "--no-model", project=root).exit_code == 0
    seen = []
    app = drive_app(review_app(root), size=(80, 24), check=lambda app: seen.append((app.span, app.view.shows(*_place(app)))))
    span, shown = seen[0]
    assert app.corpus.transcript("cps-01").body[span[0]:span[1]].startswith("Sentence 90 ") and shown


def _place(app):
    key = next(k for k, (_, a, b) in enumerate(app.blocks) if a <= app.span[0] < b)
    return (key, *app.places[key])


def test_undo_redraws_what_it_touched(tmp_path):
    """Undo re-draws only the blocks the undone step touched; the coded label is gone from the
    pane, in a long answer too."""
    seen = {}

    def drawn(app):
        key = app.block_of_unit[app.session.position]
        return "".join(text for _, text in app.view.texts[key])

    coded, undone = (long_answer_project(tmp_path / name, 120) for name in ("coded", "undone"))
    drive(coded, *["down"] * 50, "1", size=(80, 24), check=lambda app: seen.update(coded=drawn(app)))
    drive(undone, *["down"] * 50, "1", "u", size=(80, 24), check=lambda app: seen.update(undone=drawn(app)))
    assert "⟨Court procedure⟩" in seen["coded"] and "⟨" not in seen["undone"]
    assert len(codings(coded)) == 1 and codings(undone) == []


def test_the_mouse_in_a_long_answer_across_its_blocks(tmp_path):
    """Down a long answer (scrolled, drawn as blocks), a click goes to the unit under it and a
    drag selects whole words across a block's edge."""
    root = long_answer_project(tmp_path / "p", 120)
    app = mouse(root, *[("key", "down")] * 58, ("click", "61", False), ("key", "1"), size=(80, 24))
    assert [c["text"] for c in codings(root)] == ["Sentence 61 says the hearing was adjourned again."]
    edge = [b for b in app.blocks if b[0] == 2][1]  # the answer's second block starts at a unit
    first = int(app.session.corpus.transcript("cps-01").body[edge[1]:edge[1] + 12].split()[1])  # its number
    # A fresh project (a session resumes after the last decision): to the block's first unit and
    # one up, so both blocks' edge lines are on screen.
    root = long_answer_project(tmp_path / "q", 120)
    mouse(root, *[("key", "down")] * (first - 1), ("key", "up"), ("drag", str(first - 1), str(first)), ("key", "2"),
          size=(80, 24))
    assert [c["text"] for c in codings(root)] == [f"{first - 1} says the hearing was adjourned again. Sentence {first}"]
