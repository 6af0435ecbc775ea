"""Answers built from the notices' structure, one test per question type (the bundled
index, the real embedder): every quote verbatim, complete where the type asks for it."""
from __future__ import annotations

import re

import pytest

from qa.query.followup import Exchange


def _verbatim(service, answer) -> None:
    for c in answer.citations:
        assert service.index.notices[c.doc].text[c.start:c.end] == c.quote


def test_measures_answer_quotes_the_problem_and_every_item(service):
    a = service.ask("港口分局是怎么整改会议纪要不规范问题的？")
    assert a.intent == "measures" and not a.abstained and len(a.blocks) >= 1
    block = [c for c in a.citations if c.n in a.blocks[0].citations]
    assert block[0].role == "problem" and "会议纪要" in block[0].quote
    items = [c for c in block if c.role == "measure"]
    assert [c.label for c in items] == ["1", "2", "3"]
    assert [c.quote[:3] for c in items] == ["一是加", "二是及", "三是规"]  # each item whole, with its label
    assert items[2].quote.endswith("。") and len(items[2].quote) > 40
    assert "3 项" in a.lead
    _verbatim(service, a)


def test_measures_answer_with_numbered_sub_items(service):
    a = service.ask("横栏分局是怎么解决庆丰路西海大桥至中江高速横栏出入口路段拥堵问题的？")
    items = [c for c in a.citations if c.n in a.blocks[0].citations and c.role == "measure"]
    assert len(items) == 4 and items[0].quote.startswith("一是建立车流量监测机制")
    assert a.blocks[0].heading.startswith("（3）")


def test_english_question_gets_an_english_lead_and_the_same_structure(service):
    a = service.ask("How did the Gangkou branch standardise its meeting minutes?")
    assert a.lang == "en" and a.intent == "measures" and "measures" in a.lead
    assert any(c.role == "measure" and c.quote.startswith("一是") for c in a.citations)
    _verbatim(service, a)


def test_next_steps_answer_lists_every_item_of_that_part(service):
    a = service.ask("横栏分局下一步怎么做？")
    assert a.intent == "next_steps" and len(a.blocks) == 1
    notice = service.index.notices[a.blocks[0].doc]
    leaves = [s for s in notice.sections if s.kind == "next_steps" and s.is_leaf]
    assert len(a.citations) >= len(leaves) >= 4
    assert all(c.role == "item" and c.kind == "next_steps" for c in a.citations)
    _verbatim(service, a)


def test_a_measures_answer_adds_no_problem_that_merely_reads_alike(service):
    # 舟山 has a dozen problems with a (一)(二)(三) list; only the canteen's cash is asked about
    a = service.ask("What did the Zhoushan bureau do about the canteen's cash management?")
    assert a.intent == "measures" and len(a.blocks) == 1
    assert "食堂现金监管缺失" in a.blocks[0].heading
    _verbatim(service, a)


def test_a_question_naming_no_bureau_gets_a_block_per_bureau_that_addresses_it(service):
    a = service.ask("电信网络诈骗打击不力、发案多，有哪些整改措施？")
    assert a.intent == "measures" and len({b.bureau for b in a.blocks}) >= 2
    assert all(b.kind == "measures" and b.citations for b in a.blocks)


def test_a_next_steps_question_about_one_item_gets_that_item(service):
    a = service.ask("港口分局涉案财物管理还没整改完，目前是怎么推进的？")
    assert a.intent == "next_steps" and len(a.blocks) == 1
    assert a.citations and all("轮岗" not in c.quote for c in a.citations)
    assert any("涉案财物" in c.quote for c in a.citations)
    _verbatim(service, a)
    # the lead and the block say it is part of that part, not "all" of it
    assert a.blocks[0].of == 8 and "共 8 项，其中与所问相关的 4 项" in a.lead
    from qa.render.terminal import answer_text
    assert "只引与所问相关的 4 项（该部分共 8 项）" in answer_text(a)


def test_a_metadata_field_asked_of_no_bureau_is_each_notices(service):
    """联系电话是多少？ gave one bureau's phone as if it were the answer, 反馈日期是哪天？ was
    declined as not found: naming no bureau, each notice's field, each cited."""
    a = service.ask("联系电话是多少？")
    assert a.intent == "meta" and not a.abstained
    assert "中山市公安局港口分局：联系电话为0760-23187718" in a.lead and "舟山市公安局：联系电话为0580-2072198" in a.lead
    b = service.ask("反馈日期是哪天？")
    assert not b.abstained and len({c.bureau for c in b.citations}) == 5
    _verbatim(service, b)
    assert service.ask("Phone?").lead.startswith("The notice of 中山市公安局港口分局 states that the phone is")


def test_english_unresolved_problems_are_the_long_term_items(service):
    """What problems remain unresolved at Henglan? got two stray passages (未发现违法违纪问题)."""
    a = service.ask("What problems remain unresolved at Henglan?")
    assert a.intent == "next_steps" and a.lead.startswith("All 11 items of 中山市公安局横栏分局: 3、 需长期整改事项进展情况")
    assert all(c.kind == "long_term" for c in a.citations)


def test_a_metadata_answer_is_one_sentence_from_the_extracted_fields_each_cited(service):
    a = service.ask("港口分局的专项巡察是由市委哪个巡察组开展的？巡察时间是什么时候？")
    assert a.intent == "meta" and not a.abstained
    assert a.lead == "中山市公安局港口分局：巡察组为市委第八巡察组[1]；巡察时间为2024年4月1日至2024年6月28日[2]。"
    assert [c.quote for c in a.citations] == ["市委第八巡察组", "2024年4月1日至2024年6月28日"]
    _verbatim(service, a)  # each field cited at its span
    en = service.ask("What e-mail address can people use to send comments on the Development Zone branch's rectification?")
    assert en.intent == "meta" and [c.quote for c in en.citations] == ["dykfqgafjzgdcs@dy.shandong.cn"]
    assert en.lead == ("The notice of 东营市公安局东营经济技术开发区分局 states that the e-mail is "
                       "dykfqgafjzgdcs@dy.shandong.cn [1].")


def test_a_metadata_field_the_notice_does_not_state_is_declined_naming_it(service):
    a = service.ask("开发区分局这份通报的公开期限是哪段时间？")
    assert a.abstained and a.lead == "东营市公安局东营经济技术开发区分局的通报没有写明公开期限。"
    assert a.citations == []


def test_where_to_send_comments_quotes_every_contact_clause_whole(service):
    a = service.ask("给横栏分局寄意见建议信，地址和邮编是什么？信封上要写什么？")
    assert a.intent == "meta" and len(a.blocks) == 1
    quotes = [c.quote for c in a.citations]
    assert "邮政编码：528400" in quotes and any(q.startswith("邮政信箱：中山市横栏镇景帝路7号") for q in quotes)
    _verbatim(service, a)


def test_an_is_there_any_question_about_words_no_notice_uses_is_declined_naming_them(service):
    a = service.ask("有没有分局在整改中建设警营健身房或体能训练场馆？")
    assert a.abstained and a.citations == []
    assert a.lead.startswith("已收录的通报都没有提到“") and "健身房" in a.lead
    answered = service.ask("哪些单位在下一步打算中提到“专业+机制+大数据”新型警务运行模式？")
    assert not answered.abstained  # 提到 is a question word, not a missing topic
    en = service.ask("Has any branch built a gym for its officers?")  # gym: 健身房 (glossary), in no notice
    assert en.abstained and en.citations == [] and en.lead == "None of the indexed notices mentions gym."


def test_a_label_or_a_date_is_not_the_figure_asked_for():
    from qa.answer.scoring import states_type

    q = "开发区分局目前的债务总额是多少？"
    assert not states_type("figure", "(6)全面清查现有债务,列出明细表。", q)
    assert not states_type("figure", "截至2025年3月，已全面清查。", q)
    assert states_type("figure", "3.共清查债务12项。", q) and states_type("figure", "截至2025年3月，已清查3.5%。", q)


def test_a_sum_is_answered_only_when_a_quoted_sentence_states_one(service):
    a = service.ask("舟山市公安局购买用友U8财务系统花了多少钱？")
    assert a.abstained and "没有写明所问的金额" in a.lead
    assert all("元" not in c.quote for c in a.citations)


def test_compare_answer_has_a_row_per_bureau_and_says_when_a_notice_is_silent(service):
    a = service.ask("各单位在整改中新建或完善了多少项制度？")
    assert a.intent == "compare" and not a.abstained
    assert sorted(b.bureau for b in a.blocks) == sorted(service.index.bureaus)  # none silently dropped
    rows = {b.bureau: b for b in a.blocks}
    henglan = [c for c in a.citations if c.n in rows["中山市公安局横栏分局"].citations]
    assert any("17项" in c.quote for c in henglan)
    zhoushan = [c for c in a.citations if c.n in rows["舟山市公安局"].citations]
    assert any("34项" in c.quote for c in zhoushan)
    assert rows["中山市公安局港口分局"].missing  # its 100% counts no 项: not an answer to 多少项
    for b in a.blocks:  # a row either quotes a sentence stating a figure or says 未提及
        assert b.missing == (not b.citations)
    _verbatim(service, a)


def test_a_comparison_row_quotes_no_sentence_off_the_topic(service):
    # each row quotes up to three of its bureau's best sentences, none covering the question
    # less than half as well as the row's best (横栏's 提醒谈话, 舟山's 排摸调研 were padding)
    a = service.ask("哪些单位在通报中提到为民警组织健康体检？")
    assert a.intent == "compare"
    rows = [cs for b, cs in a.block_citations() if not b.missing]
    assert len(rows) >= 2 and all(1 <= len(cs) <= 3 for cs in rows)
    assert all("体检" in c.quote for cs in rows for c in cs)
    _verbatim(service, a)


def test_compare_of_named_bureaus_covers_just_those(service):
    a = service.ask("港口分局和横栏分局在涉案财物管理上分别采取了什么措施？")
    assert a.intent == "compare" and {b.bureau for b in a.blocks} == {"中山市公安局港口分局", "中山市公安局横栏分局"}


def test_compare_asking_what_each_did_gives_each_bureau_its_problem_and_every_measure(service):
    a = service.ask("港口分局和横栏分局分别是怎么整改涉案财物管理问题的？")
    assert a.intent == "compare" and all(b.kind == "row" and not b.missing for b in a.blocks)
    assert a.lead.endswith("每个单位先引问题原文，再逐项引述全部整改措施。")
    for block, cites in a.block_citations():
        problem = service.answerer.problem_of[(block.doc, service.index.chunks[service.index.row_at(
            block.doc, cites[0].start)].section_idx)]
        assert cites[0].role == "problem" and "涉案财物" in cites[0].quote
        assert [c.label for c in cites[1:]] == [str(i) for i in range(1, len(problem.measures) + 1)]
    _verbatim(service, a)


def test_compare_of_next_steps_gives_each_bureau_its_items(service):
    a = service.ask("港口分局和横栏分局各有哪些需长期整改的事项？")
    assert a.intent == "compare" and len(a.blocks) == 2 and not any(b.missing for b in a.blocks)
    assert all(c.kind == "long_term" and c.role == "item" for c in a.citations)
    assert any("轮岗" in c.quote for c in a.citations) and any("三非" in c.quote for c in a.citations)
    _verbatim(service, a)


def test_the_same_metadata_of_every_notice_is_one_sentence_each_saying_what_is_not_stated(service):
    a = service.ask("各单位分别是由市委哪个巡察组巡察的？")
    assert a.intent == "meta" and [c.quote for c in a.citations] == [
        "市委第八巡察组", "市委第三巡察组", "市委第六巡察组", "市委第五巡察组", "市委第一巡察组"]
    b = service.ask("哪些单位的通报写明了公开期限？")
    assert b.intent == "meta" and len(b.citations) == 2 and b.lead.count("未写明公开期限") == 3
    _verbatim(service, a)
    _verbatim(service, b)


def test_which_notices_state_a_field_is_asked_of_every_notice(service):
    a = service.ask("这几份整改通报里，有哪几份标注了公开期限？")
    assert a.intent == "meta" and [c.bureau for c in a.citations] == ["中山市公安局港口分局", "中山市公安局横栏分局"]
    assert a.lead.count("未写明公开期限") == 3
    _verbatim(service, a)


def test_a_field_labelled_with_something_else_than_a_value_is_quoted_as_written(service):
    # 舟山's 电子邮箱: points to a web platform's mailbox, not an address
    a = service.ask("哪几个单位留了收意见的电子邮箱？邮箱分别是啥？")
    zhoushan = [c for c in a.citations if c.bureau == "舟山市公安局"]
    assert len(zhoushan) == 1 and zhoushan[0].quote.startswith("登陆“浙江省统一政府咨询投诉举报平台")
    assert "舟山市公安局：电子邮箱一项写作“登陆" in a.lead and "未写明电子邮箱" in a.lead  # the anonymised notice
    assert {c.quote for c in a.citations} >= {"zsgkga@163.com", "zssgajhlfj@163.com"}
    en = service.ask("Which bureaus give an e-mail address for comments, and what is it?")
    assert any(c.bureau == "舟山市公安局" and "浙江省统一政府咨询投诉举报平台" in c.quote for c in en.citations)
    _verbatim(service, a)
    _verbatim(service, en)


def test_metadata_fields_are_answered_even_when_retrieval_finds_little(service):
    # the passages retrieved for this wording are weak; the fields come from extraction
    a = service.ask("Who inspected the Gangkou branch, and when did the inspectors give it their feedback?")
    assert not a.confidence.sufficient(0.0, 0.1)
    assert not a.abstained and a.intent == "meta"
    quotes = [c.quote for c in a.citations]
    assert "市委第八巡察组" in quotes and any("7月25日" in q for q in quotes)
    _verbatim(service, a)


@pytest.mark.parametrize("question", [
    "开发区分局小区视频监控接入公安平台以后，后续还要做哪些工作？",
    "Now that housing-estate cameras are hooked up to the police platform, what else does the Development Zone "
    "branch still need to do?",
])
def test_a_next_steps_question_about_one_problem_gets_that_problem_and_its_measures(service, question):
    a = service.ask(question)
    assert a.intent == "next_steps" and len(a.blocks) == 1 and a.blocks[0].kind == "measures"
    assert any("后续还将争取资金" in c.quote for c in a.citations)
    _verbatim(service, a)


@pytest.mark.parametrize("question", [
    "匿名分局在通报结尾部分，就今后持续推进整改提出了哪几方面举措？",
    "In the concluding section of its notice, which areas does the anonymised branch identify for strengthening "
    "its rectification going forward?",
])
def test_next_steps_asked_with_generic_verbs_get_every_item(service, question):
    """强化 / strengthening says how, not about what: all five next-steps items, in either language."""
    a = service.ask(question)
    assert a.intent == "next_steps" and [c.quote[:3] for c in a.citations] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    _verbatim(service, a)


@pytest.mark.parametrize("question", ["舟山市局接下来要做什么？", "What will Zhoushan do next?"])
def test_next_steps_asked_in_words_the_notice_does_not_use_get_that_part(service, question):
    """舟山's notice says 下一步, not 接下来: no word of the question is in it, but a bureau's
    next steps are a part of its notice, found by its structure."""
    a = service.ask(question)
    assert not a.abstained and a.intent == "next_steps" and len(a.blocks) == 1
    assert a.blocks[0].bureau == "舟山市公安局" and all(c.role == "item" for c in a.citations)
    assert len(a.citations) == 4
    _verbatim(service, a)


def test_which_bureaus_mention_gets_a_row_per_bureau(service):
    """"mention" asks, it names no topic (glossary: mention -> -): it does not halve each
    row's coverage of the question, so the answer is the table, as in Chinese."""
    a = service.ask("Which bureaus mention auxiliary police?")
    assert a.intent == "compare" and len(a.blocks) == 5
    assert sum(1 for b in a.blocks if b.citations) >= 3
    assert all("辅警" in c.quote for c in a.citations)
    _verbatim(service, a)


def test_who_led_the_inspection_group_is_not_answered_with_the_group(service):
    a = service.ask("舟山市局的巡察组组长是谁？")
    assert a.abstained and "市委第一巡察组" not in a.lead
    a = service.ask("Who was in charge of the rectification at Gangkou?")
    assert not a.abstained and any("党委书记" in c.quote and "负责全面整改工作" in c.quote for c in a.evidence())
    _verbatim(service, a)


def test_who_is_in_charge_of_the_rectification_in_chinese(service):
    """由谁负责 got 由班子宣传委员专门负责党委会议记录工作 first (for its 由); now the rectification's own."""
    a = service.ask("港口分局整改工作由谁负责？")
    assert not a.abstained and "负责全面整改工作" in a.evidence()[0].quote


def test_is_there_asked_of_a_named_bureau_looks_in_its_notice(service):
    """有没有 asked of one bureau: a thing its notice never mentions is declined, naming the
    bureau and the whole word (无人机, not jieba's 人机); the bureau whose notice has it is answered."""
    a = service.ask("横栏分局有没有用无人机巡查庆丰路？")
    assert a.abstained and a.lead.startswith("中山市公安局横栏分局的通报没有提到“无人机”") and not a.citations
    b = service.ask("舟山市局有没有用无人机？")
    assert not b.abstained and any("无人机" in c.quote for c in b.evidence())
    _verbatim(service, b)


def test_english_yes_no_about_a_named_bureau_looks_in_its_notice(service):
    """Did <bureau> …? asks whether that bureau's notice mentions something: declined when it
    does not (it used to be answered with the closest passages); answered when it does; a
    question whose subject is not the bureau keeps the any-notice check."""
    a = service.ask("Did Henglan use drones?")
    assert a.abstained and a.lead == "The notice of 中山市公安局横栏分局 does not mention drones." and not a.citations
    b = service.ask("Has Zhoushan set up a canteen?")
    assert not b.abstained and any("食堂" in c.quote for c in b.evidence())
    _verbatim(service, b)
    c = service.ask("Do the on-site mediation and response teams that Zhoushan built up from township staff "
                    "work around the clock?")
    assert not c.abstained and any("24小时运转" in x.quote for x in c.evidence())


def test_a_figure_of_what_the_question_counts_is_found_in_other_words(service):
    """How many rules did Henglan draw up? was declined: the notice says 新增或修订完善, not
    制定, so its one figure of rules ranked below sentences without a figure. A clause that
    states a figure of what is counted ranks higher; a figure of something else does not."""
    for q in ("How many rules did Henglan draw up?", "How many systems did Henglan establish or improve?"):
        a = service.ask(q)
        assert not a.abstained and "共17项" in a.evidence()[0].quote, q
        _verbatim(service, a)
    assert service.ask("How many rules did Gangkou draw up?").abstained  # it states no count of rules


def test_a_slogan_is_no_figure_and_a_heading_is_no_related_passage(service):
    """横栏分局一共反馈了多少个问题？ was answered with a sentence whose only "figure" was
    “四个意识”; it is declined, and its "possibly related" passages hold no bare heading
    (二、巡察反馈重点问题整改落实情况)."""
    from qa.answer.scoring import states_type
    assert not states_type("figure", "做到“两个维护”，增强“四个意识”。", "多少个问题")
    assert states_type("figure", "梳理出问题12个。", "多少个问题")
    a = service.ask("横栏分局一共反馈了多少个问题？")
    assert a.abstained and a.lead.startswith("通报中没有写明所问的具体数字")
    for c in a.citations:
        assert not c.quote.rstrip("。").endswith("整改落实情况"), c.quote
    _verbatim(service, a)


def test_counts_needs_the_figure_and_every_counted_word_in_one_clause():
    from qa.answer.scoring import counts
    rules = (("制度", "规定"),)
    assert counts(rules, "集中整改期间，新增或修订完善各类制度、方案共17项。", "How many rules")
    assert not counts(rules, "完善制度，开展检查3次。", "How many rules")
    auxiliary = (("辅警",), ("民警",))
    assert not counts(auxiliary, "组织面向特别优秀辅警招录人民警察工作,目前已招录民警3名。", "How many auxiliary police officers")
    assert not counts((), "共17项制度", "How many")


def test_an_english_comparison_word_is_no_topic(service):
    """Compare how Gangkou and Henglan handled meeting minutes. said Gangkou's notice does not
    mention it: 'compare' (相比, 对照) counted as a topic word its row did not hold."""
    a = service.ask("Compare how Gangkou and Henglan handled meeting minutes.")
    rows = {b.bureau: b for b in a.blocks}
    assert not rows["中山市公安局港口分局"].missing
    assert any("会议纪要" in c.quote for c in a.citations if c.bureau == "中山市公安局港口分局")
    t = service.ask("What is the full title of the Gangkou notice?")
    assert t.intent == "meta" and "中共中山市公安局港口分局委员会" in t.lead


def test_a_question_asking_for_metadata_and_something_else_gets_both(service):
    """Asked whole, 匿名分局…巡察…时候？…反馈了多少问题？ got one passage for neither; each part
    answered on its own (the second about the bureau the first names) gets both, the leads
    saying which part each answers, the citations numbered on."""
    a = service.ask("匿名分局的巡察是什么时候开始的？巡察组一共反馈了多少问题？")
    assert not a.abstained and a.lead.startswith("问“匿名分局的巡察是什么时候开始的？”：")
    assert "问“巡察组一共反馈了多少问题？”：" in a.lead
    quotes = [c.quote for c in a.evidence()]
    assert "****年*月*日至*月**日" in quotes and any("**项问题" in q for q in quotes)
    assert [c.n for c in a.citations] == list(range(1, len(a.citations) + 1))
    _verbatim(service, a)
    # a metadata part next to a structured one: the field is shown outside the blocks
    b = service.ask("港口分局的巡察组是哪个？港口分局是怎么整改会议纪要问题的？")
    assert b.blocks and "（35）规范会议纪要" in b.blocks[0].heading and "[1]" in b.lead
    from qa.render.markdown import answer_markdown
    from qa.render.terminal import answer_text

    assert "“市委第八巡察组” [1]" in answer_text(b) and "> 市委第八巡察组 [1]" in answer_markdown(b)
    _verbatim(service, b)


def test_long_term_items_asked_in_english_are_all_listed(service):
    a = service.ask("Which outstanding items requiring long-term remediation are listed in the Henglan branch's notice?")
    assert a.intent == "next_steps" and {"（一）强化智慧公安基础建设", "（二）持续抓好“三非”案件行政处罚的后续执行情况"} <= {
        c.quote.splitlines()[0] for c in a.citations}
    _verbatim(service, a)


def test_a_comparison_of_named_bureaus_quotes_each_notice_that_answers(service, monkeypatch):
    """A bureau the question names is expected to speak: its row needs less coverage of the
    question than a row of all bureaus (涉案物品和款项 is what both notices call 涉案财物),
    and a how-often row quotes the sentence stating the period (港口's 每半年至少召开1次)."""
    import qa.answer.compare as compare

    q = "港口分局和横栏分局对党委多久专题研究一次全面从严治党（党风廉政建设）各有什么规定？"
    a = service.ask(q)
    assert a.intent == "compare" and [b.missing for b in a.blocks] == [False, False]
    gangkou = next(cs for b, cs in a.block_citations() if b.bureau == "中山市公安局港口分局")
    assert any("每半年至少召开1次党委会议专题研究全面从严治党" in c.quote for c in gangkou)
    _verbatim(service, a)
    q = "在涉案物品和款项的管理方面，港口分局与横栏分局各自推出了哪些举措？"
    a = service.ask(q)
    assert a.intent == "compare" and [b.missing for b in a.blocks] == [False, False]
    monkeypatch.setattr(compare, "NAMED_COMPARE_MIN_COVERAGE", compare.COMPARE_MIN_COVERAGE)
    assert [b.missing for b in service.ask(q).blocks] != [False, False]


def test_a_count_word_outside_the_asking_clause_does_not_make_a_figure_question(service):
    a = service.ask("之前几轮教育活动的成果没巩固住，**分局后来是怎么改的？")
    assert a.intent == "measures" and not a.abstained  # **分局: the anonymised bureau
    assert {b.bureau for b in a.blocks} == {"**市公安局**分局（已匿名）"}


def test_the_anonymised_bureau_named_in_english(service):
    a = service.ask("What does the anonymised branch plan to do next?")
    assert a.intent == "next_steps" and {b.bureau for b in a.blocks} == {"**市公安局**分局（已匿名）"}


def test_a_bureau_the_corpus_lacks_is_declined_first_and_without_padding(service):
    a = service.ask("小榄分局整改得怎么样？")
    assert a.abstained and a.lead.startswith("已收录的通报中没有“小榄分局”")
    assert "中山市公安局港口分局" in a.lead and a.citations == []


def test_a_figure_the_notices_do_not_state_is_declined_with_the_reason(service):
    a = service.ask("横栏分局交（巡）警大队和西涌派出所新办公区改造一共花了多少钱？")
    assert a.abstained and "没有写明所问的金额" in a.lead
    en = service.ask("How much did the Zhoushan bureau pay for the Yonyou U8 finance system?")
    assert en.abstained and "do not state the amount" in en.lead


def test_a_name_the_notices_do_not_state_is_declined_with_the_reason(service):
    # the notice says 第三方公司 and 高校, never which one
    a = service.ask("横栏分局查扣的那批无主汽油是交给哪家第三方公司鉴定的？")
    assert a.abstained and a.intent == "passages" and "没有写明所问的名称" in a.lead
    en = service.ask("Which university did the Zhoushan police work with to compile the criminal legal risk "
                     "prevention guidelines for the shipbuilding industry?")
    assert en.abstained and "do not state the name" in en.lead


def test_how_often_is_answered_by_the_sentence_stating_the_period(service):
    a = service.ask("How often does Gangkou check on the progress of the rectification?")
    assert not a.abstained and len(a.evidence()) == 1 and "每周调度整改进度" in a.evidence()[0].quote


def test_a_measure_answer_names_the_bureaus_close_problems_to_ask_about(service):
    # 规矩不健全 + 纪委 fits several of 港口分局's supervision problems: the answer quotes the best
    # one and names the close ones by title; asked by its title, a problem is answered alone
    a = service.ask("港口分局平时盯队伍、管民警的那套规矩不健全，纪委后来是怎么补上的？")
    assert a.intent == "measures" and len(a.notes) == 1
    assert "相近的问题" in a.notes[0] and "“（25）完善队伍日常监督制度”" in a.notes[0]
    assert all(b.heading not in a.notes[0] for b in a.blocks)  # a problem quoted is not offered again
    again = service.ask("港口分局（25）完善队伍日常监督制度是怎么整改的？")
    assert [b.heading for b in again.blocks] == ["（25）完善队伍日常监督制度"] and again.notes == []
    en = service.ask("After the inspection, what did the Gangkou branch's discipline commission put in place to "
                     "tighten routine oversight of its officers?")
    assert any("similar problems" in n and "（25）完善队伍日常监督制度" in n for n in en.notes)
    assert service.ask("港口分局是怎么整改会议纪要不规范问题的？").notes == []  # no close second


def test_whether_any_notice_says_something_is_answered_by_the_best_sentences_only(service):
    a = service.ask("有分局给企业专门配了联络民警吗？")
    assert not a.abstained and len(a.evidence()) <= 2 and "一企一警务助理" in a.evidence()[0].quote


def test_plain_words_for_the_notices_terms_do_not_decline(service):
    # 脏油水 for 油污水 (its characters in order), 案子 for 案件 (the glossary): the notice
    # states both counts asked for
    a = service.ask("有没有哪里的公安专门整治过船上脏油水乱排的问题？停了多少条船、查了多少起案子？")
    assert not a.abstained and "停用18家次违规清舱船舶" in a.evidence()[0].quote


def test_english_words_for_a_themed_party_day_find_it(service):
    a = service.ask("Was there a bureau that took its party branch committee members to a military-themed exhibit "
                    "for a model party activity day? Where was it held?")
    assert not a.abstained and "军事科普体验站" in a.evidence()[0].quote


def test_a_count_the_notice_gives_only_as_a_percentage_is_declined(service):
    a = service.ask("舟山市今年以来一共受理了几起电信网络诈骗案件？")  # the notice: 受理数…同比下降15.3%
    assert a.abstained and "没有写明所问的具体数字" in a.lead


def test_a_figure_of_something_no_notice_names_is_declined_naming_it(service):
    # 在编 (on the establishment) is in no notice: the recruited officers' 3名 is no answer
    a = service.ask("舟山市公安局目前共有多少名在编民警？")
    assert a.abstained and a.lead.startswith("通报中没有写明所问的具体数字（已收录的通报都没有提到“在编”）")
    assert not a.evidence()
    en = service.ask("How many established-post police officers does the Zhoushan bureau currently have?")
    assert en.abstained and "no notice uses a term for established-post" in en.lead
    # what is counted in other words than the notice's (学习材料: 学习资料) is still answered
    b = service.ask("港口分局在整改阶段一共编印了多少份学习材料？")
    assert not b.abstained and any("学习资料" in c.quote for c in b.evidence())


@pytest.mark.parametrize("first_q,followup,asked,understood,item_q,item_said", [
    ("港口分局是怎么整改会议纪要不规范问题的？", "那横栏分局呢？", "横栏分局是怎么整改会议纪要不规范问题的？", "理解为：",
     "第二条具体怎么做的？", "第 2 项"),
    # in English, the bureau by its English name
    ("How did Gangkou fix its canteen procurement?", "What about Henglan?", "How did Henglan fix its canteen procurement?",
     "Understood as: “", "And the second item?", "item 2"),
])
def test_followups_are_resolved_in_the_service(service, first_q, followup, asked, understood, item_q, item_said):
    first = service.ask(first_q)
    history = [Exchange(first.asked, first.scope)]
    second = service.ask(followup, history=history)
    assert second.asked == asked and second.lead.startswith(understood)
    assert second.scope == ("中山市公安局横栏分局",)
    assert all(c.bureau == "中山市公安局横栏分局" for c in second.citations)
    third = service.ask(item_q, history=history)
    items = [c for c in third.citations if c.role == "measure"]
    assert len(items) == 1 and items[0].label == "2" and items[0].quote.startswith("二是")
    assert item_said in third.lead and all(c.bureau == "中山市公安局港口分局" for c in third.citations)


def test_which_problems_a_notice_reports_on_are_listed_from_its_structure(service):
    """舟山市局整改了哪些问题？ got two passages of its overall part: it is now every problem
    its notice reports on, in order and by area, each quoted; English alike; a question
    naming a topic (办案区管理有什么问题) is not a list."""
    a = service.ask("舟山市局整改了哪些问题？")
    assert a.intent == "problems" and not a.abstained and "共 24 项" in a.lead
    quotes = [c.quote for c in a.evidence()]
    assert len(quotes) == 24 and quotes[0].startswith("一、关于“学习运用新思想指导实践不足”问题")
    assert quotes[7].startswith("八、关于“非警务类警情分流体系尚不完备”问题")
    _verbatim(service, a)
    b = service.ask("What problems did the inspection find at the Development Zone branch?")
    assert b.intent == "problems" and b.lead.startswith("The notice of 东营市公安局东营经济技术开发区分局 reports on 12 problems")
    assert [x.heading[:3] for x in b.blocks] == ["(一)", "(二)", "(三)", "(四)"]  # by area
    assert b.evidence()[2].quote.startswith("3.执法领域规范化建设差距大的问题")
    for q in ("What were the main problems at Zhoushan?", "港口分局的问题清单", "横栏分局的整改措施有哪些？"):
        assert service.ask(q).intent == "problems", q
    assert service.ask("港口分局饭堂的整改措施有哪些？").intent == "measures"
    everyone = service.ask("巡察发现了哪些问题？")
    assert everyone.intent == "problems" and len({x.bureau for x in everyone.blocks}) == 5
    for q in ("港口分局办案区管理有什么问题？", "针对“队伍结构有待优化”问题，舟山市公安局有哪些整改措施？",
              "港口分局排查发现了多少个问题？"):
        assert service.ask(q).intent != "problems", q


def test_how_many_problems_is_declined_with_the_count_of_the_list(service):
    """舟山市局的通报一共有多少个问题？ was answered with figures of other things (发布执法提醒20期):
    no notice states how many problems the inspection raised, so it is declined, and the lead
    adds how many each notice reports on, counted from its structure (not as a quote)."""
    a = service.ask("舟山市局的通报一共有多少个问题？")
    assert a.abstained and not a.evidence()
    assert "按通报的结构统计，舟山市公安局的通报逐项报告了 24 个问题的整改情况" in a.lead
    b = service.ask("How many problems does the Henglan notice report on?")
    assert b.abstained and "Counted from the notices' structure, 中山市公安局横栏分局 reports on 56 problems" in b.lead
    # the anonymised notice states its count (*大类、**项问题): answered with it
    c = service.ask("匿名分局巡察组反馈了多少问题？")
    assert not c.abstained and any("**项问题" in x.quote for x in c.evidence())
    assert service.ask("Phone?").lead != service.ask("的").lead  # a metadata question is not "nothing asked"


def test_how_the_rectification_went_as_a_whole_is_the_part_that_says_so(service):
    """港口分局整改得怎么样？ was declined (no word of it in a passage): it is every item of the
    notice's overall part (舟山, which has none, its opening); 整改完了吗 adds what is still to
    do; a topic named (打击电诈…成效) keeps the passages."""
    a = service.ask("港口分局整改得怎么样？")
    assert a.intent == "overall" and not a.abstained and len(a.blocks) == 1
    assert a.blocks[0].heading == "一、党委履行巡察整改主体责任情况" and len(a.evidence()) == 3
    assert a.evidence()[0].quote.startswith("（一）高度重视，扛实整改责任")
    _verbatim(service, a)
    z = service.ask("舟山市局的整改效果如何？")
    assert z.intent == "overall" and z.blocks[0].heading == "开篇"
    done = service.ask("横栏分局整改完了吗？")
    assert [b.heading for b in done.blocks] == ["1、 党委履行巡察整改主体责任情况", "3、 需长期整改事项进展情况"]
    assert "尚未完成的" in done.lead
    en = service.ask("How well did Gangkou do in its rectification?")
    assert en.intent == "overall" and en.lead.startswith("How the notice of 中山市公安局港口分局 describes")
    assert service.ask("横栏分局在打击电诈方面取得了什么成效？").intent != "overall"
    for q in ("给我讲讲港口分局的整改情况", "开发区分局干了啥？", "Summarise the Development Zone branch's rectification."):
        assert service.ask(q).intent == "overall", q
    second = service.ask("第二项", history=[Exchange(a.asked, a.scope)])
    assert second.lead.endswith("中山市公安局港口分局通报“一、党委履行巡察整改主体责任情况”部分的第 2 项，全文引述如下。")
    assert [c.quote[:4] for c in second.citations] == ["（二）正"]
    both = service.ask("港口分局和横栏分局整改情况对比")
    assert both.intent == "overall" and [b.bureau for b in both.blocks] == ["中山市公安局港口分局", "中山市公安局横栏分局"]
    assert service.ask("匿名分局后面打算怎么把整改成果稳住、接着往下改？").intent == "next_steps"


def test_an_item_of_a_problem_list_is_that_problem_with_its_measures(service):
    """第三个问题 after a list: that problem and all its measures; 第二条 then: its second measure."""
    first = service.ask("开发区分局整改了哪些问题？")
    history = [Exchange(first.asked, first.scope)]
    third = service.ask("第三个问题是怎么整改的？", history=history)
    assert third.intent == "measures" and third.lead.startswith("理解为：“开发区分局整改了哪些问题？”，第 3 项")
    assert third.blocks[0].heading.startswith("3.执法领域规范化建设差距大")
    assert sum(c.role == "measure" for c in third.citations) == 7
    _verbatim(service, third)
    history.append(Exchange(third.asked, third.scope))
    item = service.ask("第二条", history=history)
    measures = [c for c in item.citations if c.role == "measure"]
    assert len(measures) == 1 and measures[0].label == "2" and item.blocks[0].heading == third.blocks[0].heading
    beyond = service.ask("第十三个问题", history=[Exchange(first.asked, first.scope)])
    assert beyond.intent == "problems" and any("没有第 13 项" in n for n in beyond.notes)


def test_a_question_naming_a_problem_by_its_heading_gets_that_problem(service):
    """开发区分局是怎么整改执法领域规范化建设差距大问题的？ got one passage of the overall part,
    which ranked above the problem's section; with the heading's words it is that problem."""
    a = service.ask("开发区分局是怎么整改执法领域规范化建设差距大问题的？")
    assert a.intent == "measures" and len(a.blocks) == 1
    assert a.blocks[0].heading.startswith("3.执法领域规范化建设差距大")
    assert sum(c.role == "measure" for c in a.citations) == 7
    _verbatim(service, a)


def test_another_problem_of_the_same_bureau_is_asked_of_it(service):
    """港口分局…饭堂… then 那涉案财物管理呢？: that problem, not the canteen again."""
    first = service.ask("港口分局是怎么整改饭堂食材采购问题的？")
    other = service.ask("那涉案财物管理呢？", history=[Exchange(first.asked, first.scope)])
    assert other.asked == "港口分局是怎么整改涉案财物管理问题的？"
    assert other.blocks and "涉案财物" in other.blocks[0].heading and all("饭堂" not in c.quote for c in other.citations)
    _verbatim(service, other)


def test_cli_follow_ups_with_a_context_file_and_in_a_chat(service, bundled_settings, tmp_path):
    import json

    from tests.test_search import qa_cli

    context = tmp_path / "previous.txt"
    context.write_text("港口分局是怎么整改会议纪要不规范问题的？\n", encoding="utf-8")
    r = qa_cli(bundled_settings, "ask", "那横栏分局呢？", "--context", str(context), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["asked"] == "横栏分局是怎么整改会议纪要不规范问题的？" and out["scope"] == ["中山市公安局横栏分局"]
    r = qa_cli(bundled_settings, "chat", input_text="港口分局是怎么整改会议纪要不规范问题的？\n第二条具体怎么做的？\n")
    assert r.returncode == 0, r.stderr
    assert "2. “二是及时纠正" in r.stdout and "第 2 项" in r.stdout
    r = qa_cli(bundled_settings, "ask", "那横栏分局呢？", "--context", str(tmp_path / "missing.txt"))
    assert r.returncode == 2 and "文件不存在" in r.stderr


def test_a_question_naming_no_bureau_gets_each_bureaus_problems_on_the_topic_together(service):
    """What did any bureau do: a bureau whose notice spreads the topic over several problems
    gets a block for each, next to each other, every one with all its measures."""
    a = service.ask("财务报销把关不严、经费支出不合规，有哪些整改做法？")
    bureaus = [b.bureau for b in a.blocks]
    assert len(set(bureaus)) >= 3 and len(bureaus) > len(set(bureaus))
    assert bureaus == sorted(bureaus, key=bureaus.index)  # a bureau's blocks are adjacent
    henglan = [b for b in a.blocks if b.bureau == "中山市公安局横栏分局"]
    assert len(henglan) >= 2 and any("报销" in b.heading for b in henglan)
    _verbatim(service, a)


def test_an_answer_from_passages_quotes_no_sentence_off_the_topic(service):
    a = service.ask("How many outstanding auxiliary police officers in Zhoushan have been recruited as regular "
                    "police officers?")
    quotes = [c.quote for c in a.evidence()]
    assert any("目前已招录民警3名" in q for q in quotes)
    assert not any("入党积极分子" in q for q in quotes)  # the auxiliary officers' Party membership: another topic


def test_an_english_answer_in_the_chat_has_english_labels(service):
    import re

    from qa.render.html import answer_html

    out = answer_html(service.ask("What did the anonymised branch do to supervise entertainment venues?"))
    labels = " ".join(re.findall(r'class="qa-(?:label|more|foot)">([^<]*)<', out))
    assert "Problem" in labels and "Every quote was checked" in labels
    assert not re.search(r"[\u4e00-\u9fff]", labels)  # the quotes stay Chinese, the labels do not
    zh = answer_html(service.ask("匿名分局是怎么加强娱乐场所管理的？"))
    assert '<span class="qa-label">问题</span>' in zh and "引文均已与通报原文逐字核对" in zh


def test_colloquial_questions_get_the_same_structured_answers(service):
    """Asked as people speak (咋, 那边, 后来), with plain words for the notices' terms."""
    a = service.ask("港口分局户籍窗口的服务后来是咋提上去的？")
    assert a.intent == "measures" and not a.abstained
    assert sum(c.role == "measure" for c in a.citations) == 4
    a = service.ask("开发区分局集中整改的阶段过了以后，整改这事还咋接着抓？")
    assert a.intent == "next_steps" and all(c.role == "item" for c in a.citations)
    _verbatim(service, a)


def test_is_there_any_asked_in_plain_words_declines_only_for_things_no_notice_mentions(service):
    """有没有单位想出啥招: colloquial verbs are not unseen things; 孩子 (子女 in the notices'
    terms) is, when no notice mentions it."""
    a = service.ask("民警下了班干啥都没人知道，有没有单位想出啥招来管？")
    assert not a.abstained and any("八小时" in c.quote for c in a.citations)
    a = service.ask("有没有单位在整改时帮民警解决孩子上学的事？")
    assert a.abstained and "孩子" in a.lead


def test_how_did_bureaus_do_it_in_plain_words_gets_the_matching_problems(service):
    """各地是怎么改进的, a problem in plain words: when no bureau's passages cover the
    question well enough for a table row, the best matching problems with their measures."""
    a = service.ask("黑社会、恶势力的线索挖得不深，打得也不狠，各地是怎么改进的？")
    assert a.intent == "measures" and not a.abstained and len({b.bureau for b in a.blocks}) >= 2
    assert all("黑" in b.heading for b in a.blocks)  # every problem on the topic
    _verbatim(service, a)


@pytest.mark.parametrize("question,words", [
    ("骗子打电话、网上骗钱的案子多，抓得也不够狠，各地都是怎么应对的？", "诈骗"),  # 打电话 asks no phone number
    ("保密规定落实得松，怕出现泄密，有啥整改的招？", "保密"),  # 啥整改的招
    ("Local quarrels and conflicts among residents aren't being spotted and settled well enough - "
     "what approaches could others learn from?", "矛盾纠纷"),
])
def test_asking_for_precedents_in_other_words_gets_the_matching_problems(service, question, words):
    """Other ways of asking what bureaus did get problems with all their measures, not a few passages."""
    a = service.ask(question)
    assert a.intent == "measures" and not a.abstained and len({b.bureau for b in a.blocks}) >= 2
    assert all(words in b.heading or any(words in q.quote for q in cites) for b, cites in a.block_citations())
    assert sum(c.role == "measure" for c in a.citations) >= 6
    _verbatim(service, a)


def test_a_bureau_the_corpus_lacks_named_in_english(service):
    """The East District branch of Zhongshan: not answered from Gangkou's or Henglan's notice."""
    a = service.ask("What fixes does the Zhongshan police's East District branch report in its rectification update?")
    assert a.abstained and "East District branch" in a.lead and not a.citations
    p = service.retriever.prepare("Party branch elections aren't being run strictly by the book - how is that fixed?")
    assert p.unknown_bureaus == ()  # a term of the field, not a bureau


def test_where_to_mail_a_letter_in_english_quotes_the_contact_clauses(service):
    a = service.ask("Where do I mail a letter about the Zhoushan bureau's rectification?")
    assert not a.abstained and any("邮政" in c.quote for c in a.citations)
    _verbatim(service, a)


def test_a_named_bureaus_problem_ranks_by_how_much_of_the_question_its_heading_covers(service, monkeypatch):
    """TOPIC_WEIGHT: 治安类警情数量偏高 is answered with 有力压降涉治安警情 alone, not also with a
    problem whose measures merely read alike (社区警务室)."""
    import qa.answer.blocks as blocks

    question = "面对辖区治安类警情数量偏高，港口分局采取了哪些压降举措？"
    wanted = ["（10）有力压降涉治安警情"]
    with monkeypatch.context() as m:
        m.setattr(blocks, "TOPIC_WEIGHT", 0.0)
        # without it 社区警务室 comes first or as well (which, depends on the machine's last digits)
        assert "（7）规范建设社区警务室" in [b.heading for b in service.ask(question).blocks]
    a = service.ask(question)
    assert a.intent == "measures" and [b.heading for b in a.blocks] == wanted


def test_a_date_asked_to_the_day_is_answered_only_by_a_sentence_stating_a_day(service):
    from qa.answer.scoring import states_type

    asked = "横栏分局新的执法办案管理中心是哪一天投入使用的？"
    assert not states_type("date", "截至2025年3月，分局值班局领导督导检查61次。", asked)  # a month
    assert states_type("date", "自2024年8月26日开始已对乐丰四路周边路段进行限时交通管制。", asked)
    assert states_type("date", "截至2025年3月，分局值班局领导督导检查61次。", "执法办案管理中心是什么时候启用的？")
    a = service.ask(asked)
    assert a.abstained and "没有写明所问的日期" in a.lead


def test_an_english_count_is_answered_only_by_a_count_of_the_thing_asked(service):
    from qa.answer.scoring import states_type

    asked = "How many problems did the inspectors point out to Gangkou?"
    assert not states_type("figure", "整改期间，分局开展内部队伍安全、执法安全、内部安全摸排7轮次。", asked)
    assert states_type("figure", "反馈指出问题17个。", asked)


def test_a_notice_of_another_inspection_round_is_declined_naming_the_rounds_indexed(service):
    a = service.ask("港口分局十四届市委巡察的整改通报写了什么？")
    assert a.abstained and a.citations == []
    assert a.lead.startswith("已收录的通报只报告本轮巡察的整改情况") and "十五届" in a.lead and "十四届" in a.lead
    en = service.ask("What did Gangkou's rectification notice for the previous inspection round report?")
    assert en.abstained and en.lead.startswith("The indexed notices report on their own inspection round only")
    this_round = service.ask("港口分局上一轮巡察发现的会议纪要问题，这次是怎么整改的？")
    assert not this_round.abstained  # this round's measures for an older problem
    assert not service.ask("港口分局十五届市委巡察后是怎么整改会议纪要不规范问题的？").abstained


def test_the_city_level_bureau_is_declined_when_only_its_branches_are_indexed(service):
    a = service.ask("中山市公安局本级的巡察整改通报说了什么？")
    assert a.abstained and "中山市公安局（市局本级）" in a.lead and a.citations == []
    en = service.ask("What does the city-level Zhongshan bureau, as opposed to its branches, report?")
    assert en.abstained and en.lead.startswith("The indexed notices include none from")
    city = service.ask("中山市公安局在整改中做了什么？")  # the city: its indexed branches, a row each
    assert not city.abstained and sorted(b.bureau for b in city.blocks) == ["中山市公安局横栏分局", "中山市公安局港口分局"]


def test_a_question_about_things_no_notice_mentions_is_declined_naming_them(service):
    a = service.ask("2018年那届世界杯的冠军是哪个队？")
    assert a.abstained and a.citations == [] and "世界杯" in a.lead and a.lead.startswith("已收录的通报都没有提到")
    # phrasing is not a thing (哪些地方, 两件事), and a notice word among unknown ones keeps the question
    assert not service.ask("匿名分局自己承认整改完以后还有哪些地方做得不够？").lead.startswith("已收录的通报都没有提到")
    assert not service.ask("港口分局的民警下班后健身房管理怎么整改的？").lead.startswith("已收录的通报都没有提到")


def test_an_unknown_branch_after_a_known_city_is_declined(service):
    a = service.ask("中山东区分局的巡察整改通报里写了哪些整改办法？")
    assert a.abstained and a.lead.startswith("已收录的通报中没有“东区分局”") and a.citations == []


def test_a_bureau_the_corpus_lacks_beside_an_indexed_one_is_named_first(service):
    a = service.ask("港口分局和小榄分局在意识形态工作上的整改有什么不同？")
    assert a.lead.startswith("已收录的通报中没有“小榄分局”的通报") and "以下只就中山市公安局港口分局作答：" in a.lead
    assert {c.bureau for c in a.evidence()} == {"中山市公安局港口分局"}
    a = service.ask("东莞市局整改了哪些问题？")
    assert a.abstained and a.lead.startswith("已收录的通报中没有“东莞市局”的通报") and a.citations == []


def test_the_disclosure_period_asked_in_english_is_the_field(service):
    a = service.ask("Over what period is the Development Zone branch's notice to remain publicly posted?")
    assert a.abstained and a.lead.endswith("does not state its disclosure period.")
    b = service.ask("How long does Henglan's notice stay publicly posted?")
    assert not b.abstained and b.intent == "meta"


def test_a_question_word_counts_when_the_segmenter_cut_it_inside_another_word(service):
    """The segmenter cuts （10）有力压降涉治安警情 into 压降涉 / 治安警 / 情: 压降 and 治安 still count."""
    scorer = service.answerer.scorer
    heading = "（10）有力压降涉治安警情"
    assert "压降" not in scorer._tokens(heading)
    assert scorer.coverage({"压降", "治安"}, heading) == 1.0
    assert scorer.coverage({"压降", "治", "交通"}, heading) == pytest.approx(scorer.idf("压降") / sum(
        scorer.idf(t) for t in ("压降", "治", "交通")))  # one character: only as a word of its own
    a = service.ask("面对辖区治安类警情数量偏高，港口分局采取了哪些压降举措？")
    assert a.intent == "measures" and any("压降涉治安警情" in b.heading for b in a.blocks)


def test_a_problem_retrieval_puts_first_is_answered_with_its_measures(service, monkeypatch):
    """TOP_MARGIN compares sections by their rank (retrieval and best sentence): a sentence
    of the preamble that reads alike no longer turns a measures answer into passages."""
    import qa.answer.blocks as blocks

    question = "开发区分局从严管党、从严治警的责任没真正压实，这个问题后来是怎么整改的？"
    a = service.ask(question)
    assert a.intent == "measures" and "从严管党治警责任不到位" in a.blocks[0].heading
    assert sum(1 for c in a.citations if c.role == "measure") == 5
    with monkeypatch.context() as m:
        m.setattr(blocks, "TOP_MARGIN", -10.0)  # no problem ever close enough: passages
        assert service.ask(question).intent != "measures"


@pytest.mark.parametrize("question", ["港口和横栏两家说要长期慢慢改的，各是哪两件事？",
                                      "What two long-term items did Gangkou and Henglan each list as still needing work?"])
def test_a_comparison_of_long_term_items_lists_each_bureaus_items(service, question):
    """长期慢慢改 asks for the long-term part; 两件事 / "two" are phrasing, not its topic."""
    a = service.ask(question)
    assert a.intent == "compare" and len(a.blocks) == 2 and not any(b.missing for b in a.blocks)
    quoted = {b.bureau: " ".join(service.index.notices[b.doc].text[c.start:c.end] for n in b.citations
                                 for c in a.citations if c.n == n) for b in a.blocks}
    assert "按程序开展轮岗工作" in quoted["中山市公安局港口分局"] and "规范管理涉案财物" in quoted["中山市公安局港口分局"]
    assert "强化智慧公安基础建设" in quoted["中山市公安局横栏分局"]
    _verbatim(service, a)


def test_a_question_naming_no_bureau_also_quotes_matching_measures_of_other_problems(service, monkeypatch):
    """A measure on the topic under another problem (港口分局's 推动矛盾纠纷排查化解 under
    its 一室两队 problem) is quoted with that problem, without its other measures; the
    block says how many it has, in every format."""
    import qa.answer.blocks as blocks
    from qa.render.html import answer_html
    from qa.render.markdown import answer_markdown
    from qa.render.terminal import answer_text

    question = "辖区矛盾纠纷排查化解不到位，有哪些做法可以借鉴？"
    a = service.ask(question)
    some = [b for b in a.blocks if b.of]
    assert some and all(not b.of for b in a.blocks[:1]) and "只有部分措施与所问相关" in a.lead
    by_n = {c.n: c for c in a.citations}
    gangkou = next(b for b in some if b.bureau == "中山市公安局港口分局")
    cites = [by_n[n] for n in gangkou.citations]
    assert cites[0].role == "problem" and "一室两队" in cites[0].quote
    assert [(c.label, c.quote[:12]) for c in cites[1:]] == [("3", "三是推动矛盾纠纷排查化解")]
    assert gangkou.of == 3 and gangkou.to_dict()["of"] == 3
    note = "只引与所问相关的 1 项措施（该问题共 3 项）"
    assert note in answer_text(a) and note in answer_markdown(a) and note in answer_html(a)
    assert '<li value="3">' in answer_html(a)  # the measure keeps its number
    _verbatim(service, a)
    with monkeypatch.context() as m:
        m.setattr(blocks, "RELATED_PROBLEMS", 0)
        assert not any(b.of for b in service.ask(question).blocks)


def test_an_english_question_about_nothing_the_notices_have_terms_for_is_declined(service):
    """Most of its words have no term in the notices (EN_UNKNOWN_SHARE): declined, naming
    them; a question with some such words (place names) is still answered."""
    a = service.ask("Which country won the football World Cup in 2022?")
    assert a.abstained and not a.citations and "football" in a.lead and "no term" in a.lead
    b = service.ask("For the risky left-turn stretch at the Suifeng junction on Qijiang Highway, how is Henglan "
                    "rebuilding the intersection?")
    assert not b.abstained and b.citations


def test_an_answer_about_one_bureau_built_from_passages_quotes_at_most_the_best_two(service, monkeypatch):
    """FOCUSED_QUOTES: a question about one bureau (or asking for a figure, date or name)
    answered from passages quotes its best two sentences, not every one within the margin."""
    import qa.answer.passages as passages

    question = "If a Henglan officer takes a bullet train on a work trip, will a first-class ticket be paid back?"
    a = service.ask(question)
    assert not a.abstained and 1 <= len(a.evidence()) <= 2
    assert any("二等座" in c.quote for c in a.evidence())
    _verbatim(service, a)
    with monkeypatch.context() as m:
        m.setattr(passages, "FOCUSED_QUOTES", 6)
        assert len(service.ask(question).evidence()) > 2


def test_a_question_about_a_problem_area_gets_each_of_its_problems(service, monkeypatch):
    """SIBLING_*: 港口分局's 7.预防打击电信网络诈骗违法犯罪 is split into (14) 预警防范 and
    (15) 打击; a question about the area gets both, a question about one of them that one."""
    import qa.answer.blocks as blocks

    a = service.ask("港口分局在预防和打击电信网络诈骗方面做了哪些整改？")
    assert a.intent == "measures" and sorted(b.heading[:4] for b in a.blocks) == ["（14）", "（15）"]
    assert sum(c.role == "measure" for c in a.citations) == 6 and "2 个相关问题" in a.lead
    _verbatim(service, a)
    assert [b.heading[:4] for b in service.ask("港口分局是怎么提升电信网络诈骗预警防范能力的？").blocks] == ["（14）"]
    question = "横栏分局在公务用枪管理方面做了哪些整改？"
    assert [b.heading[:4] for b in service.ask(question).blocks] == ["（31）", "（32）"]
    with monkeypatch.context() as m:
        m.setattr(blocks, "SIBLING_MARGIN", -1.0)
        assert [b.heading[:4] for b in service.ask(question).blocks] == ["（31）"]


def test_a_named_bureaus_problem_is_chosen_by_its_best_sentence_too(service, monkeypatch):
    """SENTENCE_WEIGHT: 舟山市局对民警的教育管理抓得不严 is 民警教育管理不够严格, which the
    section scores of 队伍稳定性不足 outrank when its best sentence counts only once."""
    import qa.answer.blocks as blocks

    question = "舟山市局对民警的教育管理抓得不严，后来是怎么改的？"
    a = service.ask(question)
    assert a.intent == "measures" and "民警教育管理不够严格" in a.blocks[0].heading
    with monkeypatch.context() as m:
        m.setattr(blocks, "SENTENCE_WEIGHT", 1.0)
        assert "民警教育管理不够严格" not in service.ask(question).blocks[0].heading


def test_a_count_of_the_whole_rectification_is_found_in_the_overall_part(service, monkeypatch):
    """OVERALL_CHUNKS: 共组织召开党委会议7次…推进会议4次 is in 港口分局's overall part, which a
    figure question's retrieval ranks below the problems that mention meetings."""
    import qa.answer.context as context

    question = "港口分局搞巡察整改那阵子，党委会开了几次？推进会又开了几次？"
    with monkeypatch.context() as m:
        m.setattr(context, "OVERALL_CHUNKS", 0)
        assert not any("推进会议4次" in c.quote for c in service.ask(question).evidence())
    a = service.ask(question)
    assert not a.abstained and "推进会议4次" in a.evidence()[0].quote and a.evidence()[0].kind == "overall"
    english = service.ask("How many rules and plans did the Henglan police write from scratch or update while they "
                          "were fixing the inspection problems?")
    assert any("共17项" in c.quote for c in english.evidence())
    _verbatim(service, a)
    # a comparison's row for a figure looks there too
    rows = service.ask("研究巡察整改的党委会，横栏是书记主持开了几次，港口分局党委又开了几次？")
    gangkou = next(b for b in rows.blocks if b.bureau == "中山市公安局港口分局")
    assert rows.intent == "compare" and not gangkou.missing
    assert any("党委会议7次" in c.quote for c in rows.citations if c.n in gangkou.citations)


def test_whether_any_notice_uses_a_word_is_scanned_for_once(service, monkeypatch):
    from qa.answer.decline import in_corpus

    ctx = service.answerer.ctx
    used, unused = "涌横路斜坡", "世界杯冠军"  # neither is a token of the index
    assert used not in service.index.idf and unused not in service.index.idf
    assert in_corpus(ctx, used) and not in_corpus(ctx, unused)
    monkeypatch.setattr(service.index, "notices", {})  # a second scan would now find nothing
    assert in_corpus(ctx, used) and not in_corpus(ctx, unused)


def test_each_bureaus_next_steps_asked_as_its_focus(service):
    """重点 asks for the next steps, not for items using that word (4 of 5 said 未提及)."""
    a = service.ask("各单位的下一步工作重点分别是什么？")
    assert a.intent == "compare" and len(a.blocks) == 5 and not any(b.missing for b in a.blocks)
    b = service.ask("横栏分局下一步的重点是什么？")
    assert b.intent == "next_steps" and b.blocks[0].heading.endswith("下一步工作打算")


def test_several_bureaus_compared_is_a_comparison_not_a_count(service):
    a = service.ask("几个单位在警示教育上有什么不同，比较一下")
    assert a.intent == "compare" and not a.abstained and sum(not b.missing for b in a.blocks) >= 4
    assert not service.ask("几个分局在基层党组织建设方面的做法对比一下").abstained  # was: 没有写明所问的具体数字


def test_an_english_indefinite_pronoun_names_no_topic(service):
    """Did Gangkou punish anyone?: "anyone" (有人) is no word a notice must use."""
    a = service.ask("Did Gangkou punish anyone?")
    assert not a.abstained and "anyone" not in [w for w, _ in service.retriever.prepare(a.question).groups]


@pytest.mark.parametrize("question", ["给我列一下开发区分局的问题清单", "列一下开发区分局的问题"])
def test_a_list_asked_for_outright_is_the_problem_list(service, question):
    a = service.ask(question)
    assert a.intent == "problems" and len(a.evidence()) == 12  # 开发区分局 reports on 12 problems


def test_what_a_bureau_will_keep_working_on_is_its_next_steps(service):
    a = service.ask("What will Gangkou keep working on?")
    assert a.intent == "next_steps" and a.blocks[0].heading == "四、下一步工作打算"


def test_who_led_the_rectification_is_answered_by_the_group_leader(service):
    """谁牵头: the notice says 党委书记任组长 (the glossary's 组长)."""
    a = service.ask("开发区分局的整改是谁牵头的？")
    assert not a.abstained and "党委书记任组长" in a.evidence()[0].quote


def test_which_bureau_reports_on_the_most_problems_is_counted_from_the_structure_not_quoted(service):
    """No notice compares the bureaus: declined, with each notice's count, most first."""
    a = service.ask("哪个单位整改的问题最多？")
    assert a.abstained and a.citations == [] and "非原文" in a.lead
    counts = [int(n) for n in re.findall(r" (\d+) 个问题", a.lead)]
    assert len(counts) == 5 and counts == sorted(counts, reverse=True)
    assert counts[0] == max(sum(p.doc == d for p in service.index.problems) for d in service.index.notices)
    b = service.ask("港口分局和横栏分局哪个的整改措施最多？")
    assert b.abstained and b.lead.count("项整改措施") == 2
    assert "Counted from the notices' structure" in service.ask("Which bureau reported the most problems?").lead


def test_who_to_contact_asks_where_to_send_comments(service):
    a = service.ask("Who should I contact about Gangkou's rectification?")
    assert a.intent == "meta" and a.lead.startswith("Where to send comments")


def test_a_question_in_traditional_characters_is_read_as_simplified(service):
    a = service.ask("港口分局會議紀要不規範是怎麼整改的？")
    b = service.ask("港口分局会议纪要不规范是怎么整改的？")
    assert a.intent == b.intent == "measures" and [c.quote for c in a.citations] == [c.quote for c in b.citations]


def test_the_reason_a_named_notice_never_mentions_something_comes_whatever_was_retrieved(service):
    """开发区分局有没有提到无人机: declined as not found before; its notice never says 无人机."""
    a = service.ask("开发区分局有没有提到无人机？")
    assert a.abstained and a.lead == "东营市公安局东营经济技术开发区分局的通报没有提到“无人机”，未找到相关整改内容。"
    assert not service.ask("匿名分局是哪个地方的？").lead.startswith("已收录的通报都没有提到“地方”")  # phrasing


def test_a_problem_described_with_a_word_of_the_metadata_gets_its_measures(service):
    """渠道不畅 is the problem (警民沟通渠道不畅), not a question for where to write."""
    a = service.ask("匿名分局老百姓找警察反映问题渠道不畅，后来怎么办的？")
    assert a.intent == "measures" and "警民沟通渠道不畅" in a.blocks[0].heading


def test_what_other_bureaus_did_about_our_problem_is_a_row_per_bureau(service):
    """我们局, 其他 are no words a bureau's passages must hold: every bureau has a row."""
    a = service.ask("我们局也有民警执法不规范的问题，其他单位是怎么弄的？")
    assert a.intent == "compare" and len(a.blocks) == 5 and not [b for b in a.blocks if b.missing]


def test_which_few_bureaus_is_a_comparison(service):
    """哪几个单位: the question words (哪几, 哪几个) are no topic of a row."""
    a = service.ask("哪几个单位在通报里说了要搞警示教育？")
    assert a.intent == "compare" and sum(not b.missing for b in a.blocks) >= 4


def test_what_is_still_unfinished_is_the_long_term_part(service):
    a = service.ask("What's still unfinished in Gangkou's rectification?")
    assert a.intent == "next_steps" and not a.abstained and "需长期整改事项" in a.blocks[0].heading
    b = service.ask("横栏分局的整改，哪些还没完成？")
    assert b.intent == "next_steps" and "需长期整改事项" in b.blocks[0].heading


def test_fuel_cards_in_english_are_the_notices_oil_cards(service):
    a = service.ask("What did Henglan do about fuel cards being misused?")
    assert a.intent == "measures" and "油卡" in a.blocks[0].heading


def test_named_bureaus_whose_notices_never_use_the_word_are_declined_with_that_reason(service):
    a = service.ask("舟山和开发区在干部轮岗上分别怎么做的？")
    assert a.abstained and a.citations == [] and "的通报没有提到“轮岗”" in a.lead
    assert "东营市公安局东营经济技术开发区分局" in a.lead and "舟山市公安局" in a.lead
    # a word that asks (多长时间) is no thing a notice must mention
    b = service.ask("党委多长时间得专门开一次会研究从严治党、党风廉政这些事，港口和横栏分局各是怎么定的？")
    assert not b.abstained and b.citations
    # one of two named bureaus silent: its row says so, the other's is quoted
    c = service.ask("港口和开发区在轮岗上有什么不同？")
    assert c.intent == "compare" and [b.missing for b in c.blocks] == [True, False]
    assert all("轮岗" in x.quote for x in c.citations)


def test_english_wording_of_a_new_user_reaches_the_problem(service):
    a = service.ask("How has Gangkou tried to cut down the number of calls to police about public order?")
    assert a.intent == "measures" and "压降涉治安警情" in a.blocks[0].heading
    b = service.ask("How is Henglan making sure drink-driving cases reach the prosecutors on time?")
    assert b.intent == "measures" and any("醉驾案件移送审查起诉" in x.heading for x in b.blocks)


def test_a_bureau_asked_how_after_which_bureaus_mention_a_topic_gets_that_topic(service):
    """哪些单位提到了警示教育？ then 港口分局具体怎么做的？: Gangkou's measures on 警示教育,
    not a question naming only a bureau."""
    first = service.ask("哪些单位提到了警示教育？")
    a = service.ask("港口分局具体怎么做的？", history=[Exchange(first.asked, first.scope)])
    assert a.intent == "measures" and not a.abstained and a.lead.startswith("理解为：")
    assert all(b.bureau == "中山市公安局港口分局" and "警示教育" in b.heading for b in a.blocks)
    # the same after a question that asked how already: nothing appended
    m = service.ask("港口分局会议纪要不规范是怎么整改的？")
    b = service.ask("横栏分局是怎么做的？", history=[Exchange(m.asked, m.scope)])
    assert b.lead.startswith("理解为：“横栏分局会议纪要不规范是怎么整改的？”")


def test_the_nth_problem_after_a_count_of_problems_is_that_problem_of_the_list(service):
    first = service.ask("港口分局一共有多少个问题？")
    assert first.abstained and "47 个问题" in first.lead
    a = service.ask("第十个问题是怎么整改的？", history=[Exchange(first.asked, first.scope)])
    assert a.intent == "measures" and not a.abstained and a.blocks[0].heading.startswith("（10）有力压降涉治安警情")


def test_results_after_the_rectification_are_the_overall_part(service):
    for q in ("港口分局整改以后效果怎么样？", "横栏分局整改取得了哪些成效？"):
        a = service.ask(q)
        assert a.intent == "overall" and not a.abstained, q


def test_when_each_notice_was_issued_is_each_notices_date(service):
    a = service.ask("这几个单位的整改通报都是什么时候发的？")
    assert a.intent == "meta" and "落款日期为2025年4月27日" in a.lead and len(a.citations) >= 4


def test_metadata_asked_in_a_new_users_order(service):
    a = service.ask("开发区分局通报落款是哪天？")
    assert a.intent == "meta" and "落款日期为2025年7月17日" in a.lead
    b = service.ask("港口分局的巡察是哪个巡察组搞的？什么时候？")  # the when of the inspection
    assert b.intent == "meta" and "巡察组为市委第八巡察组" in b.lead and "巡察时间为" in b.lead


@pytest.mark.parametrize("question, figure", [
    ("港口分局为了让老百姓知道社区警务室、有事能找到民警，印了多少张警民联系卡？", "11000张"),
    ("开发区分局把新建小区的监控接进公安平台，到2025年5月接了多少路摄像头？", "332路"),  # 摄像, 像头 of 摄像头
    ("舟山市公安局2025年有多少名辅警拿到了二级嘉奖？", "26名"),  # 拿到: a verb, not what is counted
    ("横栏分局如果要修车或者花一笔比较大的钱，超过多少就得好几个领导签字？", "5000元"),  # 好几个 asks no count
    ("港口分局党委在这轮督改推进过程中，一共专门上会研究了几回？", "召开党委会议7次"),  # 几回: counted in 次
])
def test_a_figure_asked_in_a_new_users_words_is_answered_where_stated(service, question, figure):
    a = service.ask(question)
    assert not a.abstained and any(figure in c.quote for c in a.evidence())
    _verbatim(service, a)


def test_a_figure_the_notice_masks_is_quoted_with_that_caveat_first(service):
    a = service.ask("匿名分局上半年集中看的《警种》警示教育片一共看了几部？")
    assert not a.abstained and a.lead.startswith("通报原文对所问数字作了隐去处理")
    assert any("警示教育片*部" in c.quote for c in a.evidence())
    stated = service.ask("舟山市公安局2025年有多少名辅警获二级嘉奖？")
    assert "隐去" not in stated.lead  # 26名: stated, no caveat


@pytest.mark.parametrize("question", ["能把横栏那份《横栏公安分局财务管理规定（试行）》的原文条款发我看看吗？",
                                      "舟山《2025年全面从严管党治警工作要点》具体列了哪几条要点？"])
def test_the_text_of_a_document_a_notice_only_names_is_declined_with_that_reason(service, question):
    a = service.ask(question)
    title = re.search(r"《[^》]+》", question).group(0)
    assert a.abstained and a.lead.startswith(f"通报中只提到了{title}，没有收录该文件的原文或条款")
    assert a.related() and all(title in c.quote for c in a.related())  # where it is named, nothing else
    _verbatim(service, a)


def test_a_document_the_notice_describes_is_not_declined(service):
    a = service.ask("横栏分局制定《横栏公安分局财务管理规定（试行）》后是怎么规范差旅费报销的？")
    assert not a.abstained


def test_a_quoted_term_no_notice_uses_declines_an_is_there_question(service):
    a = service.ask("这几个单位整改时有没有专门整治无人机“黑飞”的措施？")
    assert a.abstained and "黑飞" in a.lead and not a.citations


def test_a_place_name_a_notice_uses_keeps_a_colloquial_question_answered(service):
    a = service.ask("横栏那边乐丰四路附近晚上几点到几点不让车开进去？")  # 车开进: no notice says it
    assert not a.abstained and any("17时至24时" in c.quote for c in a.evidence())


@pytest.mark.parametrize("question, quote", [
    ("匿名分局之前一直没有工会专门账户，后来是在哪家银行开下来的？", "工商银行"),
    ("Which bank approved the opening of the anonymised branch's trade union account?", "工商银行"),
])
def test_a_bank_named_in_a_sentence_answers_which_bank(service, question, quote):
    a = service.ask(question)
    assert not a.abstained and any(quote in c.quote for c in a.evidence())


@pytest.mark.parametrize("question, bureau, first", [
    ("开发区分局对以后的整改有啥打算没？", "开发区分局", "(一)切实提高政治站位"),
    ("匿名分局说集中整改要转常态整改，那下一步具体准备咋搞？", "**市公安局**分局", "（一）进一步强化领导带头"),
    ("What follow-up does the unnamed branch commit to once its inspection fixes are done?", "**市公安局**分局",
     "（一）进一步强化领导带头"),
    ("Looking ahead, what does Zhoushan's PSB party committee say it will keep doing?", "舟山市公安局",
     "一是一以贯之坚持从严管党治警"),
])
def test_plans_asked_in_other_words_are_all_the_next_steps(service, question, bureau, first):
    a = service.ask(question)
    assert a.intent == "next_steps" and len(a.blocks) == 1 and bureau in a.blocks[0].bureau
    items = [c for c in a.citations if c.n in a.blocks[0].citations]
    assert any(c.quote.startswith(first) for c in items) and len(items) >= 3  # the whole part, not one item


def test_compare_two_asked_colloquially_compares_them(service):
    a = service.ask("港口分局和舟山市公安局在反诈宣传上各自是怎么搞的？两家比一比。")  # 比一比: phrasing
    assert a.intent == "compare" and not a.abstained
    assert [b.bureau for b in a.blocks if not b.missing] and not any(b.missing for b in a.blocks)


def test_measure_words_of_a_count_and_masked_figures():
    from qa.answer.scoring import states_type
    from qa.query.intent import counted_units
    assert "张" in counted_units("印了多少张联系卡？") and "路" in counted_units("接了多少路视频监控？")
    assert counted_units("超过多少就得好几个领导签字？") == ""  # 好几个: several, not a count asked
    assert counted_units("有几部门参与？") == ""  # 几部门 is no count of 部
    assert not states_type("figure", "按照市委统一部署开展巡察。", "列出了多少项问题？")  # 统一部署 counts nothing
    masked = "分局集中组织观看警示教育片*部。"
    assert states_type("figure", masked, "看了几部？") and not states_type("figure", masked, "看了几部？", masked=False)
    assert states_type("name", "工商银行于*月**日完成审批。", "哪家银行？")
    assert not states_type("name", "已移交第三方公司鉴定完毕。", "哪家公司？")


def test_a_bureau_named_in_chinese_inside_an_english_question_is_checked(service):
    a = service.ask("What did Zhongshan's Shiqi precinct (石岐分局) do about its canteen procurement after its inspection?")
    assert a.abstained and "石岐分局" in a.lead and not a.citations


@pytest.mark.parametrize("question, bureau", [("舟山市局下步工作打算", "舟山市公安局"), ("匿名分局往后咋巩固整改", "**市公安局**分局"),
                                              ("What longer-term commitments does the anonymised branch make at the end of "
                                               "its report?", "**市公安局**分局"),
                                              # "set out at the end of its notice" names no topic (完毕 of a measure)
                                              ("What longer-term plans does the Henglan sub-bureau set out at the end of "
                                               "its notice?", "横栏分局"),
                                              ("What follow-up work does the Dongying Economic Development Zone branch plan "
                                               "after its concentrated rectification period?", "开发区分局")])
def test_next_steps_in_short_or_other_words(service, question, bureau):
    a = service.ask(question)
    assert a.intent == "next_steps" and len(a.blocks) == 1 and bureau in a.blocks[0].bureau
    assert not a.blocks[0].of  # the whole part: these questions name no topic within it


def test_feedback_about_follow_up_work_asks_where_to_send_it():
    from qa.query.intent import question_intent
    assert question_intent("What's the email for sending feedback to the Dongying Development Zone branch about its "
                           "follow-up work?", 1) == "meta"


@pytest.mark.parametrize("question, figure", [
    ("横栏分局人手紧，机关的人被派到一线帮忙校园安保、夜查、驻守，到2025年3月累计派了多少人次？", "2000余人次"),
    ("港口分局自己回头翻查各支部的党建台账，一共揪出了多少处不规范的地方？", "问题28个"),  # 地方 names nothing counted
    ("舟山抓船上偷排油污水，一共叫停了多少家次违规洗舱的船？", "18家次"),  # 洗舱: the notice says 清舱
])
def test_more_figures_in_plain_words(service, question, figure):
    a = service.ask(question)
    assert not a.abstained and any(figure in c.quote for c in a.evidence())


@pytest.mark.parametrize("question, lead", [
    ("开发区整改方案原文在哪看", "已收录的是各单位的巡察整改进展通报，不含“整改方案”的原文。"),
    ("匿名分局制定的《社区民警考核办法》里，社区民警各项考核指标的具体分值是怎么设置的？", "通报中只提到了《社区民警考核办法》"),
    # which bureau did something no notice mentions (哪家单位…: whether any did)
    ("哪家单位为了整改聘请了律师或法律顾问参与案件审核？", "已收录的通报都没有提到“律师、法律顾问”"),
    ("Did any bureau step up counter-terrorism work while rectifying?", "None of the indexed notices mentions counter-terrorism"),
    # a named bureau asked about what only another reports, in either language
    ("How did 港口分局 deal with 船舶油污水 dumping?", "The notice of 中山市公安局港口分局 has nothing on what is asked"),
    ("开发区分局在常态化扫黑除恶方面是如何靶向施策整改的？", "东营市公安局东营经济技术开发区分局的通报中没有与所问相符的内容"),
    # a rate asked in English; a person asked by 哪位同志 (主要负责同志 names an office, not a person)
    ("Henglan ran a helmet campaign. What helmet-wearing rate did the town reach?", "The notices do not state the figure"),
    ("信要是寄到横栏政工监督室，是哪位同志负责回复？", "通报中没有写明所问的姓名"),
    # a notice published after the indexed ones; the inspectors' feedback itself, which the notices only sum up
    ("港口分局后来又发了新的整改通报吗？", "已收录的是各单位本轮巡察的整改进展通报（中山市公安局港口分局"),
    ("Has Gangkou since put out a later notice saying the long-term items are done?",
     "The indexed notices are the rectification progress notices listed"),
    ("能把市委巡察组给横栏的巡察反馈意见原文发我看看吗？", "已收录的是各单位的巡察整改进展通报，只概述了巡察反馈意见，不含其原文。"),
    ("Can you pull the original 巡察反馈意见 the inspectors gave 港口?", "The indexed documents are the bureaus' "
     "rectification progress notices; they only sum up the inspectors' feedback"),
    # a sum over several bureaus' figures: each notice states its own
    ("五家单位追赃挽损加起来一共多少钱？", "各单位的通报只写本单位的数字，没有几个单位加起来的合计"),
    ("What is the combined number of new rules across all five bureaus?", "Each notice states its own bureau's figures only"),
])
def test_what_the_notices_cannot_answer_is_declined_with_that_reason(service, question, lead):
    a = service.ask(question)
    assert a.abstained and a.lead.startswith(lead)


def test_how_it_was_rectified_then_a_figure_gets_the_measures(service):
    a = service.ask("横栏分局醉驾案件没能在规定时间内移送检察院审查起诉，积压了不少，这件事他们是怎么整改的？积压的案子清理了多少？")
    assert a.intent == "measures" and len(a.blocks) == 1
    items = [c for c in a.citations if c.n in a.blocks[0].citations and c.role == "measure"]
    assert len(items) == 3 and any("128宗" in c.quote for c in items)


def test_a_letter_not_sent_is_no_question_of_where_to_write(service):
    a = service.ask("Our department hosts visiting delegations, and sometimes the approval paperwork is done after the fact "
                    "or there's no formal request letter. What have other bureaus done?")
    assert a.intent != "meta" and any("接待" in c.quote for c in a.evidence())


@pytest.mark.parametrize("question, first", [
    ("Kaifaqu was told its leaders weren't taking responsibility for discipline in the ranks. What did they do?", "开发区"),
    ("At Gangkou, how did they shape up the booking / interview suite?", "办案场所"),
    ("开发区对老百姓不上心咋改", "服务群众意识淡薄"),
])
def test_new_users_names_and_plain_words_reach_the_problem(service, question, first):
    a = service.ask(question)
    assert not a.abstained and (first in a.citations[0].quote or first in a.citations[0].bureau)


@pytest.mark.parametrize("question, spans", [
    ("港口分局那次巡察，巡察组在他们那儿前后待了多久？从哪天到哪天？", ["2024年4月1日至2024年6月28日"]),
    ("舟山市公安局这轮巡察是哪天开始哪天结束的？结果什么时候反馈给市局？", ["2024年9月9日至2024年10月24日", "2025年1月8日"]),
    ("给舟山市公安局打电话反映巡察整改的问题，打哪个号码？", ["0580-2072198"]),
    ("港口分局这份东西在外面公示，大概要挂多少天才撤下来？还有，巡察组当初是在哪天向他们反馈意见的？",
     ["2024年7月25日", "2025年4月27日至5月11日"]),
    # the period asked apart from the feedback date ("and when did the group report back")
    ("For the Zhoushan city police notice, which inspection group was it and over what dates did they inspect? And "
     "when did the group report back to the bureau's Party committee?",
     ["市委第一巡察组", "2024年9月9日至2024年10月24日", "2025年1月8日"]),
])
def test_notice_details_asked_in_everyday_words(service, question, spans):
    a = service.ask(question)
    assert a.intent == "meta" and not a.abstained and [c.quote for c in a.citations] == spans


def test_a_later_part_about_them_is_no_question_of_its_own(service):
    a = service.ask("舟山市公安局的整改通报有没有给个邮箱？网上要怎么给他们提意见？")
    assert not a.lead.startswith("问“") and any(c.quote.startswith("电子邮箱:登陆") for c in a.citations)


@pytest.mark.parametrize("question", ["横栏分局把眼下的整改做完以后，往后几年准备在哪些方面使劲？",
                                      "舟山市公安局整改告一段落之后，接下来还要做哪些事？"])
def test_a_named_bureaus_plans_in_any_words_are_its_next_steps(service, question):
    a = service.ask(question)
    assert a.intent == "next_steps" and not a.abstained and len(a.blocks) == 1 and not a.blocks[0].of


def test_a_sentence_ending_in_a_full_stop_states_and_does_not_ask(service):
    a = service.ask("我们单位几个食堂都是各自出去买菜，纪检这边担心有廉政风险。别的公安单位遇到这种情况是怎么整改的？")
    assert a.intent == "measures" and not a.abstained  # 几个食堂: said, not a count asked
    assert any("饭堂食材" in c.quote for c in a.citations)


def test_in_the_card_names_no_thing(service):
    a = service.ask("车早就报废了，可加油卡一直没注销，卡里还留着钱，有单位整改过这种问题吗？怎么弄的？")
    assert not a.abstained and any("加油卡" in c.quote for c in a.citations)


@pytest.mark.parametrize("question, quote", [
    ("Henglan was holding detainees' personal belongings. How many items did it give back?", "560件"),
    ("Henglan had officers parked in the same job for over a decade. How many were finally moved?", "共轮岗15人"),
    ("Did anyone at Zhoushan police actually get punished after the inspection?", "追责"),
])
def test_english_plain_words_for_what_the_notices_report(service, question, quote):
    a = service.ask(question)
    assert not a.abstained and any(quote in c.quote for c in a.evidence())


@pytest.mark.parametrize("question", ["港口分局开完会几天之内得把纪要弄好给书记签？", "港口开完会几天出纪要"])
def test_a_length_of_time_asked_counts_nothing_a_notice_must_name(service, question):
    a = service.ask(question)  # 之内, 天出: no words of a thing counted
    assert not a.abstained and any("3个工作日内完成会议纪要" in c.quote for c in a.evidence())


@pytest.mark.parametrize("question, quote", [
    ("各单位搞警示教育的时候有没有放警示教育片？有没有单位是自己拍的片子？", "摄制《警诫》系列警示教育片"),  # 片子 beside 教育片
    ("我们这边110接到的求助里，很多根本不是警察的活儿，像开锁、报修、找物业之类，民警疲于奔命。"
     "有没有单位建立过把这类非警务求助分给其他部门处理的机制？", "非警务"),  # 活儿: erhua
    ("我们党委会研究“三重一大”时，会议记录没如实记下每个班子成员的发言和表决情况，被巡察点了，"
     "有没有单位整改过类似问题？怎么做的？", "如实记录会议发言情况"),  # 记下: a verb and its complement
])
def test_everyday_words_no_notice_uses_do_not_decline_an_is_there_question(service, question, quote):
    a = service.ask(question)
    assert not a.abstained and any(quote in c.quote for c in a.evidence())


@pytest.mark.parametrize("question, bureau, first", [
    ("舟山市局后面还有啥长远打算？", "舟山市公安局", "一是一以贯之坚持从严管党治警"),
    ("What is Zhoushan police promising for the longer term after this rectification?", "舟山市公安局",
     "一是一以贯之坚持从严管党治警"),
    ("Now the inspection's over, what is Kaifaqu branch promising to keep doing?", "开发区分局", "(一)切实提高政治站位"),
])
def test_a_named_bureaus_plans_in_words_no_passage_matches_are_its_next_steps(service, question, bureau, first):
    a = service.ask(question)
    assert not a.abstained and a.intent == "next_steps" and bureau in a.blocks[0].bureau
    assert any(c.quote.startswith(first) for c in a.evidence())


@pytest.mark.parametrize("question", ["舟山市局的电子邮箱是多少？",
                                      "Is there an email address where I can send comments to Zhoushan police about this?"])
def test_an_email_field_written_as_a_channel_is_quoted_not_declined(service, question):
    a = service.ask(question)
    assert not a.abstained and any("浙江省统一政府咨询投诉举报平台" in c.quote for c in a.evidence())


@pytest.mark.parametrize("question, named, other", [
    ("横栏分局在打击船舶油污水偷排、固废非法处置方面采取了哪些措施？", "横栏分局", "舟山市公安局"),
    ("开发区分局醉驾案件没按时移送审查起诉的问题是怎么整改的？", "开发区分局", "横栏分局"),
])
def test_a_topic_only_another_bureau_reports_is_declined_for_the_bureau_named(service, question, named, other):
    a = service.ask(question)
    assert a.abstained and a.lead.startswith(f"中山市公安局{named}" if named != "开发区分局" else "东营市公安局")
    assert named in a.lead.split("；")[0] and other in a.lead.split("；")[1]
    assert a.related() and all(other in c.bureau for c in a.related()) and not a.evidence()
    _verbatim(service, a)


def test_a_plain_question_the_named_bureau_answers_is_not_sent_elsewhere(service):
    a = service.ask("舟山市公安局对新招录民警的培养和管理采取了哪些做法？")  # its notice covers little of the words
    assert not a.abstained and a.intent == "measures" and "舟山市公安局" in a.blocks[0].bureau


@pytest.mark.parametrize("question, phrase", [
    ("横栏分局财务管理规定里说报销要“七层把关”，具体是哪七层？", "七层把关"),
    ("What are the ten categories of non-police calls listed in Zhoushan's new guidelines for diverting them?", "10大类"),
])
def test_the_members_of_a_set_a_notice_only_counts_are_declined_with_that_reason(service, question, phrase):
    a = service.ask(question)
    assert a.abstained and phrase in a.lead and a.related() and all(phrase in c.quote for c in a.related())
    assert not service.ask("横栏分局对今后的工作有哪些打算，分成了哪几个方面？").abstained  # 哪几: a list the notice gives


def test_a_name_the_notice_masks_is_not_stated(service):
    a = service.ask("那家匿名分局里牵头抓整改的副区长、党委书记兼局长，叫什么名字？")
    assert a.abstained and a.lead.startswith("通报中没有写明所问的名称") and "**同志" in a.related()[0].quote


def test_a_share_asked_in_everyday_words_needs_a_percentage(service):
    a = service.ask("横栏镇现在骑电动车戴头盔的比例到底是多少？提升到几成了？")
    assert a.abstained and a.lead.startswith("通报中没有写明所问的具体数字")


@pytest.mark.parametrize("question, field", [
    ("By when do I need to get comments in to Henglan on this report?", "2025年4月27日至5月11日"),
    ("星号那个分局 辅警管得不咋地 他们是咋改的", "一是规范招聘程序"),
])
def test_everyday_names_for_the_disclosure_period_and_the_anonymised_bureau(service, question, field):
    a = service.ask(question)
    assert not a.abstained and any(c.quote.startswith(field) for c in a.evidence())


def test_sending_something_else_by_post_is_no_contact_question():
    from qa.query.intent import asks_contact
    assert not asks_contact("有没有哪家单位搞了家庭助廉，比如给民警家属寄廉政家书？")
    assert asks_contact("对舟山市公安局的巡察整改有意见，打什么电话、信寄到哪里？") and asks_contact("给港口分局寄意见信时，信封上要注明什么？")


@pytest.mark.parametrize("question, bureau, first", [
    ("港口 办证窗口 业务不熟 群众投诉 整改", "港口分局", "一是制定考核方案"),
    ("横栏 酒驾案子 拖着不送检察院", "横栏分局", "一是对存在问题进行深入剖析"),
    ("**市公安局**分局 auxiliary police hiring and management weak", "**市公安局**分局", "一是规范招聘程序"),
    ("Zhoushan police overtime no rest what changed", "舟山市公安局", "(一)优化勤务安排"),
])
def test_a_bureaus_problem_typed_as_keywords_gets_its_measures(service, question, bureau, first):
    a = service.ask(question)
    assert a.intent == "measures" and bureau in a.blocks[0].bureau
    assert any(c.quote.startswith(first) for c in a.evidence()) and len(a.evidence()) >= 4  # the problem and every item


def test_a_percentage_typed_as_keywords_needs_a_percentage(service):
    a = service.ask("Henglan helmet wearing rate percentage")
    assert a.abstained and a.lead.startswith("The notices do not state the figure asked for")


def test_several_bureaus_each_asked_what_they_did_is_no_count(service):
    from qa.query.intent import question_type
    assert question_type("保密方面，几个单位分别做了哪些整改？") is None  # 几个单位分别: the bureaus, not a count
    a = service.ask("保密方面，几个单位分别做了哪些整改？")
    rows = {b.bureau: b for b in a.blocks}
    assert a.intent == "compare" and not rows["中山市公安局横栏分局"].missing and not rows["舟山市公安局"].missing


def test_a_hyphenated_english_compound_finds_the_dictionarys_plural():
    from qa.query.translation import translate
    table = {"en": {"fixed assets": [["固定资产", 0]]}, "pinyin": {}}
    assert ("fixed-asset", ("固定资产",)) in translate("fixed-asset registers", table)


def test_a_comparison_listing_things_asks_each_silent_bureau_about_each(service):
    from qa.answer.compare import listed_readings
    prepared = service.answerer.retriever.prepare("工会经费、工会账户这块，各家分别暴露了什么问题、怎么整改的？")
    assert [p.content for p in listed_readings(service.answerer.ctx, prepared)] == [
        "工会经费这块，各家分别暴露了什么问题、怎么整改的？", "工会账户这块，各家分别暴露了什么问题、怎么整改的？"]  # not 什么问题、怎么整改
    a = service.ask("工会经费、工会账户这块，各家分别暴露了什么问题、怎么整改的？")
    rows = {b.bureau: b for b in a.blocks}
    assert not rows["中山市公安局港口分局"].missing and not rows["中山市公安局横栏分局"].missing  # 工会经费 only
    assert rows["舟山市公安局"].missing


@pytest.mark.parametrize("question, quote", [
    ("利用网络实施的新型涉黑恶犯罪破案率低，部门之间成果共用、问题共治也没搞起来，有没有先例？",
     "利用信息网络"),  # 利用网络: one unseen word in a question a passage covers well
    ("港口分局饭堂食材收货这一块，有没有建立签收核验的制度？具体是怎么做的？", "三方签名核验制度"),
    ("局里工会一直没开单独账户，有没有单位处理过类似问题？", "工会专门账户"),  # 局里: at the bureau
    ("五家单位在反诈宣传上分别是怎么搞的？有没有哪家通报里压根没提这块？", "反诈宣传"),  # 压根: "at all"
])
def test_one_unseen_word_in_a_well_covered_is_there_question_is_wording(service, question, quote):
    a = service.ask(question)
    assert not a.abstained and any(quote in c.quote for c in a.evidence())


def test_an_unseen_word_still_declines_a_question_nothing_covers(service):
    from qa.answer.decline import UNSEEN_MAX_COVERAGE
    a = service.ask("有没有单位给民警建了健身房？")
    assert a.abstained and "健身房" in a.lead and (a.confidence.coverage or 0.0) < UNSEEN_MAX_COVERAGE


@pytest.mark.parametrize("question, figure", [
    ("港口分局这一轮一共把多少个民警挪到别的位置上去了？", "11名"),  # 挪到: a verb and its complement
    ("开发区新盖的居民小区，一共有多少个摄像头画面连进了公安那边？老小区呢？", "332路"),  # 画面, 连进
    ("港口那边印了多少张方便老百姓找民警的小卡片，贴在小区电梯、商场这些地方？", "11000张"),  # 卡片: 联系卡
    ("港口分局饭堂食材配送服务方是通过什么方式确定的？确定了几家？", "确定一家公司"),  # 一家 states 几家
    ("横栏分局把被带进来的人身上扣着的东西还回去多少件了？", "560件"),
])
def test_a_figure_in_everyday_words_of_the_fifth_probe_round_is_answered(service, question, figure):
    a = service.ask(question)
    assert not a.abstained and any(figure in c.quote for c in a.evidence())
    _verbatim(service, a)


def test_the_items_of_a_bureaus_plans_counted_are_its_plans_listed(service):
    from qa.query.intent import question_type
    assert question_type("港口分局整改通报最后说往后还打算咋干？分了几条？") is None
    assert question_type("港口分局印了多少张警民联系卡？") == "figure"
    a = service.ask("港口分局整改通报最后说往后还打算咋干？分了几条？")
    assert not a.abstained and a.intent == "next_steps" and "共 3 项" in a.lead
    assert a.evidence()[0].quote.startswith("（一）以更高站位扛起巡察整改政治责任")


def test_a_thousand_households_states_no_count_of_companies():
    from qa.answer.scoring import states_type
    assert states_type("figure", "通过公开招标形式确定一家公司", "确定了几家？")
    assert not states_type("figure", "开展“民警进千万家”活动", "走访了几家？")


@pytest.mark.parametrize("question, quote", [
    ("舟山市局给村里、社区派的活太多，村干部天天帮公安填表报数，他们后来是怎么整改的？", "着力整治突出问题"),
    ("横栏分局对KTV、歌舞厅这些地方管得松，还有陪侍的问题，他们后来怎么做的？", "娱乐场所"),
    ("Has the anonymised branch actually rotated its long-serving staff yet, or is that still to come?", "轮岗交流"),
    ("Roughly how much did Gangkou spend doing up the place where suspects are brought in and questioned?", "30万元"),
    ("How many of those little cards with the local police contact details did Gangkou print and put up in 2024?",
     "印制11000张警民联系卡"),  # a thing with contact details, counted: no contact asked
    ("When Henglan staff travel for work by train, what class of seat can they claim for?", "二等座"),
    ("How does Gangkou now choose who supplies the food for its staff canteens?", "（30）集中采购配送饭堂食材"),
    ("How much fraud money has Zhoushan recovered, and what share of losses is that?", "追赃率达到37.7%"),
    ("We police a port where ships' oily waste and other solid waste get dumped illegally. What enforcement "
     "approaches have other bureaus used?", "深化海洋生态警务建设"),
    ("A lot of the calls our station gets aren't police business at all — broken street lights, water outages, "
     "things that belong to other government departments — and they tie up our patrol officers. How have others "
     "dealt with that?", "加大协同处置力度"),
    ("In one district we follow, drink-driving cases pile up and aren't sent to prosecutors within the time limit. "
     "Has any police bureau dealt with this, and how?", "已移送审查起诉128宗"),
    ("民警长期加班、休息没保障、体检查出毛病也没人跟进，干劲不足，别的公安局有什么暖警的做法？", "保障休息权利"),
    # the sixth round's read half and the fifth round's formerly unread one
    ("横栏分局推动镇里在涌横路一带新装了多少盏夜间照明灯？", "设置45盏路灯"),
    ("横栏分局推动各村居新划出了大概多少个停车泊位？", "停车位约700个"),
    ("酒驾醉驾的案子积压了不少，没按时限移送审查起诉，有没有单位整改过这类问题？怎么做的？", "已移送审查起诉128宗"),
    ("横栏分局出差回来报销车票那些事被点了，后来咋处理的？", "差旅费报销专项排查整治"),
    ("横栏分局公车用油充值卡长期搁置不用的情况，是怎么整改的？", "闲置油卡专项排查整治"),
    ("What did the anonymised branch do about hiring and supervising the civilian assistants who work with its officers?",
     "规范招聘程序"),
    ("Henglan had a dangerous motorway exit with a badly lit road. What did the branch do to fix it?", "西江花洲出口"),
    ("How is Zhoushan cutting the paperwork it pushes down onto villages?", "着力整治突出问题"),
    ("How did Zhoushan fix its hosting of visiting officials, with approvals done after the fact?", "做好情况核实"),
    ("Calls that are really for other government services, not police work, swamp our station. What have others done "
     "to hand those calls off?", "非警务"),
    ("How did Gangkou tighten the running of the facility where suspects are held and questioned?", "办案场所管理"),
    # the seventh round's read half and the sixth round's formerly unread one
    ("我想知道横栏分局为查违规报销抽查了多少张已报销单据。", "抽检50单次"),  # 张 counted as 单
    ("**分局在户籍业务上有没有简化审批层级、把权限放到派出所？", "户籍业务审批权限下放派出所"),  # 户籍 (glossed 户政) is in it
    ("舟山这边老有人证件过期了才发现，白跑一趟窗口。舟山公安有没有到期前提醒大家的办法？", "舟警提醒"),
    ("开发区分局欠下的账，打算怎么一步步还上？", "还款计划"),
    ("舟山市公安局机关伙房的零用钱款缺少管控，推进了哪些纠治办法？", "规范备用金"),
    ("横栏那条晚上黑灯瞎火的路后来装了多少灯", "设置45盏路灯"),
    ("开发区去所里翻了多少本出警记录本", "接处警登记簿365本"),
    ("港口分局在群众被骗之前提前示警、上门拦阻这块能力偏弱，后续抓了哪些工作？", "完善预警劝阻闭环工作流程"),
    ("**分局对扣押款项迟迟没有退还当事人的情况，推进了哪些办法？", "积极与分局各办案单位对接"),
    # a story of one sentence, then an is-there question naming a glossary word (分出去: 分流)
    ("我们所每天接的110一大半不是警察该管的事，邻居装修吵、楼上漏水、路灯不亮，民警去了也解决不了。"
     "别的单位有没有把这类警情分出去给其他部门处理的做法？", "非警务警情分流"),
])
def test_the_probe_rounds_words_find_what_the_notices_say(service, question, quote):
    """Glossary lines and phrasing of the fifth to seventh probe rounds: plain Chinese, English
    paraphrases, precedents."""
    a = service.ask(question)
    assert not a.abstained and any(quote in c.quote for c in a.evidence())


@pytest.mark.parametrize("question", ["那家匿名分局这次被市委第六巡察组巡察，具体是从哪天到哪天？",
                                      "打星号那个分局的工会账户，具体是几月几号开通的？",
                                      "On what exact date did the bank issue that anonymised branch's trade union account permit?"])
def test_a_date_the_notice_masks_is_declined_with_that_reason_first(service, question):
    a = service.ask(question)
    assert a.abstained and a.lead.startswith(("通报原文对所问日期作了隐去处理", "The notice masks the date asked for"))
    assert a.related() and all("*" in c.quote for c in a.related())


def test_a_masked_date_states_no_date_a_partly_masked_one_its_year():
    from qa.answer.scoring import states_type
    assert states_type("date", "工商银行于*月**日完成审批", "哪天开通的？")
    assert not states_type("date", "工商银行于*月**日完成审批", "哪天开通的？", masked=False)
    assert states_type("date", "2021年*月完成审批", "哪年开通的？", masked=False)


@pytest.mark.parametrize("question, title", [
    ("Could you give me the actual wording of Henglan's trial financial management rules, for example the seven "
     "approval levels?", "财务管理规定"),
    ("Zhoushan canteen financial management rules full text", "《机关食堂财务管理办法》"),
    ("What exactly does Henglan's circular on scrapping fixed assets say?", "《关于做好固定资产报废工作的通知》"),
])
def test_the_text_of_a_document_asked_in_english_without_its_title_is_declined(service, question, title):
    a = service.ask(question)
    assert a.abstained and a.lead.startswith("The notices only name") and title in a.lead


def test_what_an_english_question_asks_a_notice_to_say_is_answered(service):
    a = service.ask("What exactly does Henglan's notice say about fuel cards?")
    assert not a.abstained and any("加油卡" in c.quote for c in a.evidence())


@pytest.mark.parametrize("question, answered", [
    ("How did the Huzhou Public Security Bureau deal with auxiliary police who are party members?", False),
    ("What did the Public Security Bureau do about canteens?", True),  # no place named
    ("How did the Zhoushan Municipal Public Security Bureau handle canteen cash?", True),
])
def test_an_english_public_security_bureau_is_checked_against_the_indexed_ones(service, question, answered):
    a = service.ask(question)
    assert a.abstained is not answered
    if not answered:
        assert "Huzhou" in a.lead and "舟山市公安局" in a.lead


@pytest.mark.parametrize("question, stated", [
    ("舟山市公安局今年有多少名辅警拿了一级嘉奖？", False),  # the notice gives the second and third grades
    ("舟山市公安局今年有多少名辅警拿了二级嘉奖？", True),
    ("At the Gangkou branch, how many years in the same post make an officer eligible for rotation?", False),
    ("Henglan rotated officers who had been in the same post for how many years?", True),  # 超10年
    ("舟山市公安局被追责问责的那6个人分别是谁、担任什么职务？", False),  # 分别是谁: names
])
def test_a_grade_years_or_names_asked_need_a_sentence_stating_them(service, question, stated):
    a = service.ask(question)
    assert a.abstained is not stated


@pytest.mark.parametrize("question, first", [
    ("横栏 出差的钱报销 有问题 后来咋弄", "（37）推进差旅费审批标准化建设"),
    ("横栏分局给公车加油用的卡有放着不用的，这个后来怎么处理、怎么管起来的？", "（41）聚焦油卡管理效能短板"),
    ("东营开发区分局班子开会定事情不按规矩来，他们具体是怎么改的？", "1.党委议事不规范的问题"),
    ("Henglan apparently had fuel payment cards for police cars lying around unused. What did it do about that?",
     "（41）聚焦油卡管理效能短板"),
    ("What did the Gangkou branch do to get its facility for holding and questioning suspects run properly?",
     "（43）提升办案场所管理质效"),
    ("How is the Henglan branch keeping track of residents with serious psychiatric conditions?", "（15）构建精神障碍患者"),
    ("How did Henglan tidy up the way officers claimed back the cost of work trips, train tickets and so on?",
     "（37）推进差旅费审批标准化建设"),  # the cost of: no amount asked
])
def test_the_problem_asked_in_everyday_words_of_the_fifth_probe_round(service, question, first):
    a = service.ask(question)
    assert not a.abstained and a.intent == "measures" and a.evidence()[0].quote.startswith(first)


def test_cost_asks_an_amount_unless_the_question_asks_how_something_was_done():
    from qa.query.intent import question_type
    assert question_type("What did the new case-handling centre cost?") == "money"
    assert question_type("How did Henglan tidy up the way officers claimed back the cost of work trips?") is None


@pytest.mark.parametrize("question, first", [
    ("What does Zhoushan's city bureau say it will focus on next, now that the rectification report is out?",
     "下一步,市公安局党委将深入贯彻落实"),
    ("打码那家分局 案子里扣的钱一直没退 这事现在算弄完了没 还剩啥要弄", "针对“涉案资金清退不及时”问题"),
    ("开发区分局欠了一屁股债那个事 后面打算咋还啊", "3.执行财经制度不严格的问题"),
])
def test_plans_asked_in_everyday_words_of_the_fifth_probe_round(service, question, first):
    a = service.ask(question)
    assert not a.abstained and a.intent == "next_steps" and a.evidence()[0].quote.startswith(first)


def test_the_contact_details_of_a_bureau_are_still_metadata(service):
    a = service.ask("What are the contact details of Zhoushan police?")
    assert a.intent == "meta" and any("0580-2072198" in c.quote for c in a.evidence())


@pytest.mark.parametrize("question, bureaus", [
    ("We police a port where ships' oily waste and other solid waste get dumped illegally. What enforcement "
     "approaches have other bureaus used?", ()),  # port: an everyday word, no bureau named
    ("What did the port branch do about canteens?", ("中山市公安局港口分局",)),
    ("What did the Development Zone do about debts?", ("东营市公安局东营经济技术开发区分局",)),
    ("what did the development zone do about debts", ("东营市公安局东营经济技术开发区分局",)),
    ("what did gangkou do about canteens", ("中山市公安局港口分局",)),
])
def test_an_everyday_english_word_names_a_bureau_only_before_a_bureau_noun(service, question, bureaus):
    assert service.answerer.retriever.prepare(question).bureaus == bureaus


def test_what_every_answer_is_made_of_is_no_word_a_row_must_hold(service):
    from qa.text import PHRASING
    assert "整改措施" in PHRASING  # 各自采取了哪些整改措施: every bureau's row is its measures
    a = service.ask("食堂管理出问题的是哪几家？各自采取了哪些整改措施？")
    rows = {b.bureau: b for b in a.blocks}
    assert a.intent == "compare" and not rows["舟山市公安局"].missing


@pytest.mark.parametrize("question", ["开发区分局现在一共欠了多少债？今年计划还多少？",
                                      "What's the total amount of debt the Dongying development-zone branch is carrying?"])
def test_a_debt_asked_is_an_amount_no_notice_states(service, question):
    from qa.query.intent import question_type
    assert question_type(question) == "money"
    a = service.ask(question)
    assert a.abstained and a.lead.startswith(("通报中没有写明所问的金额", "The notices do not state the amount"))


def test_a_postcode_asked_needs_six_digits(service):
    a = service.ask("给东营开发区分局寄信提意见，邮编是多少？")
    assert a.abstained  # its notice gives a street address (大渡河路255号), no postcode
    b = service.ask("港口分局的邮编是多少？")
    assert not b.abstained and any("528447" in c.quote for c in b.evidence())


def test_an_amount_asked_is_not_answered_by_a_limit():
    from qa.answer.scoring import states_type
    limit = "对支出单据与分局党委会议纪要开展一致性审查，各部门经费开支超5000元事项须上会"
    assert not states_type("money", limit, "How much did Henglan spend building its new case-handling centre?")
    assert not states_type("money", limit, "横栏分局花了多少钱建执法办案中心？")
    assert not states_type("money", limit, "横栏分局去年在电信诈骗案件里一共帮群众追回了多少钱？")
    assert states_type("money", limit, "横栏分局的经费开支超过多少钱要上党委会？")  # a limit asked
    assert states_type("money", "先后投入约30万元进行基建改造和系统升级", "港口分局办案中心改造投入了多少钱？")


def test_the_bureau_with_stars_and_what_is_left_to_do(service):
    a = service.ask("打星那个分局 哪个巡察组去查的")  # 打星: asterisked
    assert a.intent == "meta" and a.lead == "**市公安局**分局（已匿名）：巡察组为市委第六巡察组[1]。"
    b = service.ask("On hooking up the housing estates' CCTV to the police system in Dongying, what's still left to do?")
    assert b.intent == "next_steps" and any("后续还将争取资金" in c.quote for c in b.evidence())


# --- the sixth probe round and the fifth round's formerly unread half

@pytest.mark.parametrize("question, chinese", [
    ("What's the name of 港口分局's 党委书记?", False),  # English, with Chinese terms in it
    ("How did 横栏分局 deal with the 信访 backlog?", False),
    ("港口分局 KTV 这些场所怎么管的？", True),
    ("舟山市公安局的 smart community 建设怎么样？", True),
])
def test_an_english_question_with_chinese_terms_is_english(question, chinese):
    from qa.text import is_chinese
    assert is_chinese(question) is chinese


def test_the_chinese_terms_of_an_english_question_are_looked_up(service):
    a = service.ask("In Zhoushan's 整改, how many people were 追责问责?")
    assert not a.abstained and a.lead.startswith("Found") and any("追责问责6人" in c.quote for c in a.evidence())
    groups = dict(service.answerer.retriever.prepare("What did the masked **分局 do about 辅警 management?").groups)
    assert groups.get("辅警") == ("辅警",) and not any("分局" in w for w in groups)  # the bureau's name is no term
    b = service.ask("What did the masked **分局 do about the gaps in 辅警 management?")
    assert b.intent == "measures" and "警务辅助人员管理有短板" in b.evidence()[0].quote
    c = service.ask("What's the name of 港口分局's 党委书记?")
    assert c.abstained  # 党委书记 is named by office only


def test_a_word_glossed_in_brackets_or_spelt_two_ways_is_one_word(service):
    scorer = service.answerer.ctx.scorer
    prepare = service.answerer.retriever.prepare
    toks = scorer.question_tokens(prepare("港口、横栏和舟山三家在食堂（饭堂）管理上分别做了哪些整改？"))
    assert "食堂|饭堂" in toks and "三家" not in toks and "食堂" not in toks
    assert scorer.coverage({"食堂|饭堂"}, "饭堂食材配送") == 1.0 == scorer.coverage({"食堂|饭堂"}, "加强食堂现金核对")
    a = service.ask("港口、横栏和舟山三家在食堂（饭堂）管理上分别做了哪些整改？")
    rows = {b.bureau: b for b in a.blocks}
    assert a.intent == "compare" and not rows["中山市公安局港口分局"].missing and not rows["舟山市公安局"].missing
    b = service.ask("舟山市局机关饭堂的钱管得很乱，借支没手续，账也对不上，他们是怎么补这个漏洞的？")  # 舟山 writes 食堂
    assert b.evidence()[0].quote.startswith("十七、关于“食堂现金监管缺失”问题")
    # one spelling asked: the other is searched too, so 港口 (饭堂) is no 未提及
    assert "饭堂" in prepare("食堂这块，港口分局和舟山市局分别怎么整改的？").terms
    c = service.ask("食堂这块，港口分局和舟山市局分别怎么整改的？")
    assert c.intent == "compare" and not any(r.missing for r in c.blocks)
    assert any("饭堂" in q.quote for q in c.evidence()) and any("食堂" in q.quote for q in c.evidence())


def test_after_a_story_what_the_last_sentence_asks_is_enough(service):
    q = ("我们所里的辅警，培养个一两年刚上手就辞职去厂里或者考别的单位了，工资低、没奔头，干得再好也没什么说法。"
         "人员流动太快，工作老是接不上。别的单位有没有在留住辅警、稳定辅警队伍上想过办法？")
    a = service.ask(q)
    assert not a.abstained and any(w in c.quote for c in a.evidence() if c.role == "problem"
                                   for w in ("警务辅助人员", "队伍稳定性"))
    assert a.confidence.coverage < 0.1 <= a.confidence.asked_coverage  # the story alone covers too little
    assert not a.confidence.sufficient(0.0, 0.1) and a.confidence.sufficient(0.0, 0.1, story=True)


@pytest.mark.parametrize("question, existence", [
    ("发言人可能被问到辅警管理是否规范，请准备口径。", False),  # a quality asked, not whether a notice says it
    ("横栏分局是否建立了扫黑除恶工作专班？", True),
    ("哪家单位为了整改聘请了律师？", True),
])
def test_whether_a_question_asks_if_a_notice_says_something(question, existence):
    from qa.answer.decline import EXISTENCE_RE
    assert bool(EXISTENCE_RE.search(question)) is existence


@pytest.mark.parametrize("question, intent", [
    ("几个局里谁在打击治理电信网络诈骗上做了整改？各自的做法是什么？", "compare"),
    ("那家名字被隐去的分局，集中整改之后准备怎么继续抓？", "next_steps"),
    ("港口分局有哪些事是一时半会儿改不完、要长期抓的？", "next_steps"),
    ("对舟山市局的整改有意见，该往哪儿提？", "meta"),
    ("东营开发区分局一共查了多少本接报警电话的登记本？", "passages"),  # 报警电话: calls, no phone number asked
    ("开发区党委开会议事不规范 那个整改搞了哪些", "measures"),
    ("市公安局**分局应退未退的涉案资金迟迟清退不到位，分局打通了哪些堵点？", "measures"),
])
def test_the_intents_of_the_fifth_rounds_unread_half(service, question, intent):
    from qa.query.intent import question_intent, question_type
    assert question_intent(question, len(service.answerer.retriever.prepare(question).bureaus)) == intent
    assert question_type(question) != "figure" or intent == "passages"


def test_where_to_take_comments_is_answered_with_the_contact_details(service):
    a = service.ask("对舟山市局的整改有意见，该往哪儿提？")
    assert a.intent == "meta" and any("0580-2072198" in c.quote for c in a.evidence())
    # a request listing the channels (its last clause asks nothing): every contact clause
    b = service.ask("请介绍一下舟山市公安局通报中公布的意见建议反映渠道，包括联系电话、邮寄地址和网上信箱等，发言人需要对外公布。")
    said = " ".join(c.quote for c in b.evidence())
    assert "0580-2072198" in said and "千岛路99号" in said and "部门信箱" in said


@pytest.mark.parametrize("question, units", [
    ("How many days does Henglan's public notice for unclaimed belongings run?", "天日"),
    ("东营开发区分局一共查了多少本登记簿？", "本册"),
    ("有多少本地民警参加了培训？", ""),  # 本地: no measure word
])
def test_days_and_books_are_counted_in_their_own_measure_words(question, units):
    from qa.query.intent import counted_units
    assert counted_units(question) == units


def test_a_count_of_days_is_not_answered_by_a_count_of_things(service):
    a = service.ask("How many days does Henglan's public notice for the unclaimed belongings run before disposal?")
    assert a.abstained  # 待公告期满后: no number of days; 560件 counts items
    from qa.query.intent import question_type
    assert question_type("横栏分局出差住宿一天能报多少？") == "money"


def test_what_exactly_did_a_bureau_do_asks_for_its_measures():
    from qa.query.intent import question_intent
    assert question_intent("开发区分局 got flagged for not following 财经制度 strictly — what exactly did they do?", 1) == "measures"
    assert question_intent("What specifically did Zhoushan do about its canteen cash?", 1) == "measures"


def test_a_question_naming_no_bureau_gets_each_bureaus_best_problem_before_a_second_one(service):
    """Five blocks at most: a bureau's second problem does not crowd out another bureau's first."""
    a = service.ask("What remedial steps have been taken where the law-enforcement case-handling centres were not "
                    "run to standard?")
    bureaus = [b.bureau for b in a.blocks]
    assert a.intent == "measures" and len(bureaus) == 5 and len(set(bureaus)) >= 4


def test_a_question_about_each_bureau_in_everyday_words_is_a_comparison():
    from qa.query.intent import question_intent
    assert question_intent("整改期间各家开了几次党委会研究巡察整改？", 0) == "compare"  # 各家: each bureau


@pytest.mark.parametrize("question", ["How did the masked **市公安局** branch fix its missing trade union account?",
                                      "In the masked-name sub-bureau's notice, where do things stand on cadre rotation?"])
def test_the_masked_branch_named_in_english(service, question):
    """"masked" before a bureau noun names the anonymised branch (not "the masked figure")."""
    assert service.answerer.retriever.prepare(question).bureaus == ("**市公安局**分局（已匿名）",)
    assert service.answerer.retriever.prepare("What is the masked figure for fraud cases?").bureaus == ()


def test_a_sum_of_one_bureaus_figures_is_still_asked_of_its_notice():
    from qa.query.intent import asks_sum_across
    assert not asks_sum_across("横栏分局集中整改那段时间，新立的和改过的规章制度、工作方案加起来一共多少个？", 1)
    assert not asks_sum_across("各单位一共新建了多少项制度？", 0)  # 一共: each one's total
    assert asks_sum_across("港口和横栏两家的保证金合计多少钱？", 2)


def test_a_bureau_left_out_is_not_asked_about(service):
    """除了横栏，还有哪家…: the other bureaus, compared; the lead says which is left out."""
    a = service.ask("扫黑除恶的整改，除了横栏，还有哪家写了？")
    assert a.intent == "compare" and a.lead.startswith("（不含中山市公安局横栏分局）")
    assert "中山市公安局横栏分局" not in {b.bureau for b in a.blocks} and len(a.blocks) == 4
    en = service.ask("Apart from Henglan, which bureaus mention drones?")
    assert en.lead.startswith("Leaving out 中山市公安局横栏分局") and len(en.blocks) == 4
    _verbatim(service, a)


def test_each_bureau_asked_one_by_one_is_a_comparison(service):
    a = service.ask("意识形态工作责任制这块，五个单位逐家说说，谁写了、谁没写？")
    assert a.intent == "compare" and len(a.blocks) == 5
    missing = {b.bureau for b in a.blocks if not b.citations}
    assert "东营市公安局东营经济技术开发区分局" in missing and "中山市公安局港口分局" not in missing


def test_a_quoted_item_keeps_its_label(service):
    """A sentence after an item's label sentence ((一)优化勤务安排。) is quoted with it."""
    a = service.ask("舟山市局在让一线民警喘口气、能休息、能回家团圆方面，有哪些落细落小的制度安排？")
    assert any(c.quote.startswith("(一)优化勤务安排。落实") for c in a.citations)
    _verbatim(service, a)


def test_a_count_in_a_comparison_found_when_the_question_has_words_no_sentence_uses(service):
    a = service.ask("港口跟横栏，民警轮岗这块分别咋搞的，各轮了多少人？")
    rows = {b.bureau: [c.quote for c in a.citations if c.n in b.citations] for b in a.blocks}
    assert any("11名" in q for q in rows["中山市公安局港口分局"])
    assert any("15人" in q for q in rows["中山市公安局横栏分局"])


def test_which_days_asks_for_days_that_a_year_does_not_state(service):
    a = service.ask("港口分局2024年办的那4场便民办证专场，具体是哪几天？")
    assert a.abstained and "日期" in a.lead


def test_an_english_story_before_the_question_is_no_unseen_word(service):
    a = service.ask("We are designing a regime of structured one-to-one 'heart-to-heart' talks between commanders "
                    "and officers. How did 港口分局, the Dongying development-zone branch and Zhoushan's municipal "
                    "bureau each approach those talks? I'd like to compare the three.")
    assert not a.abstained and "designing" not in a.lead


def test_cantonese_is_read_as_mandarin(service):
    """Zhongshan officers type Cantonese: 有冇 asks whether, 几多钱 asks for an amount."""
    from qa.text import mandarin
    assert mandarin("港口分局有冇请心理咨询师？") == "港口分局有没有请心理咨询师？"
    assert mandarin("整改咗啲咩？点样改嘅？几多钱？") == "整改了些什么？怎样改的？多少钱？"
    assert mandarin("体系关系怎么样") == "体系关系怎么样"  # Mandarin unchanged
    assert mandarin("横栏那边几个派出所做咗啲咩？") == "横栏那边几个派出所做了些什么？"  # 那边 is Mandarin too
    a = service.ask("港口分局2024年帮被骗群众追返咗几多钱？")
    assert a.abstained  # the notice gives no amount
    b = service.ask("港口分局同舟山市局喺反诈宣传方面分别做咗啲咩？")
    assert b.intent == "compare" and all(x.citations for x in b.blocks)


def test_metadata_no_notice_states_is_declined(service):
    a = service.ask("开发区分局和舟山市公安局这两份通报的公示期限分别是从哪天到哪天？")
    assert a.abstained and a.lead.count("没有写明公开期限") == 2
    b = service.ask("港口分局和开发区分局的公示期限分别是什么？")
    assert not b.abstained and "2025年4月27日" in b.lead  # one states it: answered, the other 未写明


def test_which_bureaus_give_a_total_is_not_the_unit_counted(service):
    a = service.ask("整改期间新建、修订了多少制度，哪几家给出了总数？各是多少？")
    assert not a.abstained and a.intent == "compare"
    assert any("共17项" in c.quote for c in a.citations)


def test_a_case_sent_to_the_procuratorate_in_plain_words(service):
    a = service.ask("横栏分局酒驾刑事案件长期压在手里、没有及时送交检察机关，这一问题整改中都做了哪些工作？")
    assert a.intent == "measures" and "醉驾案件移送审查起诉" in a.blocks[0].heading


def test_every_item_asked_for_is_no_topic_of_next_steps(service):
    a = service.ask("港口分局下一步工作打算，都有哪几条？一条不落地列出来。")
    assert a.intent == "next_steps" and "共 3 项，逐项引述" in a.lead and len(a.evidence()) == 3


def test_a_fax_postcode_or_web_address_a_notice_does_not_give_is_declined(service):
    assert service.ask("What fax number does the Gangkou sub-bureau provide for sending comments?").abstained
    a = service.ask("What is the postal code for the Dongying Development Zone sub-bureau's mailing address for comments?")
    assert a.abstained and "postcode" in a.lead
    assert service.ask("What is the URL of the website where the Henglan sub-bureau posts announcements?").abstained
    b = service.ask("港口分局的邮政编码是多少？")
    assert not b.abstained and any(c.quote.startswith("528447") or "528447" in c.quote for c in b.citations)
    c = service.ask("各家通报里写的寄信邮编都是多少？")
    assert not c.abstained and {"528447", "528400", "316021"} <= {x.quote for x in c.citations}
    d = service.ask("舟山市局的通信地址和邮编是什么？")  # the address too: the contact clauses, whole
    assert any("千岛路99号" in x.quote for x in d.citations)
    e = service.ask("During what period is the Dongying Development Zone sub-bureau's notice open for public comment?")
    assert e.abstained and "disclosure period" in e.lead


@pytest.mark.parametrize("question,reason", [
    ("Can you pull up the original feedback report the 市委第八巡察组 gave Gangkou and tell me exactly what they criticised?",
     "do not contain its original text"),
    ("Zhoushan inspection feedback full text", "do not contain its original text"),
    ("What did Henglan report in its rectification notice for the previous round of inspections, before the 十五届 one?",
     "none is the notice of an earlier round"),
])
def test_another_document_asked_in_english_is_declined(service, question, reason):
    a = service.ask(question)
    assert a.abstained and reason in a.lead


@pytest.mark.parametrize("question", [
    "Can people in Gangkou sort out urgent passport or travel-permit paperwork over the lunch break? Since when?",
    "在港口分局办护照、港澳通行证，中午休息时间有急事能不能办？从什么时候开始的？",
])
def test_lunchtime_is_noon(service, question):
    a = service.ask(question)
    assert a.evidence()[0].quote.startswith("2024年8月起，出入境业务窗口中午提供")


def test_a_bureau_name_typed_wrong_is_read_as_the_bureau(service):
    """A pinyin input method's wrong character of the same reading (横拦, 分居), English pinyin in
    two words or as heard (l as n, ng as n, sh as s): the bureau, and the lead says how it was read; an
    unknown bureau (小榄, Xiaolan) is still not indexed."""
    a = service.ask("横拦分局公务车加油卡管里有漏洞 后来怎么整改的")
    assert a.lead.startswith("（“横拦分局”按“横栏分局”理解）") and a.intent == "measures"
    assert all(c.bureau == "中山市公安局横栏分局" for c in a.evidence())
    b = service.ask("各分居轮岗工作各自轮了多少人 对比下")
    assert "（“分居”按“分局”理解）" in b.lead and b.intent == "compare"
    c = service.ask("Hengnan bureau feedback email address")
    assert c.lead.startswith("(Read “Hengnan” as Henglan.)") and "zssgajhlfj@163.com" in c.lead
    assert service.retriever.prepare("Zhousan police canteen measures?").bureaus == ("舟山市公安局",)
    assert not service.retriever.prepare("Dongyang police canteen measures?").bureaus  # another city, not Dongying
    assert service.retriever.prepare("Gang Kou case handling place, what they do?").bureaus == ("中山市公安局港口分局",)
    words = dict(service.retriever.prepare("The Zhoushan police canteen had no checks on its cash").groups)
    assert "canteen" in words and "police" not in " ".join(words)  # a name is one word: the phrase after it is read
    d = service.ask("Heng Lan next work arrangement (下一步) have which points?")
    assert d.intent == "next_steps" and {x.bureau for x in d.evidence()} == {"中山市公安局横栏分局"}
    assert service.ask("小榄分局怎么整改食堂问题").abstained
    assert service.ask("Xiaolan sub-bureau canteen measures?").abstained


def test_a_question_asking_two_figures_is_answered_by_either(service):
    """信访件办结了多少？追责问责了多少人？: the sentence stating the first answers, though it counts
    no person; an English counted word is matched whole (punish is not in punished)."""
    a = service.ask("舟山市局巡察期间巡察组移交的信访件办结了多少？整改中追责问责了多少人、怎么处理的？")
    assert not a.abstained and any("办结10件" in c.quote for c in a.evidence())
    b = service.ask("Zhoushan how many people be punished in the rectification? What kind punish?")
    assert not b.abstained and any("追责问责6人" in c.quote for c in b.evidence())
    c = service.ask("Zhoushan used robot phone calls to warn people about scams — roughly how many people did those calls reach?")
    assert not c.abstained and any("9.7万余人" in x.quote for x in c.evidence())  # 万 between the figure and 人


def test_the_measures_of_a_problem_asked_with_a_month(service):
    a = service.ask("舟山市局食堂现金几乎没人管，整改是从哪个月开始动的？具体改了什么？")
    assert a.intent == "measures" and len(a.evidence()) >= 4


def test_an_english_analysts_discourse_words_name_no_topic(service):
    a = service.ask("Compare the measures by which the anonymised sub-bureau and the Dongying development-zone "
                    "sub-bureau sought to tighten the management of auxiliary police (辅警), with particular "
                    "attention to recruitment, training rules and supervision, and note where either is silent.")
    assert not a.abstained and a.intent == "compare" and all(x.citations for x in a.blocks)


def test_a_story_s_words_are_no_reason_to_decline_what_its_question_asks(service):
    """孩子 in the story before the asking clause, jieba's 类人 (这类人): not words no notice uses."""
    a = service.ask("我们所有三对两口子都是民警，一到节假日两个人同时被叫去备勤，孩子只能托给邻居照看。"
                    "有没有单位对夫妻俩都当警察的家庭定过照顾的规矩？")
    assert not a.abstained and any("双警家庭" in c.quote for c in a.evidence())
    b = service.ask("我们辖区有十几个脑子有毛病的人，家里人看不住，隔三岔五就跑出来闹事。"
                    "有没有单位对这类人搞过一套固定的建档、上门和定期评估的办法？")
    assert not b.abstained and any("重点人员档案" in c.quote for c in b.evidence())
    c = service.ask("我们所两位女民警刚生完孩子，还在喂奶，值夜班很难排。有没有单位对怀孕、喂奶期间的女民警有专门的照顾安排？")
    assert c.abstained  # 女民警 in the asking clause: still no notice's


def test_a_figure_stated_in_the_next_sentence_of_the_paragraph(service):
    """出台《…奖励办法》,明确…嘉奖表彰。 is quoted; the sentence after it in its paragraph states the count."""
    a = service.ask("舟山今年辅警嘉奖了几个")
    assert not a.abstained and any("26名辅警获二级嘉奖" in c.quote for c in a.evidence())
    b = service.ask("横栏那边出租屋墙上贴的警民联系卡和分色牌，重新印了多少？")
    assert not b.abstained and any("10万张联系卡" in c.quote for c in b.evidence())
    c = service.ask("那家匿名分局里牵头抓整改的副区长、党委书记兼局长，叫什么名字？")
    assert c.abstained  # a person: the masked name is no answer, nor a document's title after it


def test_a_count_of_rules_across_bureaus_quotes_counts_of_rules(service):
    """各单位…新建或完善了多少项制度 (the issue's example): a row quotes a count of rules (规范34项, 办法规定6个,
    制度、方案共17项), never a count of problems or suggestions (4项意见建议, **项问题)."""
    a = service.ask("各单位在整改中新建或完善了多少项制度？")
    assert a.intent == "compare" and len(a.blocks) == 5
    quotes = {b.bureau: [c.quote for c in cs] for b, cs in a.block_citations()}
    assert any("共17项" in q for q in quotes["中山市公安局横栏分局"])
    assert any("34项" in q for q in quotes["舟山市公安局"])
    assert any("制定办法规定6个" in q for q in quotes["东营市公安局东营经济技术开发区分局"])  # whatever else it covers
    assert not any("问题" in q or "意见" in q for qs in quotes.values() for q in qs)  # nor a slogan's 一项制度机制
