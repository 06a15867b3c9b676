"""Round trips through the tools people already use. The files in tests/data/exchange/ were written
by those tools' own exporters from a qualcode export of the bundled example:
- qualcoder-4.0-export.qdpx: QualCoder (development head, "4.0 Beta") imported our .qdpx with its
  own importer and wrote it back with its own exporter (scripts/qualcoder_import.py);
- qc-1.7.8-export.qdpx: qc 1.7.8 (`qc init --import` of `qualcode export qdpx --for qc`, then
  `qc export`).
Neither tool keeps GUIDs, and qc keeps no cases, variables or notes: what each file carries must
come back, and nothing about their naming schemes may read as a warning."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import REPO, run

from qualcode.codebook import load_codebook
from qualcode.transcripts import load_transcripts

DATA = Path(__file__).resolve().parent / "data" / "exchange"
NS = {"q": "urn:QDA-XML:project:1.0"}


def qde(path: Path):
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("project.qde")), {n: z.read(n) for n in z.namelist()}


def imported(path: Path, tmp_path: Path, *extra: str) -> tuple[Path, str]:
    out = tmp_path / path.stem
    r = run("import", "qdpx", str(path), "--out", str(out), *extra)
    assert r.exit_code == 0, r.output
    return out, r.output


def codings_of(root: Path) -> list[dict]:
    return [json.loads(line) for f in sorted((root / "codings").glob("*/*.jsonl"))
            for line in f.read_text(encoding="utf-8").splitlines()]


def theme_ids(codebook_text: str) -> list[str]:
    out = []

    def walk(items):
        for t in items or []:
            out.append(t["id"])
            walk(t.get("children"))
    walk(yaml.safe_load(codebook_text)["themes"])
    return out


def test_a_qualcoder_export_keeps_theme_ids_participants_and_groups(tmp_path: Path):
    fixture = DATA / "qualcoder-4.0-export.qdpx"
    root, files = qde(fixture)
    assert root.get("origin").startswith("QualCoder")
    # what the file carries: our codebook as a QualCoder journal, a Participant and a group on each source
    note = next(n for n in root.iterfind(".//q:Note", NS) if n.get("name") == "qualcode codebook (YAML)")
    carried = files["sources/" + note.get("plainTextPath").split("internal://")[1].lstrip("/")].decode("utf-8-sig")
    variables = {v.get("guid"): v.get("name") for v in root.iterfind(".//q:Variable", NS)}
    expected = {}
    for src in root.iterfind(".//q:TextSource", NS):
        values = {variables[v.find("q:VariableRef", NS).get("targetGUID")]: v.findtext("q:TextValue", namespaces=NS)
                  for v in src.iterfind("q:VariableValue", NS)}
        expected[src.get("name")] = (values["Participant"], values["Stakeholder group"])
    selections = len(root.findall(".//q:PlainTextSelection/q:Coding", NS))

    project, output = imported(fixture, tmp_path)
    assert "do not cover" not in output and "unknown code" not in output, output
    codebook = load_codebook(next((project / "codebooks").glob("*.yaml")))
    assert codebook.ids == theme_ids(carried)  # every id, though QualCoder wrote new GUIDs
    transcripts = load_transcripts(project / "transcripts", project)
    assert {t.id: (t.participant, t.group) for t in transcripts} == expected
    for t in transcripts:  # QualCoder's copies of our group sets are not kept as attributes
        assert not any(k.startswith("stakeholder_group") for k in t.metadata), t.metadata
    assert len(codings_of(project)) == selections
    assert run("check", project=project).exit_code == 0


def test_a_qc_export_names_transcripts_by_file_and_its_line_names_are_not_warnings(tmp_path: Path):
    fixture = DATA / "qc-1.7.8-export.qdpx"
    root, _ = qde(fixture)
    names = [s.get("name") for s in root.iterfind(".//q:TextSource", NS)]
    assert all(n.endswith(".txt") for n in names)
    assert all(re.fullmatch(r"line:\d+", s.get("name")) for s in root.iterfind(".//q:PlainTextSelection", NS))

    project, output = imported(fixture, tmp_path)
    assert "do not cover" not in output and "warning" not in output.lower(), output
    ids = sorted(t.id for t in load_transcripts(project / "transcripts", project))
    assert ids == sorted(n[:-4] for n in names)  # cps-01, not cps-01-txt
    codings = codings_of(project)
    assert len(codings) == len(root.findall(".//q:PlainTextSelection/q:Coding", NS))
    body = {t.id: t.body for t in load_transcripts(project / "transcripts", project)}
    for f in sorted((project / "codings").glob("*/*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            c = json.loads(line)  # qc codes whole lines
            text = body[f.stem]
            assert c["start"] == 0 or text[c["start"] - 1] == "\n"
            assert text[c["end"] - 1] == "\n" or c["end"] == len(text)


def test_our_export_carries_what_qualcoder_and_nvivo_read(example: Path, tmp_path: Path):
    out = tmp_path / "e.qdpx"
    assert run("export", "qdpx", str(out), project=example).exit_code == 0
    root, files = qde(out)
    cases = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Case", NS)}
    top_codes = {c.get("guid"): c.get("name") for c in root.find("q:CodeBook/q:Codes", NS).iterfind("q:Code", NS)}
    assert cases and all(top_codes.get(g) == name for g, name in cases.items())  # each case is a code too
    participant = next(v.get("guid") for v in root.iterfind(".//q:Variable", NS) if v.get("name") == "Participant")
    transcripts = {t.id: t for t in load_transcripts(example / "transcripts", example)}
    for src in root.iterfind(".//q:TextSource", NS):
        t = transcripts[src.get("name")]
        case_sel = [s for s in src.iterfind("q:PlainTextSelection", NS)
                    if s.find("q:Coding/q:CodeRef", NS).get("targetGUID") in cases]
        assert [(int(s.get("startPosition")), int(s.get("endPosition"))) for s in case_sel] == [(0, len(t.body))]
        values = {v.find("q:VariableRef", NS).get("targetGUID"): v.findtext("q:TextValue", namespaces=NS)
                  for v in src.iterfind("q:VariableValue", NS)}
        assert values[participant] == t.participant
    # project notes are files as well (QualCoder reads a journal only from plainTextPath)
    for ref in root.iterfind("q:NoteRef", NS):
        note = root.find(f".//q:Note[@guid='{ref.get('targetGUID')}']", NS)
        path = "sources/" + note.get("plainTextPath").split("internal://")[1]
        assert files[path].decode("utf-8") == note.findtext("q:PlainTextContent", namespaces=NS)

    # back into qualcode: cases stay cases, not themes
    project, output = imported(out, tmp_path)
    assert load_codebook(next((project / "codebooks").glob("*.yaml"))).ids == load_codebook(example / "codebooks" / "kcpo.yaml").ids
    assert {t.id: t.participant for t in load_transcripts(project / "transcripts", project)} == \
        {k: t.participant for k, t in transcripts.items()}

    plain = tmp_path / "plain.qdpx"
    assert run("export", "qdpx", str(plain), "--no-case-codes", project=example).exit_code == 0
    root, _ = qde(plain)
    assert not set(cases) & {c.get("guid") for c in root.iterfind(".//q:Code", NS)}


def test_a_focus_group_links_each_speaker_s_turns_to_their_case(tmp_path: Path):
    from conftest import mini_project

    p = mini_project(tmp_path / "fg")
    (p / "transcripts" / "fg-01.md").write_text(
        "---\nid: fg-01\ngroup: YOS\nspeakers:\n  Ann: {participant: P7}\n  Bo: {participant: P8}\n---\n"
        "Interviewer: Welcome.\n\nAnn: I run the youth club.\n\nBo: I work at the school.\n\nAnn: We share cases.\n",
        encoding="utf-8")
    out = tmp_path / "fg.qdpx"
    assert run("export", "qdpx", str(out), project=p).exit_code == 0, "export"
    root, _ = qde(out)
    cases = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Case", NS)}
    src = next(s for s in root.iterfind(".//q:TextSource", NS) if s.get("name") == "fg-01")
    body = next(t.body for t in load_transcripts(p / "transcripts", p) if t.id == "fg-01")
    linked = sorted((cases[s.find("q:Coding/q:CodeRef", NS).get("targetGUID")],
                     body[int(s.get("startPosition")):int(s.get("endPosition"))].strip())
                    for s in src.iterfind("q:PlainTextSelection", NS)
                    if s.find("q:Coding/q:CodeRef", NS).get("targetGUID") in cases)
    assert linked == [("P7", "I run the youth club."), ("P7", "We share cases."), ("P8", "I work at the school.")]
    assert {"P7", "P8"} <= set(cases.values())  # each speaker is a case of their own


def test_for_qc_names_each_selection_by_its_line(example: Path, tmp_path: Path):
    out = tmp_path / "qc.qdpx"
    assert run("export", "qdpx", str(out), "--for", "qc", project=example).exit_code == 0
    root, _ = qde(out)
    assert not root.findall(".//q:CodeBook//q:Code[@name='P01']", NS)  # no case codes for qc
    bodies = {t.id: t.body for t in load_transcripts(example / "transcripts", example)}
    sels = list(root.iterfind(".//q:TextSource", NS))
    assert sels
    for src in sels:
        body = bodies[src.get("name")]
        for s in src.iterfind("q:PlainTextSelection", NS):
            assert s.get("name") == f"line:{body.count(chr(10), 0, int(s.get('startPosition')))}"
    r = run("export", "qdpx", str(tmp_path / "x.qdpx"), "--for", "nvivo12", project=example)
    assert r.exit_code == 2 and "--for qc" in r.output


QUALCODER_SRC = os.environ.get("QUALCODER_SRC")  # a QualCoder source tree's src/ folder
QUALCODER_PYTHON = os.environ.get("QUALCODER_PYTHON", sys.executable)  # a Python with PyQt6


@pytest.mark.skipif(not QUALCODER_SRC, reason="set QUALCODER_SRC (and QUALCODER_PYTHON, a Python with PyQt6) "
                                              "to run QualCoder's own importer on our export")
def test_qualcoder_s_own_importer_loads_our_export(example: Path, tmp_path: Path):
    out = tmp_path / "e.qdpx"
    assert run("export", "qdpx", str(out), project=example).exit_code == 0
    result = tmp_path / "qc.json"
    subprocess.run([QUALCODER_PYTHON, str(REPO / "scripts" / "qualcoder_import.py"), QUALCODER_SRC, str(out), str(result)],
                   check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True, timeout=300)
    loaded = json.loads(result.read_text(encoding="utf-8"))
    transcripts = load_transcripts(example / "transcripts", example)
    accepted = [json.loads(x) for f in (example / "codings").glob("*/*.jsonl") for x in f.read_text().splitlines()]
    assert len(loaded["sources"]) == len(transcripts)
    assert len(loaded["codes"]) == len(load_codebook(example / "codebooks" / "kcpo.yaml").themes)
    assert len(loaded["codings"]) == sum(c["status"] == "accepted" for c in accepted)
    assert len(loaded["case_text"]) == len(transcripts)  # every transcript linked to its case
    assert [j[0] for j in loaded["journals"]] == ["qualcode codebook (YAML)"]
    shutil.rmtree(tmp_path, ignore_errors=True)
