"""Errors and problems. The core raises or returns these; only the CLI prints them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

# Stable problem ids, so scripts and docs can refer to them.
YAML_SYNTAX = "E001"
NOT_A_MAPPING = "E002"
UNKNOWN_KEY = "E003"
WRONG_TYPE = "E004"
MISSING_FIELD = "E005"
DUPLICATE_ID = "E006"
MALFORMED_ID = "E007"
UNKNOWN_GROUP = "E008"
INVALID_PATTERN = "E009"
EMPTY_CODEBOOK = "E010"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, with where it is and a stable id."""

    location: str  # "file:line:col" or "file:line" or "file"
    message: str
    id: str

    def __str__(self) -> str:
        return f"{self.location}: {self.id} {self.message}"

    def to_dict(self) -> dict:
        return {"location": self.location, "id": self.id, "message": self.message}


class QualcodeError(Exception):
    """Bad input or a request that cannot be carried out. The CLI prints it and exits 2."""

    def __init__(self, message: str, location: str | None = None, hint: str | None = None):
        self.message = message
        self.location = location
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return f"{text}\n  {self.hint}" if self.hint else text


class SettingsError(QualcodeError):
    """A setting that is wrong for the whole project (an unknown encoding): no file is to blame,
    so nothing is skipped; the command stops."""


class CodebookInvalid(QualcodeError):
    """The codebook has problems; all of them are in `problems`."""

    def __init__(self, path: str, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(
            f"the codebook has {len(problems)} problem(s):\n{lines}",
            hint="Fix them and check with: qualcode codebook validate",
        )


def did_you_mean(word: str, choices: Iterable[str], n: int = 3) -> str:
    """' (did you mean 'x'?)' or '' — for messages about unknown names."""
    import difflib  # only when there is an error to explain

    close = difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"


def yaml_problem(exc: Exception, first_line: int = 1) -> tuple[int | None, int | None, str]:
    """(line, column, message) for a PyYAML error. Where the parser only noticed at the end of the
    text (an unclosed bracket or quote), point at what was left open instead."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    left_open = context and ("flow" in context or "quoted scalar" in context)
    if context_mark is not None and (mark is None or left_open or "<stream end>" in problem):
        mark = context_mark
    message = problem + (f" ({context})" if context else "")
    if mark is None:
        return None, None, message
    return mark.line + first_line, mark.column + 1, message


def yaml_location(file: str, exc: Exception, first_line: int = 1) -> tuple[str, str]:
    """('file:line:col', message) for a PyYAML error."""
    line, col, message = yaml_problem(exc, first_line)
    return (f"{file}:{line}:{col}" if line else file), message
