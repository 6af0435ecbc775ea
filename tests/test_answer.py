"""`qa ask`: verbatim, cited quotes; abstention when the notices are silent."""
from __future__ import annotations

import html
import json
import re

import pytest

from qa.answer.compose import Answerer
from qa.answer.result import NOT_FOUND_EN, NOT_FOUND_ZH, Answer, Citation, finalize
from qa.evaluation.evaluate import corpus_texts
from qa.evaluation.questions import load_questions
from qa.query.intent import question_type
from qa.render.markdown import answer_markdown, escape_markdown
from qa.render.terminal import answer_text
from tests.conftest import QUESTIONS
from tests.test_search import qa_cli


@pytest.fixture(scope="module")
def eval_answers(evaluation, engine):
    """The answers to the test part's questions, as the evaluation got them."""
    answers = evaluation[1]
    return [(q, answers[q.question]) for q in load_questions(QUESTIONS, corpus_texts(engine)) if q.split == "test"]


@pytest.mark.timeout(1500)  # the first test also builds the index and runs the evaluation
def test_every_quote_of_every_eval_question_is_verbatim(eval_answers, bundled_settings):
    sources = {p.name: p.read_text(encoding="utf-8") for p in bundled_settings.corpus_dir.glob("*.txt")}
    checked = 0
    for q, ans in eval_answers:
        for c in ans.citations:
            assert sources[c.doc][c.start:c.end] == c.quote, (q.id, c.n)
            assert c.line == sources[c.doc].count("\n", 0, c.start) + 1
            assert c.section_start <= c.start < c.end <= c.section_end
            checked += 1
    assert checked > 300


def test_no_answer_quotes_an_items_label_alone(evaluation):
    """三是开展专项整治。 says what follows; quoted alone it is no evidence (both parts' answers)."""
    quoted = [(ans.question, c.quote) for ans in evaluation[1].values() for c in ans.citations if c.role == "evidence"]
    assert len(quoted) > 200
    assert not [x for x in quoted if re.fullmatch(r"\s*(整改(落实)?情况[：:])?[一二三四五六七八九十]{1,3}是[^。；;，,]{0,30}[。；;：:]?\s*", x[1])]


def test_no_answer_quotes_a_passage_twice(evaluation):
    """A problem reached both as the first's sibling and on its own rank is one block (both
    parts' answers)."""
    answers = list(evaluation[1].values())
    assert sum(len(ans.blocks) > 1 for ans in answers) > 20
    for ans in answers:
        spans = [(c.doc, c.start, c.end) for c in ans.citations]
        assert len(spans) == len(set(spans)), ans.question
        heads = [(b.doc, b.heading) for b in ans.blocks if b.kind == "measures"]
        assert len(heads) == len(set(heads)), ans.question


@pytest.mark.timeout(1500)
def test_answers_lead_with_a_sentence_in_the_question_language(eval_answers):
    reasons = re.compile(rf"{NOT_FOUND_ZH}|{NOT_FOUND_EN}|已收录的通报中没有|已收录的通报都没有提到|"
                         r"通报中没有写明|\S+的通报没有写明|\S+的通报没有提到|已收录的通报只报告本轮|The indexed notices include none|The notices do not state|"
                         r"通报中只提到了《|The notices only name 《|已收录的是各单位的巡察整改进展通报|"
                         r"通报中只写了“|The notice only counts them|\S+的通报中没有与所问相符的内容|"
                         r"The indexed notices report on their own|"
                         r"None of the indexed notices mentions|The notice of .+ does not (state|mention)|"
                         r"Asked “.+”: |问“.+”：")  # a question asking two things: each part's lead
    for q, ans in eval_answers:
        if ans.abstained:
            assert reasons.match(ans.lead), (q.id, ans.lead)  # the reason comes first
        elif q.lang == "en":
            assert re.match(r"[A-Z][a-z]|\d+ [a-z]", ans.lead), (q.id, ans.lead)  # an English sentence
        else:
            assert ans.lead.endswith("。") and re.search(r"[\u4e00-\u9fff]", ans.lead), (q.id, ans.lead)


def test_markers_and_sources_in_the_rendered_answer(service):
    ans = service.ask("港口分局饭堂食材采购存在廉政风险，采取了哪些整改措施？")
    assert not ans.abstained and ans.evidence()
    md = answer_markdown(ans)
    for c in ans.citations:
        assert f"[{c.n}]" in md
    assert "**来源**" in md and "第 " in md and "字符" in md
    assert all(c.bureau == "中山市公安局港口分局" for c in ans.evidence())
    assert any("饭堂食材" in c.quote for c in ans.evidence())
    assert all("饭堂" in c.quote or "食材" in c.quote or "采购" in c.quote for c in ans.evidence())
    # quotes are sentences, not whole sections
    assert all(len(c.quote) < c.section_end - c.section_start for c in ans.evidence())


def test_evidence_is_grouped_by_bureau(service):
    ans = service.ask("各单位是怎样整改涉案财物管理问题的？")
    bureaus = [c.bureau for c in ans.evidence()]
    assert len(set(bureaus)) >= 2
    seen = []
    for b in bureaus:  # each bureau's quotes are together
        if not seen or seen[-1] != b:
            assert b not in seen
            seen.append(b)
    assert [c.n for c in ans.citations] == list(range(1, len(ans.citations) + 1))


@pytest.mark.parametrize("question,expected", [
    ("港口分局2024年印制了多少张警民联系卡？", "11000"),
    ("开发区分局的积案清理任务是哪天全部完成的？", "2024年12月10日"),
    ("舟山市公安局反诈工作共追赃多少钱？", "936.3万元"),
])
def test_the_sentence_stating_the_figure_or_date_comes_first(service, question, expected):
    ans = service.ask(question)
    assert not ans.abstained
    assert expected in ans.evidence()[0].quote


def test_question_types():
    assert question_type("一共召开了多少次会议？") == "figure"
    assert question_type("巡察组什么时候反馈的？") == "date"
    assert question_type("方案叫什么名字？") == "name"
    assert question_type("How many officers were rotated?") == "figure"
    assert question_type("怎样整改？") is None


@pytest.mark.parametrize("question,reason", [
    ("明天中山市的天气怎么样？", "已收录的通报都没有提到“天气”"),
    ("Who won the 2022 FIFA World Cup?", "The indexed notices use no term for"),
])
def test_an_off_topic_question_is_declined_without_padding(service, question, reason):
    """Nothing on the topic: the reason (what no notice mentions), and no passages (none of
    them would be on topic)."""
    ans = service.ask(question)
    assert ans.abstained and not ans.evidence() and not ans.related()
    assert ans.lead.startswith(reason) and ans.lead not in (NOT_FOUND_ZH, NOT_FOUND_EN)
    assert answer_text(ans).startswith(ans.lead)


def test_a_figure_not_stated_shows_the_reason_then_related_passages(service):
    ans = service.ask("横栏分局交（巡）警大队和西涌派出所新办公区改造一共花了多少钱？")
    text = answer_text(ans)
    assert ans.abstained and text.startswith("通报中没有写明所问的金额")
    assert ans.related() and "可能相关" in text and all("改造" in c.quote for c in ans.related())


def test_english_question_gets_an_english_lead_and_chinese_quotes(service):
    ans = service.ask("How many 110 call-handling registers did the Development Zone branch inspect?")
    assert ans.lang == "en" and ans.lead.startswith("Found")
    assert any("365" in c.quote for c in ans.evidence())


def test_markdown_escapes_notice_text(service):
    ans = service.ask("匿名分局建立了多少个警保联控工作站？")
    md = answer_markdown(ans)
    assert any("**" in c.quote for c in ans.citations)
    assert "\\*\\*" in md
    assert escape_markdown("<b>[x](javascript:alert(1))</b>") == "\\<b\\>\\[x\\](javascript:alert(1))\\</b\\>"


def test_markdown_escaping_leaves_no_stray_backslashes_and_keeps_links_and_emphasis_inert():
    quote = "8.规范会议纪要（一）[x](javascript:alert(1)) *强调*"
    md = escape_markdown(quote)
    assert md == "8.规范会议纪要（一）\\[x\\](javascript:alert(1)) \\*强调\\*"
    assert "8\\." not in md and "\\(" not in md and "\\）" not in md
    # only what Markdown would interpret is escaped: list markers and headings at the start
    # of a line, not a number inside it; an underscore inside a word (a file name) is left
    assert escape_markdown("1. 第一项\n# 标题\n- 要点\n---\n第1.2条") == "1\\. 第一项\n\\# 标题\n\\- 要点\n\\---\n第1.2条"
    assert escape_markdown("000_4fec.txt _强调_ &amp;") == "000_4fec.txt \\_强调\\_ \\&amp;"
    # a CommonMark renderer shows the text as it is: no link, no emphasis, no stray backslash
    markdown_it = pytest.importorskip("markdown_it")
    out = markdown_it.MarkdownIt("commonmark").render(f"> {md} [1]")
    assert "<a" not in out and "<em>" not in out and "<strong>" not in out
    assert html.unescape(out) == f"<blockquote>\n<p>{quote} [1]</p>\n</blockquote>\n"
    # the same in a whole answer (quote, source line with the file name, note)
    c = Citation(1, "005_ab_cd.txt", "某分局", "《通报》", ("一、问题", quote), "problem", 0, len(quote), quote, 1)
    answer = Answer("q", "zh", False, "在 1 份通报中找到 1 处相关原文。", [c], notes=[quote])
    text = answer_markdown(answer)
    assert "005_ab_cd.txt" in text and "8.规范" in text
    rendered = html.unescape(markdown_it.MarkdownIt("commonmark").render(text))
    assert "<a" not in rendered and "<em>" not in rendered.replace(f"<em>{quote}</em>", "") and "\\" not in rendered
    assert rendered.count(quote) == 3


def test_a_quote_that_does_not_match_the_source_is_never_shown(engine):
    """The check in finalize: a candidate whose offsets do not give its text is dropped."""
    from qa.answer.scoring import Candidate as _Candidate

    row = next(i for i, c in enumerate(engine.index.chunks) if c.doc.startswith("004"))
    chunk = engine.index.chunks[row]
    good = _Candidate(1, row, chunk.start, chunk.start + 10, 1.0, 0)
    bad = _Candidate(1, row, chunk.end - 5, chunk.end + 10_000_000, 1.0, 1)
    ans = finalize(engine.index, "测试", "zh", False, [(good, "evidence"), (bad, "evidence")])
    assert len(ans.citations) == 1 and ans.notes and "未通过原文核对" in ans.notes[0]


def test_cli_ask_json_and_batch(engine, bundled_settings, tmp_path):
    r = qa_cli(bundled_settings, "ask", "横栏分局对公务用车管理做了哪些整改？", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) >= {"answer", "abstained", "citations"} and not data["abstained"]
    for c in data["citations"]:
        assert {"n", "doc", "bureau", "section", "start", "end", "quote"} <= set(c)
        src = (bundled_settings.corpus_dir / c["doc"]).read_text(encoding="utf-8")
        assert src[c["start"]:c["end"]] == c["quote"]
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "x", "question": "舟山市公安局怎样管理食堂现金？"}\n{"id": "y", "question": ""}\n',
                     encoding="utf-8")
    r = qa_cli(bundled_settings, "ask", "--batch", str(batch))
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert rows[0]["id"] == "x" and rows[0]["citations"] and "answer" in rows[0]
    assert rows[1]["id"] == "y" and "不能为空" in rows[1]["error"]


def test_abstention_figures_are_in_the_evaluation(evaluation):
    parts = evaluation[0].values()
    for result in parts:
        a = result["answers"]
        ab = a["abstention"]
        assert a["quotes_verbatim"] and "selected" in ab["calibration"]
        assert ab["unanswerable"] == result["kinds"]["none"] == a["per_kind"]["none"]["unanswerable"]
        assert ab["abstained_correctly"] + ab["missed_abstentions"] == ab["unanswerable"]
    # the level reached on both parts (README, Notes: tempting unanswerable questions are the
    # weak spot); of the fact questions (96 with the restatements) at most 3 falsely declined
    declined = sum(r["answers"]["per_kind"]["none"]["abstained_correctly"] for r in parts)
    assert declined >= 0.35 * sum(r["kinds"]["none"] for r in parts)
    assert sum(r["answers"]["per_kind"]["fact"]["false_abstentions"] for r in parts) <= 3


def test_abstention_figures_keep_decisions_made_whatever_the_thresholds():
    from qa.answer.scoring import Confidence
    from qa.evaluation.answers import abstention_figures
    from qa.evaluation.questions import Question

    qs = [Question(id=i, question="?", lang="zh", kind=k, gold=() if k == "none" else ("g",), answer="")
          for i, k in (("a", "fact"), ("b", "meta"), ("c", "none"), ("d", "none"))]
    weak, strong = Confidence(0.1, 0.0), Confidence(0.9, 0.9)
    confs = {"a": strong, "b": weak, "c": strong, "d": weak}
    # b: answered from metadata fields although weak; c: declined although strong (unknown bureau)
    f = abstention_figures(qs, confs, {"a": None, "b": False, "c": True, "d": None}, 0.5, 0.5)
    assert (f["abstained_correctly"], f["false_abstentions"]) == (2, 0)
    f = abstention_figures(qs, confs, {"a": None, "b": None, "c": None, "d": None}, 0.5, 0.5)
    assert (f["abstained_correctly"], f["false_abstentions"]) == (1, 1)


def test_answerer_thresholds_decide(engine):
    strict = Answerer(engine.index, engine.retriever, min_dense=0.99)
    assert strict.ask("港口分局饭堂食材采购").abstained
    lax = Answerer(engine.index, engine.retriever)
    assert not lax.ask("港口分局饭堂食材采购").abstained
