"""Lines on pages → paragraphs, for PDF text layers and OCR alike.

Running headers, footers and page numbers (``- 3 -``, ``第3页``, ``3``, ``3/10``) in the
top or bottom band of a page are dropped, as are lines repeated in that band on most
pages. Lines are joined into paragraphs across line and page breaks: a Chinese line that
wraps joins with no space (two Latin words with one); a paragraph ends where a line is
short, the next line is indented, its font size changes, or a heading starts (the heading
grammar of :mod:`qa.ingest.structure`)."""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from qa.ingest.source import TextBuilder
from qa.ingest.structure import HEADING_PATTERNS

MARGIN_BAND = 0.09  # share of the page height at the top and the bottom where running lines live
PAGE_NO_RE = re.compile(r"^(?:[-－—–‐\s]*\d{1,4}[-－—–‐\s]*|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
                        r"|\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$")
_SENTENCE_END = tuple("。；;：:！？!?”")


@dataclass
class Line:
    text: str
    page: int  # 1-based
    x0: float
    x1: float
    top: float  # from the top of the page
    bottom: float
    size: float  # character height (font size)


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def drop_running_lines(lines: list[Line], heights: dict[int, float]) -> list[Line]:
    """Lines in the top/bottom band that are page numbers or repeat on most pages."""
    def in_band(ln: Line) -> bool:
        h = heights[ln.page]
        return ln.bottom < h * MARGIN_BAND * 1.5 or ln.top > h * (1 - MARGIN_BAND * 1.5)
    pages = len(heights)
    counts = Counter(_running_key(ln.text) for ln in lines if in_band(ln))
    return [ln for ln in lines if not (in_band(ln) and (
        PAGE_NO_RE.match(ln.text.strip()) or (pages >= 3 and counts[_running_key(ln.text)] >= max(2, pages // 2))))]


def _is_heading(text: str) -> bool:
    return any(p.match(text) for _, p in HEADING_PATTERNS)


def _join(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalpha():
        return " "
    return ""


def assemble(lines: list[Line], heights: dict[int, float], encoding: str, ocr: bool = False,
             warnings: tuple[str, ...] = ()):
    """The text of a document's lines (in reading order), a paragraph a line, with a
    location (第 n 页) wherever a page starts."""
    lines = [ln for ln in drop_running_lines(lines, heights) if ln.text.strip()]
    out = TextBuilder()
    if not lines:
        return out.build(encoding, warnings, ocr)
    size = statistics.median(ln.size for ln in lines)
    left = Counter(round(ln.x0 / 2) * 2 for ln in lines).most_common(1)[0][0]
    right = sorted(ln.x1 for ln in lines)[int(0.9 * (len(lines) - 1))]
    prev: Line | None = None
    for ln in lines:
        text = ln.text.strip()
        label = f"第 {ln.page} 页"
        if prev is not None and not _starts_paragraph(prev, ln, text, left, right, size, not ocr):
            out.add(_join(prev.text.strip(), text) + text, label)
        else:
            if prev is not None:
                out.add("\n")
            out.add(text, label)
        prev = ln
    out.add("\n")
    return out.build(encoding, warnings, ocr)


def _starts_paragraph(prev: Line, ln: Line, text: str, left: float, right: float, size: float,
                      by_size: bool = True) -> bool:
    """A line starts a paragraph (font sizes are compared only where they are exact, not
    for OCR boxes)."""
    tol = 0.8 * size
    if ln.x0 > left + tol:  # indented (or centred)
        return True
    if prev.x1 < right - 2.5 * size:  # the previous line is short
        return True
    if prev.x0 > left + 3 * size and abs((prev.x0 - left) - (right - prev.x1)) < 2 * size:  # centred
        return True
    if by_size and abs(ln.size - prev.size) > 0.15 * size:
        return True
    return _is_heading(text) and prev.text.rstrip().endswith(_SENTENCE_END)
