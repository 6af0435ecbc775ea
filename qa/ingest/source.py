"""The source text of a notice, as a document reader returns it.

The source text is the reference for every offset in the project: a section, chunk or
quote is ``text[start:end]`` of it. Conversion artefacts stay in it (offsets exact) and
are blanked or stripped where text is indexed.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

# Conversion artefacts from Word exports: kept in the text (offsets stay exact) but
# never indexed, embedded or quoted.
ARTEFACT_RE = re.compile(r"\[bookmark:[^\]\n]{0,80}\]")


class NoticeError(ValueError):
    """A file that cannot be read as a notice; the message names the reason (in Chinese)."""


# Where offsets of the text come from in the original file: sorted ``(start, label)``
# pairs, e.g. ``(1234, "第 3 页")``; a label holds from its start to the next one.
Locations = tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class SourceText:
    text: str
    encoding: str  # of a text file; for other formats what read it (e.g. "docx", "pdf", "ocr")
    warnings: tuple[str, ...] = field(default=())
    locations: Locations = ()
    ocr: bool = False  # the text was recognised from page images
    meta: dict[str, str] = field(default_factory=dict)  # NoticeMeta fields the file states (a web page's title, date)


def location_at(locations: Locations, offset: int) -> str | None:
    """The source location (page, paragraph, element) of a text offset, or None."""
    i = bisect_right([start for start, _ in locations], offset) - 1
    return locations[i][1] if i >= 0 else None


class TextBuilder:
    """Assembles a reader's text from pieces, one paragraph a line, keeping the location
    of each piece (a new entry only where the label changes)."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._len = 0
        self._locations: list[tuple[int, str]] = []

    def add(self, piece: str, label: str | None = None) -> None:
        if label is not None and (not self._locations or self._locations[-1][1] != label):
            self._locations.append((self._len, label))
        self._parts.append(piece)
        self._len += len(piece)

    def paragraph(self, text: str, label: str | None = None) -> None:
        """A paragraph on its own line (blank paragraphs are dropped)."""
        if text.strip():
            self.add(text, label)
            self.add("\n")

    def build(self, encoding: str, warnings: tuple[str, ...] = (), ocr: bool = False,
              meta: dict[str, str] | None = None) -> SourceText:
        text = "".join(self._parts)
        if not text.strip():
            raise NoticeError("文件中没有文字")
        return SourceText(text, encoding, warnings, tuple(self._locations), ocr, dict(meta or {}))


def artefact_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in ARTEFACT_RE.finditer(text)]


def strip_artefacts(text: str) -> str:
    """Text for indexing (embedding, BM25): artefacts removed, offsets no longer exact."""
    return ARTEFACT_RE.sub("", text)


def blank_artefacts(text: str) -> str:
    """Same length as ``text`` with artefacts replaced by spaces (offsets stay exact)."""
    return ARTEFACT_RE.sub(lambda m: " " * (m.end() - m.start()), text)
