"""Progress bars: only on a terminal, never with --json or in a pipe, one at a time, and never in
a command's output."""

from __future__ import annotations

import io

from conftest import run

from qualcode import busy


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bars_only_on_a_terminal_and_never_with_json():
    assert busy.wanted_for(["qualcode", "evaluate"], Terminal())
    assert not busy.wanted_for(["qualcode", "evaluate", "--json"], Terminal())
    assert not busy.wanted_for(["qualcode", "evaluate"], io.StringIO())  # piped or redirected


def test_one_bar_at_a_time_and_small_work_gets_none(monkeypatch):
    monkeypatch.setattr(busy, "_enabled", True)
    with busy.steps("outer", 3) as advance:
        assert busy._active
        with busy.steps("inner", 5) as inner:
            inner(1)  # a no-op under the outer bar
        advance(3)
    assert not busy._active
    with busy.steps("small", 3, big=False):
        assert not busy._active


def test_a_command_in_a_pipe_prints_no_bar(tmp_path):
    from test_assist_context import talk_project

    root = talk_project(tmp_path)
    r = run("evaluate", "--coder", "ann", "--folds", "3", project=root)
    assert r.exit_code == 0 and "Cross-validating" not in r.output and "0:00:" not in r.output


def test_each_yields_every_item_under_one_bar_and_closes_it(monkeypatch):
    monkeypatch.setattr(busy, "_enabled", True)
    seen = []
    for x in busy.each("items", range(4)):
        assert busy._active
        seen.append(x)
    assert seen == [0, 1, 2, 3] and not busy._active
    for _ in busy.each("broken off", range(4)):
        break  # a loop left early closes its bar when the generator is closed
    import gc

    gc.collect()
    assert not busy._active


def test_a_delayed_bar_shows_only_once_the_work_has_taken_that_long(monkeypatch):
    import time

    monkeypatch.setattr(busy, "_enabled", True)
    with busy.steps("quick", 3, delay=5.0) as advance:
        advance(3)
        assert advance.__self__.progress is None  # quick work (a cached project): no bar flashes
    with busy.steps("slow", 4, delay=0.05) as advance:
        advance(1)
        assert advance.__self__.progress is None
        time.sleep(0.06)
        advance(1)
        bar = advance.__self__.progress
        assert bar is not None and bar.tasks[0].completed == 2 and bar.live.is_started
    assert not bar.live.is_started and not busy._active
