"""Document reader seam: a notice file in, its source text out.

A reader declares the suffixes it reads and returns :class:`qa.ingest.source.SourceText`
(the text every offset refers to, what read it, warnings, the map from offsets back to
pages / paragraphs / elements of the file, whether it was OCR-read, metadata the file
states). Readers are chosen by suffix from :data:`READERS`: plain text and Markdown
(``text``), Word (``docx``, with ``numbering``; ``doc`` through LibreOffice), PDF
(``pdf`` with ``pagelayout``; ``ocr`` for scans) and web pages (``html``); each imports
its library on first use. A new format is a module here and an entry in
:data:`READERS`; nothing downstream changes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from qa.ingest.readers.doc import DocReader
from qa.ingest.readers.docx import DocxReader
from qa.ingest.readers.html import HtmlReader
from qa.ingest.readers.pdf import PdfReader
from qa.ingest.readers.text import TextReader
from qa.ingest.source import NoticeError, SourceText

MAX_BYTES = 20 * 1024 * 1024


@runtime_checkable
class DocumentReader(Protocol):
    suffixes: tuple[str, ...]

    def read(self, path: Path, progress: bool = False) -> SourceText: ...


READERS: tuple[DocumentReader, ...] = (TextReader(), DocxReader(), DocReader(), PdfReader(), HtmlReader())


def suffixes() -> tuple[str, ...]:
    return tuple(s for r in READERS for s in r.suffixes)


def reader_for(path: Path) -> DocumentReader | None:
    suffix = path.suffix.lower()
    return next((r for r in READERS if suffix in r.suffixes), None)


def read_document(path: Path, progress: bool = False) -> SourceText:
    """Read one notice file with the reader for its suffix; errors name the reason (the
    caller names the file). ``progress``: a progress bar on stderr where reading is slow
    (OCR)."""
    reader = reader_for(path)
    if reader is None:
        accepted = "、".join(suffixes())
        raise NoticeError(f"不支持的文件类型 {path.suffix or '（无扩展名）'}，只接受 {accepted}")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise NoticeError(f"文件过大（{size / 1e6:.2g} MB，上限 {MAX_BYTES / 1e6:g} MB）")
    try:
        return reader.read(path, progress)
    except (NoticeError, OSError, MemoryError):
        raise
    except Exception as exc:  # a library failing on a damaged file: this file is refused, the corpus indexed
        raise NoticeError(f"无法读取此 {path.suffix.lower()} 文件，可能已损坏（{type(exc).__name__}）") from exc
