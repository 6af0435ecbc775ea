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

from qa.retrieval import Hit, Retriever, check_query
from qa.store import LoadedIndex
from qa.structure import heading_only
from qa.tokens import is_chinese, tokenize
from qa.verify import QuoteError, check_quote

NOT_FOUND_ZH = "未在已收录的通报中找到相关内容。"
NOT_FOUND_EN = "No relevant content was found in the indexed notices."

# Question types whose answer is a figure, a date or a name: the sentence stating it comes first.
_QTYPES = (
    ("date", re.compile(r"什么时候|何时|哪天|哪一天|几号|日期|哪年|哪个月|几月|起止时间|时间段|落款日期|"
                        r"\bwhen\b|what date|which day|which year|what time", re.I)),
    ("figure", re.compile(r"多少|几[个次名人份场项处件宗辆路本期轮笔天所条批家间]|几次|数量|比例|百分之|比率|率是|"
                          r"\bhow (many|much)\b|what percentage|number of|by how much", re.I)),
    ("name", re.compile(r"叫什么|名字|名称|全称|标题|是谁|哪位|谁|哪个(巡察组|单位|部门|机构)|什么名义|"
                        r"\bwho\b|\bname\b|which (inspection )?group|what title", re.I)),
)
_HAS_TYPE = {
    "date": re.compile(r"\d{1,4}年\d{1,2}月|\d{1,2}月\d{1,2}日|\d{4}年|[*]+年|[*]+月"),
    "figure": re.compile(r"\d|[*]+[个次名人份场项处件宗辆%]|[一二三四五六七八九十百千万两]+[个次名人份场项处件宗辆本期轮笔]"),
    "name": re.compile(r"《[^》]+》|“[^”]+”|同志|巡察组|委员会|[A-Za-z0-9._-]+@"),
}

# Scoring of candidate sentences: cosine similarity to the question, plus the
# IDF-weighted share of the question's words the sentence contains.
LEXICAL_WEIGHT = 0.15
HEADING_PENALTY = 0.03
TYPE_BONUS = 0.02
MAX_CHUNKS = 6
MAX_PER_CHUNK = 2
RELATED = 3


def question_type(question: str) -> str | None:
    for name, pattern in _QTYPES:
        if pattern.search(question):
            return name
    return None


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
    confidence: float = 0.0
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
        groups = _group(self.evidence())
        for bureau, cites in groups:
            out.append(f"**{esc(bureau)}**" if markdown else f"【{bureau}】")
            for c in cites:
                out.append(f"> {esc(c.quote)} [{c.n}]" if markdown else f"  “{c.quote}” [{c.n}]")
            out.append("")
        if self.related():
            out.append("**Possibly related**" if en else "**可能相关**")
            if not markdown:
                out[-1] = "Possibly related:" if en else "可能相关："
            for bureau, cites in _group(self.related()):
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
                "confidence": round(self.confidence, 4), "notes": self.notes}


def source_line(c: Citation, en: bool = False) -> str:
    path = " › ".join(c.section)
    if en:
        return f"[{c.n}] {c.bureau} · {c.title} · {path} · line {c.line}, chars {c.start}–{c.end} ({c.doc})"
    return f"[{c.n}] {c.bureau} ·《{c.title}》· {path} · 第 {c.line} 行，字符 {c.start}–{c.end}（{c.doc}）"


def _group(cites: list[Citation]) -> list[tuple[str, list[Citation]]]:
    order: dict[str, list[Citation]] = {}
    for c in cites:
        order.setdefault(c.bureau, []).append(c)
    return list(order.items())


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def escape_markdown(text: str) -> str:
    """Notice and user text shown literally in Markdown (no emphasis, links or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


@dataclass
class _Candidate:
    hit_rank: int
    row: int
    start: int
    end: int
    score: float
    idx: int  # sentence index within its chunk


class Answerer:
    def __init__(self, index: LoadedIndex, retriever: Retriever, abstain_threshold: float):
        self.index = index
        self.retriever = retriever
        self.abstain_threshold = abstain_threshold
        self._row_of = {c.id: i for i, c in enumerate(index.chunks)}

    def ask(self, question: str, bureaus: list[str] | None = None, kinds: list[str] | None = None) -> Answer:
        q = check_query(question)
        lang = "zh" if is_chinese(q) else "en"
        qvec = self.retriever.embedder.embed_query(q)
        hits = self.retriever.search(q, k=MAX_CHUNKS, bureaus=bureaus, kinds=kinds, qvec=qvec)
        cands, confidence = self._candidates(q, qvec, hits)
        if not hits or confidence < self.abstain_threshold:
            return finalize(self.index, q, lang, True, self._pick_related(cands), confidence)
        return finalize(self.index, q, lang, False, self._pick(q, cands), confidence)

    def _candidates(self, q: str, qvec: np.ndarray, hits: list[Hit]) -> tuple[list[_Candidate], float]:
        qtoks = set(tokenize(q))
        weight = sum(self.index.idf.get(t, 0.0) for t in qtoks)
        qtype = question_type(q)
        cands: list[_Candidate] = []
        best = -1.0
        for h in hits:
            row = self._row_of[h.chunk.id]
            spans, vecs = self.index.chunk_sentences(row)
            if len(spans) == 0:
                continue
            cos = np.asarray(vecs, dtype=np.float32) @ qvec
            notice = self.index.notices[h.chunk.doc]
            text = notice.text
            # heading lines in this chunk: bare container headings are no evidence; other
            # headings (a heading with body text on the same line) only rank lower
            headings = [(x.start, x.heading_end, heading_only(x, text)) for x in notice.sections
                        if h.chunk.start <= x.start < h.chunk.end and x.heading_end > x.start]
            for j, ((s, e), c) in enumerate(zip(spans.tolist(), cos.tolist())):
                inside = [bare for hs, he, bare in headings if hs <= s and e <= he + 1]
                if inside and inside[0]:
                    continue
                is_heading = bool(inside)
                sentence = text[s:e]
                lex = 0.0
                if weight > 0:
                    stoks = set(tokenize(sentence))
                    lex = sum(self.index.idf.get(t, 0.0) for t in qtoks & stoks) / weight
                score = c + LEXICAL_WEIGHT * lex
                if is_heading:
                    score -= HEADING_PENALTY
                if qtype and _HAS_TYPE[qtype].search(sentence):
                    score += TYPE_BONUS
                best = max(best, score)
                cands.append(_Candidate(h.rank, row, s, e, score, j))
        return cands, best

    def _pick(self, q: str, cands: list[_Candidate]) -> list[tuple[_Candidate, str]]:
        chosen: list[_Candidate] = []
        by_chunk: dict[int, list[_Candidate]] = {}
        for c in cands:
            by_chunk.setdefault(c.hit_rank, []).append(c)
        top = max((c.score for c in cands), default=0.0)
        for rank in sorted(by_chunk):
            best = sorted(by_chunk[rank], key=lambda c: -c.score)[:MAX_PER_CHUNK]
            best = [c for c in best if c.score >= top - 0.06]
            chosen.extend(sorted(best, key=lambda c: c.idx))
        qtype = question_type(q)
        if qtype:  # the sentence stating the figure, date or name first
            typed = [c for c in chosen if _HAS_TYPE[qtype].search(self.index.notices[
                self.index.chunks[c.row].doc].text[c.start:c.end])]
            if typed:
                first = max(typed, key=lambda c: c.score)
                chosen.remove(first)
                chosen.insert(0, first)
        return [(c, "evidence") for c in _merge_adjacent(chosen)]

    def _pick_related(self, cands: list[_Candidate]) -> list[tuple[_Candidate, str]]:
        out, seen = [], set()
        for c in sorted(cands, key=lambda c: -c.score):
            if c.row in seen:
                continue
            seen.add(c.row)
            out.append((c, "related"))
            if len(out) == RELATED:
                break
        return out


def _merge_adjacent(chosen: list[_Candidate]) -> list[_Candidate]:
    """Neighbouring sentences of one chunk become one quote."""
    out: list[_Candidate] = []
    for c in chosen:
        prev = out[-1] if out else None
        if prev and prev.row == c.row and c.idx == prev.idx + 1:
            out[-1] = _Candidate(prev.hit_rank, prev.row, prev.start, c.end, max(prev.score, c.score), c.idx)
        else:
            out.append(c)
    return out


def finalize(index: LoadedIndex, question: str, lang: str, abstained: bool,
             picked: list[tuple[_Candidate, str]], confidence: float) -> Answer:
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
    ordered = [c for _, cs in _group([c for c in citations if c.role == "evidence"]) for c in cs]
    ordered += [c for _, cs in _group([c for c in citations if c.role == "related"]) for c in cs]
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

