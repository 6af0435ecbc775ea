"""Extractive answers: the most relevant sentences of the retrieved sections, quoted
verbatim, grouped by bureau, each with a citation; or a plain statement that the
notices do not answer the question, with the closest passages as possibly related.

Every answer is assembled by :func:`finalize`, which runs the verbatim check on each
quote; nothing reaches the user without it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from qa.answer.scoring import Candidate, Confidence, Scorer, question_type, states_type
from qa.answer.verify import QuoteError, check_quote
from qa.index.store import LoadedIndex
from qa.query.retrieval import Retriever

NOT_FOUND_ZH = "未在已收录的通报中找到相关内容。"
NOT_FOUND_EN = "No relevant content was found in the indexed notices."

MAX_CHUNKS = 6  # retrieved sections an answer quotes from
MAX_PER_CHUNK = 2  # sentences per section
MAX_QUOTES = 6  # sentences per answer (before neighbouring ones are merged)
RELATED = 3  # "possibly related" passages shown when abstaining
# A sentence is quoted when it scores within MARGIN of the best sentence of the answer.
MARGIN = 0.06

@dataclass
class Citation:
    n: int
    doc: str
    bureau: str
    title: str
    section: tuple[str, ...]
    kind: str
    start: int
    end: int
    quote: str
    line: int
    section_start: int = 0  # the whole cited section (a unit: a problem with its measures)
    section_end: int = 0
    role: str = "evidence"  # or "related" (shown under 可能相关)
    score: float = 0.0

    def to_dict(self) -> dict:
        return {"n": self.n, "doc": self.doc, "bureau": self.bureau, "title": self.title,
                "section": list(self.section), "kind": self.kind, "start": self.start, "end": self.end,
                "line": self.line, "quote": self.quote, "role": self.role,
                "section_start": self.section_start, "section_end": self.section_end}


@dataclass
class Answer:
    question: str
    lang: str
    abstained: bool
    lead: str
    citations: list[Citation]
    confidence: Confidence | None = None
    summary: str | None = None
    notes: list[str] = field(default_factory=list)

    def evidence(self) -> list[Citation]:
        return [c for c in self.citations if c.role == "evidence"]

    def related(self) -> list[Citation]:
        return [c for c in self.citations if c.role == "related"]

    def render(self, markdown: bool = True) -> str:
        esc = escape_markdown if markdown else (lambda s: s)
        en = self.lang == "en"
        out = []
        if self.summary:
            out += [("**Summary** " if en else "**概述** ") + esc(self.summary) if markdown else self.summary, ""]
        out += [esc(self.lead), ""]
        groups = group_by_bureau(self.evidence())
        for bureau, cites in groups:
            out.append(f"**{esc(bureau)}**" if markdown else f"【{bureau}】")
            for c in cites:
                out.append(f"> {esc(c.quote)} [{c.n}]" if markdown else f"  “{c.quote}” [{c.n}]")
            out.append("")
        if self.related():
            out.append("**Possibly related**" if en else "**可能相关**")
            if not markdown:
                out[-1] = "Possibly related:" if en else "可能相关："
            for bureau, cites in group_by_bureau(self.related()):
                out.append(f"*{esc(bureau)}*" if markdown else f"【{bureau}】")
                for c in cites:
                    out.append(f"> {esc(c.quote)} [{c.n}]" if markdown else f"  “{c.quote}” [{c.n}]")
            out.append("")
        if self.citations:
            out.append("**Sources**" if en else "**来源**")
            if not markdown:
                out[-1] = "Sources:" if en else "来源："
            for c in self.citations:
                out.append(esc(source_line(c, en)) + ("  " if markdown else ""))
        for note in self.notes:
            out += ["", f"*{esc(note)}*" if markdown else note]
        return "\n".join(out).rstrip() + "\n"

    def to_dict(self) -> dict:
        return {"answer": self.render(markdown=True), "abstained": self.abstained,
                "citations": [c.to_dict() for c in self.citations], "lang": self.lang,
                "confidence": None if self.confidence is None else {
                    "dense": round(self.confidence.dense, 4),
                    "coverage": None if self.confidence.coverage is None else round(self.confidence.coverage, 4)},
                "notes": self.notes}


def source_line(c: Citation, en: bool = False) -> str:
    path = " › ".join(c.section)
    if en:
        return f"[{c.n}] {c.bureau} · {c.title} · {path} · line {c.line}, chars {c.start}–{c.end} ({c.doc})"
    return f"[{c.n}] {c.bureau} ·《{c.title}》· {path} · 第 {c.line} 行，字符 {c.start}–{c.end}（{c.doc}）"


def group_by_bureau(cites: list[Citation]) -> list[tuple[str, list[Citation]]]:
    """Citations grouped by bureau, bureaus in order of first citation."""
    order: dict[str, list[Citation]] = {}
    for c in cites:
        order.setdefault(c.bureau, []).append(c)
    return list(order.items())


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def escape_markdown(text: str) -> str:
    """Notice and user text shown literally in Markdown (no emphasis, links or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


class Answerer:
    def __init__(self, index: LoadedIndex, retriever: Retriever, min_dense: float = 0.0, min_coverage: float = 0.0):
        self.index = index
        self.retriever = retriever
        self.scorer = Scorer(index)
        self.min_dense = min_dense
        self.min_coverage = min_coverage

    def ask(self, question: str, bureaus: list[str] | None = None, kinds: list[str] | None = None) -> Answer:
        prepared = self.retriever.prepare(question)
        q, lang = prepared.text, prepared.lang
        qvec = self.retriever.embed(prepared)
        hits = self.retriever.search(prepared, k=MAX_CHUNKS, bureaus=bureaus, kinds=kinds, qvec=qvec)
        svec = qvec
        if lang == "en" and prepared.terms:  # sentences are Chinese: also compare with the translation
            svec = np.stack([qvec, self.retriever.embedder.embed_query(" ".join(prepared.terms))])
        cands = self.scorer.sentences(prepared, svec, hits)
        conf = self.scorer.confidence(prepared, hits, cands)
        if prepared.unknown_bureaus and not prepared.bureaus:  # asks about a bureau we do not have
            ans = finalize(self.index, q, lang, True, self._pick_related(cands), conf)
            ans.notes.append(f"问题中提到的“{'、'.join(prepared.unknown_bureaus)}”不在已收录的通报中"
                             f"（已收录：{'、'.join(self.index.bureaus)}）。")
            return ans
        if not hits or not cands or not conf.sufficient(self.min_dense, self.min_coverage):
            return finalize(self.index, q, lang, True, self._pick_related(cands), conf)
        return finalize(self.index, q, lang, False, self._pick(q, cands), conf)

    def _pick(self, q: str, cands: list[Candidate]) -> list[tuple[Candidate, str]]:
        chosen: list[Candidate] = []
        by_chunk: dict[int, list[Candidate]] = {}
        for c in cands:
            by_chunk.setdefault(c.hit_rank, []).append(c)
        top = max((c.score for c in cands), default=0.0)
        for rank in sorted(by_chunk):
            best = sorted(by_chunk[rank], key=lambda c: -c.score)[:MAX_PER_CHUNK]
            best = [c for c in best if c.score >= top - MARGIN]
            chosen.extend(sorted(best, key=lambda c: (c.row, c.idx)))
        if len(chosen) > MAX_QUOTES:  # the best ones, in their order
            keep = {id(c) for c in sorted(chosen, key=lambda c: -c.score)[:MAX_QUOTES]}
            chosen = [c for c in chosen if id(c) in keep]
        qtype = question_type(q)
        if qtype:  # the sentence stating the figure, date or name first
            typed = [c for c in chosen if states_type(qtype, self.index.notices[
                self.index.chunks[c.row].doc].text[c.start:c.end], q)]
            if typed:
                first = max(typed, key=lambda c: c.score)
                chosen.remove(first)
                chosen.insert(0, first)
        return [(c, "evidence") for c in _merge_adjacent(chosen)]

    def _pick_related(self, cands: list[Candidate]) -> list[tuple[Candidate, str]]:
        out, seen = [], set()
        for c in sorted(cands, key=lambda c: -c.score):
            if c.row in seen:
                continue
            seen.add(c.row)
            out.append((c, "related"))
            if len(out) == RELATED:
                break
        return out


def _merge_adjacent(chosen: list[Candidate]) -> list[Candidate]:
    """Neighbouring sentences of one chunk become one quote."""
    out: list[Candidate] = []
    for c in chosen:
        prev = out[-1] if out else None
        if prev and prev.row == c.row and c.idx == prev.idx + 1:
            out[-1] = Candidate(prev.hit_rank, prev.row, prev.start, c.end, max(prev.score, c.score), c.idx)
        else:
            out.append(c)
    return out


def finalize(index: LoadedIndex, question: str, lang: str, abstained: bool,
             picked: list[tuple[Candidate, str]], confidence: Confidence | None = None) -> Answer:
    """Build the answer from picked sentences: every quote is checked verbatim against the
    notice at its offsets; one that fails is dropped and reported, never shown."""
    citations: list[Citation] = []
    notes: list[str] = []
    for cand, role in picked:
        chunk = index.chunks[cand.row]
        notice = index.notices[chunk.doc]
        quote = notice.text[cand.start:cand.end]
        try:
            check_quote(index, chunk.doc, cand.start, cand.end, quote)
        except QuoteError as exc:
            notes.append(f"已移除一条未通过原文核对的引文：{exc}")
            continue
        sec = notice.sections[chunk.section_idx]
        citations.append(Citation(len(citations) + 1, chunk.doc, notice.meta.bureau_label, notice.title,
                                  chunk.section, chunk.kind, cand.start, cand.end, quote,
                                  notice.line_of(cand.start), sec.start, sec.end, role, cand.score))
    # evidence first, renumbered in the order shown (grouped by bureau)
    ordered = [c for _, cs in group_by_bureau([c for c in citations if c.role == "evidence"]) for c in cs]
    ordered += [c for _, cs in group_by_bureau([c for c in citations if c.role == "related"]) for c in cs]
    for i, c in enumerate(ordered, start=1):
        c.n = i
    evidence = [c for c in ordered if c.role == "evidence"]
    if abstained or not evidence:
        lead = NOT_FOUND_EN if lang == "en" else NOT_FOUND_ZH
        abstained = True
    else:
        bureaus = list(dict.fromkeys(c.bureau for c in evidence))
        docs = {c.doc for c in evidence}
        if lang == "en":
            lead = (f"Found {len(evidence)} relevant passage{'s' if len(evidence) > 1 else ''} in "
                    f"{len(docs)} notice{'s' if len(docs) > 1 else ''} ({', '.join(bureaus)}); "
                    "quoted verbatim below (in Chinese).")
        else:
            lead = f"在 {len(docs)} 份通报中找到 {len(evidence)} 处相关原文（{'、'.join(bureaus)}），按单位引述如下。"
    return Answer(question, lang, abstained, lead, ordered, confidence, notes=notes)


def quote_overlaps(c: Citation, doc: str, start: int, end: int) -> bool:
    return c.doc == doc and c.start < end and start < c.end

