"""`qualcode import qdpx|qdc`: a new project from an exchange file, or its codings (and any
codes the codebook lacks) added to an existing project. All files are written in one
all-or-nothing step; nothing that exists is replaced without `force`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import QualcodeError
from .names import Names
from .read import DuplicateGuid, read_document
from .safe import open_package, parse_xml
from .to_project import ImportReport, Planned, plan, slug


@dataclass
class Imported:
    target: Path
    report: ImportReport
    new_project: bool
    dry_run: bool


def load(path: Path, lenient: bool):
    pkg = open_package(path)
    where = f"{path}!{pkg.qde_name}" if pkg.zip else str(path)
    root = parse_xml(pkg.qde, where)
    try:
        doc = read_document(root, where)
    except DuplicateGuid as exc:
        raise QualcodeError(str(exc), exc.where, "Export the project again from its tool; nothing was written.")
    except ValueError as exc:
        raise QualcodeError(str(exc), where, "Is this a REFI-QDA export (.qdpx, .qdc)?")
    if doc.problems and not lenient:
        shown = "\n  ".join(doc.problems[:8]) + (f"\n  ... and {len(doc.problems) - 8} more" if len(doc.problems) > 8 else "")
        raise QualcodeError(f"the file does not follow the REFI-QDA schema ({len(doc.problems)} problem(s)):\n  {shown}",
                            where, "Re-export it, or add --lenient to import what can be read anyway.")
    return pkg, doc


def _remap_codings(files: dict[str, bytes], ids: dict[str, str]) -> None:
    for rel, data in list(files.items()):
        if rel.startswith("codings/") and ids:
            lines = [json.loads(line) for line in data.decode("utf-8").splitlines()]
            for obj in lines:
                obj["code"] = ids.get(obj["code"], obj["code"])
            files[rel] = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in lines).encode("utf-8")


def _merge_codebook(project, planned: Planned) -> tuple[bytes | None, dict[str, str], list[str]]:
    """Imported themes matched to the project's by id, then by label; the rest added (under
    their matched parent) and the version bumped. Returns (new codebook bytes or None, id map, added)."""
    from ruamel.yaml.comments import CommentedMap

    from ..codebook_edit import EditedCodebook
    from .codebook_yaml import flow_map

    ed = EditedCodebook.parse(project.codebook_path.read_bytes(), project.rel(project.codebook_path))
    current = ed.before
    by_label = {t.label.casefold(): t.id for t in current.themes}
    ids: dict[str, str] = {}
    added: list[str] = []
    taken = Names(current.ids)
    for t in planned.codebook.themes:
        match = t.id if t.id in taken and t.id not in added else by_label.get(t.label.casefold())
        if match:
            ids[t.id] = match
            continue
        new_id = taken.unique(t.id)
        ids[t.id] = new_id
        node = CommentedMap([("id", new_id), ("label", t.label)])
        if t.description:
            node["description"] = t.description
        if t.color:
            node["color"] = t.color
        ed.adopt(ed.find(ids[t.parent]).node if t.parent else None, [node])
        added.append(new_id)
    groups = ed.doc.get("groups")
    new_groups = [g for g in planned.groups if groups is None or g not in groups]
    if new_groups:
        if groups is None:
            ed.doc["groups"] = groups = CommentedMap()
        for g in new_groups:
            groups[g] = flow_map({"label": planned.groups[g]})
    if not added and not new_groups:
        return None, {k: v for k, v in ids.items() if k != v}, []
    ed.bump_version()
    return ed.to_bytes(), {k: v for k, v in ids.items() if k != v}, added


def import_file(path: Path, out: Path | None = None, into=None, coder: str = "imported", group_variable: str | None = None,
                lenient: bool = False, force: bool = False, dry_run: bool = False) -> Imported:
    """Into an existing project, the read, plan and write all run under its lock (locking.py)."""
    if into is None or dry_run:
        return _import_file(path, out, into, coder, group_variable, lenient, force, dry_run)
    from ..locking import command_name, project_lock

    with project_lock(into.root, command_name()):
        return _import_file(path, out, into, coder, group_variable, lenient, force, dry_run)


def _import_file(path: Path, out: Path | None, into, coder: str, group_variable: str | None,
                 lenient: bool, force: bool, dry_run: bool) -> Imported:
    from ..cache import ensure_cache_dir
    from ..transaction import Transaction

    pkg, doc = load(path, lenient)
    if into is not None:
        from ..corpus import load_corpus

        corpus = load_corpus(into)
        planned = plan(doc, pkg, coder, group_variable, {t.id: t.body for t in corpus.transcripts})
        codebook, ids, added = _merge_codebook(into, planned)
        _remap_codings(planned.files, ids)
        files = dict(planned.files)
        transcripts_dir = into.rel(into.transcripts_dir)
        codings_dir = into.rel(into.codings_dir)
        files = {(rel.replace("transcripts/", transcripts_dir + "/", 1) if rel.startswith("transcripts/") else
                  rel.replace("codings/", codings_dir + "/", 1) if rel.startswith("codings/") else rel): data
                 for rel, data in files.items()}
        if codebook is not None:
            files[into.rel(into.codebook_path)] = codebook
            planned.report.notes.append(f"added {len(added)} theme(s) to the codebook: {', '.join(added[:10])}"
                                        + (" ..." if len(added) > 10 else ""))
        target, new_project = into.root, False
        conflicts = [rel for rel in files if (target / rel).exists() and rel != into.rel(into.codebook_path)]
    else:
        planned = plan(doc, pkg, coder, group_variable)
        target = out if out is not None else Path.cwd() / slug(path.stem, "imported")
        new_project = True
        name = slug(planned.codebook.name, "codebook")
        files = dict(planned.files)
        files[f"codebooks/{name}.yaml"] = planned.codebook_text.encode("utf-8")
        coders = sorted(planned.report.codings)
        config = ("# A qualcode project imported from " + path.name + (f" ({doc.origin})" if doc.origin else "") + "\n"
                  f"codebook: codebooks/{name}.yaml\nunit: sentence\n" + (f"coder: {coders[0]}\n" if len(coders) == 1 else ""))
        files["qualcode.yaml"] = config.encode("utf-8")
        conflicts = [rel for rel in files if (target / rel).exists()]
        if target.exists() and not target.is_dir():
            raise QualcodeError("the target exists and is not a folder", str(target))
    planned.report.files = sorted(files)
    if conflicts and not force:
        shown = "\n  ".join(conflicts[:10]) + (f"\n  ... and {len(conflicts) - 10} more" if len(conflicts) > 10 else "")
        raise QualcodeError(f"the import would replace {len(conflicts)} existing file(s):\n  {shown}", str(target),
                            "Nothing was written. Import somewhere else (--out DIR), or add --force to replace them.")
    if not dry_run:
        tx = Transaction(target, ensure_cache_dir(target / ".qualcode"))
        for rel, data in files.items():
            tx.write(target / rel, data)
        tx.commit()
    return Imported(target, planned.report, new_project, dry_run)
