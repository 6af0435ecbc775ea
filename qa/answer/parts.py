"""The answers to a question's parts (qa.query.parts) as one answer: their leads in order,
their citations numbered on, a declined part's reason kept and its passages left out."""
from __future__ import annotations

import re
from dataclasses import replace

from qa.answer.blocks import Block
from qa.answer.result import Answer, Citation


def _renumbered(lead: str, offset: int) -> str:
    return re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", lead) if offset else lead


def merge_answers(question: str, parts: list[str], answers: list[Answer]) -> Answer:
    """One answer to ``question`` from the answers to its ``parts``, in their order, each
    lead saying which part it answers."""
    en = answers[0].lang == "en"
    leads: list[str] = []
    citations: list[Citation] = []
    blocks: list[Block] = []
    notes: list[str] = []
    for part, a in zip(parts, answers):
        offset = len(citations)
        kept = [] if a.abstained else a.citations
        citations += [replace(c, n=c.n + offset) for c in kept]
        blocks += [replace(b, citations=[n + offset for n in b.citations]) for b in ([] if a.abstained else a.blocks)]
        leads.append((f"Asked “{part}”: " if en else f"问“{part}”：") + _renumbered(a.lead, offset))
        notes += [n for n in a.notes if n not in notes]
    answered = [a for a in answers if not a.abstained]
    first = answered[0] if answered else answers[0]
    return Answer(question, first.lang, not answered, (" " if en else "").join(leads), citations, first.confidence,
                  notes=notes, intent=first.intent, blocks=blocks)
