"""Sentences of a chunk, with exact offsets: the units an answer quotes."""
from __future__ import annotations

import re

from qa.ingest.source import blank_artefacts

# A sentence ends after 。！？；(and ASCII ;!?) or at a line end.
_END = re.compile(r"[。！？；;!?]+[”’」』）)]*|\n")
MIN_CHARS = 4


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text`` (offsets shifted by ``offset``),
    whitespace and conversion artefacts trimmed, very short fragments dropped."""
    blanked = blank_artefacts(text)
    spans, pos = [], 0
    for m in _END.finditer(blanked):
        spans.append((pos, m.end()))
        pos = m.end()
    if pos < len(blanked):
        spans.append((pos, len(blanked)))
    out = []
    for s, e in spans:
        seg = blanked[s:e]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        s2, e2 = s + lead, e - trail
        if e2 - s2 < MIN_CHARS or not re.search(r"[\w\u3400-\u9fff]", blanked[s2:e2]):
            continue
        out.append((offset + s2, offset + e2))
    return out
