"""The imported codebook as YAML written the way people write it: short lists on one line,
multi-line text as a block, single-entry token patterns in braces."""

from __future__ import annotations

import io


def unfold_description(text: str) -> tuple[str, list[str], list[str]]:
    """The reverse of export.fold_description: 'Include:' and 'Exclude:' bullet lists back out."""
    lists: dict[str, list[str]] = {"include": [], "exclude": []}
    kept, current = [], None
    for line in text.replace("\r\n", "\n").split("\n"):
        head = line.strip().rstrip(":").lower()
        if line.strip().endswith(":") and head in lists:
            current = head
        elif current and line.startswith("- "):
            lists[current].append(line[2:].strip())
        else:
            current = None
            kept.append(line)
    return "\n".join(kept).strip(), lists["include"], lists["exclude"]


def codebook_yaml(name: str, version, description: str, groups: dict[str, str], themes: list[dict], origin: str,
                  file: str) -> str:
    """The codebook written like the ones people write: short lists on one line, long text folded."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    def flow(items):
        seq = CommentedSeq(items)
        seq.fa.set_flow_style()
        return seq

    def theme(node: dict) -> CommentedMap:
        out = CommentedMap()
        for key, value in node.items():
            if key.startswith("_"):
                continue
            if key == "children":
                out[key] = CommentedSeq(theme(c) for c in value)
            elif key == "patterns":
                out[key] = CommentedSeq(flow([dict(t) for t in p]) for p in value)
            elif isinstance(value, list):
                out[key] = flow(value) if sum(len(str(v)) for v in value) < 200 else CommentedSeq(value)
            elif isinstance(value, str) and "\n" in value:
                out[key] = LiteralScalarString(value)
            else:
                out[key] = value
        return out

    doc = CommentedMap()
    doc["name"] = name
    doc["version"] = version
    if description:
        doc["description"] = description
    if groups:
        doc["groups"] = CommentedMap((gid, flow_map({"label": label})) for gid, label in groups.items())
    doc["themes"] = CommentedSeq(theme(t) for t in themes)
    y = YAML()
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.brace_single_entry_mapping_in_flow_sequence = True
    out = io.StringIO()
    out.write(f"# Imported by qualcode from {file}" + (f" ({origin})" if origin else "") + ".\n")
    y.dump(doc, out)
    return out.getvalue()


def flow_map(d: dict):
    from ruamel.yaml.comments import CommentedMap

    m = CommentedMap(d)
    m.fa.set_flow_style()
    return m
