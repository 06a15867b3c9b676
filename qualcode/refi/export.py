"""A qualcode project -> REFI-QDA .qdpx (project) or .qdc (codebook), written strictly to the
standard: elements in schema order, UTF-8 sources without BOM with LF line ends, positions in
code points with the end exclusive, `internal://` paths. GUIDs are uuid5 of stable ids, and the
archive's dates are fixed, so exporting an unchanged project twice gives identical bytes."""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version

from .. import busy
from ..corpus import Corpus
from ..errors import QualcodeError
from ..model import Codebook, Theme

NAMESPACE = uuid.UUID("6f1c1d2e-8b0a-5c7e-9a43-7171636f6465")  # qualcode's own uuid5 namespace
PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
CODEBOOK_NOTE = "qualcode codebook (YAML)"  # carries ids, keywords, patterns and groups back to qualcode
GROUP_VARIABLE = "Stakeholder group"
PARTICIPANT_VARIABLE = "Participant"  # on every source too: QualCoder's export drops a Case's links
FIXED_DATE = (2000, 1, 1, 0, 0, 0)
BIG = 2_000_000  # characters of transcript text from which an export takes seconds: a progress bar
SKIP_KEYS = ("id", "participant", "speakers", "interviewers")


_HASHED_NAMESPACE = hashlib.sha1(NAMESPACE.bytes)


def guid(*parts: object) -> str:
    """uuid5(NAMESPACE, parts joined by U+001F), upper case, computed without building UUID objects:
    a big export makes one for every selection and coding, and uuid.uuid5 was a third of its time."""
    h = _HASHED_NAMESPACE.copy()
    h.update("\x1f".join(str(p) for p in parts).encode("utf-8"))
    b = bytearray(h.digest()[:16])
    b[6] = (b[6] & 0x0F) | 0x50  # version 5
    b[8] = (b[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = b.hex().upper()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


@lru_cache(maxsize=4096)
def theme_guid(theme_id: str) -> str:
    return guid("code", theme_id)


def fold_description(t: Theme) -> str:
    """Include and exclude lists folded into the description, the only place other tools have."""
    parts = [t.description] if t.description else []
    for title, items in (("Include", t.include), ("Exclude", t.exclude)):
        if items:
            parts.append(f"{title}:\n" + "\n".join(f"- {i}" for i in items))
    return "\n\n".join(parts)


@dataclass
class ExportReport:
    sources: int = 0
    codings: int = 0
    notes: int = 0
    skipped: list[str] = field(default_factory=list)  # what was not carried, and why


def _el(parent, name: str, attrs: dict | None = None, text: str | None = None):
    """A child in its parent's namespace (read off the tag: `nsmap` builds a dict on every call)."""
    from lxml import etree

    tag = parent.tag
    el = etree.SubElement(parent, tag[:tag.index("}") + 1] + name,
                          {k: str(v) for k, v in (attrs or {}).items() if v is not None})
    if text is not None:
        el.text = text
    return el


def _color(t: Theme) -> str | None:
    value = getattr(t, "color", None)
    return value if isinstance(value, str) and re.fullmatch(r"#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})", value) else None


def _people(t) -> list[str]:
    """Who speaks in a transcript, other than the interviewer: one participant, or a focus group's."""
    return sorted({turn.participant or t.participant for turn in t.turns if not turn.is_interviewer}) or [t.participant]


def _case_selections(src, t, coder: str | None) -> None:
    """The text of each participant in the transcript, coded with the participant's case code:
    the whole text for an interview, each participant's turns in a focus group."""
    people = _people(t)
    if len(people) <= 1:
        spans = [(people[0], 0, len(t.body))]
    else:
        spans = [(turn.participant or t.participant, turn.start, turn.end) for turn in t.turns if not turn.is_interviewer]
    user = guid("user", coder) if coder else None
    for participant, start, end in spans:
        if start >= end:
            continue
        sel = _el(src, "PlainTextSelection", {"guid": guid("case-selection", t.id, start, end),
                                              "name": t.body[start:end][:200],
                                              "startPosition": start, "endPosition": end, "creatingUser": user})
        coding = _el(sel, "Coding", {"guid": guid("case-coding", t.id, start, end), "creatingUser": user})
        _el(coding, "CodeRef", {"targetGUID": guid("case", participant)})


def _codes(parent, codebook: Codebook):
    codes = _el(parent, "Codes")
    nodes = {}
    for t in codebook.themes:
        holder = nodes[t.parent] if t.parent else codes
        el = _el(holder, "Code", {"guid": theme_guid(t.id), "name": t.label, "isCodable": "true", "color": _color(t)})
        description = fold_description(t)
        if description:
            _el(el, "Description", text=description)
        nodes[t.id] = el
    return codes


def _value_type(values: list) -> str:
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "Integer"
    if values and all(isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in values):
        return "Date"
    return "Text"


def _variable_value(parent, var_guid: str, kind: str, value) -> None:
    vv = _el(parent, "VariableValue")
    _el(vv, "VariableRef", {"targetGUID": var_guid})
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)
    _el(vv, {"Integer": "IntegerValue", "Date": "DateValue"}.get(kind, "TextValue"), text=text)


def _variable_name(key: str) -> str:
    return GROUP_VARIABLE if key == "group" else key


def project_xml(corpus: Corpus, coders: list[str], codebook_yaml: str, case_codes: bool = True,
                line_names: bool = False) -> tuple[bytes, dict[str, bytes], ExportReport]:
    """`case_codes`: each case is also a code with the case's GUID coding its participant's text,
    as NVivo writes cases: QualCoder links cases to sources only that way (it ignores a Case's
    SourceRef), and every importer that reads NVivo's files knows the convention.
    `line_names`: name each selection 'line:N' (its first line, from 0), which is how qc places a
    coding (its importer reads no positions); otherwise a selection is named by its text."""
    from lxml import etree

    report = ExportReport()
    cb = corpus.codebook
    root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS})
    root.set("name", cb.name)
    root.set("origin", f"qualcode {version('qualcode')}")
    users = _el(root, "Users") if coders else None  # the schema allows no empty containers
    for coder in coders:
        _el(users, "User", {"guid": guid("user", coder), "name": coder, "id": coder})
    transcripts = corpus.transcripts
    by_participant: dict[str, list] = {}  # everyone who speaks (in a focus group, each speaker) -> transcripts
    for t in transcripts:
        for person in _people(t):
            by_participant.setdefault(person, []).append(t)
    codes_el = _codes(_el(root, "CodeBook"), cb)
    if case_codes:
        for participant in sorted(by_participant):
            _el(codes_el, "Code", {"guid": guid("case", participant), "name": participant, "isCodable": "true"})

    keys: dict[str, list] = {PARTICIPANT_VARIABLE: [t.participant for t in transcripts]} if transcripts else {}
    for t in transcripts:
        for k, v in t.metadata.items():
            if k not in SKIP_KEYS and v not in (None, ""):
                keys.setdefault(k, []).append(v)
    kinds = {k: _value_type(v) for k, v in keys.items()}
    if keys:
        variables = _el(root, "Variables")
        for k in keys:
            v = _el(variables, "Variable", {"guid": guid("variable", k), "name": _variable_name(k), "typeOfVariable": kinds[k]})
            if k == "group":
                _el(v, "Description", text="The participant's stakeholder group (qualcode's 'group').")

    cases = _el(root, "Cases") if by_participant else None
    for participant, ts in sorted(by_participant.items()):
        case = _el(cases, "Case", {"guid": guid("case", participant), "name": participant})
        own = [t for t in ts if t.participant == participant]  # their interviews, not focus groups they spoke in
        for k in keys:  # values every interview of this participant shares
            if k == PARTICIPANT_VARIABLE or not own:
                continue
            values = {json.dumps(t.metadata.get(k), sort_keys=True, default=str) for t in own}
            if len(values) == 1 and own[0].metadata.get(k) not in (None, ""):
                _variable_value(case, guid("variable", k), kinds[k], own[0].metadata[k])
        for t in ts:
            _el(case, "SourceRef", {"targetGUID": guid("source", t.id)})

    files: dict[str, bytes] = {}
    notes: list[tuple] = []  # (guid, name, text, time or None, user guid or None)
    accepted: dict[str, list] = {}
    for f in corpus.files:
        if f.coder not in coders:
            continue
        orphans = len(f.orphaned)
        if orphans:
            report.skipped.append(f"{orphans} orphaned coding(s) of {f.coder} in {f.transcript_id} (their text is "
                                  "no longer in the transcript; `qualcode check`)")
        for c in f.decided:
            if c.status == "accepted":
                accepted.setdefault(f.transcript_id, []).append((f.coder, c))
    memos_dir = corpus.project.root / "memos"
    memo_files = {p.stem: _memo(p, corpus.project) for p in sorted(memos_dir.glob("*.md"))} if memos_dir.is_dir() else {}
    sources = _el(root, "Sources") if transcripts else None
    big = sum(len(t.body) for t in transcripts) >= BIG
    for t in busy.each(f"Exporting {len(transcripts)} transcripts", transcripts, big):
        sid = guid("source", t.id)
        files[f"sources/{sid}.txt"] = t.body.encode("utf-8")
        src = _el(sources, "TextSource", {"guid": sid, "name": t.id, "plainTextPath": f"internal://{sid}.txt"})
        report.sources += 1
        spans: dict[tuple, list] = {}
        for coder, c in accepted.get(t.id, []):
            spans.setdefault((coder, c.start, c.end), []).append(c)
        if case_codes:
            _case_selections(src, t, coders[0] if coders else None)
        for (coder, start, end), cs in sorted(spans.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0])):
            sel_guid = guid("selection", coder, t.id, start, end)
            name = f"line:{t.body.count(chr(10), 0, start)}" if line_names else t.body[start:end][:200]
            sel = _el(src, "PlainTextSelection", {"guid": sel_guid, "name": name,
                                                  "startPosition": start, "endPosition": end,
                                                  "creatingUser": guid("user", coder)})
            for c in sorted(cs, key=lambda c: c.code):
                coding = _el(sel, "Coding", {"guid": guid("coding", coder, t.id, start, end, c.code),
                                             "creatingUser": guid("user", coder),
                                             "creationDateTime": _datetime(c.at)})
                _el(coding, "CodeRef", {"targetGUID": theme_guid(c.code)})
                if c.memo:
                    note = guid("note", coder, t.id, start, end, c.code)
                    _el(coding, "NoteRef", {"targetGUID": note})
                    notes.append((note, f"Memo: {c.code} in {t.id}", c.memo, _datetime(c.at), guid("user", coder)))
                report.codings += 1
        memo = memo_files.pop(t.id, None)
        if memo is not None:  # a transcript's memos file (memos/<id>.md) as its note
            note = guid("note", "memos", t.id)
            _el(src, "NoteRef", {"targetGUID": note})
            notes.append((note, f"memos/{t.id}.md", memo, None, None))
        _variable_value(src, guid("variable", PARTICIPANT_VARIABLE), "Text", t.participant)
        for k, v in t.metadata.items():
            if k in keys and v not in (None, ""):
                _variable_value(src, guid("variable", k), kinds[k], v)
    codebook_note = guid("note", "codebook")
    notes.append((codebook_note, CODEBOOK_NOTE, codebook_yaml, None, None))
    project_notes = [codebook_note]
    for stem, text in sorted(memo_files.items()):  # memos/project.md, memos/codes.md: the project's
        note = guid("note", "memos", stem)
        notes.append((note, f"memos/{stem}.md", text, None, None))
        project_notes.append(note)
    notes_el = _el(root, "Notes")
    # Every Note carries creation and modification times (QualCoder's importer fails without
    # them; NVivo and ATLAS.ti always write them): a memo's own time, else the project's latest
    # coding time, so the same project always exports the same file.
    stamp = max((d for _, _, _, d, _ in notes if d), default=None) or \
        max((_datetime(c.at) or "" for cs in accepted.values() for _, c in cs), default="") or "2000-01-01T00:00:00Z"
    for note_guid, name, text, when, user in notes:
        attrs = {"guid": note_guid, "name": name, "creationDateTime": when or stamp, "modifiedDateTime": when or stamp}
        if note_guid in project_notes:  # a journal to QualCoder, which reads one only from a file
            attrs["plainTextPath"] = f"internal://{note_guid}.txt"
            files[f"sources/{note_guid}.txt"] = text.encode("utf-8")
        if user:
            attrs.update(creatingUser=user, modifyingUser=user)
        n = _el(notes_el, "Note", attrs)
        _el(n, "PlainTextContent", text=text)
    report.notes = len(notes) - 1  # the codebook note is not a memo
    _group_sets(root, cb, sorted({t.group for t in transcripts if t.group}), "targetGUID", transcripts)
    _el(root, "Description", text=f"Exported by qualcode from the codebook '{cb.name}' (version {cb.version}).")
    for note in project_notes:
        _el(root, "NoteRef", {"targetGUID": note})
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return xml, files, report


def _group_sets(root, cb: Codebook, groups: list[str], member_attr: str, transcripts=()) -> None:
    """A set per stakeholder group: the themes coded for it and (in a project) its transcripts.
    A codebook's members are MemberCode@guid, a project's MemberCode@targetGUID (the two schemas differ)."""
    if not groups:
        return
    sets = _el(root, "Sets")
    for g in groups:
        s = _el(sets, "Set", {"guid": guid("set", g), "name": f"{GROUP_VARIABLE}: {g}"})
        _el(s, "Description", text=cb.group_label(g))
        for t in cb.themes:
            if g in t.groups:
                _el(s, "MemberCode", {member_attr: theme_guid(t.id)})
        for t in transcripts:
            if t.group == g:
                _el(s, "MemberSource", {"targetGUID": guid("source", t.id)})


def _datetime(at: str | None) -> str | None:
    return at if at and re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?", at) else None


def codebook_xml(codebook: Codebook) -> bytes:
    from lxml import etree

    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", f"qualcode {version('qualcode')}")
    _codes(root, codebook)
    _group_sets(root, codebook, [g for g in codebook.groups if any(g in t.groups for t in codebook.themes)], "guid")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def qdpx_bytes(xml: bytes, files: dict[str, bytes]) -> bytes:
    """The archive: project.qde then sources/, fixed dates and modes, so the bytes are reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [("project.qde", xml), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return out.getvalue()


def _memo(path, project) -> str:
    """A memo's text; a link out of the project is refused as transcripts are (never packed unasked)."""
    from ..transcripts import check_inside

    check_inside(path, project.root, project.rel(path), project.allow_outside_links)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise QualcodeError("cannot read the memo as UTF-8", project.rel(path), "Save it as UTF-8.")

