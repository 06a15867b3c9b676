"""Opening an exchange file as the untrusted input it is.

Archives: entry names that would escape a folder (zip-slip) are refused, as are archives with too
many entries or too many bytes once inflated (zip bombs); sizes are counted while reading, not
taken from the headers. XML: no DTD at all (REFI-QDA files never have one), so no entity can
expand (billion laughs) or pull in a file or URL (XXE); lxml never touches the network."""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import QualcodeError

from ..archives import MAX_FILES, MAX_TOTAL, open_zip, read_member


def _unsafe_name(name: str) -> bool:
    n = name.replace("\\", "/")
    if n.startswith("/") or (len(n) > 1 and n[1] == ":"):
        return True
    return any(part == ".." for part in n.split("/"))


@dataclass
class Package:
    """The .qde XML and the archive's other entries (by lower-case name), read on demand."""

    path: Path
    qde: bytes
    qde_name: str
    zip: zipfile.ZipFile | None = None
    entries: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    budget: list[int] = field(default_factory=lambda: [MAX_TOTAL])

    def source(self, internal: str) -> bytes | None:
        """An `internal://NAME` file: in `sources/` or `Sources/` (any case), names compared without case."""
        name = internal.split("://", 1)[-1].lstrip("/")
        if _unsafe_name(name) or self.zip is None:
            return None
        base = posixpath.basename(name.replace("\\", "/")).lower()
        top = posixpath.dirname(self.qde_name.replace("\\", "/")).lower()  # an archive of a folder: all under it
        for key in (f"sources/{base}", base, f"{top}/sources/{base}", f"{top}/{base}"):
            if key in self.entries:
                return _read(self.zip, self.entries[key], self.path, self.budget)
        return None


def _read(z: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, budget: list[int]) -> bytes:
    return read_member(z, info, str(path), budget)


def open_package(path: Path) -> Package:
    """A .qdpx archive, or a bare .qde / .qdc XML file."""
    if not path.is_file():
        raise QualcodeError("file not found", str(path))
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith(b"PK"):
        z = open_zip(path, str(path))
        infos = z.infolist()
        if len(infos) > MAX_FILES:
            raise QualcodeError(f"the archive holds {len(infos):,} entries (more than {MAX_FILES:,})", str(path))
        bad = [i.filename for i in infos if _unsafe_name(i.filename)]
        if bad:
            raise QualcodeError(f"the archive has an entry whose path leaves its folder: '{bad[0]}'", str(path),
                                "Nothing was written. This archive was not made by a QDA tool; do not unzip it.")
        if sum(i.file_size for i in infos) > MAX_TOTAL:
            raise QualcodeError("the archive claims more than 2 GiB once unpacked", str(path))
        qdes = [i for i in infos if i.filename.lower().endswith(".qde") and not i.is_dir()]
        if not qdes:
            raise QualcodeError("the archive has no .qde project file", str(path),
                                "A .qdpx holds project.qde and a sources/ folder; export the project again.")
        if len(qdes) > 1:
            raise QualcodeError("the archive has several .qde files: " + ", ".join(i.filename for i in qdes), str(path))
        budget = [MAX_TOTAL]
        entries = {i.filename.replace("\\", "/").lower(): i for i in infos if not i.is_dir()}
        return Package(path, _read(z, qdes[0], path, budget), qdes[0].filename, z, entries, budget)
    data = path.read_bytes()
    if len(data) > MAX_TOTAL:
        raise QualcodeError("the file is larger than 2 GiB", str(path))
    if not data.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").startswith((b"<", b"\x00<", b"<\x00")):
        raise QualcodeError("neither a zip archive (.qdpx) nor XML (.qde, .qdc)", str(path),
                            "Export the project (.qdpx) or codebook (.qdc) again from its tool.")
    return Package(path, data, path.name)


_DTD = ("the XML declares a DTD or entities (<!DOCTYPE ...>), which REFI-QDA files never do; refusing it "
        "because entities can expand without limit (billion laughs) or read other files (XXE)")


def parse_xml(data: bytes, where: str):
    """The XML tree, parsed with entity resolution, DTD loading and the network all off; a file
    that declares a DTD is refused outright."""
    from lxml import etree

    head = data[:65536]
    if any(mark.encode(enc) in head for mark in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be")):
        raise QualcodeError(_DTD, where)
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = f":{exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise QualcodeError(f"the XML cannot be read: {exc.msg if hasattr(exc, 'msg') else exc}", where + line,
                            "Export it again from its tool; a hand-edited file may have lost a closing tag.")
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise QualcodeError(_DTD, where)
    return root
