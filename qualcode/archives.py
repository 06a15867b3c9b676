"""Zip archives opened as the untrusted input they are: .qdpx exchange files, and the .docx and
.xlsx files that python-docx and openpyxl would otherwise inflate without any limit.

Sizes are counted while inflating, never taken from the headers, and reading stops at the first
byte over a limit, so a 2 MB file that inflates to 2 GB costs a moment, not all memory. A damaged
archive (bad CRC, truncated member) is a clear error, not a crash."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from .errors import QualcodeError

MAX_FILES = 20_000
MAX_TOTAL = 2 * 1024**3  # 2 GiB inflated, the REFI-QDA spec's per-file limit, for a whole archive
MAX_RATIO = 200  # text rarely compresses better than 1:20; 1:200 is a bomb
OFFICE_TOTAL = 512 * 1024**2  # a Word or Excel file: far beyond any interview or code table
CHUNK = 1 << 20
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError)


def _damaged(where: str, exc: Exception) -> QualcodeError:
    return QualcodeError(f"the archive is damaged and cannot be read ({exc})", where,
                         "Save or export the file again from the program that made it.")


def open_zip(source: Path | bytes, where: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except DAMAGED as exc:
        raise _damaged(where, exc)
    except OSError as exc:
        raise QualcodeError(f"cannot read the file: {exc.strerror}", where)


def read_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: list[int],
                keep: bool = True) -> bytes:
    """One entry's bytes, refused once it inflates past min(budget left, its packed size x MAX_RATIO).
    `keep=False` only measures (and checks the CRC): nothing is held in memory."""
    limit = min(budget[0], max(info.compress_size, 1) * MAX_RATIO + CHUNK)
    out = bytearray()
    seen = 0
    try:
        with z.open(info) as f:
            while chunk := f.read(CHUNK):
                seen += len(chunk)
                if keep:
                    out += chunk
                if seen > limit:
                    raise QualcodeError(f"'{info.filename}' inflates to more than {limit:,} bytes: refusing a possible "
                                        "zip bomb", where, "If the file is genuine, unzip it yourself and check it.")
    except DAMAGED as exc:
        raise _damaged(where, exc)
    budget[0] -= seen
    return bytes(out)


def check_office(source: Path | bytes, where: str) -> None:
    """Make sure a .docx/.xlsx is safe to hand to python-docx or openpyxl: few enough entries, and
    every entry inflates within bounds with a good CRC (measured, not kept). A file that is no zip
    at all is left to the reader, which says what it expected."""
    if not zipfile.is_zipfile(io.BytesIO(source) if isinstance(source, bytes) else source):
        return
    z = open_zip(source, where)
    with z:
        infos = z.infolist()
        if len(infos) > MAX_FILES:
            raise QualcodeError(f"the file holds {len(infos):,} archive entries (more than {MAX_FILES:,})", where)
        budget = [OFFICE_TOTAL]
        for info in infos:
            if not info.is_dir():
                read_member(z, info, where, budget, keep=False)
