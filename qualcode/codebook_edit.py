"""Structural edits to the codebook YAML (rename, merge, move, split) that keep everything else
as it was written: comments, key order, quoting, flow lists. ruamel.yaml's round-trip mode does
this where PyYAML would drop every comment; edits touch only the theme mappings they change."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from .codebook import THEME_ID, validate_text
from .errors import CodebookInvalid, QualcodeError, did_you_mean
from .model import Codebook

MERGED_LISTS = ("include", "exclude", "keywords", "patterns", "examples")


def _yaml():
    from ruamel.yaml import YAML

    y = YAML()  # round-trip
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a long line the author wrote on one line
    y.brace_single_entry_mapping_in_flow_sequence = True  # keep [{LOWER: x}] as written
    return y


@dataclass
class Located:
    node: object  # the theme's mapping
    siblings: object  # the list it sits in
    parent: object | None  # the parent theme's mapping, None at the top


@dataclass
class EditedCodebook:
    """The codebook document being edited, and notes on what the edit did beyond the obvious."""

    original: str
    doc: object
    indent: tuple[int, int]
    newline: str = "\n"
    bom: bool = False
    notes: list[str] = field(default_factory=list)
    before: Codebook | None = None  # the codebook as validated before any edit

    @classmethod
    def parse(cls, raw: bytes, rel: str) -> EditedCodebook:
        from ruamel.yaml.util import load_yaml_guess_indent

        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        newline = "\r\n" if "\r\n" in text else "\n"
        text = text.replace("\r\n", "\n")
        before, problems = validate_text(text, rel, check_patterns=False)
        if problems:
            raise CodebookInvalid(rel, problems)
        _, seq_indent, offset = load_yaml_guess_indent(text)
        doc = _yaml().load(text)
        return cls(text, doc, (seq_indent or 2, offset or 0), newline, bom, before=before)

    def dump(self) -> str:
        y = _yaml()
        y.indent(mapping=2, sequence=self.indent[0], offset=self.indent[1])
        out = io.StringIO()
        y.dump(self.doc, out)
        return out.getvalue()

    def to_bytes(self, dumped: str | None = None) -> bytes:
        """The file's bytes, with its own line ends and BOM; `dumped` saves dumping again."""
        text = (dumped if dumped is not None else self.dump()).replace("\n", self.newline)
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8")

    def reformatted_elsewhere(self) -> int:
        """Lines the YAML writer would change in the file as it stands (unusual quoting or
        spacing it cannot reproduce): 0 for files it round-trips exactly."""
        import difflib

        again = EditedCodebook(self.original, _yaml().load(self.original), self.indent).dump()
        if again == self.original:
            return 0
        return sum(1 for line in difflib.ndiff(self.original.splitlines(), again.splitlines()) if line.startswith("+ "))

    # --- the theme tree -----------------------------------------------------------------------

    def walk(self):
        def go(items, parent):
            for node in items or []:
                yield Located(node, items, parent)
                yield from go(node.get("children"), node)
        yield from go(self.doc.get("themes"), None)

    def ids(self) -> list[str]:
        return [str(x.node.get("id")) for x in self.walk()]

    def find(self, theme_id: str) -> Located:
        for x in self.walk():
            if str(x.node.get("id")) == theme_id:
                return x
        raise QualcodeError(f"no theme '{theme_id}' in the codebook" + did_you_mean(theme_id, self.ids()),
                            hint="List themes with: qualcode codebook show")

    def descendants(self, theme_id: str) -> set[str]:
        out: set[str] = set()

        def go(node):
            for child in node.get("children") or []:
                out.add(str(child.get("id")))
                go(child)
        go(self.find(theme_id).node)
        return out

    def check_new_id(self, theme_id: str) -> None:
        if not THEME_ID.match(theme_id):
            suggestion = re.sub(r"[^a-z0-9]+", "-", theme_id.lower()).strip("-")
            raise QualcodeError(f"theme id '{theme_id}' must be lower-case words joined by '-'" +
                                (f", e.g. '{suggestion}'" if suggestion else ""))
        if theme_id in self.ids():
            raise QualcodeError(f"there is already a theme '{theme_id}'",
                                hint="To fold one theme into another, use: qualcode codebook merge A B --into C")

    def detach(self, theme_id: str):
        x = self.find(theme_id)
        x.siblings.remove(x.node)
        if x.parent is not None and not x.siblings:
            del x.parent["children"]  # no empty `children: []` left behind
        return x.node

    def adopt(self, parent, nodes) -> None:
        """Append theme mappings to a parent's children (or to the top level when parent is None)."""
        from ruamel.yaml.comments import CommentedSeq

        if not nodes:
            return
        if parent is None:
            self.doc["themes"].extend(nodes)
            return
        if not parent.get("children"):
            parent["children"] = CommentedSeq()
        parent["children"].extend(nodes)

    # --- version ------------------------------------------------------------------------------

    def bump_version(self) -> tuple[object, object]:
        old = self.doc.get("version", 1)
        if isinstance(old, int) and not isinstance(old, bool):
            new = old + 1
        else:
            m = re.search(r"(\d+)(\D*)$", str(old))
            if not m:
                raise QualcodeError(f"cannot bump version '{old}': it has no number to increase",
                                    hint="Set 'version:' in the codebook to a number, e.g. version: 2")
            new = str(old)[: m.start(1)] + str(int(m.group(1)) + 1) + m.group(2)
            if type(old) is not str:
                new = type(old)(new)  # a quoted version stays quoted
        if "version" in self.doc:
            self.doc["version"] = new
        else:
            keys = list(self.doc.keys())
            self.doc.insert(keys.index("name") + 1 if "name" in keys else 0, "version", new)
        return old, new


def _label_from(theme_id: str) -> str:
    words = theme_id.replace("-", " ")
    return words[:1].upper() + words[1:]


def _merge_lists(target, source) -> None:
    from ruamel.yaml.comments import CommentedSeq

    for key in MERGED_LISTS:
        extra = [v for v in source.get(key) or [] if v not in (target.get(key) or [])]
        if not extra:
            continue
        if key not in target:
            seq = CommentedSeq()
            if key != "patterns":
                seq.fa.set_flow_style()  # like the codebooks qualcode ships: short lists on one line
            target[key] = seq
        target[key].extend(extra)


def slug(text: str) -> str:
    """A theme id from a label: 'Peer pressure' -> 'peer-pressure'."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def add(ed: EditedCodebook, theme_id: str, label: str | None = None, parent: str | None = None,
        description: str | None = None, groups: list[str] | None = None) -> None:
    """A new theme at the end of its parent's children (or of the top level). It has no groups of
    its own unless given: under a parent it inherits the parent's, at the top it is for everyone."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    ed.check_new_id(theme_id)
    known = list(ed.doc.get("groups") or {})
    for g in groups or []:
        if g not in known:
            raise QualcodeError(f"no stakeholder group '{g}' in the codebook" + did_you_mean(g, known),
                                hint="Groups: " + (", ".join(known) or "none yet; add them under 'groups:'"))
    node = CommentedMap()
    node["id"] = theme_id
    node["label"] = label or _label_from(theme_id)
    if groups:
        seq = CommentedSeq(groups)
        seq.fa.set_flow_style()
        node["groups"] = seq
    if description:
        node["description"] = description
    if parent is None and not ed.doc.get("themes"):
        ed.doc["themes"] = CommentedSeq()
    ed.adopt(ed.find(parent).node if parent else None, [node])


def rename(ed: EditedCodebook, old: str, new: str, label: str | None = None) -> None:
    ed.check_new_id(new)
    node = ed.find(old).node
    node["id"] = new
    if label:
        node["label"] = label


def merge(ed: EditedCodebook, sources: list[str], into: str, label: str | None, groups_of: dict) -> None:
    """Fold `sources` into `into` (an existing theme, one of the sources, or a new id): their
    children, keywords, patterns, examples and include/exclude lists join it; it is coded for
    every group any of them was."""
    for s in sources:
        ed.find(s)
    if len(set(sources) | {into}) < 2:
        raise QualcodeError("merge needs at least two different themes", hint="e.g. qualcode codebook merge a b --into a")
    if into not in ed.ids() and len(set(sources)) < 2:
        raise QualcodeError("merging one theme into a new id is a rename",
                            hint=f"Use: qualcode codebook rename {sources[0]} {into}")
    if into not in ed.ids():
        rename(ed, sources[0], into)
        groups_of = {**groups_of, into: groups_of[sources[0]]}
        sources = [into] + [s for s in sources[1:] if s != into]
    for s in sources:
        if s != into and into in ed.descendants(s):
            raise QualcodeError(f"cannot merge '{s}' into '{into}', which sits under it",
                                hint=f"Merge into '{s}' instead, or move '{into}' out first.")
    target = ed.find(into).node
    for s in sources:
        if s == into:
            continue
        node = ed.detach(s)
        _merge_lists(target, node)
        ed.adopt(target, list(node.get("children") or []))
    if label:
        target["label"] = label
    wanted = {g for s in set(sources) | {into} for g in groups_of[s]}
    everything = any(not groups_of[s] for s in set(sources) | {into})
    if not everything and wanted != set(groups_of[into]):
        from ruamel.yaml.comments import CommentedSeq

        seq = CommentedSeq(sorted(wanted, key=list(ed.doc.get("groups") or {}).index))
        seq.fa.set_flow_style()
        target["groups"] = seq
        ed.notes.append(f"'{into}' is now coded for {', '.join(seq)}")
    elif everything and groups_of[into]:
        target.pop("groups", None)
        ed.notes.append(f"'{into}' is now coded for all groups (one of the merged themes was)")


def move(ed: EditedCodebook, theme: str, under: str | None) -> None:
    here = ed.find(theme)
    if under is not None:
        if under == theme or under in ed.descendants(theme):
            raise QualcodeError(f"cannot move '{theme}' under '{under}': it would sit under itself")
        ed.find(under)
    if (here.parent is None and under is None) or (here.parent is not None and str(here.parent.get("id")) == under):
        raise QualcodeError(f"'{theme}' is already {'at the top level' if under is None else f'under {under!r}'}")
    node = ed.detach(theme)
    ed.adopt(ed.find(under).node if under else None, [node])


def split(ed: EditedCodebook, theme: str, into: list[str], labels: list[str], version) -> None:
    """Replace a theme by new sibling themes. They start with its groups and its definition marked
    as split, to be refined; keywords and examples are not shared out (that would be a guess)."""
    from ruamel.yaml.comments import CommentedMap

    if len(into) < 2 or len(set(into)) != len(into):
        raise QualcodeError("split needs at least two different new themes", hint="e.g. --into x --into y")
    if len(labels) > len(into):
        raise QualcodeError(f"{len(labels)} labels for {len(into)} new themes")
    for new in into:
        ed.check_new_id(new)
    here = ed.find(theme)
    old = here.node
    label = str(old.get("label", theme))
    description = " ".join(str(old.get("description") or "").split())
    fresh = []
    for i, new in enumerate(into):
        node = CommentedMap()
        node["id"] = new
        node["label"] = labels[i] if i < len(labels) else _label_from(new)
        if old.get("groups"):
            node["groups"] = old["groups"]
        node["description"] = (f"Split from '{label}' (codebook version {version}); define what belongs here. "
                               + description).strip()
        fresh.append(node)
    at = here.siblings.index(old)
    here.siblings[at:at + 1] = fresh
    if old.get("children"):
        fresh[0]["children"] = old["children"]
        ed.notes.append(f"the themes under '{theme}' are now under '{into[0]}'")
