"""Word .docx notices, read with docx2python: the body one paragraph a line, tables a row
a line (cells separated by a tab), headers and footers left out. Word's automatic
numbering (一、 （一） 1. …, defined in numbering.xml) is part of the text a reader sees,
so it is rendered from its definition (format and level text) into the paragraph, as the
heading grammar expects. Locations: 第 n 段 (paragraph n of the body, tables counted
by paragraph)."""
from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path

from qa.ingest.readers.numbering import Numbering
from qa.ingest.source import NoticeError, SourceText, TextBuilder

MAX_UNZIPPED = 100_000_000  # declared uncompressed size of all members (zip bombs)
# docx2python's own list marker (inserted as the paragraph's first run) and its placeholders
_D2P_BULLET_RE = re.compile(r"^\t*(?:--|[0-9A-Za-z]+\))\t$")
_PLACEHOLDER_RE = re.compile(r"----(?:media/[^\n]*?----|Image alt text---->[^<\n]*<|(?:foot|end)note\d+----)")


class DocxReader:
    suffixes: tuple[str, ...] = (".docx",)

    def read(self, path: Path, progress: bool = False) -> SourceText:
        return read_docx(path)


def check_zip(path: Path) -> zipfile.ZipFile:
    """Open a .docx as a zip, refusing a damaged file and one that would unpack to more
    than :data:`MAX_UNZIPPED` (checked on the declared sizes, before extracting)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise NoticeError("Word 文档已损坏或不是 .docx 格式（无法作为 zip 打开）") from None
    total = sum(info.file_size for info in zf.infolist())
    if total > MAX_UNZIPPED:
        zf.close()
        raise NoticeError(f"Word 文档解压后过大（{total / 1e6:.0f} MB，上限 {MAX_UNZIPPED / 1e6:.0f} MB），可能是压缩炸弹，已拒绝")
    if "word/document.xml" not in zf.namelist():
        zf.close()
        raise NoticeError("Word 文档已损坏：缺少正文 word/document.xml")
    return zf


def read_docx(path: Path, encoding: str = "docx") -> SourceText:
    from docx2python import docx2python

    with check_zip(path) as zf:
        names = set(zf.namelist())
        numbering = Numbering.from_xml(*(zf.read(f"word/{n}.xml") if f"word/{n}.xml" in names else None
                                         for n in ("numbering", "styles")))
    try:
        with warnings.catch_warnings():  # docx2python warns of formats it does not render (we render them)
            warnings.simplefilter("ignore")
            with docx2python(path) as content:
                tables = content.body_pars
    except Exception as exc:  # docx2python raises whatever lxml/zipfile raise on a broken part
        raise NoticeError(f"Word 文档已损坏，无法读取（{type(exc).__name__}）") from None
    out = TextBuilder()
    n = 0
    for table in tables:
        real_table = len(table) > 1 or any(len(row) > 1 for row in table)
        for row in table:
            cells = []
            for cell in row:
                texts = []
                for par in cell:
                    n += 1
                    text = _par_text(par, numbering)
                    if real_table:
                        texts.append(text.strip())
                    else:
                        out.paragraph(text, f"第 {n} 段")
                cells.append(" ".join(t for t in texts if t))
            if real_table:
                out.paragraph("\t".join(cells), f"第 {n} 段（表格）")
    return out.build(encoding)


def _par_text(par, numbering: Numbering) -> str:
    runs = [r.text for r in par.runs if r.text]
    if par.elem is None:
        return "".join(runs)
    if numbering.numbered(par.elem) and runs and _D2P_BULLET_RE.match(runs[0]):
        runs = runs[1:]
    text = _PLACEHOLDER_RE.sub("", "".join(runs))
    label = numbering.label(par.elem)
    if not label:
        return text
    return f"{label} {text}" if label[-1].isascii() and label[-1].isalnum() else label + text
