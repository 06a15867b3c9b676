"""Plain text and Markdown transcripts, with optional YAML front matter."""

from __future__ import annotations

from typing import Any

import yaml

from ..errors import QualcodeError, yaml_location

# libyaml's safe loader when PyYAML was built with it: the same safe subset, ~10x faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FRONT_MATTER_KEYS = ("id", "participant", "group", "role", "date", "speakers", "interviewers")


def split_front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
    """Return (metadata, body). Front matter is a YAML mapping between '---' lines at the top."""
    if not text.startswith("---\n"):
        return {}, text
    end = -1
    for marker in ("\n---\n", "\n...\n"):
        found = text.find(marker, 3)
        if found != -1 and (end == -1 or found < end):
            end = found
    if end == -1:
        for marker in ("\n---", "\n..."):
            if text.rstrip().endswith(marker):
                end = len(text.rstrip()) - len(marker)
        if end == -1:
            raise QualcodeError("front matter opened with '---' on line 1 is never closed", where,
                                "Close it with a line of '---' before the interview text.")
    raw = text[4:end + 1]
    body = text[end + 5:]
    try:
        meta = yaml.load(raw, Loader=_SafeLoader) or {}
    except yaml.YAMLError as exc:
        loc, problem = yaml_location(where, exc, first_line=2)  # the YAML starts on the file's line 2
        raise QualcodeError(f"front matter is not valid YAML: {problem}", loc,
                            "Front matter holds 'key: value' lines such as 'group: CPS'.")
    if not isinstance(meta, dict):
        raise QualcodeError("front matter must be 'key: value' lines", f"{where}:2",
                            "For example:\n  ---\n  id: cps-01\n  group: CPS\n  ---")
    return {str(k): v for k, v in meta.items()}, body
