"""REFI-QDA exchange through the CLI: exports valid against the standard's schemas and stable
byte for byte, a lossless round trip of the bundled example, real tools' exports imported with
the right counts, their known quirks tolerated, and malicious archives refused."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from conftest import SHARED, run, tree_digest

from qualcode.codebook import load_codebook
from qualcode.transcripts import load_transcripts

REFI = SHARED / "refi"
needs_refi = pytest.mark.skipif(not (REFI / "schemas").is_dir(), reason="../shared/refi (schemas and samples) is not beside the project")
NS = "urn:QDA-XML:project:1.0"


def schema(name: str):
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(REFI / "schemas" / name)))


def qde_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("project.qde")


def project(body: str, origin: str = "test-tool 1.0", name: str = "P") -> str:
    return f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{NS}" name="{name}" origin="{origin}">{body}</Project>'


def make_qdpx(path: Path, qde: str | bytes, files: dict[str, bytes] | None = None, qde_name: str = "project.qde") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(qde_name, qde if isinstance(qde, bytes) else qde.encode("utf-8"))
        for name, data in (files or {}).items():
            z.writestr(name, data)
    return path


def imported_codings(root: Path) -> dict[tuple[str, str], list[dict]]:
    out = {}
    for path in sorted((root / "codings").glob("*/*.jsonl")):
        out[(path.parent.name, path.stem)] = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    return out


def bodies(root: Path) -> dict[str, str]:
    return {t.id: t.body for t in load_transcripts(root / "transcripts", root)}


# --- export -------------------------------------------------------------------------------------

@needs_refi
def test_export_is_valid_against_the_schemas_and_identical_when_repeated(example: Path, tmp_path: Path):
    from lxml import etree

    a, b, c = tmp_path / "a.qdpx", tmp_path / "b.qdpx", tmp_path / "book.qdc"
    assert run("export", "qdpx", str(a), project=example).exit_code == 0
    result = run("export", "qdpx", str(b), project=example)
    assert result.exit_code == 0, result.output
    assert a.read_bytes() == b.read_bytes()  # uuid5 GUIDs, fixed archive dates
    qde = etree.fromstring(qde_of(a))
    project_schema = schema("Project.xsd")
    assert project_schema.validate(etree.ElementTree(qde)), project_schema.error_log
    assert run("export", "qdc", str(c), project=example).exit_code == 0
    codebook_schema = schema("Codebook.xsd")
    assert codebook_schema.validate(etree.parse(str(c))), codebook_schema.error_log

    ns = {"q": NS}
    texts = bodies(example)
    with zipfile.ZipFile(a) as z:
        names = z.namelist()
        assert names[0] == "project.qde" and all(n.startswith("sources/") for n in names[1:])
        for src in qde.iterfind(".//q:TextSource", ns):
            path = src.get("plainTextPath")
            assert path == f"internal://{src.get('guid')}.txt"
            data = z.read("sources/" + path.split("://")[1])
            assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
            text = data.decode("utf-8")
            assert text == texts[src.get("name")]
            for sel in src.iterfind("q:PlainTextSelection", ns):  # code points, end exclusive
                assert text[int(sel.get("startPosition")):int(sel.get("endPosition"))].startswith(sel.get("name"))
    # every accepted coding is there, each with its coder
    codings = sum(1 for f in (example / "codings").glob("*/*.jsonl")
                  for line in f.read_text().splitlines() if json.loads(line)["status"] == "accepted")
    cases = {c.get("guid"): c.get("name") for c in qde.iterfind(".//q:Case", ns)}
    themes = [x for x in qde.iterfind(".//q:PlainTextSelection/q:Coding", ns)
              if x.find("q:CodeRef", ns).get("targetGUID") not in cases]
    assert len(themes) == codings
    users = {u.get("guid"): u.get("name") for u in qde.iterfind(".//q:User", ns)}
    assert {users[x.get("creatingUser")] for x in qde.iterfind(".//q:Coding", ns)} == {"amara"}
    # the stakeholder group on each source and in a set per group
    group_var = next(v.get("guid") for v in qde.iterfind(".//q:Variable", ns) if v.get("name") == "Stakeholder group")
    for src in qde.iterfind(".//q:TextSource", ns):
        assert src.find(f"q:VariableValue/q:VariableRef[@targetGUID='{group_var}']", ns) is not None
    assert {s.get("name") for s in qde.iterfind(".//q:Set", ns)} == {f"Stakeholder group: {g}" for g in ("CHARITY", "CPS", "HO", "MPS", "YOS")}
    # every Note has both times, which QualCoder's importer reads without checking (refi.py parse_notes)
    notes = qde.findall(".//q:Notes/q:Note", ns)
    assert notes and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", n.get(attr) or "")
                         for n in notes for attr in ("creationDateTime", "modifiedDateTime"))


def test_round_trip_gives_the_same_codebook_transcripts_and_codings(example: Path, tmp_path: Path):
    # a memo, to see it travel as a Note
    first = min((example / "codings" / "amara").glob("*.jsonl"))
    lines = first.read_text(encoding="utf-8").splitlines()
    obj = json.loads(lines[0])
    obj["memo"] = "Said twice, with feeling — é."
    first.write_text("\n".join([json.dumps(obj, ensure_ascii=False), *lines[1:]]) + "\n", encoding="utf-8")
    (example / "memos").mkdir()  # memos files: the project's, and one transcript's
    (example / "memos" / "project.md").write_text("# Project memos\n\nSaturation reached at interview 8.\n", encoding="utf-8")
    (example / "memos" / "cps-01.md").write_text("# Memos on cps-01\n\nRecorded in a noisy room.\n", encoding="utf-8")

    qdpx = tmp_path / "example.qdpx"
    assert run("export", "qdpx", str(qdpx), project=example).exit_code == 0
    back = tmp_path / "back"
    result = run("import", "qdpx", str(qdpx), "--out", str(back))
    assert result.exit_code == 0, result.output
    assert "not carried across" not in result.output

    old = load_codebook(next((example / "codebooks").glob("*.yaml")))
    new = load_codebook(next((back / "codebooks").glob("*.yaml")))
    assert (old.name, old.version, old.groups) == (new.name, new.version, new.groups)
    fields = ("id", "label", "description", "groups", "include", "exclude", "keywords", "patterns", "examples",
              "parent", "color")
    assert [[getattr(t, f) for f in fields] for t in old.themes] == [[getattr(t, f) for f in fields] for t in new.themes]

    before = {t.id: t for t in load_transcripts(example / "transcripts", example)}
    after = {t.id: t for t in load_transcripts(back / "transcripts", back)}
    assert before.keys() == after.keys()
    for tid, t in before.items():
        assert after[tid].body == t.body
        assert after[tid].metadata == t.metadata

    def key(c):
        return (c["code"], c["start"], c["end"], c["text"], c.get("memo"))
    old_codings = {k: sorted(key(c) for c in v if c["status"] == "accepted") for k, v in imported_codings(example).items()}
    new_codings = {k: sorted(key(c) for c in v) for k, v in imported_codings(back).items()}
    assert old_codings == new_codings
    assert run("check", project=back).exit_code == 0
    for memo in ("project.md", "cps-01.md"):
        assert (back / "memos" / memo).read_text(encoding="utf-8") == (example / "memos" / memo).read_text(encoding="utf-8")
    if (REFI / "schemas").is_dir():
        from lxml import etree

        assert schema("Project.xsd").validate(etree.ElementTree(etree.fromstring(qde_of(qdpx))))


# --- import of real tools' files ---------------------------------------------------------------------

SAMPLES = sorted(p.name for p in (REFI / "samples").glob("*")) if (REFI / "samples").is_dir() else []


def expected_counts(path: Path) -> tuple[int, int, int]:
    """Codes, text sources whose text the file holds, and codings in those: read straight from the XML."""
    from lxml import etree

    if zipfile.is_zipfile(path):
        z = zipfile.ZipFile(path)
        qde = next(n for n in z.namelist() if n.lower().endswith(".qde"))
        root = etree.fromstring(z.read(qde))
        present = {n.split("/")[-1].lower() for n in z.namelist()}
    else:
        root, present = etree.parse(str(path)).getroot(), set()
    codes = len(root.findall(".//{*}Code"))
    sources = [s for s in root.iter("{*}TextSource")
               if (s.get("plainTextPath") or "").split("://")[-1].lower() in present or s.find("{*}PlainTextContent") is not None]
    codings = sum(len(s.findall("{*}PlainTextSelection/{*}Coding")) for s in sources)
    return codes, len(sources), codings


@needs_refi
@pytest.mark.parametrize("sample", SAMPLES)
def test_each_sample_imports_with_the_right_counts_and_every_coding_on_its_text(sample: str, tmp_path: Path):
    path = REFI / "samples" / sample
    out = tmp_path / "project"
    command = "qdc" if sample.endswith(".qdc") else "qdpx"
    result = run("import", command, str(path), "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    codes, sources, codings = expected_counts(path)
    assert report["themes"] == codes
    assert len(load_codebook(next((out / "codebooks").glob("*.yaml"))).themes) == codes
    assert report["transcripts"] == sources == len(list((out / "transcripts").glob("*.txt"))) if sources else True
    assert sum(report["codings"].values()) == codings
    texts = bodies(out) if sources else {}
    for (coder, tid), items in imported_codings(out).items():
        for c in items:
            assert texts[tid][c["start"]:c["end"]] == c["text"]
    assert run("check", project=out).exit_code == 0
    if sample.startswith("f4"):  # its text files are missing: said, with what that costs
        assert any("2 coding(s)" in u and "2 memo(s)" in u for u in report["unmapped"])
    if sample.startswith("synthetic"):
        from lxml import etree

        qde = etree.fromstring(qde_of(path))
        claimed = sorted(s.get("name") for s in qde.iter(f"{{{NS}}}PlainTextSelection") if s.get("name"))
        assert sorted(c["text"] for items in imported_codings(out).values() for c in items) == claimed
        assert {t.metadata.get("group") for t in load_transcripts(out / "transcripts", out)} == {"Farmer", "NGO"}
        assert report["memos"] == 2 and (out / "memos" / "project.md").exists()
        assert "Umeå" in (out / "memos" / "interview_farmer.md").read_text(encoding="utf-8")


# --- quirks of real tools, built small ----------------------------------------------------------------

TEXT = "Intro 🙂 line\r\nQ: What stops you?\r\nA: The cost is too high, and time is short.\r\n"


def utf16_offsets(text: str, quote: str) -> tuple[int, int]:
    i = text.index(quote)
    before = len(text[:i].encode("utf-16-le")) // 2
    return before, before + len(quote.encode("utf-16-le")) // 2


def quirky(origin: str, positions, sources_dir: str = "sources", brace: bool = True) -> tuple[str, dict]:
    code = "A1B2C3D4-0000-4000-8000-000000000001"
    src = "A1B2C3D4-0000-4000-8000-0000000000AA"
    ref = "{" + code.lower() + "}" if brace else code
    sels = "".join(
        f'<PlainTextSelection guid="A1B2C3D4-0000-4000-8000-00000000010{i}" name="{q}" startPosition="{s}" endPosition="{e}">'
        f'<Coding guid="A1B2C3D4-0000-4000-8000-00000000020{i}"><CodeRef targetGUID="{ref}"/></Coding></PlainTextSelection>'
        for i, (q, (s, e)) in enumerate(positions))
    body = (f'<CodeBook><Codes><Code guid="{code}" name="Cost" isCodable="true"/></Codes></CodeBook>'
            f'<Sources><TextSource guid="{src.lower()}" name="interview" plainTextPath="internal://{src}.txt">{sels}</TextSource></Sources>')
    data = b"\xef\xbb\xbf" + TEXT.encode("utf-8")
    return project(body, origin), {f"{sources_dir}/{src.lower()}.txt": data}


def test_nvivo_utf16_positions_crlf_bom_braced_guids_and_an_uppercase_sources_folder(tmp_path: Path):
    quotes = ["The cost is too high", "time is short"]
    qde, files = quirky("NVivo 14 for Windows", [(q, utf16_offsets(TEXT, q)) for q in quotes], sources_dir="Sources")
    path = make_qdpx(tmp_path / "nvivo.qdpx", qde, files, qde_name="My Study.qde")
    out = tmp_path / "p"
    result = run("import", "qdpx", str(path), "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["units"]["interview"].startswith("UTF-16 code units (2 of 2")
    got = [c["text"] for c in imported_codings(out)[("imported", "interview")]]
    assert got == quotes
    assert "\r" not in bodies(out)["interview"]


def test_utf16_offsets_map_to_the_code_points_a_full_table_gives():
    """The mapping lists only characters outside the BMP; every offset, inside a surrogate pair
    and past either end included, lands where a table of every character's UTF-16 offset says."""
    import bisect

    from qualcode.refi.positions import UTF16, Positions

    for raw in ["", "plain text only", "\U0001F600", "a\U0001F600b\r\nc\U0001F4A9\U0001F4A9 d\u00e9\u4e2d\U00010348",
                "\r\n\U0001F600\r\n" * 3 + "end \U0001F1EC\U0001F1E7"]:
        table, total = [], 0
        for ch in raw:
            table.append(total)
            total += 2 if ord(ch) > 0xFFFF else 1
        table.append(total)
        pos = Positions(raw)
        for at in range(-2, total + 4):
            assert pos._raw_index(at, UTF16) == bisect.bisect_left(table, at), (raw, at)


def test_guids_are_uuid5_of_the_joined_parts():
    import uuid

    from qualcode.refi.export import NAMESPACE, guid

    for parts in [("code", "cost"), ("selection", "ann", "p-01", 0, 12), ("note", "Zoë", "ü\u4e2d", "\U0001F600"), ()]:
        assert guid(*parts) == str(uuid.uuid5(NAMESPACE, "\x1f".join(map(str, parts)))).upper()


def test_positions_are_verified_not_trusted_from_the_origin(tmp_path: Path):
    """A tool that claims nothing about units but counts CRLF as one (as ATLAS.ti is reported to)."""
    body_text = TEXT.replace("\r\n", "\n")
    quotes = ["The cost is too high", "time is short"]
    positions = [(q, (body_text.index(q), body_text.index(q) + len(q))) for q in quotes]
    qde, files = quirky("ATLAS.ti 9", positions)
    out = tmp_path / "p"
    result = run("import", "qdpx", str(make_qdpx(tmp_path / "a.qdpx", qde, files)), "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["units"]["interview"].startswith("code points with CRLF as one (2 of 2")
    assert [c["text"] for c in imported_codings(out)[("imported", "interview")]] == quotes


def test_selections_that_miss_their_text_are_reported_not_hidden(tmp_path: Path):
    qde, files = quirky("MAXQDA 24", [("The cost is too high", (0, 5)), ("time", (500, 510))])
    out = tmp_path / "p"
    result = run("import", "qdpx", str(make_qdpx(tmp_path / "m.qdpx", qde, files)), "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert any("do not cover the text" in n for n in report["notes"])
    assert any("outside the text" in u and "1 coding(s) not imported" in u for u in report["unmapped"])


def test_taguette_codebook_with_empty_sets_duplicate_names_and_uncodable_parents(tmp_path: Path):
    qdc = tmp_path / "taguette.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Taguette 1.4"><Codes>'
        '<Code guid="00000000-0000-4000-8000-000000000001" name="Barriers" isCodable="false">'
        '<Code guid="00000000-0000-4000-8000-000000000002" name="Cost" isCodable="true"><Description>Money.\n\nInclude:\n- fees\n- fares</Description></Code></Code>'
        '<Code guid="00000000-0000-4000-8000-000000000003" name="Benefits" isCodable="true">'
        '<Code guid="00000000-0000-4000-8000-000000000004" name="Cost" isCodable="true"/></Code>'
        '</Codes><Sets/></CodeBook>', encoding="utf-8")
    out = tmp_path / "p"
    result = run("import", "qdc", str(qdc), "--out", str(out))
    assert result.exit_code == 0, result.output
    cb = load_codebook(next((out / "codebooks").glob("*.yaml")))
    assert [t.id for t in cb.themes] == ["barriers", "cost", "benefits", "benefits-cost"]
    assert cb.theme("cost").include == ("fees", "fares") and cb.theme("cost").description == "Money."
    assert "not codable" in result.output


def test_a_source_with_only_a_word_file_and_a_memo_only_selection(tmp_path: Path, word_document_bytes):
    text = "We need funding and time."
    code = "00000000-0000-4000-8000-000000000001"
    body = (f'<CodeBook><Codes><Code guid="{code}" name="Funding" isCodable="true"/></Codes></CodeBook>'
            '<Sources><TextSource guid="00000000-0000-4000-8000-0000000000aa" name="ngo" '
            'richTextPath="internal://00000000-0000-4000-8000-0000000000aa.docx">'
            f'<PlainTextSelection guid="00000000-0000-4000-8000-000000000101" name="funding" startPosition="8" endPosition="15">'
            f'<Coding guid="00000000-0000-4000-8000-000000000201"><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
            '<PlainTextSelection guid="00000000-0000-4000-8000-000000000102" startPosition="20" endPosition="24">'
            '<Description>Time, again.</Description></PlainTextSelection></TextSource></Sources>')
    path = make_qdpx(tmp_path / "f.qdpx", project(body, "f4 2025"),
                     {"sources/00000000-0000-4000-8000-0000000000aa.docx": word_document_bytes(text)})
    out = tmp_path / "p"
    result = run("import", "qdpx", str(path), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert [c["text"] for c in imported_codings(out)[("imported", "ngo")]] == ["funding"]
    assert "> time\n\nTime, again." in (out / "memos" / "ngo.md").read_text(encoding="utf-8")


@pytest.fixture
def word_document_bytes(tmp_path: Path):
    def make(text: str) -> bytes:
        from docx import Document

        doc = Document()
        doc.add_paragraph(text)
        path = tmp_path / "w.docx"
        doc.save(str(path))
        return path.read_bytes()
    return make


def test_import_into_an_existing_project_adds_a_coder_and_refuses_to_overwrite(example: Path, tmp_path: Path):
    qdpx = tmp_path / "ex.qdpx"
    assert run("export", "qdpx", str(qdpx), project=example).exit_code == 0
    before = tree_digest(example)
    refused = run("import", "qdpx", str(qdpx), "--into", str(example))
    assert refused.exit_code == 2 and "would replace" in refused.output and "--force" in refused.output
    assert tree_digest(example) == before
    # the same project coded by someone else in another tool: their user name, a renamed code
    qde = qde_of(qdpx).replace(b'name="amara"', b'name="Bea Tool"').replace(b'name="Court procedure"', b'name="Court process"')
    with zipfile.ZipFile(qdpx) as z:
        files = {n: z.read(n) for n in z.namelist() if n != "project.qde"}
    other = make_qdpx(tmp_path / "other.qdpx", qde, files)
    result = run("import", "qdpx", str(other), "--into", str(example))
    assert result.exit_code == 0, result.output
    after = tree_digest(example)
    changed = {k for k in after if before.get(k) != after[k]}
    assert changed and all(k.startswith("codings/Bea-Tool/") for k in changed)  # transcripts and codebook untouched
    assert run("check", project=example).exit_code == 0
    agreement = run("agreement", "--coders", "amara", "Bea-Tool", "--format", "json", project=example)
    assert agreement.exit_code == 0, agreement.output
    pooled = next(f for f in json.loads(agreement.output)["groups"]["all"] if f["theme"] == "pooled")
    assert pooled["kappa"] == 1.0 and pooled["units"] > 100  # the same codings, back under another name


def test_a_codebook_imported_into_a_project_adds_missing_codes_and_keeps_the_yaml(mini: Path, tmp_path: Path):
    qdc = tmp_path / "extra.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="QualCoder"><Codes>'
        '<Code guid="00000000-0000-4000-8000-000000000001" name="Court procedure" isCodable="true"/>'
        '<Code guid="00000000-0000-4000-8000-000000000002" name="Housing" isCodable="true"><Description>Where they live.</Description></Code>'
        '</Codes></CodeBook>', encoding="utf-8")
    original = (mini / "codebooks" / "mini.yaml").read_text(encoding="utf-8")
    result = run("import", "qdc", str(qdc), "--into", str(mini))
    assert result.exit_code == 0, result.output
    text = (mini / "codebooks" / "mini.yaml").read_text(encoding="utf-8")
    assert text.startswith(original.split("themes:")[0].replace("version: 2", "version: 3"))
    cb = load_codebook(mini / "codebooks" / "mini.yaml")
    assert cb.theme("housing").description == "Where they live." and len(cb.themes) == 5


# --- untrusted archives ------------------------------------------------------------------------

def _refused(tmp_path: Path, path: Path, message: str, *extra: str) -> None:
    out = tmp_path / "target"
    result = run("import", "qdpx", str(path), "--out", str(out), *extra)
    assert result.exit_code == 2, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_zip_slip_is_refused_and_nothing_is_written_outside(tmp_path: Path):
    path = make_qdpx(tmp_path / "slip.qdpx", project(""), {"sources/../../evil.txt": b"x", "../escape.qde": b"<x/>"})
    _refused(tmp_path, path, "leaves its folder")
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()


def test_a_zip_bomb_is_refused(tmp_path: Path):
    bomb = project("<Description>" + "a" * 60_000_000 + "</Description>")
    _refused(tmp_path, make_qdpx(tmp_path / "bomb.qdpx", bomb), "zip bomb")


def test_billion_laughs_and_external_entities_are_refused(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
              + f']><Project xmlns="{NS}" name="&lol9;"/>')
    xxe = f'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file://{secret}">]><Project xmlns="{NS}" name="&x;"/>'
    for name, xml in (("laughs", laughs), ("xxe", xxe)):
        out = tmp_path / f"{name}-target"
        result = run("import", "qdpx", str(make_qdpx(tmp_path / f"{name}.qdpx", xml)), "--out", str(out))
        assert result.exit_code == 2 and "DTD" in result.output, result.output
        assert "TOP-SECRET" not in result.output and not out.exists()
        qdc = tmp_path / f"{name}.qdc"
        qdc.write_text(xml.replace("Project", "CodeBook"), encoding="utf-8")
        assert run("import", "qdc", str(qdc), "--out", str(out)).exit_code == 2


def test_not_a_zip_no_qde_and_schema_invalid_files_get_clear_errors(tmp_path: Path):
    junk = tmp_path / "junk.qdpx"
    junk.write_bytes(b"hello, this is not an archive")
    _refused(tmp_path, junk, "neither a zip archive")
    _refused(tmp_path, make_qdpx(tmp_path / "empty.qdpx", "", {}, qde_name="readme.txt"), "no .qde project file")
    broken = project('<Sources><TextSource guid="00000000-0000-4000-8000-0000000000aa" name="x">'
                     '<PlainTextContent>Some text here.</PlainTextContent>'
                     '<PlainTextSelection guid="00000000-0000-4000-8000-000000000001" endPosition="4"/>'
                     '<Wibble/></TextSource></Sources>')
    path = make_qdpx(tmp_path / "broken.qdpx", broken)
    _refused(tmp_path, path, "--lenient")
    result = run("import", "qdpx", str(path), "--out", str(tmp_path / "lenient"), "--lenient")
    assert result.exit_code == 0, result.output
    assert bodies(tmp_path / "lenient")["x"] == "Some text here."


def test_users_named_in_another_script_stay_two_coders(tmp_path: Path):
    code, src = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-0000000000aa"
    users = ('<Users><User guid="00000000-0000-4000-8000-00000000000a" name="李"/>'
             '<User guid="00000000-0000-4000-8000-00000000000b" name="王"/></Users>')
    sels = "".join(
        f'<PlainTextSelection guid="00000000-0000-4000-8000-00000000010{i}" startPosition="0" endPosition="4" '
        f'creatingUser="00000000-0000-4000-8000-00000000000{u}"><Coding guid="00000000-0000-4000-8000-00000000020{i}">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>' for i, u in enumerate("ab"))
    body = (f'{users}<CodeBook><Codes><Code guid="{code}" name="Cost" isCodable="true"/></Codes></CodeBook>'
            f'<Sources><TextSource guid="{src}" name="s"><PlainTextContent>Cost is high.</PlainTextContent>{sels}'
            '</TextSource></Sources>')
    out = tmp_path / "p"
    result = run("import", "qdpx", str(make_qdpx(tmp_path / "u.qdpx", project(body))), "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["codings"] == {"user-00000000": 1, "user-00000000-2": 1}


@needs_refi
def test_a_project_with_no_codings_exports_valid_and_comes_back(mini: Path, tmp_path: Path):
    from lxml import etree

    out = tmp_path / "mini.qdpx"
    result = run("export", "qdpx", str(out), project=mini)
    assert result.exit_code == 0, result.output
    qde = etree.ElementTree(etree.fromstring(qde_of(out)))
    project_schema = schema("Project.xsd")
    assert project_schema.validate(qde), project_schema.error_log
    back = tmp_path / "back"
    assert run("import", "qdpx", str(out), "--out", str(back)).exit_code == 0
    assert bodies(back) == bodies(mini)
    assert run("export", "qdpx", str(tmp_path / "x.qdpx"), "--coder", "nobody", project=mini).exit_code == 2


def test_a_source_whose_id_is_taken_by_other_text_is_imported_beside_it(mini: Path, tmp_path: Path):
    assert run("tag", "cps-01", "--quote", "Hearings are often adjourned.", "--code", "court-procedure",
               "--coder", "ana", project=mini).exit_code == 0
    qdpx = tmp_path / "mini.qdpx"
    assert run("export", "qdpx", str(qdpx), project=mini).exit_code == 0
    with zipfile.ZipFile(qdpx) as z:
        files = {n: z.read(n) for n in z.namelist() if n != "project.qde"}
        qde = z.read("project.qde").replace(b'name="ana"', b'name="bo"')
    cps = next(n for n, d in files.items() if b"Hearings are often adjourned." in d)
    files[cps] = files[cps].replace(b"The bench wants", b"The magistrates want")  # re-transcribed elsewhere
    before = (mini / "transcripts" / "cps-01.md").read_bytes()
    result = run("import", "qdpx", str(make_qdpx(tmp_path / "edited.qdpx", qde, files)), "--into", str(mini))
    assert result.exit_code == 0, result.output
    assert "imported as 'cps-01-2'" in result.output
    assert (mini / "transcripts" / "cps-01.md").read_bytes() == before
    assert [c["text"] for c in imported_codings(mini)[("bo", "cps-01-2")]] == ["Hearings are often adjourned."]
    assert ("bo", "yos-01") not in imported_codings(mini)  # the same text as before: nothing new to add
    assert run("check", project=mini).exit_code == 0


def test_an_archive_of_a_folder_paths_without_scheme_and_what_skipped_sources_cost(tmp_path: Path):
    code = "00000000-0000-4000-8000-000000000001"
    body = (f'<CodeBook><Codes><Code guid="{code}" name="Cost" isCodable="true"/></Codes></CodeBook><Sources>'
            '<TextSource guid="00000000-0000-4000-8000-0000000000aa" name="a" plainTextPath="a.txt">'
            '<PlainTextSelection guid="00000000-0000-4000-8000-000000000101" startPosition="0" endPosition="4">'
            f'<Coding guid="00000000-0000-4000-8000-000000000201"><CodeRef targetGUID="{code}"/></Coding>'
            '</PlainTextSelection></TextSource>'
            '<PictureSource guid="00000000-0000-4000-8000-0000000000bb" name="photo" path="internal://p.png">'
            '<PictureSelection guid="00000000-0000-4000-8000-000000000102" firstX="0" firstY="0" secondX="5" secondY="5">'
            f'<Coding guid="00000000-0000-4000-8000-000000000202"><CodeRef targetGUID="{code}"/></Coding>'
            '</PictureSelection></PictureSource></Sources>')
    path = make_qdpx(tmp_path / "folder.qdpx", project(body), {"Study/sources/a.txt": b"Cost is high."},
                     qde_name="Study/project.qde")
    out = tmp_path / "p"
    result = run("import", "qdpx", str(path), "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [c["text"] for c in imported_codings(out)[("imported", "a")]] == ["Cost"]
    assert any("picture source" in u and "1 coding(s) not imported" in u for u in report["unmapped"])
