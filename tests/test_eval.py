"""The evaluation harness and the regression gate on eval/questions.jsonl."""
from __future__ import annotations

import json

import pytest

from qa.evaluation.compare import compare_runs
from qa.evaluation.evaluate import corpus_texts, evaluate
from qa.evaluation.questions import KINDS, check_questions, load_questions
from qa.evaluation.report import write_report
from tests.conftest import QUESTIONS, ROOT
from tests.test_search import qa_cli

RECORDED = ROOT / "eval" / "recorded.json"
TOLERANCE = 0.02


@pytest.fixture(scope="module")
def result(engine):
    return evaluate(engine, QUESTIONS, baseline=True, answers=True)


def test_question_set_is_valid_and_covers_what_the_issue_asks(engine):
    texts = corpus_texts(engine)
    assert check_questions(QUESTIONS, texts) == []
    qs = load_questions(QUESTIONS, texts)
    assert len(qs) >= 80
    kinds = {k: sum(1 for q in qs if q.kind == k) for k in KINDS}
    assert all(kinds[k] > 0 for k in KINDS)
    assert kinds["precedent"] >= len(qs) / 5
    assert {g.doc for q in qs for g in q.gold} == set(texts)
    assert sum(1 for q in qs if q.lang == "en") >= 10


def test_regression_gate(result):
    """Fails when hybrid Recall@5 or MRR@10 drops more than 0.02 below the figures recorded
    in eval/recorded.json, or when any quote is not verbatim. Update the recorded figures
    deliberately, in the commit that moves them."""
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    hybrid = result["retrievers"]["hybrid"]["overall"]
    for metric in ("R@5", "MRR@10"):
        assert hybrid[metric] >= recorded["hybrid"][metric] - TOLERANCE, (
            f"hybrid {metric} {hybrid[metric]:.4f} < recorded {recorded['hybrid'][metric]:.4f} - {TOLERANCE}")
    assert result["answers"]["quotes_verbatim"]


def test_result_has_every_figure_the_report_needs(result):
    for name in ("bm25", "dense", "hybrid", "baseline"):
        r = result["retrievers"][name]
        assert set(r["overall"]) >= {"R@1", "R@5", "R@10", "MRR@10", "nDCG@10"}
        assert "precedent" in r["per_kind"] and len(r["per_bureau"]) == 5
        assert len(r["recall_curve"]) == 10 and r["latency_ms"]["median"] > 0
    assert result["baseline_chunks"] > 0
    a = result["answers"]
    assert 0 <= a["gold_quoted_share"] <= 1 and a["abstention"]["unanswerable"] >= 10
    assert result["precedents"]["questions"] >= 20
    row = next(r for r in result["per_question"] if r["kind"] != "none")
    assert isinstance(row["retrievers"]["hybrid"]["ranks"], list)
    # our retrievers beat the naive baseline
    assert result["retrievers"]["hybrid"]["overall"]["R@5"] > result["retrievers"]["baseline"]["overall"]["R@5"]


def test_report_and_compare(result, tmp_path):
    write_report(result, tmp_path)
    png = (tmp_path / "recall_at_k.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| hybrid (混合)" in md and "naive baseline" in md and "recall_at_k.png" in md
    worse = json.loads(json.dumps(result))
    row = next(r for r in worse["per_question"] if r["retrievers"].get("hybrid", {}).get("R@5") == 1.0)
    row["retrievers"]["hybrid"]["R@5"] = 0.0
    text = compare_runs(result, worse)
    assert f"{row['id']}" in text and "变差 1 题" in text


def test_check_reports_each_problem(engine, tmp_path):
    bad = tmp_path / "bad.jsonl"
    doc = next(iter(corpus_texts(engine)))
    bad.write_text("\n".join([
        '{"id": "a", "question": "q", "lang": "zh", "kind": "fact", "gold": [{"doc": "%s", "quote": "不存在的引文XYZ"}], "answer": ""}' % doc,
        '{"id": "a", "question": "q", "lang": "xx", "kind": "fact", "gold": [], "answer": ""}',
        'not json',
        '{"id": "c", "question": "q", "lang": "zh", "kind": "none", "gold": [{"doc": "nope.txt", "quote": "x"}], "answer": ""}',
        '{"id": "d", "question": "q", "lang": "zh", "kind": "fact", "gold": [{"doc": "%s", "quote": "分局"}], "answer": ""}' % doc,
    ]), encoding="utf-8")
    problems = check_questions(bad, corpus_texts(engine))
    text = "\n".join(problems)
    for needle in ("找不到", "重复", "lang", "不是有效的 JSON", "应为空列表", "不在语料中", "出现", "gold 为空"):
        assert needle in text, needle


def test_cli_eval_check_and_compare(engine, bundled_settings, tmp_path):
    r = qa_cli(bundled_settings, "eval", "--check", str(QUESTIONS))
    assert r.returncode == 0 and "全部有效" in r.stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    r = qa_cli(bundled_settings, "eval", "--check", str(bad))
    assert r.returncode == 1 and "JSON" in r.stderr
    r = qa_cli(bundled_settings, "eval", "--compare", str(bad), str(bad))
    assert r.returncode == 2 and "不是 qa eval --json 的输出" in r.stderr
