"""Answer checks on the question set: quotes verbatim, gold passage among the quoted
ones, abstention on the unanswerable questions (and its calibration)."""
from __future__ import annotations

import time

from qa.answer.compose import Answerer, Confidence
from qa.answer.verify import is_verbatim
from qa.evaluation.metrics import median
from qa.evaluation.questions import Question

COVERAGE_GRID = [round(0.05 * i, 2) for i in range(0, 20)]


def score_answers(service, questions: list[Question]) -> dict:
    """Every question is answered once without abstaining (so that its quotes and
    confidence are known), then the configured thresholds decide abstention."""
    settings = service.settings.retrieval
    answerer = Answerer(service.index, service.retriever)  # thresholds 0: never abstains
    per_q, latencies, confs, forced = {}, [], {}, {}
    for q in questions:
        t = time.perf_counter()
        ans = answerer.ask(q.question)
        latencies.append((time.perf_counter() - t) * 1000)
        evidence = ans.evidence()
        confs[q.id] = ans.confidence
        forced[q.id] = ans.abstained  # with zero thresholds: an unknown bureau, or nothing found
        abstained = ans.abstained or not ans.confidence.sufficient(settings.abstain_min_dense,
                                                                   settings.abstain_min_coverage)
        verbatim = all(is_verbatim(service.index, c.doc, c.start, c.end, c.quote) for c in ans.citations)
        found = [any(c.doc == g.doc and c.start < g.end and g.start < c.end for c in evidence) for g in q.gold]
        per_q[q.id] = {"abstained": abstained, "dense": round(ans.confidence.dense, 4), "typed": ans.confidence.typed,
                       "coverage": None if ans.confidence.coverage is None else round(ans.confidence.coverage, 4),
                       "quotes": len(evidence), "verbatim": verbatim,
                       "gold_quoted": (any(found) and not abstained) if q.gold else None,
                       "gold_items_quoted": 0 if abstained else sum(found), "gold_items": len(q.gold)}
    answerable = [q for q in questions if q.answerable]
    return {
        "questions": len(questions),
        "quotes_verbatim": all(r["verbatim"] for r in per_q.values()),
        "quotes_total": sum(r["quotes"] for r in per_q.values()),
        "quotes_per_answer": round(sum(per_q[q.id]["quotes"] for q in answerable) / max(len(answerable), 1), 2),
        "gold_quoted_share": round(sum(1 for q in answerable if per_q[q.id]["gold_quoted"]) / max(len(answerable), 1), 4),
        "gold_items_quoted_share": round(sum(per_q[q.id]["gold_items_quoted"] for q in answerable)
                                         / max(sum(len(q.gold) for q in answerable), 1), 4),
        "abstention": {**abstention_figures(questions, confs, forced, settings.abstain_min_dense,
                                            settings.abstain_min_coverage),
                       "calibration": calibrate(questions, confs, forced)},
        "latency_ms": {"median": round(median(latencies), 1)},
        "per_question": per_q,
    }


def abstention_figures(questions: list[Question], confs: dict[str, Confidence], forced: dict[str, bool],
                       min_dense: float, min_coverage: float) -> dict:
    none = [q for q in questions if not q.answerable]
    answerable = [q for q in questions if q.answerable]
    abst = {q.id: forced[q.id] or not confs[q.id].sufficient(min_dense, min_coverage) for q in questions}
    tp = sum(abst[q.id] for q in none)
    fp = sum(abst[q.id] for q in answerable)
    return {"min_dense": min_dense, "min_coverage": min_coverage, "unanswerable": len(none),
            "abstained_correctly": tp, "missed_abstentions": len(none) - tp, "false_abstentions": fp,
            "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
            "recall": round(tp / len(none), 4) if none else 0.0}


def calibrate(questions: list[Question], confs: dict[str, Confidence], forced: dict[str, bool]) -> dict:
    """The thresholds that get the most abstain/answer decisions right on this set (ties:
    fewer false abstentions, then lower thresholds), and the trade-off curve."""
    dense_grid = sorted({0.0} | {round(c.dense, 3) for c in confs.values()})
    best, best_key = None, None
    for d in dense_grid:
        for cov in COVERAGE_GRID:
            f = abstention_figures(questions, confs, forced, d, cov)
            key = (f["abstained_correctly"] - f["false_abstentions"], -f["false_abstentions"], -cov, -d)
            if best_key is None or key > best_key:
                best, best_key = f, key
    curve = [abstention_figures(questions, confs, forced, best["min_dense"], cov) for cov in COVERAGE_GRID]
    return {"selected": best,
            "coverage_curve": [{k: f[k] for k in ("min_coverage", "missed_abstentions", "false_abstentions")}
                               for f in curve]}


def score_precedents(service, questions: list[Question], k_bureaus: int = 5, per_bureau: int = 2) -> dict:
    """On the precedent questions: share of gold passages inside a listed problem (with its
    measures), and share of gold bureaus listed."""
    from qa.answer.precedents import PrecedentFinder

    finder = PrecedentFinder(service.index, service.retriever)
    bureau_of = {doc: n.meta.bureau_label for doc, n in service.index.notices.items()}
    found_items = total_items = found_bureaus = total_bureaus = listed_items = relevant_items = 0
    latencies, per_q = [], {}
    for q in questions:
        if q.kind != "precedent":
            continue
        t = time.perf_counter()
        result = finder.find(q.question, k_bureaus=k_bureaus, per_bureau=per_bureau)
        latencies.append((time.perf_counter() - t) * 1000)
        items = [i for b in result.bureaus for i in b.items]
        hit = [any(i.doc == g.doc and i.start < g.end and g.start < i.end for i in items) for g in q.gold]
        listed = {b.bureau for b in result.bureaus}
        listed_items += len(items)
        relevant_items += sum(1 for i in items if any(i.doc == g.doc and i.start < g.end and g.start < i.end
                                                      for g in q.gold))
        gold_b = {bureau_of[g.doc] for g in q.gold}
        found_items += sum(hit)
        total_items += len(hit)
        found_bureaus += len(gold_b & listed)
        total_bureaus += len(gold_b)
        per_q[q.id] = {"gold_found": sum(hit), "gold": len(hit), "bureaus_found": len(gold_b & listed),
                       "bureaus": len(gold_b)}
    return {"questions": len(per_q), "recall": round(found_items / max(total_items, 1), 4),
            "precision": round(relevant_items / max(listed_items, 1), 4),
            "items_per_question": round(listed_items / max(len(per_q), 1), 2),
            "bureau_recall": round(found_bureaus / max(total_bureaus, 1), 4),
            "k_bureaus": k_bureaus, "per_bureau": per_bureau,
            "latency_ms": {"median": round(median(latencies), 1)}, "per_question": per_q}
