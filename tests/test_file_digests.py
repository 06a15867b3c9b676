"""Digests of project files remembered by their stat (qualcode/file_digests.py): an unchanged
file is not read again, and no change goes unseen, even one that keeps the size and puts the
modification time back; a file written just now is not remembered (a write in the same clock
tick would leave stat the same)."""

from __future__ import annotations

import hashlib
import json
import os

from conftest import run

from qualcode import file_digests
from qualcode.file_digests import FileDigests


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def test_an_unchanged_file_is_not_read_again_and_a_change_is_always_seen(tmp_path, monkeypatch):
    monkeypatch.setattr(file_digests, "RACY_NS", 0)  # trust files written in this test at once
    cache, f = tmp_path / ".qualcode", tmp_path / "a.jsonl"
    f.write_bytes(b"one\n")
    first = FileDigests(cache)
    assert first.read(f) == (sha(b"one\n"), b"one\n")
    first.save()
    again = FileDigests(cache)
    assert again.read(f) == (sha(b"one\n"), None)  # from what stat says: not read
    # The same size, the modification time put back: its ctime still moved.
    st = os.stat(f)
    f.write_bytes(b"two\n")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert FileDigests(cache).read(f) == (sha(b"two\n"), b"two\n")
    (cache / "digests.json").write_text("{damaged", encoding="utf-8")
    assert FileDigests(cache).read(f) == (sha(b"two\n"), b"two\n")


def test_a_file_written_just_now_is_read_every_time(tmp_path):
    cache, f = tmp_path / ".qualcode", tmp_path / "a.jsonl"
    f.write_bytes(b"fresh\n")
    d = FileDigests(cache)
    d.read(f)
    d.save()
    assert FileDigests(cache).read(f) == (sha(b"fresh\n"), b"fresh\n")


def test_what_status_and_check_learn_is_kept_side_by_side(example, monkeypatch):
    """status looks at every file, check at the codings: neither drops the other's entries,
    and an entry of a file that is gone is dropped."""
    monkeypatch.setattr(file_digests, "RACY_NS", 0)
    assert run("status", project=example).exit_code == 0
    names = set(json.loads((example / ".qualcode" / "digests.json").read_text())["files"])
    assert any("/transcripts/" in n for n in names) and any("/codings/" in n for n in names)
    assert run("check", project=example).exit_code == 0
    assert set(json.loads((example / ".qualcode" / "digests.json").read_text())["files"]) == names
    gone = next(p for p in (example / "transcripts").iterdir() if p.suffix == ".md")
    gone.unlink()
    assert run("check", project=example).exit_code in (0, 1)
    assert str(gone) not in json.loads((example / ".qualcode" / "digests.json").read_text())["files"]


def test_status_and_check_see_a_change_that_keeps_size_and_modification_time(example, monkeypatch):
    monkeypatch.setattr(file_digests, "RACY_NS", 0)
    coding = next((example / "codings" / "amara").glob("*.jsonl"))
    assert run("status", project=example).exit_code == 0 and run("check", project=example).exit_code == 0
    stored = example / ".qualcode" / "status.json"
    data = json.loads(stored.read_text(encoding="utf-8"))
    data["status"]["transcripts"][0]["turns"] = 9999  # only a run that trusts the store prints it
    stored.write_text(json.dumps(data), encoding="utf-8")
    st = os.stat(coding)
    text = coding.read_text(encoding="utf-8")
    quote = json.loads(text.splitlines()[0])["text"]
    changed = quote[:-1] + ("X" if quote[-1] != "X" else "Y")  # the quote no longer in the transcript
    coding.write_text(text.replace(json.dumps(quote, ensure_ascii=False)[1:-1], json.dumps(changed, ensure_ascii=False)[1:-1], 1),
                      encoding="utf-8")
    assert os.stat(coding).st_size == st.st_size
    os.utime(coding, ns=(st.st_atime_ns, st.st_mtime_ns))
    r = run("check", project=example)
    assert r.exit_code == 1 and coding.name in r.output, r.output
    assert json.loads(run("status", "--json", project=example).stdout)["transcripts"][0]["turns"] != 9999
