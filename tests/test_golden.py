"""Output formats that people and other tools read, pinned as golden files (tests/golden/).
A deliberate change is regenerated with `pytest --update-golden` and reviewed in the diff."""

from __future__ import annotations

import pytest
from conftest import run

CASES = {
    "summary.md": ["summary", "--format", "markdown", "--quotes", "2"],
    "summary.csv": ["summary", "--format", "csv", "--quotes", "2"],
    "summary.json": ["summary", "--format", "json", "--quotes", "2"],
    "matrix.md": ["matrix", "--format", "markdown"],
    "matrix.csv": ["matrix", "--count", "segments", "--format", "csv"],
    "matrix.json": ["matrix", "--cols", "themes", "--format", "json"],
    "saturation.md": ["saturation", "--format", "markdown"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_outputs_of_the_bundled_example(example, golden, name):
    r = run(*CASES[name], project=example)
    assert r.exit_code == 0, r.output
    golden(name, r.stdout)
