"""Run the question set through the retrievers (and the answerer) and score them."""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from qa.evaluation.metrics import Passage, gold_ranks, mean, median, ndcg_at, recall_at, reciprocal_rank
from qa.evaluation.questions import Question

RETRIEVERS = ("bm25", "dense", "hybrid")
BASELINE = "baseline"
CUTOFFS = (1, 5, 10)


@dataclass
class RetrieverRun:
    """Ranked passages per question id, the passages of the chunking, and timings."""
    ranked: dict[str, list[Passage]]
    all_passages: Sequence[Passage]
    latency_ms: list[float] = field(default_factory=list)


def run_retriever(questions: Sequence[Question], search: Callable[[str], list[Passage]],
                  all_passages: Sequence[Passage]) -> RetrieverRun:
    run = RetrieverRun({}, all_passages)
    for q in questions:
        t = time.perf_counter()
        run.ranked[q.id] = search(q.question)
        run.latency_ms.append((time.perf_counter() - t) * 1000)
    return run


def _scores(q: Question, ranked: list[Passage], all_passages: Sequence[Passage], k: int) -> dict:
    ranks = gold_ranks(ranked[:k], q.gold)
    return {"ranks": ranks, **{f"R@{c}": recall_at(ranks, c) for c in CUTOFFS},
            "MRR@10": reciprocal_rank(ranks, 10), "nDCG@10": ndcg_at(ranked, q.gold, all_passages, 10),
            "curve": [recall_at(ranks, c) for c in range(1, 11)]}


def _aggregate(rows: list[dict]) -> dict:
    keys = [f"R@{c}" for c in CUTOFFS] + ["MRR@10", "nDCG@10"]
    out = {k: round(mean([r[k] for r in rows]), 4) for k in keys}
    out["n"] = len(rows)
    return out


def score_run(questions: Sequence[Question], run: RetrieverRun, bureau_of: dict[str, str], k: int) -> dict:
    """Overall, per kind and per bureau figures of one retriever, and per-question ranks."""
    answerable = [q for q in questions if q.answerable]
    per_q = {q.id: _scores(q, run.ranked[q.id], run.all_passages, k) for q in answerable}
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for q in answerable:
        by_kind[q.kind].append(per_q[q.id])
    # per bureau: gold items of that bureau (item-level recall), and questions whose gold is all there
    items: dict[str, list[int | None]] = defaultdict(list)
    single: dict[str, list[float]] = defaultdict(list)
    for q in answerable:
        for g, r in zip(q.gold, per_q[q.id]["ranks"]):
            items[bureau_of[g.doc]].append(r)
        bureaus = {bureau_of[g.doc] for g in q.gold}
        if len(bureaus) == 1:
            single[bureaus.pop()].append(per_q[q.id]["MRR@10"])
    per_bureau = {b: {**{f"R@{c}": round(recall_at(rs, c), 4) for c in CUTOFFS}, "gold_items": len(rs),
                      "MRR@10": round(mean(single.get(b, [])), 4), "questions": len(single.get(b, []))}
                  for b, rs in sorted(items.items())}
    lat = sorted(run.latency_ms)
    return {
        "overall": _aggregate(list(per_q.values())),
        "per_kind": {kind: _aggregate(rows) for kind, rows in sorted(by_kind.items())},
        "per_bureau": per_bureau,
        "recall_curve": [round(mean([per_q[q.id]["curve"][c] for q in answerable]), 4) for c in range(10)],
        "latency_ms": {"median": round(median(lat), 2), "p95": round(lat[int(0.95 * (len(lat) - 1))], 2) if lat else 0},
        "per_question": {qid: {"ranks": s["ranks"], "R@5": s["R@5"], "MRR@10": round(s["MRR@10"], 4)}
                         for qid, s in per_q.items()},
    }
