"""The source text of a notice, as a document reader returns it.

The source text is the reference for every offset in the project: a section, chunk or
quote is ``text[start:end]`` of it. Conversion artefacts stay in it (offsets exact) and
are blanked or stripped where text is indexed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Conversion artefacts from Word exports: kept in the text (offsets stay exact) but
# never indexed, embedded or quoted.
ARTEFACT_RE = re.compile(r"\[bookmark:[^\]\n]{0,80}\]")


class NoticeError(ValueError):
    """A file that cannot be read as a notice; the message names the reason (in Chinese)."""


@dataclass(frozen=True)
class SourceText:
    text: str
    encoding: str
    warnings: tuple[str, ...] = field(default=())


def artefact_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in ARTEFACT_RE.finditer(text)]


def strip_artefacts(text: str) -> str:
    """Text for indexing (embedding, BM25): artefacts removed, offsets no longer exact."""
    return ARTEFACT_RE.sub("", text)


def blank_artefacts(text: str) -> str:
    """Same length as ``text`` with artefacts replaced by spaces (offsets stay exact)."""
    return ARTEFACT_RE.sub(lambda m: " " * (m.end() - m.start()), text)
