"""The precedent finder: problems described in plain words, checked against the passages
of the notices that really address them, by bureau."""
from __future__ import annotations

import csv
import io
import json

import pytest

from qa.render.csv import precedents_csv
from qa.render.markdown import precedents_markdown
from tests.test_search import qa_cli

GANGKOU, HENGLAN, ANON = "中山市公安局港口分局", "中山市公安局横栏分局", "**市公安局**分局（已匿名）"
DONGYING, ZHOUSHAN = "东营市公安局东营经济技术开发区分局", "舟山市公安局"

# plain-words problem -> {bureau: a phrase of the passage that addresses it}
CASES = {
    "民警下班后的行为管不住": {
        HENGLAN: "“八小时以外”监督管理负面清单", ZHOUSHAN: "做好“八小时外”生活监督管理",
        GANGKOU: "及时掌握民警“八小时以外”情况"},
    "单位食堂买菜、管钱这块容易出廉政问题": {
        GANGKOU: "对分局饭堂食材配送进行廉政风险排查", ZHOUSHAN: "加强食堂备用金管理"},
    "扣押的车辆和财物长期堆着不处理": {
        HENGLAN: "无人认领车辆已在政府网站分两批次发布车辆认领公告", GANGKOU: "对未处理的涉案财物进行清点分类",
        ZHOUSHAN: "持续开展全市公安机关涉案财物专项清理工作"},
    "辅警管理松散，队伍不好带": {
        ANON: "从辅警招录这一工作源头加强监督管理", ZHOUSHAN: "严格准入标准,加强行为规范,强化考勤考核"},
    "案子立了很久一直没结": {
        HENGLAN: "每月由法制部门定期抽取已立案未结案件进行审查", DONGYING: "对已产生的积案剖析产生原因"},
    "干部长期在一个岗位不动": {
        HENGLAN: "对在同一岗位超10年的民警深入研究开展轮岗", GANGKOU: "对11名符合轮岗条件的民警开展一轮轮岗"},
}


def item_text(item, notice_text):
    return notice_text[item.start:item.end]


@pytest.mark.parametrize("problem", list(CASES))
def test_finds_the_passages_that_address_the_problem(service, problem):
    result = service.precedents(problem, k_bureaus=5, per_bureau=2)
    by_bureau = {b.bureau: b.items for b in result.bureaus}
    for bureau, phrase in CASES[problem].items():
        assert bureau in by_bureau, f"{problem}: {bureau} missing; got {list(by_bureau)}"
        texts = [item_text(i, service.index.notices[i.doc].text) for i in by_bureau[bureau]]
        assert any(phrase in t for t in texts), f"{problem}: {bureau} lacks “{phrase}”"


def test_problem_and_measures_are_verbatim_items_with_offsets(service):
    result = service.precedents("涉案财物管理混乱怎么办", k_bureaus=5, per_bureau=3)
    assert result.bureaus
    for b in result.bureaus:
        assert 1 <= len(b.items) <= 3
        for item in b.items:
            text = service.index.notices[item.doc].text
            assert text[item.problem.start:item.problem.end] == item.problem.text
            assert item.measures
            for m in item.measures:
                assert text[m.start:m.end] == m.text and item.start <= m.start < m.end <= item.end


def test_one_bureau_cannot_crowd_out_the_others(service):
    result = service.precedents("财务报销和经费支出把关不严", k_bureaus=5, per_bureau=1)
    assert all(len(b.items) == 1 for b in result.bureaus)
    assert len(result.bureaus) >= 3
    scores = [b.items[0].score for b in result.bureaus]
    assert scores == sorted(scores, reverse=True)
    assert len(service.precedents("财务报销和经费支出把关不严", k_bureaus=2).bureaus) <= 2


def test_exports(service):
    result = service.precedents("公车私用、用车登记不严")
    data = result.to_dict()
    assert data["bureaus"] and {"bureau", "items"} <= set(data["bureaus"][0])
    item = data["bureaus"][0]["items"][0]
    assert {"problem", "doc", "section", "start", "end", "measures"} <= set(item)
    assert {"text", "start", "end"} <= set(item["measures"][0])
    rows = list(csv.reader(io.StringIO(precedents_csv(result, lambda d, o: service.index.notices[d].line_of(o)))))
    assert rows[0][:7] == ["单位", "问题", "措施序号", "措施", "通报标题", "章节", "行"] and len(rows) > 2
    first = rows[1]
    notice = service.index.notices[first[7]]
    assert first[4] == notice.title and int(first[6]) == notice.line_of(int(first[8]))
    md = precedents_markdown(result)
    assert "## " in md and "问题：" in md


def test_nothing_relevant(service):
    result = service.precedents("明天会不会下雨")
    assert len(result.bureaus) <= 5  # never an error; empty or weak matches are still cited


def test_cli_precedents_json_csv_batch(engine, bundled_settings, tmp_path):
    r = qa_cli(bundled_settings, "precedents", "民警下班后的行为管不住", "--json", "--k-bureaus", "3")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert 1 <= len(data["bureaus"]) <= 3
    r = qa_cli(bundled_settings, "precedents", "民警下班后的行为管不住", "--format", "csv")
    assert r.returncode == 0 and r.stdout.startswith("单位,问题")
    batch = tmp_path / "p.jsonl"
    batch.write_text('{"id": "p1", "question": "辅警管理有短板"}\n', encoding="utf-8")
    r = qa_cli(bundled_settings, "precedents", "--batch", str(batch), "--json")
    row = json.loads(r.stdout.splitlines()[0])
    assert row["id"] == "p1" and row["bureaus"]
    r = qa_cli(bundled_settings, "precedents", "民警下班后", "--format", "pdf")
    assert r.returncode == 2 and "--format" in r.stderr
