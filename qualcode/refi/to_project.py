"""A parsed REFI-QDA document -> the files of a qualcode project: a codebook YAML, transcripts
with front matter, codings per coder, memos. Nothing is written here (importer.py writes, all or
nothing); everything that cannot be carried across is listed in the report, never dropped
silently. Positions are worked out in positions.py."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .. import busy
from ..codebook import GROUP_ID, THEME_ID, validate_text
from ..codebook_edit import slug as id_from
from ..model import Codebook, Coding
from ..store import CODER, to_json
from .codebook_yaml import codebook_yaml, unfold_description
from .export import CODEBOOK_NOTE, GROUP_VARIABLE, PARTICIPANT_VARIABLE, theme_guid
from .names import Names
from .positions import Positions, choose_unit, decode_source, docx_text
from .read import RefiDocument
from .safe import Package

GROUP_NAMES = {"stakeholder group", "stakeholder", "group", "stakeholder_group", "stakeholder-group"}


@dataclass
class ImportReport:
    name: str
    origin: str
    themes: int = 0
    transcripts: int = 0
    codings: Counter = field(default_factory=Counter)  # per coder
    memos: int = 0
    units: dict[str, str] = field(default_factory=dict)  # transcript -> how positions were counted
    unmapped: list[str] = field(default_factory=list)  # what could not be carried, and why
    notes: list[str] = field(default_factory=list)  # decisions worth knowing
    files: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"name": self.name, "origin": self.origin, "themes": self.themes, "transcripts": self.transcripts,
                "codings": dict(self.codings), "memos": self.memos, "units": self.units,
                "unmapped": self.unmapped, "notes": self.notes, "files": self.files}


SET_VARIABLE = "\x00set"  # a variable that only repeats a group's Set: not kept


TEXT_SUFFIXES = {"txt", "md", "docx", "doc", "rtf", "odt", "pdf", "vtt", "srt", "html", "htm"}


def source_stem(name: str) -> str:
    """A source's name as a transcript id would be: without a folder or a text file's suffix
    ('cps/cps-01.txt' -> 'cps-01'), which tools such as qc put in the name."""
    base = name.strip().replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = base.rpartition(".")
    return stem if dot and stem and suffix.lower() in TEXT_SUFFIXES else base


def slug(text: str, fallback: str = "code") -> str:
    """An id from a tool's name for a code or source: codebook_edit.slug, at most 60 characters."""
    return id_from(text)[:60].strip("-") or fallback


# --- the conversion ---------------------------------------------------------------------------

@dataclass
class Planned:
    files: dict[str, bytes]  # project-relative path -> content
    report: ImportReport
    codebook: Codebook
    codebook_text: str
    groups: dict[str, str]


def _hint(doc: RefiDocument, pkg: Package) -> tuple[Codebook | None, str]:
    """The qualcode codebook a qualcode export carries as a note (ids, keywords, patterns,
    groups), and its description. The note's text may be inline or, after a trip through
    QualCoder (which keeps it as a journal), only in its file."""
    import yaml

    for note_guid, (name, _, _) in doc.notes.items():
        text = _note_text(doc, pkg, note_guid) if name == CODEBOOK_NOTE else None
        if text:
            codebook, problems = validate_text(text, CODEBOOK_NOTE, check_patterns=False)
            if problems:
                return None, ""
            return codebook, str((yaml.safe_load(text) or {}).get("description") or "")
    return None, ""


def _note_text(doc: RefiDocument, pkg: Package, guid: str, missing: dict[str, str] | None = None) -> str | None:
    name, text, path = doc.notes.get(guid, ("", None, None))
    if text is None and path:
        data = pkg.source(path) if path.startswith("internal://") else None
        text = decode_source(data) if data is not None else None
        if text is None and missing is not None:
            missing[guid] = f"memo '{name or guid}': its text is missing from the archive ({path})"
    elif guid not in doc.notes and missing is not None:
        missing[guid] = f"a reference to a memo that is not in the file ({guid})"
    return text.strip() if text else None


def coder_names(users: dict[str, str]) -> dict[str, str]:
    """A coder name (a folder under codings/) for each user: their name made safe, unique, and
    never empty (a name in another script becomes user-<guid>), so two people never merge."""
    out: dict[str, str] = {}
    taken = Names()
    for guid, name in users.items():
        ascii_ = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
        candidate = re.sub(r"[^A-Za-z0-9_.-]+", "-", ascii_).strip("-.")
        if not CODER.match(candidate or ""):
            candidate = f"user-{guid[:8]}"
        out[guid] = taken.unique(candidate)
    return out


def _front_matter(meta: dict) -> str:
    import yaml

    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000) + "---\n"


def _theme_tree(doc: RefiDocument, hint: Codebook | None, report: ImportReport) -> tuple[list[dict], dict[str, str]]:
    """The codes as a theme tree (plain data), and each code's theme id. Ids come from a
    qualcode export's codebook note where its GUID matches, else from the name (a duplicate
    name gets its parent's id in front)."""
    by_hint = {theme_guid(t.id): t for t in hint.themes} if hint else {}
    # A tool that writes new GUIDs on export (QualCoder) keeps the labels: match those, by the
    # label and the parent's label together, where no GUID matches.
    hint_label = {t.id: t.label for t in hint.themes} if hint else {}
    by_label: dict[tuple, list] = {}
    for t in hint.themes if hint else ():
        by_label.setdefault((t.label, hint_label.get(t.parent)), []).append(t)
    code_name = {c.guid: c.name for c in doc.codes}
    taken = Names()
    theme_of: dict[str, str] = {}
    themes: list[dict] = []
    nodes: dict[str, dict] = {}
    for code in doc.codes:
        known = by_hint.get(code.guid.upper())
        if known is None and by_hint:
            same = by_label.get((code.name, code_name.get(code.parent) if code.parent else None), [])
            known = same[0] if len(same) == 1 else None
        parent_id = theme_of.get(code.parent) if code.parent else None
        if known and known.id not in taken:
            tid = known.id
            taken.add(tid)
        else:
            base = slug(code.name)
            tid = taken.unique(base if base not in taken or not parent_id else f"{parent_id}-{base}"[:80].strip("-"))
            if not THEME_ID.match(tid):
                tid = taken.unique("code")
        theme_of[code.guid] = tid
        description, include, exclude = unfold_description(code.description)
        node = {"id": tid, "label": code.name or tid}
        if known:
            parent_groups = nodes[parent_id]["_groups"] if parent_id else ()
            if known.groups and tuple(known.groups) != tuple(parent_groups):
                node["groups"] = list(known.groups)
        node["_groups"] = tuple(node.get("groups") or (nodes[parent_id]["_groups"] if parent_id else ()))
        if description:
            node["description"] = description
        if include:
            node["include"] = include
        if exclude:
            node["exclude"] = exclude
        if known:
            for key in ("keywords", "patterns", "examples"):
                if getattr(known, key):
                    node[key] = list(getattr(known, key))
        if code.color and re.fullmatch(r"#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})", code.color):
            node["color"] = code.color
        if not code.codable:
            report.notes.append(f"'{code.name}' is not codable in {doc.origin or 'the source tool'}: imported as a "
                                f"grouping theme ('{tid}')")
        nodes[tid] = node
        (nodes[parent_id].setdefault("children", []) if parent_id else themes).append(node)
    report.themes = len(doc.codes)
    if not themes:  # a codebook needs a theme; say so rather than invent codes
        themes.append({"id": "to-define", "label": "To define",
                       "description": "The imported file had no codes. Replace this theme with your own."})
        report.notes.append("the file has no codes: the codebook starts with one theme, 'to-define', to replace")
    return themes, theme_of


def plan(doc: RefiDocument, pkg: Package, default_coder: str = "imported", group_variable: str | None = None,
         existing: dict[str, str] | None = None) -> Planned:
    """`existing`: the target project's transcripts (id -> text). A source with the same text as
    one of them is that transcript (its new codings attach to it); one whose id is taken by
    other text gets an id of its own, so no transcript is ever replaced."""
    report = ImportReport(doc.name or pkg.path.stem, doc.origin)
    hint, hint_description = _hint(doc, pkg)
    existing = existing or {}
    by_text = {body: tid for tid, body in existing.items()}

    # Cases written as codes too (NVivo, and qualcode for QualCoder): a code with a case's GUID is
    # the case, not a theme, and its codings say which text is the case's.
    case_by_guid = {c.guid: c for c in doc.cases}
    case_codes = [c for c in doc.codes if c.guid in case_by_guid]
    if case_codes:
        doc.codes = [c for c in doc.codes if c.guid not in case_by_guid]
        for src in doc.sources:
            linked = [g for sel in src.selections for g, *_ in sel.codings if g in case_by_guid]
            linked += [g for g, *_ in src.whole_codings if g in case_by_guid]
            for g in dict.fromkeys(linked):
                if src.guid not in case_by_guid[g].sources:
                    case_by_guid[g].sources.append(src.guid)
            kept = []
            for sel in src.selections:
                had = len(sel.codings)
                sel.codings = [c for c in sel.codings if c[0] not in case_by_guid]
                if had and not sel.codings and not (sel.description or sel.notes):
                    continue  # only a case link
                kept.append(sel)
            src.selections = kept
            src.whole_codings = [c for c in src.whole_codings if c[0] not in case_by_guid]
        report.notes.append(f"{len(case_codes)} case(s) written as codes too (NVivo's way): read as cases, not themes")

    themes, theme_of = _theme_tree(doc, hint, report)

    # Stakeholder groups: a variable named like one (or the one named on the command line)
    group_var = None
    for vguid, (vname, _) in doc.variables.items():
        if (group_variable and vname.casefold() == group_variable.casefold()) or \
                (not group_variable and vname.casefold() in GROUP_NAMES | {GROUP_VARIABLE.casefold()}):
            group_var = vguid
    if group_variable and group_var is None:
        report.unmapped.append(f"no variable named '{group_variable}': transcripts have no stakeholder group")
    groups: dict[str, str] = {g.id: g.label for g in hint.groups.values()} if hint else {}

    def group_id(value) -> str:
        text = str(value).strip()
        gid = text if GROUP_ID.match(text) else (re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-_") or "group")
        groups.setdefault(gid, text)
        return gid

    group_name = doc.variables.get(group_var, ("", ""))[0] if group_var else GROUP_VARIABLE

    def key_of(vguid: str) -> str | None:
        if vguid == group_var:
            return "group"
        name = doc.variables.get(vguid, ("", ""))[0]
        if not name:
            return None
        if name.casefold() == PARTICIPANT_VARIABLE.casefold():
            return "participant"
        if name.casefold().startswith(group_name.casefold() + ":"):
            return SET_VARIABLE  # QualCoder turns each group's Set into a variable of its own
        key = name if re.fullmatch(r"[a-z][a-z0-9_]*", name) else re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        return key if key not in ("id", "participant", "speakers", "interviewers") else f"{key}_"

    case_of: dict[str, list] = {}
    for case in doc.cases:
        for sguid in case.sources:
            case_of.setdefault(sguid, []).append(case)
    sets_of: dict[str, list[str]] = {}
    for _, name, members, _ in doc.sets:
        for m in members:
            sets_of.setdefault(m, []).append(name)

    coders = coder_names(doc.users)
    files: dict[str, bytes] = {}
    missing: dict[str, str] = {}  # memos whose text cannot be found, reported once each
    used_ids = Names(existing)
    codings: dict[tuple[str, str], dict[tuple, Coding]] = {}
    memos: dict[str, list[str]] = {}
    source_memos: dict[str, list[str]] = {}

    big = len(doc.sources) >= 200 or sum(len(s.selections) for s in doc.sources) >= 10_000
    for src in busy.each(f"Reading {len(doc.sources)} sources", doc.sources, big):
        label = f"source '{src.name or src.guid}'"
        counted = src.coding_count
        memo_only = sum(1 for s in src.selections if not s.codings and (s.description or s.notes))
        lost = ", ".join(x for x in (f"{counted} coding(s)" if counted else "",
                                     f"{memo_only} memo(s) on passages" if memo_only else "") if x)
        lost = f" ({lost} not imported)" if lost else ""
        if src.kind != "TextSource":
            report.unmapped.append(f"{label}: a {src.kind[:-6].lower()} source; qualcode codes text only{lost}")
            continue
        raw = src.content
        if raw is None and src.plain_path:
            if src.plain_path.startswith("internal://") or "://" not in src.plain_path:  # no scheme: in the archive
                data = pkg.source(src.plain_path)
                raw = decode_source(data) if data is not None else None
                if data is not None and raw is None:
                    report.unmapped.append(f"{label}: its text file is not UTF-8 or UTF-16{lost}")
                    continue
            else:
                report.unmapped.append(f"{label}: its text is outside the archive ({src.plain_path}){lost}")
                continue
        if raw is None and src.rich_path and src.rich_path.lower().endswith(".docx") and \
                (src.rich_path.startswith("internal://") or "://" not in src.rich_path):
            raw = docx_text(pkg.source(src.rich_path))
            if raw is not None:
                report.notes.append(f"{label}: only a Word file; its text was extracted, and selections are "
                                    "verified against it")
        if raw is None:
            where = src.plain_path or src.rich_path or "no path given"
            report.unmapped.append(f"{label}: its text is missing from the archive ({where}){lost}")
            continue
        raw = raw.lstrip("\ufeff")
        pos = Positions(raw)
        if not pos.body.strip() or "\x00" in pos.body:
            report.unmapped.append(f"{label}: the text is empty or binary{lost}")
            continue
        stem = source_stem(src.name or "")
        base = stem if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", stem) else slug(stem, "source")
        same = by_text.get(pos.body)
        tid = same or used_ids.unique(base)
        if not same and base in existing:
            report.notes.append(f"{src.name}: the project has a transcript '{base}' with other text; imported as '{tid}'")
        unit, verified, named = choose_unit(src, pos, doc.origin)
        report.units[tid] = unit + (f" ({verified} of {named} selections verified by their text)" if named else "")
        if named and verified < named:
            report.notes.append(f"{tid}: {named - verified} of {named} selections do not cover the text their name "
                                "gives; imported at their positions; check them")

        meta: dict = {"id": tid}
        if "/" in (src.name or "") or "\\" in (src.name or ""):
            meta["source_name"] = src.name  # qc names a source by its path in the corpus, 'cps/cps-01.txt'
        cases = case_of.get(src.guid, [])
        if cases:
            meta["participant"] = cases[0].name or tid
            if len(cases) > 1:
                report.notes.append(f"{tid}: in {len(cases)} cases; participant is '{cases[0].name}'")
        values: dict = {}
        for case in cases[:1]:
            values.update(case.values)
        values.update(src.values)
        for vguid, value in values.items():
            if value is None or value == "":
                continue
            key = key_of(vguid)
            if key is None:
                report.unmapped.append(f"{tid}: a value of an undeclared variable ({vguid})")
                continue
            if key == SET_VARIABLE or (key == "participant" and cases):
                continue  # a case says who the participant is better than a copy of its name
            meta[key] = group_id(value) if key == "group" else value
        if src.description:
            meta["description"] = src.description
        if cases and cases[0].description:
            meta["case_description"] = cases[0].description
        member = [n for n in sets_of.get(src.guid, []) if not _is_group_set(n, meta)]
        if member:
            meta["sets"] = member
        if same:
            report.notes.append(f"{src.name}: the same text as the project's transcript '{same}': codings attach to it")
        else:
            files[f"transcripts/{tid}.txt"] = (_front_matter(meta) + pos.body).encode("utf-8")
            report.transcripts += 1

        def add(code_guid, user, date, note_ids, s, e, selection_user, extra_memo, tid=tid, pos=pos):
            theme = theme_of.get(code_guid)
            if theme is None:
                report.unmapped.append(f"{tid}: a coding of an unknown code ({code_guid}) at {s}-{e}")
                return
            coder = coders.get(user or "") or coders.get(selection_user or "") or default_coder
            memo_parts = [extra_memo] + [_note_text(doc, pkg, n, missing) for n in note_ids]
            memo = "\n\n".join(dict.fromkeys(m for m in memo_parts if m)) or None
            c = Coding(code=theme, start=s, end=e, text=pos.body[s:e], source="import", status="accepted",
                       at=date if date else None, memo=memo)
            codings.setdefault((coder, tid), {})[(s, e, theme)] = c

        for sel in src.selections:
            s, e = pos.span(sel.start, sel.end, unit)
            memo_bits = [sel.description] + [_note_text(doc, pkg, n, missing) for n in sel.notes]
            memo = "\n\n".join(m for m in memo_bits if m) or None
            if not 0 <= s < e <= len(pos.body):
                what = f"{len(sel.codings)} coding(s)" if sel.codings else "a memo"
                report.unmapped.append(f"{tid}: selection at {sel.start}-{sel.end} (line {sel.line}) is empty or "
                                       f"outside the text ({len(pos.body)} characters): {what} not imported")
                continue
            if not sel.codings:
                if memo:
                    memos.setdefault(tid, []).append(f"## {tid} {s}-{e}\n\n> {' '.join(pos.body[s:e].split())}\n\n{memo}\n")
                    report.memos += 1
                else:
                    report.unmapped.append(f"{tid}: selection at {sel.start}-{sel.end} has no code and no memo")
                continue
            for code_guid, user, date, note_ids in sel.codings:
                add(code_guid, user, date, note_ids, s, e, sel.user, memo)
        texts = [t for t in (_note_text(doc, pkg, n, missing) for n in src.notes) if t]
        if texts:
            source_memos[tid] = texts
        for code_guid, user, date, note_ids in src.whole_codings:
            s = len(pos.body) - len(pos.body.lstrip())
            e = len(pos.body.rstrip())
            add(code_guid, user, date, note_ids, s, e, None, None)
            report.notes.append(f"{tid}: a coding of the whole source became a coding of its whole text")

    for (coder, tid), items in sorted(codings.items()):
        lines = sorted(items.values(), key=lambda c: (c.start, c.end, c.code))
        files[f"codings/{coder}/{tid}.jsonl"] = "".join(to_json(c) + "\n" for c in lines).encode("utf-8")
        report.codings[coder] += len(lines)

    # Memos of codes, of the project, and of selections without a code: plain Markdown
    code_memos = []
    for code in doc.codes:
        texts = [t for t in (_note_text(doc, pkg, n, missing) for n in code.notes) if t]
        if texts:
            code_memos.append(f"## {theme_of[code.guid]} ({code.name})\n\n" + "\n\n".join(texts) + "\n")
    if code_memos:
        files["memos/codes.md"] = ("# Memos on codes\n\n" + "\n".join(code_memos)).encode("utf-8")
        report.memos += len(code_memos)
    project_memos = []
    for n in doc.project_notes:
        name, text = doc.notes.get(n, ("",))[0], _note_text(doc, pkg, n, missing)
        if name == CODEBOOK_NOTE or not text:
            continue
        if re.fullmatch(r"memos/[A-Za-z0-9][A-Za-z0-9_.-]*\.md", name):  # a memos file qualcode exported
            files[name] = (text + "\n").encode("utf-8")
            report.memos += 1
        else:
            project_memos.append(text)
    if project_memos:
        files["memos/project.md"] = ("# Project memos\n\n" + "\n\n".join(project_memos) + "\n").encode("utf-8")
        report.memos += len(project_memos)
    for tid, items in memos.items():
        files[f"memos/{tid}.md"] = (f"# Memos on {tid}\n\n" + "\n".join(items)).encode("utf-8")
    for tid, items in source_memos.items():  # notes on a whole source, after those on its passages
        head = f"# Memos on {tid}\n\n"
        earlier = files.get(f"memos/{tid}.md", b"").decode("utf-8")
        parts = [earlier.rstrip("\n")] if earlier else []
        parts += [t if t.startswith(head) and not earlier else t.removeprefix(head) for t in items]
        text = "\n\n".join(parts)
        files[f"memos/{tid}.md"] = ((text if text.startswith(head) else head + text) + "\n").encode("utf-8")
        report.memos += len(items)

    report.unmapped += sorted(set(missing.values()))
    name = (hint.name if hint else None) or doc.name or pkg.path.stem
    codebook_text = codebook_yaml(name, hint.version if hint else 1, hint_description, groups, themes, doc.origin,
                                  pkg.path.name)
    codebook, problems = validate_text(codebook_text, "codebook", check_patterns=False)
    if problems:  # our own output: a bug, not the user's file
        raise AssertionError(f"imported codebook is invalid: {problems[0]}")
    return Planned(files, report, codebook, codebook_text, groups)


def _is_group_set(name: str, meta: dict) -> bool:
    """A set that only restates the stakeholder group (qualcode exports one per group)."""
    return name.startswith(f"{GROUP_VARIABLE}: ") and meta.get("group") == name.split(": ", 1)[1]
