"""Sections -> chunks: one chunk per unit (a problem with its measures, or a paragraph),
split at Chinese sentence boundaries when it is longer than the embedder takes.

Chunks partition the notice: every non-blank character lies in exactly one chunk and
``notice.text[chunk.start:chunk.end] == chunk.text``. A heading-only container (e.g.
``（一）聚焦…方面``) is carried into the chunk of the unit that follows it.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass

from qa.ingest.notices import Notice
from qa.ingest.problems import unit_sections
from qa.ingest.source import strip_artefacts
from qa.ingest.structure import heading_only

SENTENCE_SEPARATORS = ["\n", "。", "；", "！", "？", ";", "!", "?", "，", ",", ""]
MIN_BUDGET = 48
# A container whose own text is longer than this gets a chunk of its own.
CONTAINER_BODY_MIN = 40


@dataclass(frozen=True)
class Chunk:
    id: str
    doc: str
    bureau: str
    section: tuple[str, ...]  # heading path
    kind: str
    start: int
    end: int
    text: str
    section_idx: int

    def to_dict(self) -> dict:
        d = asdict(self)
        d["section"] = list(self.section)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Chunk:
        return cls(**{**d, "section": tuple(d["section"])})


def embed_prefix(chunk: Chunk, mode: str) -> str:
    if mode == "none":
        return ""
    path = " > ".join(h for h in chunk.section if not h.startswith("〔"))
    if mode == "bureau_path":
        return f"{chunk.bureau} {path}\n" if path else f"{chunk.bureau}\n"
    return f"{path}\n" if path else ""


def embed_text(chunk: Chunk, mode: str) -> str:
    """What the embedder and BM25 see: heading path (by setting) and text, artefacts removed."""
    return strip_artefacts(embed_prefix(chunk, mode) + chunk.text)


def _spans(notice: Notice) -> list[tuple[int, int, int]]:
    """(section idx, start, end) of every chunk unit before splitting, in order."""
    sections, text = notice.sections, notice.text
    units = unit_sections(sections)
    covered = set()
    for u in units:
        stack = [u]
        while stack:
            i = stack.pop()
            covered.add(i)
            stack.extend(sections[i].children)
    spans: list[tuple[int, int, int]] = []
    pending: int | None = None  # start of heading-only containers waiting for the next unit
    unit_set = set(units)
    for sec in sections:
        if sec.idx in unit_set:
            start = pending if pending is not None else sec.start
            spans.append((sec.idx, start, sec.end))
            pending = None
        elif sec.idx not in covered:  # a container: its own span
            if heading_only(sec, text) or len(text[sec.heading_end:sec.own_end].strip()) < CONTAINER_BODY_MIN:
                pending = sec.start if pending is None else pending
            else:
                if pending is not None:
                    spans.append((sec.idx, pending, sec.own_end))
                    pending = None
                else:
                    spans.append((sec.idx, sec.start, sec.own_end))
    if pending is not None:
        if spans:
            idx, start, _ = spans[-1]
            spans[-1] = (idx, start, sections[-1].own_end)
        else:
            spans.append((sections[0].idx, pending, sections[-1].own_end))
    return spans


def chunk_notice(notice: Notice, max_tokens: int, count_tokens: Callable[[str], int],
                 prefix_mode: str = "none") -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: Counter[str] = Counter()
    bureau = notice.meta.bureau_label
    for sec_idx, start, end in _spans(notice):
        sec = notice.sections[sec_idx]
        probe = Chunk("", notice.doc, bureau, sec.path, sec.kind, start, end, "", sec_idx)
        budget = max(MIN_BUDGET, max_tokens - count_tokens(embed_prefix(probe, prefix_mode)) - 4)
        for s, e in split_span(notice.text, start, end, budget, count_tokens):
            text = notice.text[s:e]
            key = f"{notice.doc}\0{text}"
            seen[key] += 1
            cid = hashlib.sha256(f"{key}\0{seen[key]}".encode()).hexdigest()[:16]
            chunks.append(Chunk(cid, notice.doc, bureau, sec.path, sec.kind, s, e, text, sec_idx))
    return chunks


def split_span(text: str, start: int, end: int, budget: int,
               count_tokens: Callable[[str], int]) -> list[tuple[int, int]]:
    """Split text[start:end] into pieces of at most ``budget`` tokens at sentence
    boundaries (langchain's recursive splitter); returns exact (start, end) offsets."""
    piece = text[start:end]
    if count_tokens(strip_artefacts(piece)) <= budget:
        return [(start, end)]
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        separators=SENTENCE_SEPARATORS, keep_separator="end", chunk_size=budget, chunk_overlap=0,
        length_function=count_tokens, strip_whitespace=True)
    out, cursor = [], 0
    for part in splitter.split_text(piece):
        at = piece.find(part, cursor)
        if at < 0:  # cannot happen with zero overlap; keep the partition exact regardless
            raise AssertionError("splitter returned text that is not in the source")
        out.append((start + at, start + at + len(part)))
        cursor = at + len(part)
    return out
