"""Document reader seam: a notice file in, its source text out.

A reader declares the suffixes it reads and returns :class:`qa.ingest.source.SourceText`
(the decoded text every offset refers to, its encoding, warnings). Readers are chosen
by suffix from :data:`READERS`; today plain text and Markdown
(:mod:`qa.ingest.readers.text`). A new format is a module here and an entry in
:data:`READERS`; nothing downstream changes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from qa.ingest.readers.text import TextReader
from qa.ingest.source import NoticeError, SourceText

MAX_BYTES = 20 * 1024 * 1024


@runtime_checkable
class DocumentReader(Protocol):
    suffixes: tuple[str, ...]

    def read(self, path: Path) -> SourceText: ...


READERS: tuple[DocumentReader, ...] = (TextReader(),)


def suffixes() -> tuple[str, ...]:
    return tuple(s for r in READERS for s in r.suffixes)


def reader_for(path: Path) -> DocumentReader | None:
    suffix = path.suffix.lower()
    return next((r for r in READERS if suffix in r.suffixes), None)


def read_document(path: Path) -> SourceText:
    """Read one notice file with the reader for its suffix; errors name the reason (the
    caller names the file)."""
    reader = reader_for(path)
    if reader is None:
        accepted = " 和 ".join(suffixes())
        raise NoticeError(f"不支持的文件类型 {path.suffix or '（无扩展名）'}，只接受 {accepted}")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise NoticeError(f"文件过大（{size / 1e6:.1f} MB，上限 {MAX_BYTES / 1e6:.0f} MB）")
    return reader.read(path)
