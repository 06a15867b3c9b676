"""The workbench's speed, measured in one run:

  - launch to the first screen of `qualcode code` on the bundled example (a fresh process, the
    app run headless and closed once its first screen is drawn), beside `qualcode status`
    computing its result from warm caches in the same run (target <= 1.0 s);
  - from a key to the updated screen on a 15,000-word transcript with a 40-theme codebook, and on
    a transcript that is one turn of 100,000 words:
    moving to the next unit, and coding it (which saves), medians (target <= 50 ms).
Run:  python benchmarks/bench_workbench.py [--keys 40]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_commands import forget_status
from bench_foundation import compiled_as_installed
from bench_safety import command, copy_example  # a copy of the bundled example; a timed CLI run

REPO = Path(__file__).resolve().parents[1]
FIRST_SCREEN = """
import sys
from qualcode.corpus import load_corpus
from qualcode.project import open_project
from qualcode.session import CodingSession
from qualcode.workbench.app import CodingApp
app = CodingApp(CodingSession(load_corpus(open_project()), "cps-01", "bench"))
app.call_after_refresh(app.exit)
app.run(headless=True, size=(100, 30))
"""


def timed(args: list[str], cwd: Path) -> float:
    """A script run in the project's folder (the first-screen probe finds the project from there)."""
    t = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - t


def big_project(root: Path, words: int = 15_000, themes: int = 40, one_turn: bool = False) -> None:
    """An interview of `words` words, a 12-word question and 2-6 sentences of answer a turn; with
    `one_turn`, one turn of no speaker instead (a speech-to-text file)."""
    rng = random.Random(3)
    vocab = (REPO / "transcripts" / "cps-01.md").read_text(encoding="utf-8").split()
    (root / "codebooks").mkdir(parents=True)
    (root / "transcripts").mkdir()
    (root / "codebooks" / "big.yaml").write_text("name: Big\nversion: 1\nthemes:\n" + "".join(
        f"  - id: theme-{i:02d}\n    label: Theme number {i} about something\n" for i in range(themes)))
    turns, n = [], 0
    while n < words:
        q = "Interviewer: " + " ".join(rng.choice(vocab) for _ in range(12)) + "?"
        sentences = [" ".join(rng.choice(vocab) for _ in range(rng.randint(8, 25))).rstrip(".") + "."
                     for _ in range(rng.randint(2, 6))]
        turns += [q, "Sam: " + " ".join(sentences)]
        n += 12 + sum(len(s.split()) for s in sentences)
    if one_turn:
        turns = [" ".join(t.split(": ", 1)[1] for t in turns)]
    (root / "transcripts" / "long.md").write_text("---\nid: long\ngroup: X\n---\n" + "\n\n".join(turns) + "\n")


def key_latency(root: Path, keys: int) -> dict[str, float]:
    """Medians in ms: wall time through Textual's pilot (press, then wait until the screen is
    updated: this includes the pilot's own waits for the refresh timer) and CPU time (the work
    the key causes: the handler, the save, re-wrapping the touched turns and the screen update)."""
    sys.path.insert(0, str(REPO))
    from qualcode.corpus import load_corpus
    from qualcode.project import open_project
    from qualcode.session import CodingSession
    from qualcode.workbench.app import CodingApp

    app = CodingApp(CodingSession(load_corpus(open_project(root)), "long", "bench"))
    moves, codes, cpu_moves, cpu_codes = [], [], [], []

    async def go():
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            for i in range(keys):
                for key, wall, cpu in (("down", moves, cpu_moves), (str(1 + i % 9), codes, cpu_codes)):
                    t, c = time.perf_counter(), time.process_time()
                    await pilot.press(key)
                    await pilot.pause()
                    wall.append(time.perf_counter() - t)
                    cpu.append(time.process_time() - c)
    asyncio.run(go())
    return {name: statistics.median(v) * 1000 for name, v in
            (("move", moves), ("code", codes), ("move_cpu", cpu_moves), ("code_cpu", cpu_codes))}


def pilot_floor(keys: int) -> float:
    """The pilot's own wall time per key, on an app of one widget whose key updates it."""
    from textual.app import App
    from textual.binding import Binding
    from textual.widgets import Static

    class One(App):
        BINDINGS = [Binding("j", "bump")]
        n = 0

        def compose(self):
            yield Static("0", id="s")

        def action_bump(self):
            self.n += 1
            self.query_one("#s", Static).update(str(self.n))

    app, walls = One(), []

    async def go():
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            for _ in range(keys):
                t = time.perf_counter()
                await pilot.press("j")
                await pilot.pause()
                walls.append(time.perf_counter() - t)
    asyncio.run(go())
    return statistics.median(walls) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keys", type=int, default=40)
    args = ap.parse_args()
    compiled_as_installed()
    with tempfile.TemporaryDirectory() as tmp:
        example = copy_example(Path(tmp) / "example")
        command(example, "status")  # warm the cache, as a project in use has it
        status = []
        for _ in range(3):  # status loading the project from the caches, as the workbench must,
            forget_status(example)  # not printing the result it remembered
            status.append(command(example, "status"))
        status = statistics.median(status)
        first = statistics.median(timed([sys.executable, "-c", FIRST_SCREEN], example) for _ in range(3))
        print(f"launch to first screen {first:.2f} s (target <= 1.0); qualcode status {status:.2f} s; "
              f"ratio {first / status:.2f}")
        big = Path(tmp) / "big"
        big_project(big)
        command(big, "status")
        k = key_latency(big, args.keys)
        floor = pilot_floor(args.keys)
        print(f"15,000 words, 40 themes, key to updated screen, medians of {args.keys} (target <= 50 ms):\n"
              f"  next unit:             CPU {k['move_cpu']:.1f} ms; wall through the pilot {k['move']:.1f} ms, "
              f"{k['move'] - floor:+.1f} ms over the pilot's own floor\n"
              f"  code the unit (saved): CPU {k['code_cpu']:.1f} ms; wall through the pilot {k['code']:.1f} ms, "
              f"{k['code'] - floor:+.1f} ms over the pilot's own floor\n"
              f"  (the floor: {floor:.1f} ms a key for a one-widget app in the same run)")
        one = Path(tmp) / "one-turn"
        big_project(one, words=100_000, one_turn=True)
        command(one, "status")
        k = key_latency(one, args.keys)
        print(f"one turn of 100,000 words (a speech-to-text file, no speakers), medians of {args.keys} "
              f"(target <= 50 ms, as above):\n"
              f"  next unit:             CPU {k['move_cpu']:.1f} ms; wall through the pilot {k['move']:.1f} ms\n"
              f"  code the unit (saved): CPU {k['code_cpu']:.1f} ms; wall through the pilot {k['code']:.1f} ms")


if __name__ == "__main__":
    main()
