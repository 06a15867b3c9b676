"""Word (.docx) transcripts: paragraphs with `Speaker:` prefixes (bold or plain), or a
two-column table of speaker and text, laid out as `Speaker: text` paragraphs."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import QualcodeError


def docx_text(path: Path, where: str) -> str:
    if not zipfile.is_zipfile(path):
        raise QualcodeError("this .docx file is not a Word document (not a zip archive)", where,
                            "Re-save it from Word as .docx, or as plain text (.txt).")
    from ..archives import check_office

    check_office(path, where)  # python-docx inflates whatever it is given: a 2 MB file can hold 2 GB
    import docx  # python-docx; imported here so other commands start fast

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises assorted errors on damaged files
        raise QualcodeError(f"cannot open the Word document: {exc}", where,
                            "Re-save it from Word as .docx, or as plain text (.txt).")
    parts: list[str] = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):  # a table: speaker | text
            for row in block.rows:
                cells = [c.text.strip() for c in row.cells]
                cells = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
                if len(cells) >= 2:
                    parts.append(f"{cells[0].rstrip(':')}: {' '.join(cells[1:])}")
                elif cells:
                    parts.append(cells[0])
        else:
            text = block.text.strip()
            if text:
                parts.append(text)
    if not parts:
        raise QualcodeError("the Word document has no text", where, "Add the interview text, or remove the file.")
    return "\n\n".join(parts) + "\n"
