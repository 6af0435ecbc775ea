"""The span-based metrics against ir-measures (trec_eval), on rankings where each gold
item lies in exactly one passage, so that both definitions must agree."""
from __future__ import annotations

import random

import ir_measures
import pytest
from ir_measures import Qrel, ScoredDoc

from qa.evaluation.metrics import Passage, gold_ranks, ndcg_at, recall_at, reciprocal_rank
from qa.evaluation.questions import Gold


def _case(seed: int):
    rng = random.Random(seed)
    passages = [Passage("d.txt", i * 100, i * 100 + 100) for i in range(40)]
    gold_idx = rng.sample(range(40), rng.randint(1, 6))
    gold = [Gold("d.txt", "x", i * 100 + 10, i * 100 + 20) for i in gold_idx]
    ranked = rng.sample(passages, 15)
    return passages, gold, gold_idx, ranked


@pytest.mark.parametrize("seed", range(30))
def test_against_trec_eval(seed):
    passages, gold, gold_idx, ranked = _case(seed)
    qrels = [Qrel("q", f"p{i}", 1) for i in gold_idx]
    run = [ScoredDoc("q", f"p{p.start // 100}", 100.0 - r) for r, p in enumerate(ranked)]
    lib = ir_measures.calc_aggregate([ir_measures.R @ 1, ir_measures.R @ 5, ir_measures.R @ 10,
                                      ir_measures.RR @ 10, ir_measures.nDCG @ 10], qrels, run)
    ranks = gold_ranks(ranked, gold)
    assert recall_at(ranks, 1) == pytest.approx(lib[ir_measures.R @ 1])
    assert recall_at(ranks, 5) == pytest.approx(lib[ir_measures.R @ 5])
    assert recall_at(ranks, 10) == pytest.approx(lib[ir_measures.R @ 10])
    assert reciprocal_rank(ranks, 10) == pytest.approx(lib[ir_measures.RR @ 10])
    assert ndcg_at(ranked, gold, passages, 10) == pytest.approx(lib[ir_measures.nDCG @ 10])


def test_graded_ndcg_matches_trec_eval_when_a_passage_holds_two_gold_items():
    passages = [Passage("d.txt", i * 100, i * 100 + 100) for i in range(10)]
    gold = [Gold("d.txt", "a", 110, 120), Gold("d.txt", "b", 150, 160), Gold("d.txt", "c", 510, 520)]
    ranked = [passages[3], passages[5], passages[1]]
    qrels = [Qrel("q", "p1", 2), Qrel("q", "p5", 1)]
    run = [ScoredDoc("q", f"p{p.start // 100}", 10.0 - r) for r, p in enumerate(ranked)]
    lib = ir_measures.calc_aggregate([ir_measures.nDCG @ 10], qrels, run)
    assert ndcg_at(ranked, gold, passages, 10) == pytest.approx(lib[ir_measures.nDCG @ 10])
    assert gold_ranks(ranked, gold) == [3, 3, 2]


def test_overlap_is_by_span_and_document():
    g = Gold("a.txt", "q", 100, 110)
    assert gold_ranks([Passage("b.txt", 0, 1000), Passage("a.txt", 109, 200)], [g]) == [2]
    assert gold_ranks([Passage("a.txt", 110, 200)], [g]) == [None]
