"""YAML codebook -> validated Codebook. Validation lists every problem with file:line:col."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from . import errors as E
from .errors import CodebookInvalid, Problem, QualcodeError, did_you_mean, yaml_location
from .model import Codebook, Group, Theme

TOP_KEYS = ("name", "version", "description", "groups", "themes")
THEME_KEYS = ("id", "label", "description", "groups", "include", "exclude", "keywords", "patterns",
              "examples", "children", "color")
LIST_KEYS = ("groups", "include", "exclude", "keywords", "examples")
THEME_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
GROUP_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

Path_ = tuple  # a path into the YAML document, e.g. ("themes", 2, "id")


MAX_NODES = 200_000  # YAML entries once aliases are expanded; a large codebook has a few thousand
MAX_DEPTH = 100  # YAML nesting (about 48 levels of themes within themes): deeper is no codebook
MAX_THEME_DEPTH = MAX_DEPTH // 2 - 2  # what an import may bring in, so what it writes can be read


class _Positions:
    """Line and column of every node, by its path, from PyYAML's composed node tree. Walked
    without recursion and only after `limits` passed, so no input can exhaust the stack or,
    through nested aliases, time and memory."""

    def __init__(self, root: yaml.Node | None):
        self.marks: dict[Path_, yaml.Mark] = {}
        self.key_marks: dict[Path_, yaml.Mark] = {}
        self.duplicates: list[tuple[Path_, yaml.Mark]] = []
        if root is not None:
            self._walk(root)

    def _walk(self, root: yaml.Node) -> None:
        stack: list[tuple[yaml.Node, Path_]] = [(root, ())]
        while stack:
            node, path = stack.pop()
            self.marks[path] = node.start_mark
            if isinstance(node, yaml.MappingNode):
                seen = set()
                for key_node, value_node in node.value:
                    key = key_node.value
                    if key in seen:
                        self.duplicates.append((path + (key,), key_node.start_mark))
                    seen.add(key)
                    self.key_marks[path + (key,)] = key_node.start_mark
                    stack.append((value_node, path + (key,)))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((item, path + (i,)) for i, item in enumerate(node.value))


    def line(self, path: Path_) -> int | None:
        mark = self.marks.get(path)
        return mark.line + 1 if mark else None

    def where(self, file: str, path: Path_, key: bool = False) -> str:
        marks = self.key_marks if key else self.marks
        while path and path not in marks:
            path = path[:-1]
        mark = marks.get(path) or self.marks.get(path)
        return f"{file}:{mark.line + 1}:{mark.column + 1}" if mark else file


def _limits(root: yaml.Node, file: str) -> Problem | None:
    """How many entries the document holds with its aliases expanded (each node's count is
    memoised, so nine levels of nine aliases are counted in a moment, not expanded), and how deep
    it nests; a Problem past MAX_NODES or MAX_DEPTH."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in size:
            continue
        children = ([n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else
                    node.value if isinstance(node, yaml.SequenceNode) else [])
        if not done:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in size)
            continue
        size[id(node)] = 1 + sum(size[id(c)] for c in children)
        depth[id(node)] = 1 + max((depth[id(c)] for c in children), default=0)
        if size[id(node)] > MAX_NODES:
            return Problem(f"{file}:{node.start_mark.line + 1}:{node.start_mark.column + 1}",
                           f"the YAML expands to more than {MAX_NODES:,} entries (aliases such as *name "
                           "repeated within each other); refusing it", E.YAML_SYNTAX)
        if depth[id(node)] > MAX_DEPTH:
            return Problem(f"{file}:{node.start_mark.line + 1}:{node.start_mark.column + 1}",
                           f"the YAML nests more than {MAX_DEPTH} levels deep (themes within themes about "
                           f"{MAX_DEPTH // 2 - 2} levels down); qualcode reads codebooks up to that depth",
                           E.YAML_SYNTAX)
    return None


# libyaml when PyYAML was built with it (5x faster on a codebook); its nodes carry the same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(text: str, file: str) -> tuple[Any, _Positions, list[Problem]]:
    try:
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
            limit = _limits(node, file) if node is not None else None
            if limit is not None:
                return None, _Positions(None), [limit]
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        where, message = yaml_location(file, exc)
        return None, _Positions(None), [Problem(where, f"the YAML cannot be read: {message}; check indentation "
                                                       "and quoting", E.YAML_SYNTAX)]
    return data, _Positions(node), []


def _pattern_errors(pattern: Any, deep: bool, known=None) -> list[str]:
    """What is wrong with a token pattern: its shape always; with `deep`, spaCy's own schema,
    whose answers are kept in `known` (a cache Pack) by the pattern's text, as importing spaCy
    costs about half a second and a codebook's patterns rarely change."""
    if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) for t in pattern):
        return ["a pattern is a list of token descriptions, e.g. [{LEMMA: fund}, {LOWER: condition}]"]
    if not deep:
        return []
    key = None
    if known is not None:
        import json

        from .cache import digest

        key = digest(json.dumps(pattern, sort_keys=True, ensure_ascii=False, default=repr))
        cached = known.get(key)
        if isinstance(cached, list):
            return cached
    from spacy.schemas import validate_token_pattern

    errors = [str(e) for e in validate_token_pattern(pattern)]
    if known is not None:
        known.put(key, errors)
    return errors


class _Validator:
    def __init__(self, file: str, pos: _Positions, deep: bool, known=None):
        self.file = file
        self.pos = pos
        self.deep = deep
        self.known = known
        self.problems: list[Problem] = []

    def add(self, path: Path_, message: str, pid: str, key: bool = False) -> None:
        self.problems.append(Problem(self.pos.where(self.file, path, key), message, pid))

    def string_list(self, value: Any, path: Path_) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.add(path, f"'{path[-1]}' must be a list, e.g. [a, b]; got {type(value).__name__}", E.WRONG_TYPE)
            return ()
        out = []
        for i, item in enumerate(value):
            if isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item).strip():
                out.append(str(item))
            else:
                self.add(path + (i,), f"each item of '{path[-1]}' must be non-empty text", E.WRONG_TYPE)
        return tuple(out)

    def text(self, value: Any, path: Path_, required: bool = False) -> str:
        if value is None or value == "":
            if required:
                self.add(path[:-1], f"missing '{path[-1]}'", E.MISSING_FIELD)
            return ""
        if isinstance(value, (dict, list, bool)):
            self.add(path, f"'{path[-1]}' must be text; got {type(value).__name__}", E.WRONG_TYPE)
            return ""
        return str(value)

    def themes(self, items: Any, path: Path_, groups: dict[str, Group], parent: Theme | None,
               out: list[Theme], seen: dict[str, Path_]) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            self.add(path, f"'{path[-1]}' must be a list of themes", E.WRONG_TYPE)
            return
        for i, raw in enumerate(items):
            here = path + (i,)
            if not isinstance(raw, dict):
                self.add(here, "each theme must be a mapping with at least 'id' and 'label'", E.WRONG_TYPE)
                continue
            for key in raw:
                if key not in THEME_KEYS:
                    self.add(here + (key,), f"unknown key '{key}' in a theme" + did_you_mean(str(key), THEME_KEYS),
                             E.UNKNOWN_KEY, key=True)
            tid = self.text(raw.get("id"), here + ("id",), required=True)
            if tid and not THEME_ID.match(tid):
                self.add(here + ("id",), f"theme id '{tid}' must be lower-case words joined by '-', e.g. "
                         f"'{re.sub(r'[^a-z0-9]+', '-', tid.lower()).strip('-') or 'resource-barriers'}'", E.MALFORMED_ID)
            elif tid in seen:
                first = self.pos.where(self.file, seen[tid])
                self.add(here + ("id",), f"duplicate theme id '{tid}' (first used at {first})", E.DUPLICATE_ID)
            elif tid:
                seen[tid] = here + ("id",)
            label = self.text(raw.get("label"), here + ("label",), required=True)
            theme_groups = self.string_list(raw.get("groups"), here + ("groups",))
            if groups:
                for j, g in enumerate(theme_groups):
                    if g not in groups:
                        self.add(here + ("groups", j), f"unknown group '{g}'" + did_you_mean(g, groups) +
                                 "; groups are declared under 'groups:' at the top", E.UNKNOWN_GROUP)
            patterns = raw.get("patterns") or []
            if not isinstance(patterns, list):
                self.add(here + ("patterns",), "'patterns' must be a list of token patterns", E.WRONG_TYPE)
                patterns = []
            for j, pattern in enumerate(patterns):
                for err in _pattern_errors(pattern, self.deep, self.known):
                    self.add(here + ("patterns", j), f"invalid spaCy pattern: {err}", E.INVALID_PATTERN)
            theme = Theme(
                id=tid or f"<theme {i + 1}>",
                label=label,
                description=" ".join(self.text(raw.get("description"), here + ("description",)).split()),
                groups=theme_groups or (parent.groups if parent else ()),
                include=self.string_list(raw.get("include"), here + ("include",)),
                exclude=self.string_list(raw.get("exclude"), here + ("exclude",)),
                keywords=self.string_list(raw.get("keywords"), here + ("keywords",)),
                patterns=tuple(patterns),
                examples=self.string_list(raw.get("examples"), here + ("examples",)),
                parent=parent.id if parent else None,
                depth=parent.depth + 1 if parent else 0,
                line=self.pos.line(here),
                color=self.text(raw.get("color"), here + ("color",)) or None,
            )
            out.append(theme)
            self.themes(raw.get("children"), here + ("children",), groups, theme, out, seen)


def validate_text(text: str, file: str, check_patterns: bool = True,
                  cache_dir: Path | None = None) -> tuple[Codebook | None, list[Problem]]:
    """Parse and check a codebook. Returns it (None if unusable) and every problem found.

    `check_patterns` validates spaCy token patterns against spaCy's schema (slow to import);
    commands that do not match patterns skip it and check only their shape. With `cache_dir`,
    spaCy's verdict on each pattern is kept there, keyed by the pattern and spaCy's version."""
    data, pos, problems = _parse(text, file)
    if problems:
        return None, problems
    known = None
    if check_patterns and cache_dir is not None:
        from .cache import Pack, package_version

        known = Pack(cache_dir, "patterns", package_version("spacy"))
    try:
        return _validated(data, pos, _Validator(file, pos, check_patterns, known))
    finally:
        if known is not None:
            known.save()


def _validated(data, pos, v: _Validator) -> tuple[Codebook | None, list[Problem]]:
    file = v.file
    for path, mark in pos.duplicates:
        v.problems.append(Problem(f"{file}:{mark.line + 1}:{mark.column + 1}",
                                  f"key '{path[-1]}' appears twice in the same mapping; the first would be lost",
                                  E.DUPLICATE_ID))
    if not isinstance(data, dict):
        v.add((), "a codebook is a mapping with 'name', 'groups' and 'themes'", E.NOT_A_MAPPING)
        return None, v.problems
    for key in data:
        if key not in TOP_KEYS:
            v.add((key,), f"unknown key '{key}'" + did_you_mean(str(key), TOP_KEYS), E.UNKNOWN_KEY, key=True)
    name = v.text(data.get("name"), ("name",), required=True)
    version = data.get("version", 1)
    if not isinstance(version, (int, str)) or isinstance(version, bool):
        v.add(("version",), "'version' must be a number or text", E.WRONG_TYPE)
        version = 1

    groups: dict[str, Group] = {}
    raw_groups = data.get("groups") or {}
    if not isinstance(raw_groups, dict):
        v.add(("groups",), "'groups' must map group ids to labels, e.g. CPS: {label: Crown Prosecution Service}",
              E.WRONG_TYPE)
        raw_groups = {}
    for gid, value in raw_groups.items():
        gid = str(gid)
        if not GROUP_ID.match(gid):
            v.add(("groups", gid), f"group id '{gid}' may use only letters, digits, '-' and '_'", E.MALFORMED_ID, key=True)
        if isinstance(value, dict):
            for key in value:
                if key not in ("label", "description"):
                    v.add(("groups", gid, key), f"unknown key '{key}' in a group" +
                          did_you_mean(str(key), ("label", "description")), E.UNKNOWN_KEY, key=True)
            label = v.text(value.get("label"), ("groups", gid, "label"), required=True)
        elif isinstance(value, str) and value.strip():
            label = value
        else:
            v.add(("groups", gid), f"group '{gid}' needs a label, e.g. {gid}: {{label: ...}}", E.MISSING_FIELD)
            label = gid
        groups[gid] = Group(gid, label or gid)

    themes: list[Theme] = []
    if "themes" not in data or not data.get("themes"):
        v.add(("themes",) if "themes" in data else (), "the codebook has no themes; add a 'themes:' list",
              E.EMPTY_CODEBOOK)
    else:
        v.themes(data["themes"], ("themes",), groups, None, themes, {})
    if v.problems:
        return None, v.problems
    return Codebook(name=name, version=version, groups=groups, themes=tuple(themes), path=file), []


def read_codebook_text(path: Path, rel: str) -> str:
    if not path.is_file():
        raise QualcodeError("codebook file not found", rel, "Create it, or set 'codebook:' in qualcode.yaml.")
    data = path.read_bytes()
    if not data.strip():
        raise QualcodeError("the codebook file is empty", rel, "Write its themes, or start a new project with a commented starter codebook: qualcode init DIR")
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise QualcodeError(f"cannot read the codebook as UTF-8 (byte 0x{data[exc.start]:02x} at line {line})",
                            rel, "Re-save the file as UTF-8.")


def load_codebook(path: Path, rel: str | None = None, check_patterns: bool = False) -> Codebook:
    """Load a valid codebook or raise (CodebookInvalid lists every problem)."""
    rel = rel or str(path)
    codebook, problems = validate_text(read_codebook_text(path, rel), rel, check_patterns)
    if problems:
        raise CodebookInvalid(rel, problems)
    return codebook


def json_schema() -> dict:
    """A JSON Schema (draft-07) of the codebook, for editors: with yaml-language-server, a line
    `# yaml-language-server: $schema=codebook.schema.json` at the top of the codebook gives
    validation and completion as you type. `qualcode codebook validate` remains the full check."""
    strings = {"type": "array", "items": {"type": "string"}}
    theme = {
        "type": "object",
        "required": ["id", "label"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": THEME_ID.pattern, "description": "Stable, unique, kebab-case."},
            "label": {"type": "string"},
            "description": {"type": "string", "description": "Its first sentence is the gloss in reports."},
            "groups": {**strings, "description": "Stakeholder groups it is coded for; empty: all."},
            "include": strings, "exclude": strings,
            "keywords": {**strings, "description": "Matched on words and lemmas for suggestions."},
            "patterns": {"type": "array", "items": {"type": "array", "items": {"type": "object"}},
                         "description": "spaCy Matcher token patterns."},
            "examples": {**strings, "description": "Seed examples for the learned suggestions."},
            "children": {"type": "array", "items": {"$ref": "#/definitions/theme"}},
            "color": {"type": "string"},
        },
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "qualcode codebook",
        "type": "object",
        "required": ["name", "themes"],
        "additionalProperties": False,
        "definitions": {"theme": theme},
        "properties": {
            "name": {"type": "string"},
            "version": {"type": ["integer", "string"]},
            "description": {"type": "string"},
            "groups": {"type": "object", "propertyNames": {"pattern": GROUP_ID.pattern},
                       "additionalProperties": {"oneOf": [
                           {"type": "string"},
                           {"type": "object", "required": ["label"], "additionalProperties": False,
                            "properties": {"label": {"type": "string"}, "description": {"type": "string"}}}]}},
            "themes": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/theme"}},
        },
    }
