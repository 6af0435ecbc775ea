"""The web interface's handlers and rendering, called as plain functions (no server)."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from qa.answer.result import Answer, Citation
from qa.feedback import RATINGS, FeedbackError, FeedbackStore, export_csv
from qa.query.followup import Exchange, is_followup, named_bureau, resolve_followup, understand
from qa.query.retrieval import QueryError
from qa.render import html as render
from tests.conftest import QUESTIONS
from ui import handlers

PAYLOAD = '<script>window.__xss=1</script>[点我](javascript:alert(1)) <img src=x onerror="alert(2)"> **粗** & "引"'


@pytest.fixture(scope="module")
def aliases(engine):
    return engine.index.bureau_aliases


def eval_question(qid: str) -> str:
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        if line.strip() and json.loads(line)["id"] == qid:
            return json.loads(line)["question"]
    raise KeyError(qid)


# ------------------------------------------------------------------ follow-ups

@pytest.mark.parametrize("question, previous, expected", [
    ("那横栏分局呢？", "港口分局怎样整改饭堂食材采购问题？", "横栏分局怎样整改饭堂食材采购问题？"),
    ("还有开发区分局呢", "港口分局怎样整改饭堂食材采购问题？", "开发区分局怎样整改饭堂食材采购问题？"),
    ("那横栏分局呢？", "饭堂食材采购怎么整改？", "横栏分局饭堂食材采购怎么整改？"),
    ("它们的整改措施呢？", "港口分局存在哪些食堂管理问题？", "港口分局存在哪些食堂管理问题，整改措施"),
    ("那横栏分局的整改时间呢？", "港口分局怎样整改饭堂采购问题？", "横栏分局怎样整改饭堂采购问题，整改时间"),
    ("what about the canteen?", "What did Zhoushan do about cash?", "What did Zhoushan do about cash, the canteen"),
    # 其他 is no reference back (其 is): the other bureaus' rows
    ("其他单位呢？", "舟山怎么处理非警务警情的？", "舟山怎么处理非警务警情的，其他单位"),
    # the same bureau, another problem: that problem asked of it
    ("那涉案财物管理呢？", "港口分局是怎么整改饭堂食材采购问题的？", "港口分局是怎么整改涉案财物管理问题的？"),
    ("那执法办案中心的问题呢？", "横栏分局怎么解决庆丰路拥堵的？", "横栏分局是怎么整改执法办案中心问题的？"),
    # ... but an aspect of the same problem continues it
    ("时间节点呢？", "港口分局是怎么整改会议纪要不规范问题的？", "港口分局是怎么整改会议纪要不规范问题的，时间节点"),
    # the same notice, another metadata field: that field only
    ("反馈日期呢？", "横栏的巡察组是哪个？", "横栏的反馈日期？"),
])
def test_followup_is_resolved_against_the_previous_question(question, previous, expected, aliases):
    assert resolve_followup(question, previous, aliases) == expected


@pytest.mark.parametrize("question", [
    "横栏分局在公务用枪管理方面做了哪些整改？",
    "市委巡察组是哪天向横栏分局党委反馈巡察意见的？",
    "What did the Zhoushan bureau do about the canteen's cash management?",
])
def test_standalone_question_is_left_alone(question, aliases):
    assert not is_followup(question)
    assert resolve_followup(question, "港口分局怎样整改饭堂食材采购问题？", aliases) == question


@pytest.mark.parametrize("question, previous, expected", [
    ("What about Henglan?", "How did Gangkou fix its canteen procurement?", "How did Henglan fix its canteen procurement?"),
    ("And the Zhoushan bureau?", "How did Gangkou fix its canteen procurement?",
     "How did Zhoushan fix its canteen procurement?"),
    ("And Henglan's?", "What did the anonymised branch do about its police station building?",
     "What did the Henglan branch do about its police station building?"),
    ("What about its measures on case property?", "How did Gangkou fix its canteen procurement?",
     "How did Gangkou deal with case property?"),
    ("And the feedback date?", "Which inspection team went to Gangkou?", "the feedback date of Gangkou?"),
])
def test_english_followup_is_resolved_with_the_bureaus_english_names(question, previous, expected, engine):
    assert resolve_followup(question, previous, engine.answerer.retriever.bureau_spans) == expected


@pytest.mark.parametrize("question, n", [
    ("第二条具体怎么做的？", 2), ("第3项呢", 3), ("And the second item?", 2), ("the third measure?", 3),
    ("What about item 4?", 4), ("Tell me more about the 2nd one", 2),
    ("第八个问题是怎么整改的？", 8), ("第十二个", 12), ("第二十个问题", 20), ("第四十七个呢", 47), ("And the third problem?", 3),
])
def test_an_item_of_the_previous_answer_is_asked_in_either_language(question, n):
    u = understand(question, [Exchange("港口分局是怎么整改会议纪要不规范问题的？")])
    assert u.item == n and u.asked == "港口分局是怎么整改会议纪要不规范问题的？"


def test_no_previous_question_means_no_rewrite(aliases):
    assert resolve_followup("那横栏分局呢？", None, aliases) == "那横栏分局呢？"
    assert resolve_followup("  它们呢 ", "", aliases) == "它们呢"


def test_named_bureau(aliases):
    assert named_bureau("那横栏分局呢？", aliases) == "中山市公安局横栏分局"
    assert named_bureau("开发区分局的呢", aliases) == "东营市公安局东营经济技术开发区分局"
    assert named_bureau("港口分局和横栏分局", aliases) is None
    assert named_bureau("它们的措施", aliases) is None


# ------------------------------------------------------------------------ chat

def test_ask_answers_with_markers_and_sources(service):
    q = eval_question("q037")
    turns = handlers.ask(service, q, [])
    assert len(turns) == 1 and turns[0].asked == q and not turns[0].followup
    answer = turns[0].answer
    assert not answer.abstained and answer.evidence()
    msgs = handlers.chat_messages(turns)
    assert [m["role"] for m in msgs] == ["user", "assistant"]
    assert re.search(r"\[\d+\]", msgs[1]["content"])
    panel = handlers.sources(service, turns)
    first = answer.evidence()[0]
    assert render.esc(first.bureau) in panel and render.esc(first.title) in panel
    for part in first.section:
        assert render.esc(part) in panel
    # every quote is highlighted in its section, with its marker
    marks = re.findall(r'<mark class="qa-hl">(.*?)</mark><sup class="qa-n">\[(\d+)\]</sup>', panel, re.S)
    assert {int(n) for _, n in marks} == {c.n for c in answer.citations}
    for c in answer.citations:
        assert render.esc(c.quote) in "".join(m for m, n in marks if int(n) == c.n)


def test_followup_in_chat_is_resolved_and_limited_to_the_named_bureau(service):
    turns = handlers.ask(service, eval_question("q037"), [])
    turns = handlers.ask(service, "那横栏分局呢？", turns)
    t = turns[-1]
    assert t.followup and "横栏分局" in t.asked and "饭堂" in t.asked
    assert t.scope == ["中山市公安局横栏分局"]
    assert all(c.bureau == "中山市公安局横栏分局" for c in t.answer.citations)
    html = handlers.chat_messages(turns)[-1]["content"]
    assert "理解为：" in html
    # a second follow-up without a bureau stays with the same bureau
    turns = handlers.ask(service, "它们的整改措施呢？", turns)
    assert turns[-1].scope == ["中山市公安局横栏分局"] and turns[-1].asked.startswith("横栏分局")
    assert len(handlers.chat_messages(turns)) == 6
    assert [i for _, i in handlers.feedback_choices(turns)] == [0, 1, 2]
    assert handlers.turn_of_message(3) == 1 and handlers.turn_of_message((4, 0)) == 2


def test_filters_are_applied(service):
    turns = handlers.ask(service, "食堂管理", [], bureaus=["中山市公安局港口分局"], kinds=["problem"])
    assert all(c.bureau == "中山市公安局港口分局" for c in turns[0].answer.citations)
    assert all(c.kind == "problem" for c in turns[0].answer.citations)


def test_pending_message_shows_a_busy_state():
    msgs = handlers.chat_messages([], pending="<b>问题</b>")
    assert msgs[0]["content"] == render.user_html("<b>问题</b>") and "&lt;b&gt;" in msgs[0]["content"]
    assert "qa-busy" in msgs[1]["content"]


def test_empty_or_overlong_question_is_a_user_error(service):
    with pytest.raises(QueryError, match="不能为空"):
        handlers.ask(service, "   ", [])
    with pytest.raises(QueryError, match="过长"):
        handlers.ask(service, "问" * 2500, [])


def test_sources_placeholder_before_any_question(service):
    assert "提问后" in handlers.sources(service, [])


# --------------------------------------------------------------- safe rendering

def _fake_answer(text: str) -> Answer:
    c = Citation(1, "x.txt", text, text, (text, text), "problem", 10, 20, text, 3, 0, 40)
    return Answer(text, "zh", False, text, [c], notes=[text])


def test_answer_html_escapes_everything():
    out = render.answer_html(_fake_answer(PAYLOAD), question=PAYLOAD + "?")
    assert "<script" not in out and "<img" not in out and "javascript:alert(1)" in out
    assert "&lt;script&gt;" in out and "onerror=&#34;alert(2)&#34;" in out
    assert render.user_html(PAYLOAD).count("&lt;") == PAYLOAD.count("<") == 3


def test_highlight_splits_escaped_text_at_citation_offsets():
    text = "甲<b>乙丙丁"
    out = render.highlight(text, 100, [(101, 104, 2)])
    assert out == '甲<mark class="qa-hl">&lt;b&gt;</mark><sup class="qa-n">[2]</sup>乙丙丁'
    # overlapping and out-of-range spans are clipped, not duplicated
    out = render.highlight("abcdef", 0, [(1, 3, 1), (2, 5, 2), (9, 12, 3)])
    assert re.sub(r"<[^>]+>", "", out) == "abc[1]de[2]f"


def test_sources_html_escapes_notice_text():
    from types import SimpleNamespace

    text = "开头" + PAYLOAD + "结尾"
    notice = SimpleNamespace(text=text)
    c = Citation(1, "bad.txt", "<i>局</i>", "<t>", ("<h1>",), "problem", 2, 2 + len(PAYLOAD), PAYLOAD, 1, 0, len(text))
    out = render.sources_html(Answer("q", "zh", False, "lead", [c]), lambda doc: notice, "来源 <x>")
    assert "<script" not in out and "<img" not in out and "<i>" not in out and "<h1>" not in out
    assert '<mark class="qa-hl">' + render.esc(PAYLOAD) + "</mark>" in out


def test_long_sections_are_excerpted_around_the_quote():
    from types import SimpleNamespace

    text = ("前文。\n" * 800) + "引文在这里。" + ("后文。\n" * 800)
    start = text.index("引文")
    c = Citation(1, "d.txt", "局", "题", ("章",), "problem", start, start + 6, "引文在这里。", 801, 0, len(text))
    out = render.sources_html(Answer("q", "zh", False, "lead", [c]), lambda doc: SimpleNamespace(text=text))
    assert "节选" in out and "引文在这里。</mark>" in out
    assert len(out) < len(text)


# ------------------------------------------------------------------ precedents

def test_precedents_table_and_exports(service, tmp_path):
    page, csv_path, md_path = handlers.precedents(service, eval_question("q070"), 5, 2, tmp_path)
    assert "<table" in page and "整改措施" in page and page.count("<section") >= 1
    result = service.precedents(eval_question("q070"), 5, 2)
    for b in result.bureaus:
        assert render.esc(b.bureau) in page
        for item in b.items:
            assert render.esc(item.problem.text) in page
            for m in item.measures:
                assert render.esc(m.text) in page
    rows = list(csv.reader(io.StringIO(Path(csv_path).read_text(encoding="utf-8-sig"))))
    assert rows[0][:4] == ["单位", "问题", "措施序号", "措施"] and len(rows) > 1
    assert Path(md_path).read_text(encoding="utf-8").startswith("与“")


def test_precedents_without_result_writes_no_files(service, tmp_path):
    page, csv_path, md_path = handlers.precedents(service, "明天中山市的天气怎么样", 5, 2, tmp_path)
    if csv_path is None:
        assert md_path is None and "未在已收录的通报中找到" in page
    with pytest.raises(QueryError):
        handlers.precedents(service, "", 5, 2, tmp_path)


# --------------------------------------------------------------- retrieval test

def test_retrieval_test_shows_scores_and_paths(service):
    out = handlers.retrieval_test(service, "涉案财物管理不规范", k=7, mode="hybrid")
    assert out.count("<tr>") == 8  # header + 7 hits
    hits = service.search("涉案财物管理不规范", k=7)
    for h in hits:
        assert f"{h.score:.4f}" in out and render.esc(h.chunk.section[-1]) in out
    assert "归一化分数加权" in out  # the label says what the fusion really is
    bm25 = handlers.retrieval_test(service, "涉案财物管理不规范", k=3, mode="bm25")
    assert bm25.count("<tr>") == 4 and 'qa-muted">—' in bm25  # no dense score in BM25-only mode
    with pytest.raises(QueryError):
        handlers.retrieval_test(service, "x", mode="magic")


# ---------------------------------------------------------------------- notices

def test_notices_list_and_view(service):
    overview = handlers.notices_overview(service)
    rows = service.notice_list()
    assert f"已索引 {len(rows)} 份通报" in overview
    for r in rows:
        assert render.esc(r["doc"]) in overview and render.esc(r["bureau"]) in overview
    choices = handlers.notice_choices(service)
    assert [doc for _, doc in choices] == [r["doc"] for r in rows]
    doc = rows[3]["doc"]
    view = handlers.notice_view(service, doc)
    notice = service.notice(doc)
    assert render.esc(notice.title) in view and view.count('class="qa-tree-link"') == len(notice.sections)
    assert view.count('id="qa-sec-') == len(notice.sections)
    # the full text is there: every non-blank line of the notice
    plain = render.esc(notice.text)
    for line in notice.text.splitlines()[:40]:
        if line.strip():
            assert render.esc(line.strip()) in view or render.esc(line.strip()) in plain
    assert "选择一份通报" in handlers.notice_view(service, None)
    with pytest.raises(QueryError):
        handlers.notice_view(service, "../../etc/passwd")


# --------------------------------------------------------------------- feedback

def test_feedback_is_stored_and_exported(service, tmp_path):
    store = FeedbackStore(tmp_path / "data" / "feedback.sqlite3")
    turns = handlers.ask(service, eval_question("q041"), [])
    turns = handlers.ask(service, "那港口分局呢？", turns)
    msg = handlers.submit_feedback(store, turns, 0, "有用", "引文准确")
    assert "第 1 问" in msg and "有用" in msg
    handlers.submit_feedback(store, turns, None, "wrong_evidence")  # the latest answer
    handlers.like_feedback(store, turns, 1, False)  # 👎 on message 1 = answer of turn 0
    handlers.like_feedback(store, turns, 3, "证据有误", "单位不对")
    assert "取消" in handlers.like_feedback(store, turns, 3, None)
    rows = store.rows()
    assert [r["rating"] for r in rows] == ["useful", "wrong_evidence", "not_useful", "wrong_evidence"]
    assert rows[0]["comment"] == "引文准确" and rows[0]["question"] == turns[0].question
    assert rows[1]["asked"] == turns[1].asked != rows[1]["question"]
    assert json.loads(rows[1]["bureaus"]) == ["中山市公安局港口分局"]
    cites = json.loads(rows[0]["citations"])
    assert cites and cites[0]["quote"] == turns[0].answer.citations[0].quote
    with pytest.raises(FeedbackError):
        handlers.submit_feedback(store, turns, 0, "很好")
    with pytest.raises(FeedbackError):
        handlers.submit_feedback(store, [], 0, "有用")
    with pytest.raises(FeedbackError):
        handlers.submit_feedback(store, turns, 7, "有用")

    path = handlers.export_feedback(store, tmp_path / "out")
    data = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    assert len(data) == 4 and data[0]["rating_label"] == RATINGS["useful"] and data[3]["comment"] == "单位不对"
    again = export_csv(store.path, tmp_path / "again.csv")
    assert again.read_text(encoding="utf-8-sig") == Path(path).read_text(encoding="utf-8-sig")


def test_feedback_store_defaults_to_the_data_folder(service):
    store = FeedbackStore.for_settings(service.settings)
    assert store.path == service.settings.data_dir / "feedback.sqlite3"
    assert FeedbackStore(service.settings.data_dir / "none.sqlite3").rows() == []


# -------------------------------------------------------------------------- API

def test_ask_json_returns_answer_dict_with_verbatim_quotes(service):
    d = handlers.ask_json(service, eval_question("q002"))
    assert set(d) >= {"answer", "abstained", "citations", "lang", "confidence", "notes"}
    assert d["citations"]
    for c in d["citations"]:
        assert service.notice(c["doc"]).text[c["start"]:c["end"]] == c["quote"]
    with pytest.raises(QueryError):
        handlers.ask_json(service, "")


def test_a_problem_list_is_numbered_across_its_areas_in_the_web_view(engine):
    """The list's areas are separate blocks; its numbers run on, as 第八个问题 counts them."""
    a = engine.ask("开发区分局整改了哪些问题？")
    out = render.answer_html(a)
    assert re.findall(r'<li value="(\d+)"', out) == [str(i) for i in range(1, 13)]
    assert out.count('class="qa-group qa-block"') == 4 and "3.执法领域规范化建设差距大的问题" in out
