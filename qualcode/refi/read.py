"""A REFI-QDA project or codebook XML -> plain data, checked against the parts of the standard's
schema qualcode relies on, tolerant of what real tools are known to write.

Problems are of two kinds: `problems` make the file schema-invalid in a way that matters (a
selection without positions, an unknown element) and stop an import unless `--lenient`;
`quirks` are known deviations of real tools (an empty `<Sets/>` from Taguette, GUIDs in braces
or lower case) that are noted and tolerated."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")

# The content models of the elements qualcode reads, in schema order; others are skipped whole.
ORDER = {
    "Project": ("Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs",
                "Description", "NoteRef"),
    "Users": ("User",), "CodeBook": ("Codes", "Sets"), "Codes": ("Code",),
    "Code": ("Description", "NoteRef", "Code"), "Variables": ("Variable",), "Variable": ("Description",),
    "Cases": ("Case",), "Case": ("Description", "CodeRef", "VariableValue", "SourceRef", "SelectionRef"),
    "TextSource": ("Description", "PlainTextContent", "PlainTextSelection", "Coding", "NoteRef", "VariableValue"),
    "Note": ("Description", "PlainTextContent", "PlainTextSelection", "Coding", "NoteRef", "VariableValue"),
    "PlainTextSelection": ("Description", "Coding", "NoteRef"), "Coding": ("CodeRef", "NoteRef"),
    "Notes": ("Note",), "Sets": ("Set",), "Set": ("Description", "MemberCode", "MemberSource", "MemberNote"),
    "VariableValue": ("VariableRef", "TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue",
                      "DateTimeValue"),
}
ANY_ORDER = {"Sources": ("TextSource", "PictureSource", "PDFSource", "AudioSource", "VideoSource")}
REQUIRED = {
    "User": ("guid",), "Code": ("guid", "name", "isCodable"), "Variable": ("guid", "name", "typeOfVariable"),
    "Case": ("guid",), "TextSource": ("guid",), "Note": ("guid",), "Set": ("guid", "name"),
    "PlainTextSelection": ("guid", "startPosition", "endPosition"), "Coding": ("guid",),
    "CodeRef": ("targetGUID",), "NoteRef": ("targetGUID",), "SourceRef": ("targetGUID",),
    "VariableRef": ("targetGUID",), "MemberSource": ("targetGUID",), "MemberNote": ("targetGUID",),
}
NOT_EMPTY = ("Users", "Codes", "Variables", "Cases", "Sources", "Notes", "Sets")
GUID_ATTRS = ("guid", "targetGUID", "creatingUser", "modifyingUser", "creatingUserGUID", "modifyingUserGUID")


def norm_guid(value: str | None) -> str:
    """GUIDs compare without case and braces: tools write both."""
    return (value or "").strip().strip("{}").lower()


@dataclass
class Code:
    guid: str
    name: str
    codable: bool
    color: str | None
    description: str
    parent: str | None
    notes: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class Selection:
    guid: str
    start: int
    end: int
    name: str | None
    user: str | None
    codings: list[tuple[str, str | None, str | None, list[str]]]  # (code guid, user guid, date, note guids)
    description: str
    notes: list[str]
    line: int | None = None


@dataclass
class Source:
    guid: str
    name: str
    kind: str  # TextSource, PDFSource, ...
    plain_path: str | None
    rich_path: str | None
    content: str | None
    selections: list[Selection] = field(default_factory=list)
    whole_codings: list[tuple[str, str | None, str | None, list[str]]] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)  # variable guid -> value
    notes: list[str] = field(default_factory=list)
    description: str = ""
    line: int | None = None
    coding_count: int = 0  # every Coding inside it, of any selection kind (for what a skipped source costs)


@dataclass
class Case:
    guid: str
    name: str
    description: str
    values: dict[str, object]
    sources: list[str]


@dataclass
class RefiDocument:
    kind: str  # project | codebook
    name: str
    origin: str
    codes: list[Code] = field(default_factory=list)  # tree order, parents first
    users: dict[str, str] = field(default_factory=dict)
    variables: dict[str, tuple[str, str]] = field(default_factory=dict)  # guid -> (name, type)
    cases: list[Case] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    notes: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)  # guid -> (name, text, path)
    sets: list[tuple[str, str, list[str], list[str]]] = field(default_factory=list)  # (guid, name, sources, codes)
    project_notes: list[str] = field(default_factory=list)
    description: str = ""
    problems: list[str] = field(default_factory=list)
    quirks: list[str] = field(default_factory=list)

    @property
    def code_by_guid(self) -> dict[str, Code]:
        return {c.guid: c for c in self.codes}


def _local(el) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def _children(el, name: str) -> list:
    return [c for c in el if _local(c) == name]


def _text(el, name: str) -> str:
    found = _children(el, name)
    return (found[0].text or "").strip() if found else ""


def _check(root, where: str, doc: RefiDocument) -> None:
    """The schema's structure for the elements qualcode reads: order, required attributes,
    GUID and number formats. Empty containers are a tolerated quirk."""
    for el in root.iter():
        name = _local(el)
        if not name:
            continue
        at = f"{where}:{el.sourceline}"
        for attr in REQUIRED.get(name, ()):
            if el.get(attr) is None:
                doc.problems.append(f"{at}: <{name}> has no '{attr}'")
        for attr in GUID_ATTRS:
            value = el.get(attr)
            if value is not None and not GUID.match(value.strip()):
                doc.problems.append(f"{at}: '{value}' in {name}@{attr} is not a GUID")
        for attr in ("startPosition", "endPosition"):
            value = el.get(attr)
            if value is not None and not re.fullmatch(r"\s*-?\d+\s*", value):
                doc.problems.append(f"{at}: {name}@{attr} '{value}' is not a whole number")
        if name == "Code" and el.get("isCodable") not in (None, "true", "false", "1", "0"):
            doc.problems.append(f"{at}: Code@isCodable must be true or false, not '{el.get('isCodable')}'")
        if name in NOT_EMPTY and not any(_local(c) for c in el):
            doc.quirks.append(f"{at}: empty <{name}/> (the schema wants at least one child; Taguette writes it)")
        allowed = ORDER.get(name) or ANY_ORDER.get(name)
        if not allowed:
            continue
        last = -1
        for child in el:
            cname = _local(child)
            if not cname:
                continue
            if cname not in allowed:
                doc.problems.append(f"{where}:{child.sourceline}: unexpected <{cname}> inside <{name}>")
                continue
            index = allowed.index(cname)
            if name in ORDER and index < last:
                doc.problems.append(f"{where}:{child.sourceline}: <{cname}> is out of order inside <{name}> "
                                    f"(the schema's order: {', '.join(allowed)})")
            last = max(last, index)


def _value(vv) -> tuple[str, object] | None:
    ref = _children(vv, "VariableRef")
    if not ref:
        return None
    for child in vv:
        kind = _local(child)
        if kind.endswith("Value"):
            text = (child.text or "").strip()
            if kind == "IntegerValue" and re.fullmatch(r"-?\d+", text):
                return norm_guid(ref[0].get("targetGUID")), int(text)
            if kind == "BooleanValue":
                return norm_guid(ref[0].get("targetGUID")), text in ("true", "1")
            if text[:1] == "[" and text[-1:] == "]":  # a list qualcode wrote as JSON (e.g. sets:)
                try:
                    return norm_guid(ref[0].get("targetGUID")), json.loads(text)
                except ValueError:
                    pass
            return norm_guid(ref[0].get("targetGUID")), text
    return None


def _codings(el) -> list[tuple[str, str | None, str | None, list[str]]]:
    out = []
    for coding in _children(el, "Coding"):
        ref = _children(coding, "CodeRef")
        out.append((norm_guid(ref[0].get("targetGUID")) if ref else "", norm_guid(coding.get("creatingUser")) or None,
                    coding.get("creationDateTime"), [norm_guid(n.get("targetGUID")) for n in _children(coding, "NoteRef")]))
    return out


def _int(value: str | None) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        return -1


def _duplicate_guids(doc: RefiDocument, where: str) -> None:
    """Two codes (or two sources) with one GUID would silently pool their codings under one of
    them: an error naming both lines, lenient or not."""
    for kind, items in (("Code", doc.codes), ("source", doc.sources)):
        first: dict[str, object] = {}
        for item in items:
            if not item.guid:
                continue
            if item.guid in first:
                raise DuplicateGuid(f"two {kind}s share the GUID {item.guid}: '{first[item.guid].name}' "
                                    f"(line {first[item.guid].line}) and '{item.name}' (line {item.line}); "
                                    f"their codings cannot be told apart", f"{where}:{item.line}")
            first[item.guid] = item


class DuplicateGuid(ValueError):
    def __init__(self, message: str, where: str):
        super().__init__(message)
        self.where = where


def read_document(root, where: str) -> RefiDocument:
    kind = _local(root)
    ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if kind not in ("Project", "CodeBook"):
        raise ValueError(f"the root element is <{kind}>, not a REFI-QDA <Project> or <CodeBook>")
    doc = RefiDocument("project" if kind == "Project" else "codebook", root.get("name") or "", root.get("origin") or "")
    expected = PROJECT_NS if kind == "Project" else CODEBOOK_NS
    if ns != expected:
        doc.problems.append(f"{where}:{root.sourceline}: the root element's namespace is '{ns or 'none'}', "
                            f"not '{expected}'")
    if kind == "Project" and root.get("name") is None:
        doc.problems.append(f"{where}:{root.sourceline}: <Project> has no 'name'")
    _check(root, where, doc)

    def codes(top):
        """The code tree in document order, parents first, walked without recursion."""
        from ..codebook import MAX_THEME_DEPTH

        stack = [(c, None, 1) for c in reversed(_children(top, "Code"))]
        while stack:
            c, parent, depth = stack.pop()
            if depth > MAX_THEME_DEPTH:
                raise ValueError(f"codes nest more than {MAX_THEME_DEPTH} levels deep (line {c.sourceline}); "
                                 "a qualcode codebook holds at most that many levels")
            code = Code(norm_guid(c.get("guid")), (c.get("name") or "").strip(), c.get("isCodable") in ("true", "1", None),
                        c.get("color"), _text(c, "Description"), parent,
                        [norm_guid(n.get("targetGUID")) for n in _children(c, "NoteRef")], c.sourceline)
            doc.codes.append(code)
            stack.extend((child, code.guid, depth + 1) for child in reversed(_children(c, "Code")))

    books = [root] if kind == "CodeBook" else _children(root, "CodeBook")
    for book in books:
        for codes_el in _children(book, "Codes"):
            codes(codes_el)
        for sets in _children(book, "Sets") if kind == "CodeBook" else []:
            for s in _children(sets, "Set"):
                # in a codebook, members are MemberCode@guid; some tools write @targetGUID as in a project
                members = [norm_guid(m.get("guid") or m.get("targetGUID")) for m in _children(s, "MemberCode")]
                doc.sets.append((norm_guid(s.get("guid")), s.get("name") or "", [], members))
    if kind == "CodeBook":
        _duplicate_guids(doc, where)
        return doc

    for users in _children(root, "Users"):
        for u in _children(users, "User"):
            doc.users[norm_guid(u.get("guid"))] = (u.get("name") or u.get("id") or "").strip()
    for variables in _children(root, "Variables"):
        for v in _children(variables, "Variable"):
            doc.variables[norm_guid(v.get("guid"))] = ((v.get("name") or "").strip(), v.get("typeOfVariable") or "Text")
    for cases in _children(root, "Cases"):
        for c in _children(cases, "Case"):
            values = dict(filter(None, (_value(vv) for vv in _children(c, "VariableValue"))))
            doc.cases.append(Case(norm_guid(c.get("guid")), (c.get("name") or "").strip(), _text(c, "Description"),
                                  values, [norm_guid(r.get("targetGUID")) for r in _children(c, "SourceRef")]))
    for sources in _children(root, "Sources"):
        for s in sources:
            kind_ = _local(s)
            if not kind_:
                continue
            src = Source(norm_guid(s.get("guid")), (s.get("name") or "").strip(), kind_,
                         s.get("plainTextPath"), s.get("richTextPath") or s.get("path"),
                         _children(s, "PlainTextContent")[0].text if _children(s, "PlainTextContent") else None,
                         description=_text(s, "Description"), line=s.sourceline,
                         coding_count=sum(1 for el in s.iter() if _local(el) == "Coding"))
            for sel in _children(s, "PlainTextSelection"):
                src.selections.append(Selection(
                    norm_guid(sel.get("guid")), _int(sel.get("startPosition")), _int(sel.get("endPosition")),
                    sel.get("name"), norm_guid(sel.get("creatingUser")) or None, _codings(sel),
                    _text(sel, "Description"), [norm_guid(n.get("targetGUID")) for n in _children(sel, "NoteRef")],
                    sel.sourceline))
            src.whole_codings = _codings(s)
            src.values = dict(filter(None, (_value(vv) for vv in _children(s, "VariableValue"))))
            src.notes = [norm_guid(n.get("targetGUID")) for n in _children(s, "NoteRef")]
            doc.sources.append(src)
    for notes in _children(root, "Notes"):
        for n in _children(notes, "Note"):
            content = _children(n, "PlainTextContent")
            doc.notes[norm_guid(n.get("guid"))] = ((n.get("name") or "").strip(),
                                                   content[0].text if content else None, n.get("plainTextPath"))
    for sets in _children(root, "Sets"):
        for s in _children(sets, "Set"):
            doc.sets.append((norm_guid(s.get("guid")), s.get("name") or "",
                             [norm_guid(m.get("targetGUID")) for m in _children(s, "MemberSource")],
                             [norm_guid(m.get("targetGUID") or m.get("guid")) for m in _children(s, "MemberCode")]))
    doc.project_notes = [norm_guid(n.get("targetGUID")) for n in _children(root, "NoteRef")]
    _duplicate_guids(doc, where)
    doc.description = _text(root, "Description")
    return doc
