"""Shared fixtures: real projects on disk in tmp_path, and the CLI run through typer's CliRunner."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualcode.cli import every_command

app = every_command()

REPO = Path(__file__).resolve().parents[1]
BAD = Path(__file__).resolve().parent / "data" / "bad"
SHARED = REPO.parent / "shared"

MINI_CODEBOOK = """\
name: Mini study
version: 2
groups:
  CPS: {label: Crown Prosecution Service}
  YOS: {label: youth offending service}
themes:
  - id: court-procedure
    label: Court procedure
    groups: [CPS]
    description: Hearings and listing. Anything about court time.
    keywords: [court, hearing]
  - id: resource-barriers
    label: Resource barriers
    description: Funding or staffing gaps.
    keywords: [funding]
  - id: safeguarding
    label: Safeguarding
    groups: [YOS]
    description: Children as victims who need protection.
    children:
      - id: exploitation
        label: Exploitation
        description: Children groomed or exploited by adults.
"""

MINI_CPS = """\
---
id: cps-01
participant: P1
group: CPS
role: CPS prosecutor
---
Interviewer: How do hearings go?

Priya: Hearings are often adjourned. Court time is scarce and listing is unpredictable.
The bench wants more information.

Interviewer: And funding?

Priya: There is no funding for the programmes. Nobody pays for the mentoring.
"""

MINI_YOS = """\
---
id: yos-01
participant: P2
group: YOS
role: YOS service manager
---
Interviewer: What worries you?

Dana: Many children are exploited by adults. They are groomed into carrying.

Dana: Safeguarding should come first. There is no funding for youth clubs any more.
"""


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output instead of comparing with it")


@pytest.fixture
def golden(request):
    """Compare text with tests/golden/NAME; with --update-golden, write it there instead."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = Path(__file__).resolve().parent / "golden" / name
        if update:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            return
        assert path.is_file(), f"no golden file {name}: run pytest --update-golden once, then review and commit it"
        assert text == path.read_text(encoding="utf-8"), f"{name} changed: review the difference, then pytest --update-golden"

    return check


def run(*args: str, input: str | None = None, project: Path | None = None):
    """Invoke the real CLI. With `project`, pass it as --project."""
    argv = (["--project", str(project)] if project else []) + [str(a) for a in args]
    return CliRunner().invoke(app, argv, input=input)


def assert_refused(cases, project: Path) -> None:
    """Each (args, message) is refused: exit code 2, the message, no traceback."""
    for args, message in cases:
        r = run(*args, project=project)
        assert r.exit_code == 2, (args, r.output)
        assert message in r.output and "Traceback" not in r.output, (args, r.output)


def mini_project(root: Path, codebook: str = MINI_CODEBOOK, name: str = "mini.yaml") -> Path:
    """The two mini transcripts (CPS, YOS) with this codebook."""
    (root / "codebooks").mkdir(parents=True)
    (root / "transcripts").mkdir()
    (root / "codebooks" / name).write_text(codebook, encoding="utf-8")
    (root / "transcripts" / "cps-01.md").write_text(MINI_CPS, encoding="utf-8")
    (root / "transcripts" / "yos-01.md").write_text(MINI_YOS, encoding="utf-8")
    return root


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return mini_project(tmp_path / "mini")


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the bundled example project (this repository's own codebooks/, transcripts/, codings/)."""
    root = tmp_path / "example"
    root.mkdir()
    for name in ("codebooks", "transcripts", "codings"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "qualcode.yaml", root / "qualcode.yaml")
    return root


def word_document(path: Path, question: str, *paragraphs: str, table: list[tuple[str, str]] = ()) -> Path:
    """A real .docx built with python-docx: a bold 'Interviewer:' question, then plain paragraphs,
    then an optional two-column speaker | text table."""
    import docx

    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("Interviewer:").bold = True
    p.add_run(f" {question}")
    for text in paragraphs:
        d.add_paragraph(text)
    if table:
        t = d.add_table(rows=len(table), cols=2)
        for i, (speaker, text) in enumerate(table):
            t.cell(i, 0).text, t.cell(i, 1).text = speaker, text
    d.save(path)
    return path


def tree_digest(root: Path) -> dict[str, str]:
    """Content hash of every file under root except the rebuildable cache, to prove nothing changed."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".qualcode" not in p.parts}
