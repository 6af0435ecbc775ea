"""The answer and its citations: how quotes become verbatim-checked, numbered citations.

Every answer is assembled by :func:`finalize` (quoted sentences) or :func:`finalize_blocks`
(structured answers), which run the verbatim check on each quote; nothing reaches the user
without it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from qa.answer.blocks import Block, BlockSpec
from qa.answer.scoring import Candidate, Confidence
from qa.answer.verify import QuoteError, check_quote
from qa.index.store import LoadedIndex
from qa.ingest.notices import Notice

NOT_FOUND_ZH = "未在已收录的通报中找到相关内容。"
NOT_FOUND_EN = "No relevant content was found in the indexed notices."


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
    role: str = "evidence"  # problem, measure, item (structured answers), evidence, or related (可能相关)
    score: float = 0.0
    label: str = ""  # a measure's or item's number in its block
    location: str = ""  # where the quote is in the original file (第 3 页, 第 12 段; OCR 识别), "" for text files

    def to_dict(self) -> dict:
        return {"n": self.n, "doc": self.doc, "bureau": self.bureau, "title": self.title,
                "section": list(self.section), "kind": self.kind, "start": self.start, "end": self.end,
                "line": self.line, "quote": self.quote, "role": self.role,
                "section_start": self.section_start, "section_end": self.section_end, "label": self.label,
                "location": self.location}


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
    intent: str = "passages"  # how the answer was built (qa.query.intent)
    blocks: list[Block] = field(default_factory=list)  # structured answers: measures, items, table rows
    asked: str = ""  # the question as understood (a follow-up resolved against the conversation)
    scope: tuple[str, ...] = ()  # bureaus a follow-up was limited to

    def evidence(self) -> list[Citation]:
        return [c for c in self.citations if c.role != "related"]

    def block_citations(self) -> list[tuple[Block, list[Citation]]]:
        """Each block of a structured answer with its citations, in order."""
        by_n = {c.n: c for c in self.citations}
        return [(b, [by_n[n] for n in b.citations if n in by_n]) for b in self.blocks]

    def outside_blocks(self) -> list[Citation]:
        """The evidence no block of a structured answer holds (a metadata part of a question
        asking two things): all of it for an answer quoting passages."""
        in_blocks = {n for b in self.blocks for n in b.citations}
        return [c for c in self.evidence() if c.n not in in_blocks]

    def related(self) -> list[Citation]:
        return [c for c in self.citations if c.role == "related"]

    def to_dict(self) -> dict:
        """The answer as JSON data; ``answer`` is its Markdown rendering (qa.render.markdown)."""
        from qa.render.markdown import answer_markdown

        return {"answer": answer_markdown(self), "abstained": self.abstained,
                "citations": [c.to_dict() for c in self.citations], "lang": self.lang,
                "confidence": None if self.confidence is None else {
                    "dense": round(self.confidence.dense, 4),
                    "coverage": None if self.confidence.coverage is None else round(self.confidence.coverage, 4)},
                "notes": self.notes, "intent": self.intent, "blocks": [b.to_dict() for b in self.blocks],
                "asked": self.asked or self.question, "scope": list(self.scope)}


def group_by_bureau(cites: list[Citation]) -> list[tuple[str, list[Citation]]]:
    """Citations grouped by bureau, bureaus in order of first citation."""
    order: dict[str, list[Citation]] = {}
    for c in cites:
        order.setdefault(c.bureau, []).append(c)
    return list(order.items())


def cite(index: LoadedIndex, n: int, doc: str, start: int, end: int, row: int, role: str, notes: list[str],
         score: float = 0.0, label: str = "") -> Citation | None:
    """Citation ``n`` of ``doc[start:end]`` (in the section of chunk ``row``), or None, with
    a note, when the quote fails the verbatim check."""
    notice = index.notices[doc]
    quote = notice.text[start:end]
    try:
        check_quote(index, doc, start, end, quote)
    except QuoteError as exc:
        notes.append(f"已移除一条未通过原文核对的引文：{exc}")
        return None
    chunk = index.chunks[row]
    sec = notice.sections[chunk.section_idx]
    return Citation(n, doc, notice.meta.bureau_label, notice.title, chunk.section, chunk.kind, start, end, quote,
                    notice.line_of(start), sec.start, sec.end, role, score, label, where_in_file(notice, start))


def where_in_file(notice: Notice, offset: int) -> str:
    """The original file's page / paragraph / element of an offset, marked when OCR-read."""
    where = notice.location_of(offset) or ""
    return f"{where}（OCR 识别）" if notice.ocr else where


def finalize(index: LoadedIndex, question: str, lang: str, abstained: bool,
             picked: list[tuple[Candidate, str]], confidence: Confidence | None = None, lead: str | None = None) -> Answer:
    """Build the answer from picked sentences: every quote is checked verbatim against the
    notice at its offsets; one that fails is dropped and reported, never shown."""
    citations: list[Citation] = []
    notes: list[str] = []
    for cand, role in picked:
        c = cite(index, len(citations) + 1, index.chunks[cand.row].doc, cand.start, cand.end, cand.row, role,
                 notes, cand.score)
        if c is not None:
            citations.append(c)
    # evidence first, renumbered in the order shown (grouped by bureau)
    ordered = [c for _, cs in group_by_bureau([c for c in citations if c.role == "evidence"]) for c in cs]
    ordered += [c for _, cs in group_by_bureau([c for c in citations if c.role == "related"]) for c in cs]
    for i, c in enumerate(ordered, start=1):
        c.n = i
    evidence = [c for c in ordered if c.role == "evidence"]
    if abstained or not evidence:
        lead = lead or (NOT_FOUND_EN if lang == "en" else NOT_FOUND_ZH)
        abstained = True
    else:  # a given lead (a caveat: the figure is masked) comes first
        bureaus = list(dict.fromkeys(c.bureau for c in evidence))
        docs = {c.doc for c in evidence}
        said = lead + " " if lead and lang == "en" else lead or ""
        if lang == "en":
            lead = said + (f"Found {len(evidence)} relevant passage{'s' if len(evidence) > 1 else ''} in "
                    f"{len(docs)} notice{'s' if len(docs) > 1 else ''} ({', '.join(bureaus)}); "
                    "quoted verbatim below (in Chinese).")
        else:
            lead = said + f"在 {len(docs)} 份通报中找到 {len(evidence)} 处相关原文（{'、'.join(bureaus)}），按单位引述如下。"
    return Answer(question, lang, abstained, lead, ordered, confidence, notes=notes)


def finalize_blocks(index: LoadedIndex, question: str, lang: str, specs: list[BlockSpec], lead: str,
                    confidence: Confidence | None = None) -> Answer:
    """A structured answer: every quote of every block checked verbatim (one that fails is
    dropped and reported), citations numbered in block order."""
    citations: list[Citation] = []
    blocks: list[Block] = []
    notes: list[str] = []
    for spec in specs:
        numbers = []
        for q in spec.quotes:
            c = cite(index, len(citations) + 1, q.doc, q.start, q.end, q.row, q.role, notes, 0.0, q.label)
            if c is not None:
                citations.append(c)
                numbers.append(c.n)
        blocks.append(Block(spec.kind, spec.bureau, spec.doc, spec.heading, numbers, spec.missing, spec.of))
    return Answer(question, lang, False, lead, citations, confidence, notes=notes, blocks=blocks)


def narrow_to_item(answer: Answer, n: int) -> Answer:
    """“第二条具体怎么做的？”: the n-th item of the first block (with its problem), or the
    answer unchanged with a note when it has no such item."""
    block = answer.blocks[0] if answer.blocks else None
    by_n = {c.n: c for c in answer.citations}
    cites = [by_n[i] for i in block.citations] if block else []
    item = next((c for c in cites if c.label == str(n)), None)
    if item is None:
        answer.notes.append(f"上一个回答没有第 {n} 项，以下是完整回答。")
        return answer
    assert block is not None  # item is one of the block's citations
    keep = [c for c in cites if c.role == "problem"] + [item]
    for i, c in enumerate(keep, start=1):
        c.n = i
    if block.kind == "items":  # next steps, long-term items, the overall part
        lead = (f"Item {n} of {block.bureau}: {block.heading}, quoted in full (in Chinese)." if answer.lang == "en"
                else f"{block.bureau}通报“{block.heading}”部分的第 {n} 项，全文引述如下。")
    else:
        lead = (f"Item {n} of {block.bureau}'s measures, quoted in full (in Chinese)." if answer.lang == "en"
                else f"{block.bureau}针对该问题的第 {n} 项整改措施，全文引述如下。")
    return Answer(answer.question, answer.lang, False, lead, keep, answer.confidence, notes=answer.notes,
                  intent=answer.intent, blocks=[Block(block.kind, block.bureau, block.doc, block.heading,
                                                      [c.n for c in keep])])
