"""Make docs/images/workbench.svg: the workbench on the bundled example, as amara sees cps-01.

Run from the repository root:  .venv/bin/python scripts/workbench-screenshot.py
(A copy of the example is used, so the repository's codings are never touched.)"""

import asyncio
import shutil
import tempfile
from pathlib import Path

from qualcode.corpus import load_corpus
from qualcode.project import open_project
from qualcode.session import CodingSession
from qualcode.workbench.app import CodingApp

REPO = Path(__file__).resolve().parents[1]

with tempfile.TemporaryDirectory() as tmp:
    root = Path(tmp) / "example"
    root.mkdir()
    for name in ("codebooks", "transcripts", "codings"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "qualcode.yaml", root / "qualcode.yaml")
    session = CodingSession(load_corpus(open_project(root)), "cps-01", "amara")
    session.position = 3
    app = CodingApp(session)

    async def shoot():
        async with app.run_test(size=(110, 32)) as pilot:
            await pilot.pause()
            await pilot.press("J")
            await pilot.pause()
            app.save_screenshot("workbench.svg", str(REPO / "docs" / "images"))

    asyncio.run(shoot())
print("wrote docs/images/workbench.svg")
