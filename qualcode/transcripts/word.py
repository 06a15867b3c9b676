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
    for block in _blocks(document.element.body):
        if block.tag == _W + "tbl":  # a table: speaker | text
            for row in block.iterchildren(_W + "tr"):
                cells = ["\n".join(_text(p) for p in cell.iter(_W + "p")).strip() for cell in row.iterchildren(_W + "tc")]
                cells = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
                if len(cells) >= 2:
                    parts.append(f"{cells[0].rstrip(':')}: {' '.join(cells[1:])}")
                elif cells:
                    parts.append(cells[0])
        else:
            text = _text(block).strip()
            if text:
                parts.append(text)
    if not parts:
        raise QualcodeError("the Word document has no text", where, "Add the interview text, or remove the file.")
    return "\n\n".join(parts) + "\n"


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _blocks(body):
    """The body's paragraphs and tables in order, those inside content controls (w:sdt, which
    transcription templates use for their fields) included."""
    for child in body.iterchildren():
        if child.tag in (_W + "p", _W + "tbl"):
            yield child
        elif child.tag == _W + "sdt":
            for content in child.iterchildren(_W + "sdtContent"):
                yield from _blocks(content)


def _text(paragraph) -> str:
    """A paragraph's text as Word shows it with its tracked changes accepted: inserted text in
    (python-docx's `text` leaves out what is inside w:ins), deleted text (w:delText) and text
    moved away (w:moveFrom) out; tabs, line breaks and non-breaking hyphens as characters. Text
    boxes are left out, as python-docx's `text` leaves them."""
    out = []
    for el in paragraph.iter(_W + "t", _W + "tab", _W + "br", _W + "cr", _W + "noBreakHyphen"):
        tag = el.tag[len(_W):]
        if tag == "tab" and el.getparent().tag != _W + "r":  # a tab stop of the paragraph's style
            continue
        if any(True for _ in el.iterancestors(_W + "moveFrom", _W + "txbxContent")):
            continue  # moved away; or in a text box (Word keeps two copies of one, and it is no speech)
        if tag == "t":
            out.append(el.text or "")
        elif tag == "tab":
            out.append("\t")
        elif tag == "noBreakHyphen":
            out.append("-")
        else:
            out.append("\n")
    return "".join(out)
