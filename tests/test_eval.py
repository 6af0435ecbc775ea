"""The evaluation harness and the regression gate on eval/questions.jsonl (both parts)."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from qa.evaluation.compare import compare_runs
from qa.evaluation.evaluate import corpus_texts
from qa.evaluation.questions import (
    KINDS,
    assign_splits,
    check_questions,
    incomplete_measures,
    load_questions,
    misplaced,
)
from qa.evaluation.report import write_report
from tests.conftest import QUESTIONS, ROOT
from tests.test_search import qa_cli

RECORDED = ROOT / "eval" / "recorded.json"
TOLERANCE = 0.02


@pytest.fixture(scope="module")
def results(evaluation):
    return evaluation[0]


@pytest.fixture(scope="module")
def questions(engine):
    return load_questions(QUESTIONS, corpus_texts(engine))


def test_question_set_is_valid_and_covers_what_the_issues_ask(engine, questions):
    texts = corpus_texts(engine)
    assert check_questions(QUESTIONS, texts) == []
    kinds = Counter(q.kind for q in questions)
    assert len(questions) >= 250 and all(kinds[k] > 0 for k in KINDS)
    measure = [q for q in questions if q.kind == "measure"]
    assert len(measure) >= 60 and {q.problem.doc for q in measure} == set(texts)
    assert sum(q.wording == "plain" for q in measure) >= len(measure) / 2
    assert kinds["next_steps"] >= 20 and kinds["meta"] >= 20 and kinds["compare"] >= 30 and kinds["none"] >= 25
    assert sum(q.lang == "en" for q in questions) >= 30
    assert {g.doc for q in questions for g in q.gold} == set(texts)


def test_split_is_held_out_stratified_and_reproducible(questions):
    """The split stored in the file is the one assign_splits gives (nobody moved a question
    after seeing its result); at least 40 % is held out, in every kind."""
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert {r["id"]: r["split"] for r in rows} == assign_splits(rows)
    for kind in KINDS:  # variants (the same question restated) are not new questions
        of_kind = [q for q in questions if q.kind == kind and q.variant_of is None]
        assert sum(q.split == "test" for q in of_kind) >= 0.4 * len(of_kind), kind
    by_id = {q.id: q for q in questions}
    variants = [q for q in questions if q.variant_of]
    assert variants and all(q.split == by_id[q.variant_of].split and q.gold == by_id[q.variant_of].gold
                            for q in variants)


def test_a_variant_follows_its_original_and_moves_no_other_question():
    rows = [{"id": f"q{i}", "kind": "fact", "gold": [{"doc": "a.txt", "quote": "x"}]} for i in range(10)]
    before = assign_splits(rows)
    variants = [{"id": f"v{i}", "kind": "fact", "gold": [{"doc": "a.txt", "quote": "x"}], "variant_of": f"q{i}"}
                for i in range(10)]
    after = assign_splits(rows + variants)
    assert {k: after[k] for k in before} == before
    assert all(after[f"v{i}"] == before[f"q{i}"] for i in range(10))


def test_a_later_batch_moves_no_earlier_question_and_is_held_out_in_its_own_right():
    rows = [{"id": f"q{i}", "kind": "fact", "gold": [{"doc": "a.txt", "quote": "x"}]} for i in range(10)]
    before = assign_splits(rows)
    later = [{"id": f"n{i}", "kind": "fact", "gold": [{"doc": "a.txt", "quote": "x"}], "batch": "b2"}
             for i in range(10)]
    after = assign_splits(rows + later)
    assert {k: after[k] for k in before} == before
    assert sum(after[f"n{i}"] == "test" for i in range(10)) == 4


@pytest.mark.timeout(1500)  # run alone, the first to use the session's evaluation
def test_regression_gate(results):
    """Fails when a figure of either part drops more than 0.02 below the one recorded in
    eval/recorded.json, or when any quote is not verbatim. Update the recorded figures
    deliberately, in the commit that moves them."""
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    for part, result in results.items():
        rec = recorded[part]
        hybrid = result["retrievers"]["hybrid"]["overall"]
        for metric in ("R@5", "MRR@10"):
            assert hybrid[metric] >= rec["hybrid"][metric] - TOLERANCE, (
                f"{part}: hybrid {metric} {hybrid[metric]:.4f} < recorded {rec['hybrid'][metric]:.4f} - {TOLERANCE}")
        answers = result["answers"]
        assert answers["quotes_verbatim"]
        for kind, figures in rec["answers"].items():
            got = answers["per_kind"][kind] if kind != "all" else answers["overall"]
            for metric, value in figures.items():
                assert got[metric] >= value - TOLERANCE, f"{part} {kind} {metric} {got[metric]} < {value} - {TOLERANCE}"
        assert result["precedents"]["recall"] >= rec["precedents"]["recall"] - TOLERANCE


def test_answer_metrics_per_kind(results):
    a = results["test"]["answers"]
    assert set(a["per_kind"]) == set(results["test"]["kinds"])
    for kind, r in a["per_kind"].items():
        assert r["n"] == results["test"]["kinds"][kind]
        if kind != "none":
            assert 0 <= r["completeness"] <= 1
    none = a["per_kind"]["none"]
    assert none["completeness"] is None and none["unanswerable"] == none["n"]
    ab = a["abstention"]
    assert ab["unanswerable"] == none["n"] and 0 <= ab["precision"] <= 1 and 0 <= ab["recall"] <= 1
    batches = a["per_batch"]  # the questions written later, reported apart from the first batch
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    written = {r.get("batch", "first") for r in rows if r["split"] == "test"}
    assert len(written) >= 2 and set(batches) == written
    assert sum(r["n"] for r in batches.values()) == results["test"]["questions"]
    row = next(r for r in results["test"]["per_question"] if r["kind"] == "measure")
    assert row["answer"]["gold_items"] >= 1 and row["answer"]["gold_items_quoted"] <= row["answer"]["gold_items"]


def test_result_has_every_figure_the_report_needs(results):
    result = results["test"]
    for name in ("bm25", "dense", "hybrid", "baseline"):
        r = result["retrievers"][name]
        assert set(r["overall"]) >= {"R@1", "R@5", "R@10", "MRR@10", "nDCG@10"}
        assert "precedent" in r["per_kind"] and len(r["per_bureau"]) == 5
        assert len(r["recall_curve"]) == 10 and r["latency_ms"]["median"] > 0
    assert result["baseline_chunks"] > 0 and result["split"] == "test"
    assert result["precedents"]["questions"] >= 10 and 0 <= result["precedents"]["precision"] <= 1
    assert result["retrievers"]["hybrid"]["overall"]["R@5"] > result["retrievers"]["baseline"]["overall"]["R@5"]


def test_report_and_compare(results, tmp_path):
    result = results["test"]
    write_report(result, tmp_path)
    for png in ("recall_at_k.png", "answers_by_kind.png"):
        data = (tmp_path / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| hybrid (混合)" in md and "naive baseline" in md and "completeness" in md and "answers_by_kind.png" in md
    worse = json.loads(json.dumps(result))
    row = next(r for r in worse["per_question"] if r["retrievers"].get("hybrid", {}).get("R@5") == 1.0)
    row["retrievers"]["hybrid"]["R@5"] = 0.0
    arow = next(r for r in worse["per_question"] if (r["answer"] or {}).get("completeness") == 1.0)
    arow["answer"]["completeness"] = 0.0
    text = compare_runs(result, worse)
    assert row["id"] in text and "变差 1 题" in text
    answers_part = text.split("## answers")[1]
    assert arow["id"] in answers_part and "变差 1 题" in answers_part


def test_check_reports_each_problem(engine, tmp_path):
    bad = tmp_path / "bad.jsonl"
    doc = next(iter(corpus_texts(engine)))
    bad.write_text("\n".join([
        '{"id": "a", "question": "q", "lang": "zh", "kind": "fact", "split": "dev", "gold": [{"doc": "%s", "quote": "不存在的引文XYZ"}], "answer": ""}' % doc,
        '{"id": "a", "question": "q", "lang": "xx", "kind": "fact", "split": "dev", "gold": [], "answer": ""}',
        'not json',
        '{"id": "c", "question": "q", "lang": "zh", "kind": "none", "split": "test", "gold": [{"doc": "nope.txt", "quote": "x"}], "answer": ""}',
        '{"id": "d", "question": "q", "lang": "zh", "kind": "fact", "split": "later", "gold": [{"doc": "%s", "quote": "分局"}], "answer": ""}' % doc,
        '{"id": "e", "question": "q", "lang": "zh", "kind": "measure", "split": "dev", "gold": [{"doc": "%s", "quote": "分局党委"}], "answer": ""}' % doc,
        '{"id": "f", "question": "q", "lang": "en", "kind": "none", "split": "dev", "gold": [], "answer": "", "variant_of": "c"}',
        '{"id": "g", "question": "q", "lang": "zh", "kind": "none", "split": "dev", "gold": [], "answer": "", "variant_of": "zz"}',
        '{"id": "h", "question": "q？", "lang": "zh", "kind": "none", "split": "test", "gold": [], "answer": "", "variant_of": "c"}',
    ]), encoding="utf-8")
    problems = check_questions(bad, corpus_texts(engine))
    text = "\n".join(problems)
    for needle in ("找不到", "重复", "lang", "不是有效的 JSON", "应为空列表", "不在语料中", "出现", "gold 为空", "split",
                   "problem 字段", "变体的 split 须与原问题 c 相同", "variant_of 'zz'", "变体与原问题 c 措辞相同"):
        assert needle in text, needle


def test_check_flags_a_measure_question_missing_an_item(engine, questions):
    """A measure question whose gold lacks one item of its problem is flagged."""
    from dataclasses import replace

    q = next(q for q in questions if q.id == "q037")  # 港口分局 饭堂食材采购: every item in its gold
    assert incomplete_measures([q], engine.index.problems) == []
    flagged = incomplete_measures([replace(q, gold=q.gold[:-1])], engine.index.problems)
    assert len(flagged) == 1 and "q037" in flagged[0] and "1 项措施" in flagged[0]


def test_check_flags_a_question_placed_in_the_other_part(tmp_path):
    """The stored part of every question is the stratified hash's; one moved by hand is named."""
    assert misplaced(QUESTIONS) == []
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for r in rows:
        if r["id"] == "n001":
            r["split"] = "dev" if r["split"] == "test" else "test"
    moved = tmp_path / "moved.jsonl"
    moved.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert [m.split("：")[0] for m in misplaced(moved)] == ["n001"]


def test_cli_eval_check_and_compare(engine, bundled_settings, tmp_path):
    r = qa_cli(bundled_settings, "eval", "--check", str(QUESTIONS))
    assert r.returncode == 0 and "全部有效" in r.stdout and "split 与分层划分不符" not in r.stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    r = qa_cli(bundled_settings, "eval", "--check", str(bad))
    assert r.returncode == 1 and "JSON" in r.stderr
    r = qa_cli(bundled_settings, "eval", "--compare", str(bad), str(bad))
    assert r.returncode == 2 and "不是 qa eval --json 的输出" in r.stderr
    r = qa_cli(bundled_settings, "eval", "--split", "later")
    assert r.returncode == 2 and "--split" in r.stderr


def test_the_probe_questions_are_valid_and_halved_by_a_hash_of_their_id(engine):
    """eval/probes.jsonl: every quote found once; its development half (answers read and fixed)
    and test half (never read) were fixed by a hash of the writer's id, before any answer."""
    import hashlib
    probes = QUESTIONS.parent / "probes.jsonl"
    assert check_questions(probes, corpus_texts(engine)) == [] and misplaced(probes) == []
    rows = [json.loads(line) for line in probes.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 2720 and {r["batch"] for r in rows} == {"probe"}
    for r in rows:  # the first nine rounds' (h1-h60) unread halves were read in later releases
        odd = int(hashlib.sha1(r["id"].removeprefix("probe-").encode()).hexdigest(), 16) % 2
        tenth = int(r["id"].split("-")[1][1:]) >= 61
        assert r["split"] == ("test" if odd and tenth else "dev"), r["id"]
