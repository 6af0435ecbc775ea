"""What a question asks for: intent and answer type, decided once in the query stage."""
from __future__ import annotations

import pytest

from qa.query.intent import asks_contact, counted_units, question_intent, question_type


@pytest.mark.parametrize("question,intent", [
    ("港口分局是怎么整改会议纪要不规范问题的？", "measures"),
    ("横栏分局针对公务用车管理采取了哪些措施？", "measures"),
    ("How did the Zhoushan bureau improve its handling of non-police calls?", "measures"),
    ("What measures did the Gangkou branch take on canteen purchasing?", "measures"),
    ("How often does Gangkou check on the progress of the rectification?", "passages"),  # a frequency, not measures
    ("横栏分局下一步有什么打算？", "next_steps"),
    ("港口分局还有哪些问题需要长期整改？", "next_steps"),
    ("What are the Zhoushan bureau's next steps?", "next_steps"),
    ("After the concentrated rectification period, how will the branch keep the work going?", "next_steps"),
    ("各单位在整改中新建或完善了多少项制度？", "compare"),
    ("港口分局和横栏分局在涉案财物管理上分别做了什么？", "compare"),
    ("Which bureaus give an e-mail address for comments?", "compare"),
    ("开发区分局是由市委哪个巡察组巡察的？", "meta"),
    ("对舟山市公安局的整改有意见，打什么电话？", "meta"),
    ("What phone number can the public call about the Henglan branch's rectification?", "meta"),
    ("港口分局共组织召开了多少次党委会议？", "passages"),
    ("巡察整改工作", "passages"),
])
def test_intent(question, intent):
    assert question_intent(question) == intent


@pytest.mark.parametrize("question,named,intent", [
    # two bureaus named: a comparison, with or without 分别
    ("港口分局和横栏分局对党委多久专题研究一次全面从严治党（党风廉政建设）各有什么规定？", 2, "compare"),
    # one bureau named: 分别 contrasts two things of it
    ("对已经整改到位的问题和需要长期坚持的整改任务，横栏分局下一步分别怎么处理？", 1, "next_steps"),
    # ... but "which other bureaus" still asks for rows
    ("除了港口分局，其他单位是怎么整改涉案财物管理问题的？", 1, "compare"),
    ("Besides Henglan, which bureaus mention school safety?", 1, "compare"),
])
def test_intent_with_bureaus(question, named, intent):
    assert question_intent(question, named) == intent


@pytest.mark.parametrize("question,qtype", [
    ("一共召开了多少次会议？", "figure"),
    ("巡察组什么时候反馈的？", "date"),
    ("方案叫什么名字？", "name"),
    ("港口分局党委书记叫什么名字？", "person"),
    ("新办公区改造花了多少钱？", "money"),
    ("How many officers were rotated?", "figure"),
    ("How much did Henglan spend on the street lights?", "money"),
    ("Who inspected Gangkou, and when did the inspectors give their feedback?", "date"),
    ("What did Henglan do about traffic safety when pupils arrive and leave school?", None),  # "when" that does not ask
    ("怎样整改？", None),
])
def test_answer_type(question, qtype):
    assert question_type(question) == qtype


def test_prepared_question_carries_intent_and_type(engine):
    p = engine.retriever.prepare("港口分局共组织召开了多少次党委会议？")
    assert (p.intent, p.qtype) == ("passages", "figure")
    p = engine.retriever.prepare("港口分局是怎么整改会议纪要不规范问题的？")
    assert (p.intent, p.qtype) == ("measures", None)


def test_counted_units():
    assert "条" in counted_units("各单位新建或完善了多少项制度？")
    assert counted_units("港口分局召开了几次党委会议？").startswith("次")
    assert counted_units("开发区分局的债务总额是多少？") == ""
    assert counted_units("之前几轮教育活动的成果没巩固住，后来是怎么改的？") == ""  # not in the asking clause


def test_online_fraud_is_not_a_channel_for_comments():
    assert not asks_contact("Which bureaus report a fall in telecom and online fraud cases?")
    assert asks_contact("Which online channel takes comments on the Zhoushan bureau's rectification?")
