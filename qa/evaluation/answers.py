"""Answer figures on the question set, per question kind: completeness (share of a
question's gold items the answer quotes), quote precision (share of quoted passages whose
cited section holds a gold item), verbatim quotes, abstention precision and recall (and
its calibration); for the precedent finder, passage and bureau recall and precision."""
from __future__ import annotations

import time

from qa.answer.precedents import K_BUREAUS, PER_BUREAU
from qa.answer.scoring import Confidence
from qa.answer.verify import is_verbatim
from qa.evaluation.metrics import mean, median
from qa.evaluation.questions import Question

COVERAGE_GRID = [round(0.05 * i, 2) for i in range(0, 20)]


def _overlaps(doc: str, start: int, end: int, g) -> bool:
    return g.doc == doc and g.start < end and start < g.end


def answer_row(q: Question, ans, index) -> dict:
    """One question's answer figures: gold items quoted (completeness), quotes whose cited
    section holds a gold item (precision), verbatim check, abstention."""
    evidence = [] if ans.abstained else ans.evidence()
    found = [any(_overlaps(c.doc, c.start, c.end, g) for c in evidence) for g in q.gold]
    precise = [any(_overlaps(c.doc, c.section_start, c.section_end, g) for g in q.gold) for c in evidence]
    conf = ans.confidence
    return {"abstained": ans.abstained, "quotes": len(evidence), "precise_quotes": sum(precise),
            "verbatim": all(is_verbatim(index, c.doc, c.start, c.end, c.quote) for c in ans.citations),
            "gold_items": len(q.gold), "gold_items_quoted": sum(found),
            "completeness": round(sum(found) / len(q.gold), 4) if q.gold else None,
            "dense": None if conf is None else round(conf.dense, 4),
            "coverage": None if conf is None or conf.coverage is None else round(conf.coverage, 4),
            "typed": None if conf is None else conf.typed,
            "typed_coverage": None if conf is None or conf.typed_coverage is None else round(conf.typed_coverage, 4)}


def _aggregate(rows: list[dict], questions: list[Question]) -> dict:
    answerable = [r for q, r in zip(questions, rows) if q.answerable]
    none = [r for q, r in zip(questions, rows) if not q.answerable]
    quotes = sum(r["quotes"] for r in rows)
    tp = sum(r["abstained"] for r in none)
    fp = sum(r["abstained"] for r in answerable)
    return {"n": len(rows),
            "completeness": round(mean([r["completeness"] for r in answerable]), 4) if answerable else None,
            "quote_precision": round(sum(r["precise_quotes"] for r in rows) / quotes, 4) if quotes else None,
            "quotes_per_answer": round(sum(r["quotes"] for r in answerable) / len(answerable), 2) if answerable else None,
            "verbatim": all(r["verbatim"] for r in rows),
            "abstained_correctly": tp, "unanswerable": len(none), "false_abstentions": fp,
            "answerable": len(answerable)}


def score_answers(service, questions: list[Question]) -> dict:
    """Every question asked through the service as a user would (its abstention
    included); figures overall and per kind, and the abstention calibration curve."""
    settings = service.settings.retrieval
    per_q, latencies, confs = {}, [], {}
    forced: dict[str, bool | None] = {}
    for q in questions:
        t = time.perf_counter()
        ans = service.ask(q.question)
        latencies.append((time.perf_counter() - t) * 1000)
        per_q[q.id] = answer_row(q, ans, service.index)
        confs[q.id] = ans.confidence or Confidence(0.0, None, None)
        # decided whatever the thresholds: abstained although they were met (an unknown
        # bureau, nothing found), or answered although they were not (metadata fields)
        sufficient = confs[q.id].sufficient(settings.abstain_min_dense, settings.abstain_min_coverage, story=True)
        forced[q.id] = ans.abstained if ans.abstained == sufficient else None
    rows = [per_q[q.id] for q in questions]
    kinds = sorted({q.kind for q in questions})
    overall = _aggregate(rows, questions)
    ab = abstention_figures(questions, confs, forced, settings.abstain_min_dense, settings.abstain_min_coverage)
    return {
        "questions": len(questions),
        "overall": overall,
        "per_kind": {k: _aggregate([per_q[q.id] for q in questions if q.kind == k],
                                   [q for q in questions if q.kind == k]) for k in kinds},
        "per_lang": {lang: _aggregate([per_q[q.id] for q in questions if q.lang == lang],
                                      [q for q in questions if q.lang == lang])
                     for lang in sorted({q.lang for q in questions})},
        # questions written later, by writers who never saw the answers (``batch``): how the
        # answers do on wording and information needs nothing was chosen on
        "per_batch": {b or "first": _aggregate([per_q[q.id] for q in questions if q.batch == b],
                                               [q for q in questions if q.batch == b])
                      for b in sorted({q.batch for q in questions}, key=lambda x: x or "")},
        "quotes_verbatim": overall["verbatim"],
        "abstention": {**ab, "false_abstentions_per_100": round(100 * ab["false_abstentions"]
                                                                / max(overall["answerable"], 1), 2),
                       "calibration": calibrate(questions, confs, forced)},
        "latency_ms": {"median": round(median(latencies), 1)},
        "per_question": per_q,
    }


def abstention_figures(questions: list[Question], confs: dict[str, Confidence], forced: dict[str, bool | None],
                       min_dense: float, min_coverage: float) -> dict:
    """Abstention at the given thresholds: a question decided whatever the thresholds
    (``forced`` True: declined, False: answered) keeps its decision."""
    none = [q for q in questions if not q.answerable]
    answerable = [q for q in questions if q.answerable]
    abst = {q.id: bool(not confs[q.id].sufficient(min_dense, min_coverage, story=True) if forced[q.id] is None else forced[q.id])
            for q in questions}
    tp = sum(abst[q.id] for q in none)
    fp = sum(abst[q.id] for q in answerable)
    return {"min_dense": min_dense, "min_coverage": min_coverage, "unanswerable": len(none),
            "abstained_correctly": tp, "missed_abstentions": len(none) - tp, "false_abstentions": fp,
            "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
            "recall": round(tp / len(none), 4) if none else 0.0}


def calibrate(questions: list[Question], confs: dict[str, Confidence], forced: dict[str, bool | None]) -> dict:
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
    assert best is not None  # both grids have values (dense_grid holds 0.0)
    curve = [abstention_figures(questions, confs, forced, best["min_dense"], cov) for cov in COVERAGE_GRID]
    return {"selected": best,
            "coverage_curve": [{k: f[k] for k in ("min_coverage", "missed_abstentions", "false_abstentions")}
                               for f in curve]}


def score_precedents(service, questions: list[Question], k_bureaus: int = K_BUREAUS, per_bureau: int = PER_BUREAU) -> dict:
    """On the precedent questions: share of gold passages inside a listed problem (with its
    measures), and share of gold bureaus listed."""
    bureau_of = {doc: n.meta.bureau_label for doc, n in service.index.notices.items()}
    found_items = total_items = found_bureaus = total_bureaus = listed_items = relevant_items = 0
    latencies, per_q = [], {}
    for q in questions:
        if q.kind != "precedent":
            continue
        t = time.perf_counter()
        result = service.precedents(q.question, k_bureaus=k_bureaus, per_bureau=per_bureau)
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
                       "bureaus": len(gold_b), "listed": len(items),
                       "relevant": sum(1 for i in items if any(i.doc == g.doc and i.start < g.end and g.start < i.end
                                                               for g in q.gold))}
    return {"questions": len(per_q), "recall": round(found_items / max(total_items, 1), 4),
            "precision": round(relevant_items / max(listed_items, 1), 4),
            "items_per_question": round(listed_items / max(len(per_q), 1), 2),
            "bureau_recall": round(found_bureaus / max(total_bureaus, 1), 4),
            "k_bureaus": k_bureaus, "per_bureau": per_bureau,
            "latency_ms": {"median": round(median(latencies), 1)}, "per_question": per_q}
