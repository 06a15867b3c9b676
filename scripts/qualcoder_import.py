"""Run QualCoder's own REFI-QDA project importer (refi.py RefiImport.import_project) on a .qdpx,
headless, and print what it loaded as JSON: the check that our exports load in QualCoder itself.
With a fourth argument, QualCoder's own exporter (RefiExport) then writes the project it loaded
as a .qdpx there: a real QualCoder export, to test importing from QualCoder.

Needs PyQt6 and a QualCoder source tree (github.com/ccbogel/QualCoder, src/); nothing else of
QualCoder's dependencies: only its helpers module (message boxes, PDF support) is stood in for.

    QT_QPA_PLATFORM=offscreen python scripts/qualcoder_import.py QUALCODER/src project.qdpx [result.json [re-export.qdpx]]

The database schema is read from QualCoder's own __main__.py (its CREATE TABLE statements), so
the import runs against the tables the installed QualCoder version would create."""

from __future__ import annotations

import builtins
import json
import re
import sqlite3
import sys
import tempfile
import types
from pathlib import Path


def schema(src: Path) -> list[str]:
    main = (src / "qualcoder" / "__main__.py").read_text(encoding="utf-8")
    statements = []
    for m in re.finditer(r'cur\.execute\(\s*((?:"[^"]*"\s*)+)\)', main):
        sql = "".join(re.findall(r'"([^"]*)"', m.group(1)))
        if sql.upper().startswith("CREATE TABLE"):  # the first of each: upgrades repeat some
            statements.append(re.sub(r"(?i)^CREATE TABLE(?! IF NOT EXISTS)", "CREATE TABLE IF NOT EXISTS", sql.rstrip(";")))
    return statements


def main(src: Path, qdpx: Path, export: Path | None = None) -> dict:
    sys.path.insert(0, str(src))
    builtins._ = lambda s: s  # QualCoder installs gettext's _ at start-up
    helpers = types.ModuleType("qualcoder.helpers")

    class Message:  # QualCoder's message box; record instead of showing
        shown: list[str] = []

        def __init__(self, app, title, text, icon=None):
            Message.shown.append(f"{title}: {text}")

        def exec(self):
            return 0

    helpers.Message = Message
    sys.modules["qualcoder.helpers"] = helpers
    from PyQt6 import QtWidgets

    qt = QtWidgets.QApplication([])  # noqa: F841 (kept alive for the progress dialog)
    QtWidgets.QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: (str(work / "in.qdpx"), "*.qdpx"))
    from qualcoder import refi

    work = Path(tempfile.mkdtemp())
    (work / "in.qdpx").write_bytes(qdpx.read_bytes())
    project = work / "p.qda"
    for sub in ("", "images", "audio", "video", "documents"):
        (project / sub).mkdir(exist_ok=True)
    conn = sqlite3.connect(project / "data.qda")
    for sql in schema(src):
        conn.execute(sql)
    conn.execute("CREATE TABLE IF NOT EXISTS coder_names (name text, visibility integer)")
    columns = len(conn.execute("select * from project").description)
    conn.execute(f"INSERT INTO project VALUES({','.join('?' * columns)})",  # as a new QualCoder project starts
                 ["v17", "2026-01-01 00:00:00", "", "harness", 0, 0, "qualcoder-import", ""] + [None] * (columns - 8))
    conn.commit()

    class App:
        def __init__(self):
            self.conn = conn
            self.project_path = str(project)
            self.project_name = "p.qda"
            self.settings = {"directory": str(work), "codername": "qualcoder-import", "showids": False,
                             "ai_enable": "False", "fontsize": 10, "font": "Noto Sans"}

        # the version QualCoder writes as the export's origin, from the same source tree
        version = (re.findall(r'self\.version = "([^"]+)"', (src / "qualcoder" / "app.py").read_text(encoding="utf-8"))
                   or ["QualCoder"])[0]

        def get_annotations(self):
            keys = "anid", "fid", "pos0", "pos1", "memo", "owner", "date"
            return [dict(zip(keys, r)) for r in conn.execute("select anid, fid, pos0, pos1, memo, owner, date from annotation")]

        def __getattr__(self, name):  # any other app method the importer calls: a no-op
            return lambda *a, **k: None

    class Log:
        lines: list[str] = []

        def append(self, text):
            Log.lines.append(str(text))

    app = App()
    refi.RefiImport(app, Log(), "qdpx")
    if export is not None:
        import os

        os.environ["HOME"] = str(work)  # it prepares the archive under ~/.qualcoder
        (work / ".qualcoder").mkdir(exist_ok=True)
        out_dir = work / "export"
        out_dir.mkdir()
        refi.RefiLineEndings.exec = lambda self: 0  # the line-ending question: QualCoder's default answer
        QtWidgets.QFileDialog.getExistingDirectory = staticmethod(lambda *a, **k: str(out_dir))
        refi.RefiExport(app, Log(), "project")
        written = sorted(out_dir.glob("*.qdpx")) + sorted((work / ".qualcoder").glob("*.qdpx"))
        export.write_bytes(written[0].read_bytes())
    q = lambda sql: [list(r) for r in conn.execute(sql)]  # noqa: E731
    return {
        "sources": q("select id, name, length(fulltext) from source order by id"),
        "codes": q("select cid, name, catid, memo from code_name order by cid"),
        "categories": q("select catid, name, supercatid, memo from code_cat order by catid"),
        "codings": q("select cid, fid, pos0, pos1, seltext, owner, memo from code_text order by fid, pos0, cid"),
        "cases": q("select caseid, name from cases order by caseid"),
        "case_text": q("select caseid, fid, pos0, pos1 from case_text order by caseid, fid, pos0"),
        "attributes": q("select name, attr_type, value, id from attribute order by attr_type, id, name"),
        "journals": q("select name, length(jentry) from journal order by name"),
        "messages": Message.shown,
        "log": Log.lines,
    }


if __name__ == "__main__":
    result = main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[4]) if len(sys.argv) > 4 else None)
    text = json.dumps(result, ensure_ascii=False, indent=1) + "\n"
    if len(sys.argv) > 3:  # QualCoder's modules print to stdout as they load
        Path(sys.argv[3]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
