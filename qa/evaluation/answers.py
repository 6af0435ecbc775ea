"""Answer checks on the question set: quotes verbatim, gold passage among the quoted
ones, abstention on the unanswerable questions."""
from __future__ import annotations

import time

from qa.answer import Answerer
from qa.evaluation.metrics import median
from qa.evaluation.questions import Question
from qa.verify import is_verbatim


def answerer_for(engine) -> Answerer:
    return Answerer(engine.index, engine.retriever, engine.settings.retrieval.abstain_threshold)


def score_answers(engine, questions: list[Question]) -> dict:
    answerer = answerer_for(engine)
    per_q, latencies = {}, []
    for q in questions:
        t = time.perf_counter()
        ans = answerer.ask(q.question)
        latencies.append((time.perf_counter() - t) * 1000)
        cites = ans.citations
        evidence = ans.evidence()
        verbatim = all(is_verbatim(engine.index, c.doc, c.start, c.end, c.quote) for c in cites)
        found = [any(c.doc == g.doc and c.start < g.end and g.start < c.end for c in evidence) for g in q.gold]
        per_q[q.id] = {"abstained": ans.abstained, "confidence": round(ans.confidence, 4),
                       "quotes": len(evidence), "verbatim": verbatim,
                       "gold_quoted": any(found) if q.gold else None,
                       "gold_items_quoted": sum(found), "gold_items": len(q.gold)}
    answerable = [q for q in questions if q.answerable]
    none = [q for q in questions if not q.answerable]
    tp = sum(1 for q in none if per_q[q.id]["abstained"])
    fp = sum(1 for q in answerable if per_q[q.id]["abstained"])
    fn = len(none) - tp
    return {
        "questions": len(questions),
        "quotes_verbatim": all(r["verbatim"] for r in per_q.values()),
        "quotes_total": sum(r["quotes"] for r in per_q.values()),
        "gold_quoted_share": round(sum(1 for q in answerable if per_q[q.id]["gold_quoted"]) / max(len(answerable), 1), 4),
        "gold_items_quoted_share": round(sum(per_q[q.id]["gold_items_quoted"] for q in answerable)
                                         / max(sum(len(q.gold) for q in answerable), 1), 4),
        "abstention": {"threshold": answerer.abstain_threshold, "unanswerable": len(none),
                       "abstained_correctly": tp, "missed_abstentions": fn, "false_abstentions": fp,
                       "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
                       "recall": round(tp / len(none), 4) if none else 0.0},
        "latency_ms": {"median": round(median(latencies), 1)},
        "per_question": per_q,
    }
