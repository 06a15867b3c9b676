"""Hostile and unlucky inputs, through the CLI on real files: reports never overwrite project data,
links out of the project, archive bombs and damaged archives, alias bombs and deep nesting in
codebooks, duplicate GUIDs, huge code lists, transcripts over spaCy's length limit, a file saved
while a command reads it, a megabyte typed at a prompt, and no socket opened by any command."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from conftest import BAD, MINI_CPS, REPO, assert_refused, run, tree_digest


# --- 4. --out never lands on project data, nor over a file by surprise --------------------------

def test_out_refuses_project_data_and_foreign_files(example, tmp_path):
    before = tree_digest(example)
    cases = [
        (["matrix", "--format", "json", "--out", str(example / "codings" / "amara" / "cps-01.jsonl")],
         "refusing to write a report into project data (codings)"),
        (["codebook", "schema", "--out", str(example / "codebooks" / "kcpo.yaml")], "(codebooks)"),
        (["saturation", "--out", str(example / "transcripts" / "cps-01.md")], "(transcripts)"),
        (["summary", "--out", str(example / ".qualcode" / "report.md")], "(.qualcode)"),
        (["summary", "--out", str(example / "memos" / "notes.md")], "(memos)"),
        (["summary", "--format", "markdown", "--out", str(example / "qualcode.yaml")], "project data"),
        (["export", "qdpx", str(example / "transcripts" / "all.qdpx")], "(transcripts)"),
    ]
    assert_refused(cases, example)
    # --force does not open project data either
    r = run("matrix", "--format", "json", "--force", "--out", str(example / "codings" / "amara" / "cps-01.jsonl"),
            project=example)
    assert r.exit_code == 2
    assert tree_digest(example) == before

    notes = tmp_path / "notes.md"
    notes.write_text("my own notes\n", encoding="utf-8")
    r = run("summary", "--out", str(notes), project=example)
    assert r.exit_code == 2 and "the file exists and qualcode did not write it" in r.output
    assert notes.read_text(encoding="utf-8") == "my own notes\n"
    assert run("summary", "--out", str(notes), "--force", project=example).exit_code == 0
    assert notes.read_text(encoding="utf-8").startswith("# ")

    report = tmp_path / "themes.md"
    assert run("summary", "--out", str(report), project=example).exit_code == 0
    assert run("summary", "--out", str(report), project=example).exit_code == 0  # ours, unchanged: refreshed
    report.write_text(report.read_text(encoding="utf-8") + "\nEdited by the report writer.\n", encoding="utf-8")
    r = run("summary", "--out", str(report), project=example)
    assert r.exit_code == 2 and "changed since" in r.output
    assert report.read_text(encoding="utf-8").endswith("Edited by the report writer.\n")


# --- 5. a transcript saved while a command works on it ----------------------------------------

def test_a_cache_that_cannot_be_written_leaves_reading_commands_working(example):
    """`.qualcode` a file, not a folder (a read-only checkout behaves alike for caches): every
    reading command still answers, uncached; a change is refused, saying why, with no traceback."""
    (example / ".qualcode").write_text("not a folder", encoding="utf-8")
    before = tree_digest(example)
    for args in (["status"], ["summary", "--format", "markdown"], ["matrix"], ["search", "court"], ["check"]):
        r = run(*args, project=example)
        assert r.exit_code == 0 and "Traceback" not in r.output, (args, r.output)
    r = run("tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "zed", project=example)
    assert r.exit_code == 2 and "writable project folder" in r.output and "Traceback" not in r.output
    assert tree_digest(example) == before


def test_tag_never_saves_against_a_transcript_that_changed(mini):
    from qualcode.corpus import load_corpus
    from qualcode.errors import QualcodeError
    from qualcode.project import open_project
    from qualcode.tagging import tag

    corpus = load_corpus(open_project(mini))
    path = mini / "transcripts" / "cps-01.md"
    path.write_text(MINI_CPS.replace("Court time is scarce", "Court time is so scarce"), encoding="utf-8")
    with pytest.raises(QualcodeError, match="the transcript changed"):
        tag(corpus, "cps-01", "ann", "court-procedure", ["2.2"])
    assert not (mini / "codings" / "ann" / "cps-01.jsonl").exists()
    # Read afresh, the same request saves against the text now on disk.
    corpus = load_corpus(open_project(mini))
    change = tag(corpus, "cps-01", "ann", "court-procedure", ["2.2"])
    assert change.added[0].text == "Court time is so scarce and listing is unpredictable."


def test_a_file_being_rewritten_is_read_whole_or_refused(tmp_path):
    from qualcode.errors import QualcodeError
    from qualcode.transcripts import read_stable

    path = tmp_path / "t.md"
    versions = [("Priya: " + "word " * 20000 + str(i) + "\n").encode() for i in range(2)]
    path.write_bytes(versions[0])
    stop = threading.Event()

    def keep_saving():  # an editor saving in place (truncate, then write in parts), again and again
        i = 0
        while not stop.is_set():
            data = versions[i % 2]
            with path.open("wb") as f:
                f.write(data[: len(data) // 2])
                f.flush()
                time.sleep(0.001)
                f.write(data[len(data) // 2:])
            i += 1

    writer = threading.Thread(target=keep_saving)
    writer.start()
    try:
        outcomes = set()
        # A refusal waits out its retries (about 0.4 s): 200 reads, or 8 s of them, whichever ends first.
        deadline = time.monotonic() + 8
        for _ in range(200):
            if time.monotonic() > deadline:
                break
            try:
                data = read_stable(path, "t.md")
                # never half a file; the instant between an editor's truncate and its first write
                # can read as empty, which the transcript reader refuses ("the file is empty")
                assert data in versions or data == b"", len(data)
                outcomes.add("read")
            except QualcodeError as exc:
                assert "kept changing while it was read" in str(exc)
                outcomes.add("refused")
    finally:
        stop.set()
        writer.join()
    assert outcomes


# --- 6. links out of the project ---------------------------------------------------------------

def test_links_out_of_the_project_are_refused_unless_allowed(mini, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    link = mini / "transcripts" / "notes.txt"
    link.symlink_to(outside)
    before = tree_digest(mini)
    for args, code in ((["status"], 0), (["summary"], 0), (["export", "qdpx", str(tmp_path / "all.qdpx")], 2),
                       (["check"], 2), (["tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "ann"], 2)):
        r = run(*args, project=mini)  # reading commands skip it, saying so; the others refuse
        assert r.exit_code == code, (args, r.output)
        assert "transcripts/notes.txt: this is a link to a file outside the project" in r.output, r.output
        assert "root:x" not in r.output and "Traceback" not in r.output
    assert not (tmp_path / "all.qdpx").exists()
    assert tree_digest(mini) == before
    (mini / "qualcode.yaml").write_text("allow_outside_links: true\n", encoding="utf-8")
    assert run("status", project=mini).exit_code == 0

    # A link that stays inside the project is fine; a linked codebook outside is refused too.
    link.unlink()
    (mini / "qualcode.yaml").unlink()
    (mini / "transcripts" / "copy.md").symlink_to(mini / "transcripts" / "cps-01.md")
    r = run("status", project=mini)
    assert r.exit_code == 2 and "also used by" in r.output  # read (same id twice), not refused as a link
    (mini / "transcripts" / "copy.md").unlink()
    (mini / "memos").mkdir()
    (mini / "memos" / "notes.md").symlink_to(outside)
    r = run("export", "qdpx", str(tmp_path / "all.qdpx"), project=mini)
    assert r.exit_code == 2 and "memos/notes.md: this is a link to a file outside the project" in r.output
    assert not (tmp_path / "all.qdpx").exists()
    shutil.move(mini / "codebooks" / "mini.yaml", tmp_path / "mini.yaml")
    (mini / "codebooks" / "mini.yaml").symlink_to(tmp_path / "mini.yaml")
    r = run("status", project=mini)
    assert r.exit_code == 2 and "codebooks/mini.yaml: this is a link to a file outside the project" in r.output


# --- 7 and 12. archive bombs and damaged archives ------------------------------------------------

def _export(mini: Path, tmp_path: Path) -> Path:
    out = tmp_path / "mini.qdpx"
    assert run("export", "qdpx", str(out), project=mini).exit_code == 0
    return out


def _rewrite(qdpx: Path, out: Path, qde, extra: dict[str, bytes] = {}) -> Path:
    with zipfile.ZipFile(qdpx) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, qde(data) if info.filename == "project.qde" else data)
        for name, data in extra.items():
            dst.writestr(name, data)
    return out


def test_a_word_bomb_is_refused_as_a_refi_source_too(mini, tmp_path):
    qdpx = _export(mini, tmp_path)

    def rich_only(qde: bytes) -> bytes:  # the first source's text only as a Word file: the bomb
        return re.sub(rb'plainTextPath="internal://([^"]+)\.txt"', rb'richTextPath="internal://bomb.docx"', qde, count=1)

    bomb = _rewrite(qdpx, tmp_path / "bomb.qdpx", rich_only, {"sources/bomb.docx": (BAD / "docx-bomb.docx").read_bytes()})
    r = run("import", "qdpx", str(bomb), "--out", str(tmp_path / "new"))
    assert r.exit_code == 2, r.output
    assert "refusing a possible zip bomb" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "new").exists()


def test_an_excel_bomb_is_refused_by_import_table(mini, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["id", "answer"])
    book.active.append(["r1", "The wait was long."])
    buffer = io.BytesIO()
    book.save(buffer)
    bomb = tmp_path / "answers.xlsx"
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("sheet1.xml"):
                data = data.replace(b"</worksheet>", b" " * (40 * 1024 * 1024) + b"</worksheet>")
            dst.writestr(info.filename, data)
    before = tree_digest(mini)
    r = run("import", "table", str(bomb), "--text", "answer", "--id", "id", project=mini)
    assert r.exit_code == 2 and "refusing a possible zip bomb" in r.output, r.output
    assert tree_digest(mini) == before


def test_a_corrupt_member_is_a_clear_error(mini, tmp_path):
    qdpx = _export(mini, tmp_path)
    data = bytearray(qdpx.read_bytes())
    with zipfile.ZipFile(qdpx) as z:
        info = z.getinfo("sources/" + next(n.split("/")[1] for n in z.namelist() if n.startswith("sources/")))
    at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 4
    data[at] ^= 0x55  # one byte of a source's deflated text
    broken = tmp_path / "broken.qdpx"
    broken.write_bytes(bytes(data))
    r = run("import", "qdpx", str(broken), "--out", str(tmp_path / "new"))
    assert r.exit_code == 2, r.output
    assert "the archive is damaged" in r.output and "Traceback" not in r.output


# --- 8 and 13. codebooks: alias bombs and deep nesting ----------------------------------------

def _deep(levels: int) -> str:
    return ("name: Deep\nversion: 1\nthemes: " + "".join(f"[{{id: t{i}, label: T{i}, children: " for i in range(levels))
            + "[]" + "}]" * levels + "\n")


def test_codebook_bombs_and_depth_are_refused_quickly_with_a_location(mini):
    for text, message in ((( BAD / "alias-bomb.yaml").read_text(), "expands to more than 200,000 entries"),
                          (_deep(495), "nests more than 100 levels deep"),
                          (_deep(150), "nests more than 100 levels deep")):
        (mini / "codebooks" / "mini.yaml").write_text(text, encoding="utf-8")
        for args in (["codebook", "validate"], ["status"], ["codebook", "rename", "t3", "t3b"], ["check"]):
            r = subprocess.run([sys.executable, "-m", "qualcode", "--project", str(mini), *args], capture_output=True,
                               text=True, timeout=120)
            assert r.returncode in (1, 2), (args, r.stderr)
            assert message in r.stdout + r.stderr and "Traceback" not in r.stderr, (args, r.stdout, r.stderr)
            assert re.search(r"mini\.yaml:\d+:\d+", r.stdout + r.stderr)


def test_the_deepest_readable_codebook_can_be_migrated(mini):
    (mini / "codebooks" / "mini.yaml").write_text(_deep(48), encoding="utf-8")
    assert run("codebook", "validate", project=mini).exit_code == 0
    r = run("codebook", "rename", "t47", "t47b", project=mini)
    assert r.exit_code == 0, r.output
    assert "id: t47b" in (mini / "codebooks" / "mini.yaml").read_text()


def test_a_refi_code_tree_too_deep_for_a_codebook_is_refused(tmp_path):
    codes = "".join(f'<Code guid="00000000-0000-4000-8000-{i:012d}" name="C{i}" isCodable="true">' for i in range(1, 61))
    qdc = tmp_path / "deep.qdc"
    qdc.write_text('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
                   + codes + "</Code>" * 60 + "</Codes></CodeBook>\n", encoding="utf-8")
    r = run("import", "qdc", str(qdc), "--out", str(tmp_path / "new"))
    assert r.exit_code == 2 and "codes nest more than 48 levels deep" in r.output, r.output


# --- 9 and 11. many codes of one name; duplicate GUIDs -----------------------------------------

def test_fifteen_thousand_codes_all_called_new_code(tmp_path):
    """Free names are found in constant time each: before, this took minutes (quadratic)."""
    n = 15_000
    qdc = tmp_path / "many.qdc"
    qdc.write_text('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>\n'
                   + "\n".join(f'<Code guid="00000000-0000-4000-8000-{i:012d}" name="New code" isCodable="true"/>'
                               for i in range(1, n + 1)) + "\n</Codes></CodeBook>\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "qualcode", "import", "qdc", str(qdc), "--out", str(tmp_path / "new")],
                       capture_output=True, text=True, timeout=90)
    assert r.returncode == 0, r.stderr
    text = next((tmp_path / "new" / "codebooks").glob("*.yaml")).read_text(encoding="utf-8")
    ids = re.findall(r"^\s*- id: (\S+)", text, re.M)
    assert len(ids) == len(set(ids)) == n
    assert ids[:3] == ["new-code", "new-code-2", "new-code-3"] and ids[-1] == f"new-code-{n}"


def test_two_sources_with_one_guid_are_an_error(mini, tmp_path):
    qdpx = _export(mini, tmp_path)

    def same_guid(qde: bytes) -> bytes:
        guids = re.findall(rb'<TextSource guid="([^"]+)"', qde)
        return qde.replace(guids[1], guids[0])

    clash = _rewrite(qdpx, tmp_path / "clash.qdpx", same_guid)
    r = run("import", "qdpx", str(clash), "--out", str(tmp_path / "new"), "--lenient")
    assert r.exit_code == 2, r.output
    assert re.search(r"project\.qde:\d+: two sources share the GUID", r.output), r.output
    assert not (tmp_path / "new").exists()


# --- 10. a transcript longer than spaCy's limit -------------------------------------------------

def test_a_transcript_over_a_million_characters(mini):
    head, body = MINI_CPS.split("---\n", 2)[1:]
    body = "\n\n".join([body.strip()] * 9000)
    (mini / "transcripts" / "cps-01.md").write_text(f"---\n{head}---\n{body}\n", encoding="utf-8")
    assert len(body) > 1_000_000
    r = run("status", project=mini)
    assert r.exit_code == 0, r.output
    r = run("segments", "cps-01", "--json", project=mini)
    assert r.exit_code == 0
    ids = [json.loads(line)["id"] for line in r.stdout.splitlines()]
    assert ids[-1].startswith("cps-01:") and len(ids) == len(set(ids)) > 9000 * 5
    assert run("tag", "cps-01", ids[-1].split(":")[1], "--code", "resource-barriers", "--coder", "ann",
               project=mini).exit_code == 0
    assert run("suggest", "--coder", "ann", project=mini).exit_code == 0


# --- 14. a megabyte typed at the coding prompt -------------------------------------------------

def test_a_megabyte_of_digits_at_the_prompt(mini):
    r = run("code", "cps-01", "--coder", "ann", input="1" * 1_000_000 + "\n²\nq\n", project=mini)
    assert r.exit_code == 0, r.output[-500:]
    assert "No theme number" in r.output and "Traceback" not in r.output
    assert not (mini / "codings" / "ann").exists()


# --- no socket, ever ---------------------------------------------------------------------------

BLOCK = """
import socket, sys, traceback
attempts = []
class Blocked(socket.socket):
    def __init__(self, *args, **kwargs):
        attempts.append("".join(traceback.format_stack(limit=8)))
        raise OSError("sockets are blocked in this test")
socket.socket = Blocked
from qualcode.cli import main
sys.argv = ["qualcode", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
else:
    code = 0
if attempts:
    sys.stderr.write("SOCKET OPENED:\\n" + attempts[0])
    code = 99
sys.exit(code)
"""


def test_no_command_opens_a_socket(mini, tmp_path):
    commands = [
        ["status"], ["summary"], ["segments", "cps-01"], ["codebook", "validate"],
        ["tag", "cps-01", "2.1", "--code", "court-procedure", "--coder", "ann"],
        ["tag", "yos-01", "2.1", "--code", "exploitation", "--coder", "ann"],
        ["rules", "--coder", "ann"], ["suggest", "--coder", "ann"], ["evaluate", "--coder", "ann"],
        ["search", "hearing", "--lemma"], ["check"], ["export", "qdpx", str(tmp_path / "x.qdpx")],
    ]
    for args in commands:
        r = subprocess.run([sys.executable, "-c", BLOCK, "--project", str(mini), *args], capture_output=True,
                           text=True, timeout=300, cwd=mini)
        assert "SOCKET OPENED" not in r.stderr, (args, r.stderr)
        assert r.returncode in (0, 1, 2), (args, r.stderr)
    r = subprocess.run([sys.executable, "-c", BLOCK, "import", "qdpx", str(tmp_path / "x.qdpx"), "--out",
                        str(tmp_path / "again")], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "SOCKET OPENED" not in r.stderr, r.stderr
