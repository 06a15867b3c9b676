"""Several qualcode processes at once on one project, as real processes: no coding is ever lost,
no migration undoes another, and the project is consistent afterwards (`check` passes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINI_CODEBOOK, run

TURNS = 24


def busy_project(root: Path) -> Path:
    """The mini codebook and one transcript with many sentences to code."""
    (root / "codebooks").mkdir(parents=True)
    (root / "transcripts").mkdir()
    (root / "codebooks" / "mini.yaml").write_text(MINI_CODEBOOK, encoding="utf-8")
    turns = "\n\n".join(f"Priya: Hearing number {i} was adjourned again. The court had no time for it."
                        for i in range(1, TURNS + 1))
    (root / "transcripts" / "cps-01.md").write_text(
        "---\nid: cps-01\nparticipant: P1\ngroup: CPS\n---\n" + turns + "\n", encoding="utf-8")
    assert run("status", project=root).exit_code == 0  # warm the cache, as a project in use has it
    return root


def start(root: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "QUALCODE_LOCK_TIMEOUT": "120"}
    return subprocess.Popen([sys.executable, "-m", "qualcode", "--project", str(root), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def finish(procs: list[subprocess.Popen]) -> list[tuple[int, str]]:
    return [(p.wait(timeout=300), p.communicate()[1]) for p in procs]


def codings(root: Path, coder: str = "ann") -> list[dict]:
    path = root / "codings" / coder / "cps-01.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_twenty_concurrent_tags_keep_every_coding(tmp_path):
    root = busy_project(tmp_path / "p")
    procs = [start(root, "tag", "cps-01", f"{i}.1", "--code", "resource-barriers", "--coder", "ann")
             for i in range(1, 21)]
    results = finish(procs)
    assert all(code == 0 for code, _ in results), results
    saved = codings(root)
    assert len(saved) == 20
    assert sorted({c["text"].split()[2] for c in saved}, key=int) == [str(i) for i in range(1, 21)]
    assert run("check", project=root).exit_code == 0


def test_two_concurrent_migrations_both_land(tmp_path):
    root = busy_project(tmp_path / "p")
    assert run("tag", "cps-01", "1.1", "--code", "court-procedure", "--coder", "ann", project=root).exit_code == 0
    assert run("tag", "cps-01", "2.1", "--code", "resource-barriers", "--coder", "ann", project=root).exit_code == 0
    results = finish([start(root, "codebook", "rename", "court-procedure", "court-time"),
                      start(root, "codebook", "rename", "resource-barriers", "resources")])
    assert all(code == 0 for code, _ in results), results
    text = (root / "codebooks" / "mini.yaml").read_text(encoding="utf-8")
    assert "id: court-time" in text and "id: resources" in text
    assert "court-procedure" not in text.split("themes:")[1].split("description")[0]
    assert sorted(c["code"] for c in codings(root)) == ["court-time", "resources"]
    check = run("check", project=root)
    assert check.exit_code == 0, check.output
    assert not (root / ".qualcode" / "transaction").exists()


def test_tag_during_a_rename_is_never_lost_nor_breaks_the_project(tmp_path):
    root = busy_project(tmp_path / "p")
    for i in range(1, 4):  # codings for the rename to carry along
        assert run("tag", "cps-01", f"{i}.2", "--code", "court-procedure", "--coder", "ann", project=root).exit_code == 0
    procs = [start(root, "tag", "cps-01", f"{i}.1", "--code", "court-procedure", "--coder", "ann") for i in range(4, 12)]
    procs.insert(3, start(root, "codebook", "rename", "court-procedure", "court-time"))
    results = finish(procs)
    rename_code, rename_err = results.pop(3)
    assert rename_code == 0, rename_err
    saved = codings(root)
    assert {c["code"] for c in saved} == {"court-time"}  # no old id written back
    texts = {c["text"] for c in saved}
    for i, (code, err) in zip(range(4, 12), results):
        said_saved = code == 0
        assert code in (0, 2), err
        assert "Traceback" not in err
        if said_saved:
            assert f"Hearing number {i} was adjourned again." in texts, (i, err)
        else:
            assert "no theme 'court-procedure'" in err or "codebook changed" in err, err
    assert len(saved) == 3 + sum(code == 0 for code, _ in results)
    check = run("check", project=root)
    assert check.exit_code == 0, check.output


def test_a_waiting_command_names_the_holder_and_gives_up_with_exit_2(tmp_path):
    from filelock import FileLock

    from qualcode.locking import LOCK_DIR

    root = busy_project(tmp_path / "p")
    lock_dir = root / LOCK_DIR
    lock_dir.mkdir(parents=True, exist_ok=True)
    (lock_dir / "project.owner").write_text(json.dumps({"pid": 4242, "command": "qualcode codebook rename a b",
                                                       "since": "2026-12-02T10:00:00Z"}), encoding="utf-8")
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from filelock import FileLock; "
                               f"l = FileLock({str(lock_dir / 'project.lock')!r}); l.acquire(); print('held', flush=True); "
                               "time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        env = {**os.environ, "QUALCODE_LOCK_TIMEOUT": "1"}
        r = subprocess.run([sys.executable, "-m", "qualcode", "--project", str(root), "tag", "cps-01", "1.1",
                            "--code", "resource-barriers", "--coder", "ann"], capture_output=True, text=True, env=env)
        assert r.returncode == 2, r.stderr
        assert "waiting for 'qualcode codebook rename a b' (process 4242" in r.stderr
        assert "the project is busy" in r.stderr and "Traceback" not in r.stderr
        assert codings(root) == []
    finally:
        holder.kill()
        holder.wait()
    assert FileLock(str(lock_dir / "project.lock"), timeout=1).acquire()  # free once its holder is gone


@pytest.mark.parametrize("stage", ["staging", "replacing"])
def test_recovery_waits_for_a_live_migration_and_undoes_a_dead_one(tmp_path, stage):
    """A journal of a live process is left alone (it holds the lock); a dead one's is rolled back."""
    from qualcode.transaction import Transaction

    root = busy_project(tmp_path / "p")
    cb = root / "codebooks" / "mini.yaml"
    original = cb.read_bytes()
    tx = Transaction(root, root / ".qualcode")
    tx.write(cb, original.replace(b"Court procedure", b"Court time"))
    # Simulate a process that died mid-commit: its journal on disk, no lock held.
    tx.dir.mkdir(parents=True)
    entries = tx._entries()
    tx._journal(stage, entries)
    (root / ".qualcode" / "transaction" / tx.dir.name / "0.orig").write_bytes(original)
    if stage == "replacing":
        cb.write_bytes(original.replace(b"Court procedure", b"Court time"))
    r = run("status", project=root)
    assert r.exit_code == 0, r.output
    assert cb.read_bytes() == original
    assert not (root / ".qualcode" / "transaction").exists()


def test_two_suggests_at_once_count_what_each_stored(tmp_path):
    """Two `suggest` runs that read the project at the same moment: the second to write finds
    the first's suggestions already there, and says so (it once reported them as new too)."""
    from qualcode.assist.suggest import suggest
    from qualcode.corpus import load_corpus

    root = busy_project(tmp_path / "p")
    first, second = load_corpus(project_dir=root), load_corpus(project_dir=root)  # both read an empty file
    a = suggest(first, "ann", use_model=False)
    b = suggest(second, "ann", use_model=False)
    assert a.added >= TURNS and a.by_source["rules"] == a.added  # every turn's adjournment, at least
    assert (b.added, b.kept, dict(b.by_source)) == (0, a.added, {}), b.to_dict()
    assert len(codings(root)) == a.added and {c["status"] for c in codings(root)} == {"suggested"}
    assert run("check", project=root).exit_code == 0
