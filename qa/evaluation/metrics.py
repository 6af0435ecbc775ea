"""Span-based retrieval metrics.

A retrieved passage (doc, start, end) hits a gold item when it is from the gold's
document and the spans overlap. Recall@k and reciprocal rank are counted per gold
item (the rank of the first passage that hits it); nDCG@10 is the trec_eval
definition over passages, a passage's gain being the number of gold items it hits and
the ideal ranking taken over every passage of the same chunking. These are checked
against ir-measures (trec_eval) in the tests.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from qa.evaluation.questions import Gold


@dataclass(frozen=True)
class Passage:
    doc: str
    start: int
    end: int


def overlaps(p: Passage, g: Gold) -> bool:
    return p.doc == g.doc and p.start < g.end and g.start < p.end


def gold_ranks(ranked: Sequence[Passage], gold: Sequence[Gold]) -> list[int | None]:
    """1-based rank of the first passage hitting each gold item (None: not retrieved)."""
    out: list[int | None] = []
    for g in gold:
        rank = next((r for r, p in enumerate(ranked, start=1) if overlaps(p, g)), None)
        out.append(rank)
    return out


def recall_at(ranks: Sequence[int | None], k: int) -> float:
    if not ranks:
        return 0.0
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def reciprocal_rank(ranks: Sequence[int | None], k: int = 10) -> float:
    found = [r for r in ranks if r is not None and r <= k]
    return 1.0 / min(found) if found else 0.0


def gains(passages: Sequence[Passage], gold: Sequence[Gold]) -> list[int]:
    return [sum(1 for g in gold if overlaps(p, g)) for p in passages]


def ndcg_at(ranked: Sequence[Passage], gold: Sequence[Gold], all_passages: Sequence[Passage], k: int = 10) -> float:
    """trec_eval nDCG@k: gain = number of gold items a passage hits, discount log2(rank+1),
    ideal = every passage of the chunking sorted by gain."""
    ideal = sorted((g for g in gains(all_passages, gold) if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    if idcg == 0:
        return 0.0
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains(ranked[:k], gold)))
    return dcg / idcg


def mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def median(xs: Sequence[float]) -> float:
    s = sorted(xs)
    if not s:
        return 0.0
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2
