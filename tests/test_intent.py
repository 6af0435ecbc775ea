"""What a question asks for: intent and answer type, decided once in the query stage."""
from __future__ import annotations

import pytest

from qa.query.intent import (
    asked_fields,
    asked_round,
    asks_contact,
    asks_metadata,
    asks_most,
    counted_phrase,
    counted_units,
    question_intent,
    question_type,
)


@pytest.mark.parametrize("question,intent", [
    ("港口分局是怎么整改会议纪要不规范问题的？", "measures"),
    ("港口分局谁负责整改？", "passages"),  # who at that bureau, not which bureaus
    ("通报里有谁提到无人机？", "compare"),
    ("横栏分局针对公务用车管理采取了哪些措施？", "measures"),
    ("How did the Zhoushan bureau improve its handling of non-police calls?", "measures"),
    ("What measures did the Gangkou branch take on canteen purchasing?", "measures"),
    ("How often does Gangkou check on the progress of the rectification?", "passages"),  # a frequency, not measures
    ("How often does the Gangkou branch check in on how the fixes are going?", "passages"),  # … however it goes on
    ("横栏分局下一步有什么打算？", "next_steps"),
    ("港口分局还有哪些问题需要长期整改？", "next_steps"),
    ("What are the Zhoushan bureau's next steps?", "next_steps"),
    ("After the concentrated rectification period, how will the branch keep the work going?", "next_steps"),
    ("各单位在整改中新建或完善了多少项制度？", "compare"),
    ("港口分局和横栏分局在涉案财物管理上分别做了什么？", "compare"),
    ("Which bureaus give an e-mail address for comments?", "compare"),
    ("For each of the five bureaus, which inspection group carried out the inspection?", "compare"),
    ("Did every bureau publish a phone number?", "compare"),
    ("这几份通报里，哪几份写了公示期限？", "compare"),  # which notices: a row each
    ("哪些通报提到了扫黑除恶？", "compare"),
    ("开发区分局是由市委哪个巡察组巡察的？", "meta"),
    ("对舟山市公安局的整改有意见，打什么电话？", "meta"),
    ("What phone number can the public call about the Henglan branch's rectification?", "meta"),
    ("港口分局共组织召开了多少次党委会议？", "passages"),
    ("巡察整改工作", "passages"),
    # as people speak: 咋, 啥招, 哪些改进 ask how it was fixed
    ("港口分局户籍窗口的服务后来是咋提上去的？", "measures"),
    ("舟山那边办证不方便，市局后来出了啥招？", "measures"),
    ("在运用典型案例开展警示教育方面，港口分局作了哪些改进？", "measures"),
    ("开发区分局财务方面欠款较多，这几件事后来都是咋处理的？", "measures"),  # 这几件 refers, does not count
    ("骗子打电话、网上骗钱的案子多，各地都是怎么应对的？", "compare"),  # 打电话 is not the question
    ("保密规定落实得松，怕出现泄密，有啥整改的招？", "measures"),
    ("食堂管理不规范，有什么经验可以借鉴？", "measures"),
    # ... or what comes next
    ("舟山市公安局对巡察之后的下一阶段工作作了哪些部署？", "next_steps"),
    ("开发区分局集中整改的阶段过了以后，整改这事还咋接着抓？", "next_steps"),
    ("匿名分局那个派出所楼现在还剩哪些扫尾的事没办完？", "next_steps"),
    ("横栏分局对今后的工作有哪些打算，分成了哪几个方面？", "next_steps"),  # 哪几个方面 names no bureaus
    ("案子立了以后一直拖着不结，怎么整改？", "measures"),  # 立了以后: not what comes next
    ("巡察组移交的信访件，舟山市局办得怎么样？", "passages"),  # how it went, not how it was done
    ("港口那边被巡察，是市委第几组去的？从哪天巡到哪天？", "meta"),
    ("开发区分局那份通报的落款日期是哪天？", "meta"),
    # English as analysts write it
    ("Which team of inspectors looked into the Zhoushan police, and on what date did they report their findings back?",
     "meta"),
    ("When did the Development Zone branch put out its update - what date is on it?", "meta"),
    ("Where do I mail a letter about the Zhoushan bureau's rectification?", "meta"),
    ("How did Henglan address the inspection findings on vehicle use?", "measures"),  # address: the verb
    ("Phone and online scams aren't being tackled effectively - what fixes have been put in place?", "measures"),
    ("What corrective actions did the anonymised branch take on its police station reform?", "measures"),
    ("Inspectors said the unnamed branch neglected publicity - what did it change afterwards?", "measures"),
    ("Once the intensive rectification phase is over, how will the Development Zone branch keep at it?", "next_steps"),
    ("How many outstanding auxiliary officers were recruited as police?", "passages"),  # outstanding: not unfinished
    ("It's hard to keep tabs on officers once they're off duty - what can be done about that?", "measures"),
    ("Local disputes aren't being settled well - what approaches could others learn from?", "measures"),
    ("Have all the petitions passed on by the inspection team been dealt with?", "passages"),  # a status, not how
    ("Henglan's process for admitting party members wasn't followed - what was done about it?", "measures"),
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
    ("哪几家单位提到了无人机？", 0, "compare"),
    ("哪些单位提到了打击涉“两卡”（银行卡、电话卡）的工作？", 0, "compare"),  # a phone card, not a phone number
    ("横栏分局查扣的汽油交给哪家第三方公司鉴定？", 1, "passages"),  # which company: a name
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
    ("How many full-time, established officers does Zhoushan have?", "figure"),  # a comma inside the noun phrase
    ("In 2025, how many auxiliary officers were commended?", "figure"),
    ("How much did Henglan spend on the street lights?", "money"),
    ("Who inspected Gangkou, and when did the inspectors give their feedback?", "date"),
    ("What did Henglan do about traffic safety when pupils arrive and leave school?", None),  # "when" that does not ask
    ("怎样整改？", None),
    ("横栏分局对今后的工作分成了哪几个方面？", None),  # which, not how many
    ("匿名分局是啥时候被巡察的？", "date"),
    ("牵头整改的那个局长叫啥名字？", "person"),
    ("横东村路灯这个项目总投入是多少？", "money"),
    ("What was the total expenditure on the new office building?", "money"),
    ("Reimbursements are checked loosely and spending breaks the rules: what did bureaus do?", None),
    ("辖区矛盾纠纷化解不了，有没有哪个单位的做法能学一学？", None),  # the bureaus are the rows, not a name asked for
    ("港口分局的整改由哪个单位牵头？", "name"),
    ("横栏分局查扣的那批无主汽油是交给哪家第三方公司鉴定的？", "name"),  # a company, not which bureaus
    ("Which university did the Zhoushan police work with on the guidelines?", "name"),
    ("Besides Henglan, which bureaus mention school safety?", None),  # which bureaus, not which school
    ("哪个分局在学校周边加强了巡逻？", None),
    ("港口分局多久调度一次整改进度？", "frequency"),
    ("How often does Gangkou check on the progress of the rectification?", "frequency"),
    ("辖区矛盾纠纷要多久才能化解？", None),  # how long, not how often
    ("开发区分局多久开一次碰头会，把之前布置的活儿盘一盘？", "frequency"),  # the asking clause is not the last
    ("舟山市今年以来一共受理了几起电信网络诈骗案件？", "figure"),
    ("几个分局在基层党组织建设方面的做法对比一下", None),  # several bureaus compared, not how many
    ("有几个分局开展了警示教育？", "figure"),
])
def test_answer_type(question, qtype):
    assert question_type(question) == qtype


def test_prepared_question_carries_intent_and_type(engine):
    p = engine.retriever.prepare("港口分局共组织召开了多少次党委会议？")
    assert (p.intent, p.qtype) == ("passages", "figure")
    p = engine.retriever.prepare("港口分局是怎么整改会议纪要不规范问题的？")
    assert (p.intent, p.qtype) == ("measures", None)


def test_counted_units_count_alike_things():
    """多少个 is answered by any count of things (3名, 17项), not by times (7次); 多少家长 and
    多少名称 count nothing."""
    assert "名" in counted_units("舟山那边已经有几个转成正式民警了？")
    assert "次" not in counted_units("巡察反馈一共指出了多少个问题？")
    assert counted_units("护学岗新招了多少家长志愿者？") == ""


def test_a_figure_question_is_answered_only_by_a_count_of_the_same_kind():
    from qa.answer.scoring import states_type

    asked = "港口分局这次巡察反馈一共指出了多少个问题？"
    assert not states_type("figure", "共组织召开党委会议7次，推进会议4次。", asked)
    assert not states_type("figure", "2024年7月25日，巡察组向港口分局党委反馈巡察意见。", asked)  # a full date
    assert states_type("figure", "反馈指出问题17个。", asked)


def test_counted_units():
    assert "条" in counted_units("各单位新建或完善了多少项制度？")
    assert counted_units("港口分局召开了几次党委会议？").startswith("次")
    assert counted_units("开发区分局的债务总额是多少？") == ""
    assert counted_units("之前几轮教育活动的成果没巩固住，后来是怎么改的？") == ""  # not in the asking clause
    units = counted_units("停了多少条船、查了多少起案子？")  # two counts asked: either answers
    assert "条" in units and "起" in units


def test_english_metadata_fields():
    assert asked_fields("On which date were the inspection findings formally delivered to Henglan?")[0] == ("feedback_date",)
    assert asked_fields("Over what period is the Development Zone branch's notice to remain publicly posted?")[0][-1] == \
        "disclosure_period"
    assert asked_fields("Which of the bureaus report on petitions transferred to them by the inspection team?")[0] == ()
    assert not asks_contact("Which bureaus say phone and internet scam cases have gone down?")


def test_which_bureau_has_the_most():
    assert asks_most("哪个单位整改的问题最多？") == "problems"
    assert asks_most("哪个分局的整改措施最少") == "measures"
    assert asks_most("Which bureau reported the most problems?") == "problems"
    assert asks_most("哪个单位整改的问题最多，措施") == "measures"  # 那措施呢？ resolved against the conversation
    assert asks_most("哪个单位针对问题采取的措施最多？") == "measures"
    assert asks_most("哪些问题最突出") is None and asks_most("港口分局最多开了几次会？") is None


def test_a_phone_scam_is_not_a_question_for_the_phone_number():
    assert not asks_metadata("骗子打电话、网上骗钱的案子多，抓得也不够狠，各地都是怎么应对的？")
    assert asks_metadata("各单位通报留的联系电话分别是多少？")
    assert not asks_metadata("舟山市局对群众打110报的不是警情的电话怎么处理？")  # calls, not the number
    assert asks_metadata("横栏分局电话多少")


def test_online_fraud_is_not_a_channel_for_comments():
    assert not asks_contact("Which bureaus report a fall in telecom and online fraud cases?")
    assert asks_contact("Which online channel takes comments on the Zhoushan bureau's rectification?")


def test_counted_units_in_english():
    """The noun "how many" counts decides the measure words (rounds of checks: 次轮)."""
    assert "轮" in counted_units("How many rounds of secrecy checks has the Zhoushan bureau carried out?")
    assert "名" in counted_units("How many individuals were held accountable?")
    assert "项" in counted_units("How many problems did the inspectors point out to Gangkou?")
    assert counted_units("How many case review workshops did it hold?") == ""  # workshops: no rule
    assert counted_units("How much did it cost?") == ""


@pytest.mark.parametrize("question,asked", [
    ("港口分局上一轮（十四届市委）巡察的整改通报说了些什么？", "十四届"),
    ("What did Gangkou's notice on the inspection under the 14th municipal party committee say?", "十四届"),
    ("横栏分局上一轮巡察的整改通报有哪些内容？", "previous"),
    ("What did the previous round's notice of Gangkou report?", "previous"),
    ("开发区分局上一轮巡察发现的问题没改彻底，这次怎么解决的？", None),  # this round's measures
    ("党支部换届选举程序不严谨，怎么整改？", None),
])
def test_asked_round(question, asked):
    assert asked_round(question) == asked


@pytest.mark.parametrize("question,field", [
    ("匿名分局的巡察是什么时间开展的？", "inspection_period"),
    ("横栏分局的巡察是什么时候开始的？", "inspection_period"),
    ("舟山市公安局那次巡察持续了多长时间？", "inspection_period"),
    ("巡察组是几月几号进驻开发区分局的？", "inspection_period"),
    ("横栏分局的巡察从几月到几月？", "inspection_period"),
    ("港口分局的通报在网上公示到哪天？", "disclosure_period"),
    ("对开发区分局有意见可以发邮件到哪里？", "email"),
    ("舟山市局是哪天公布整改情况的？", "publication_date"),
    ("横栏分局的通报是什么时候发的？", "publication_date"),
    ("开发区分局通报的公布日期？", "publication_date"),
])
def test_chinese_metadata_fields_in_other_words(question, field):
    """Asked in other words, a field is still a metadata question answered from it."""
    fields, other = asked_fields(question)
    assert fields == (field,) and not other
    assert question_intent(question, 1) == "meta"


def test_english_post_and_address_in_their_other_senses():
    """Posts (jobs) are not the mail; an e-mail address asks the e-mail only."""
    assert not asks_contact("Which bureaus talk about rotating officers between posts?")
    assert question_intent("Which bureaus talk about rotating officers between posts?") == "compare"
    assert asked_fields("What is Henglan's e-mail address?") == (("email",), False)
    assert question_intent("Can I send my comments to Gangkou by post?", 1) == "meta"
    assert asks_contact("Can I send my comments to Gangkou by post?")


@pytest.mark.parametrize("question", [
    "开发区分局的巡察意见是哪天反馈的？",  # the feedback date
    "港口分局巡察整改是什么时候开始的？",  # rectification, not the inspection
    "巡察组一共提了多少问题，多久要整改完？",
    "横栏分局多久巡逻一次？",
    "巡察期间移交的信访件什么时候办结的？",  # a question set in the inspection
    "警务室什么时候进驻小区？",
])
def test_a_later_date_or_another_time_is_not_the_inspection_period(question):
    assert "inspection_period" not in asked_fields(question)[0]


@pytest.mark.parametrize("question,fields", [
    ("How long did the inspection of Zhoushan last?", ("inspection_period",)),
    ("Until when is Gangkou's notice publicly displayed?", ("disclosure_period",)),
    ("Who inspected the Development Zone branch and when?", ("inspection_group", "inspection_period")),
    # when the inspection team gave its feedback: the feedback date, not also the inspection period
    ("When did the inspection team give its feedback to Zhoushan?", ("feedback_date",)),
    ("When did the inspection of Gangkou take place, and when was the feedback given?",
     ("inspection_period", "feedback_date")),
])
def test_english_metadata_fields_in_other_words(question, fields):
    assert asked_fields(question) == (fields, False)


def test_contact_details_are_a_metadata_question():
    assert question_intent("What are the Henglan notice's contact details?", 1) == "meta"
    assert question_intent("横栏分局的联系方式是什么？", 1) == "meta"


def test_what_something_is_called_is_no_title_question_by_itself():
    """叫什么名字 asks for the notice's title only where the question names the notice."""
    assert question_intent("港口分局现任党委书记叫什么名字？", 1) == "passages"
    assert question_intent("港口分局这份通报的标题是什么？", 1) == "meta"


@pytest.mark.parametrize("question,named,intent", [
    ("横栏分局还有哪些整改没完成？", 1, "next_steps"),
    ("What will Zhoushan do next?", 1, "next_steps"),
    ("五个单位里谁提到了辅警管理？", 0, "compare"),
    ("港口分局的整改是谁牵头负责的？", 1, "passages"),  # who: a person
    ("横栏分局的整改，哪些还没完成？", 1, "next_steps"),
    # a problem described with a word of the metadata (渠道), asked how it was fixed
    ("匿名分局老百姓找警察反映问题渠道不畅，后来怎么办的？", 1, "measures"),
    ("通过什么渠道反映意见？", 0, "meta"),
    ("有没有单位解决过派出所警力不足的问题？", 0, "measures"),
    ("东营开发区分局在整改过程中新出台了多少项制度性文件？", 1, "passages"),  # 整改过程: not 整改过
    # the number of calls cut down is no number asked for; what a bureau is doing asks measures
    ("How has Gangkou tried to cut down the number of calls to police about public order?", 1, "measures"),
    ("What was the number of officers rotated at Gangkou?", 1, "passages"),
    ("What is the anonymised branch doing to recruit and keep young officers?", 1, "measures"),
    ("港口分局整改以后效果怎么样？", 1, "passages"),  # the results after it: not next steps
    ("港口分局以后怎么整改？", 1, "next_steps"),
    ("What is Henglan still working on?", 1, "next_steps"),
])
def test_unfinished_work_next_steps_and_who_mentions(question, named, intent):
    assert question_intent(question, named) == intent


def test_who_led_the_inspection_group_asks_for_a_person_not_the_group():
    fields, other = asked_fields("舟山市局的巡察组组长是谁？")
    assert "inspection_group" not in fields and other
    assert "inspection_group" not in asked_fields("Who led the inspection team that went to Zhoushan?")[0]
    assert question_type("Who led the inspection team that went to Zhoushan?") == "person"
    assert asked_fields("给横栏分局巡察的是哪个巡察组？")[0] == ("inspection_group",)
    assert asked_fields("港口分局和横栏分局的巡察组分别是哪个？")[0] == ("inspection_group",)
    # who was in charge of the work: a role answers it (党委书记…负责全面整改工作), not only a name
    assert question_type("Who was in charge of the rectification at Gangkou?") is None


def test_english_disclosure_period_and_the_title_of_another_document():
    """"over what period … stay posted" asks for the disclosure period, not when the
    inspection was; "posted" is no postal address; a plan's title is not the notice's."""
    fields, other = asked_fields("Over what period is the Development Zone branch's notice to remain publicly posted?")
    assert fields == ("disclosure_period",) and not other
    assert asked_fields("Over what period was Gangkou inspected?")[0] == ("inspection_period",)
    assert "title" not in asked_fields("匿名分局出台的整改落实方案，文件标题是什么？")[0]
    assert "title" in asked_fields("港口分局这份通报的标题是什么？")[0]
    assert question_type("On exactly what day did Henglan's new centre start operating?") == "date"


@pytest.mark.parametrize("question,phrase", [
    ("舟山市公安局目前共有多少名在编民警？", "在编民警"),
    ("匿名分局共指出几类几项问题？该反馈文件的标题是什么？", "几项问题"),  # the asking clause only
    ("横栏分局集中整改期间新增或修订完善了多少项制度、方案？", "制度"),
    ("港口分局的制度有多少项？", ""),
    ("港口分局开完会几天之内得把纪要弄好给书记签？", ""),  # a length of time: no thing counted
    ("几个工作日内出纪要？", ""),
    ("How many established-post police officers does the Zhoushan bureau have?", "established-post police officers"),
    ("How many meetings did the Gangkou party committee hold?", "meetings"),
])
def test_counted_phrase(question, phrase):
    assert counted_phrase(question) == phrase


@pytest.mark.parametrize("question,parts", [
    # metadata and something else: each part on its own
    ("匿名分局的巡察是什么时间开展的？巡察组反馈了多少问题？", ["匿名分局的巡察是什么时间开展的？", "巡察组反馈了多少问题？"]),
    ("Which inspection team went to Gangkou? How did Gangkou fix its canteen procurement?",
     ["Which inspection team went to Gangkou?", "How did Gangkou fix its canteen procurement?"]),
    # only metadata, or none: answered whole
    ("港口分局的巡察组是哪个？反馈日期是哪天？", []),
    ("舟山市公安局在巡察整改中追责问责了多少人？清退了多少款项？", []),
    # a later part refers back to the first: answered whole
    ("五份通报中，哪些写明了公开期限？分别是什么时候？", []),
    ("匿名分局收到的反馈意见中共指出几类几项问题？该反馈文件的标题是什么？", []),
    ("港口分局的巡察组是哪个", []),
])
def test_question_parts(question, parts):
    from qa.query.parts import question_parts

    assert question_parts(question) == parts



def test_a_count_of_points_is_not_a_count_of_branches():
    from qa.query.intent import counted_units
    assert counted_units("一共被记了多少分？") == "分" and counted_units("有多少分局？") == ""


def test_a_percentage_asked_needs_a_percentage():
    from qa.answer.scoring import states_type
    from qa.query.intent import counted_units
    q = "匿名分局群众诉求办理的满意率达到百分之多少了？"
    assert counted_units(q) == "%" and counted_units("What share of the losses was recovered?") == "%"
    assert not states_type("figure", "今年以来共办理诉求120件。", q) and states_type("figure", "办理满意率为98%。", q)
    assert states_type("figure", "满意率为***%。", q) and not states_type("figure", "满意率为***%。", q, masked=False)


def test_keyword_queries():
    from qa.query.intent import is_keywords
    assert is_keywords("港口 饭堂 验收 整改") and is_keywords("Henglan traffic jam fix")
    assert not is_keywords("港口分局饭堂验收怎么整改的") and not is_keywords("How did Henglan fix the traffic jam")
    assert question_intent("港口 饭堂 验收 整改", named=1) == "measures"
    assert question_intent("港口 饭堂 验收 整改", named=0) != "measures"  # no bureau: passages from any


@pytest.mark.parametrize("question, fields", [
    ("港口那个通报公示到啥时候 有意见打哪个电话", ("disclosure_period", "phone")),
    ("横栏是第几巡察组去的 啥时候反馈的意见", ("inspection_group", "feedback_date")),
    ("开发区分局啥时候被巡的 哪天反馈的", ("inspection_period", "feedback_date")),
    ("舟山市局是谁巡的 啥时候巡 啥时候反馈", ("inspection_group", "inspection_period", "feedback_date")),
    ("For Dongying's development-zone branch, when did the inspection take place and when were the results handed over?",
     ("inspection_period", "feedback_date")),
    ("When did the inspection team give its feedback to Henglan?", ("feedback_date",)),  # one clause: the feedback
])
def test_several_metadata_fields_asked_colloquially(question, fields):
    assert asked_fields(question)[0] == fields


@pytest.mark.parametrize("question, intent", [
    ("横栏分局的枪保管、领用不太规范，整改时都搞了些啥？", "measures"),
    ("港口分局户政窗口的工作人员被点名业务水平不够，整改里都做了些什么？", "measures"),
    ("港口分局以前各单位饭堂的菜都是自己去买，容易出廉政问题，后来他们怎么整改的？", "measures"),  # its own units
    ("横栏分局整改完了后面还打算干点啥？", "next_steps"),
    ("舟山公安以后在党建、廉政和业务这几块有什么长期打算？", "next_steps"),
    ("What does Henglan say it will do once the rectification period ends?", "next_steps"),
])
def test_measures_and_plans_asked_in_everyday_words(question, intent):
    assert question_intent(question, named=1) == intent
    assert question_intent("港口分局和横栏分局各单位的饭堂是怎么整改的？", named=2) == "compare"


@pytest.mark.parametrize("question,intent", [
    ("开发区集中整改那一阵过去以后，剩下的巡察问题归谁盯、怎么个盯法，通报里有交代吗？", "next_steps"),
    ("Looking forward rather than back: what does the Zhoushan bureau say it will do after this round?", "next_steps"),
    ("涉案财物管理，五家是不是都有涉及？逐家说说各自写在哪一条。", "compare"),
    ("The anonymised branch finally got a union bank account — which bank signed off on it?", "passages"),
])
def test_the_intents_of_the_seventh_rounds_unread_half(question, intent):
    assert question_intent(question) == intent


@pytest.mark.parametrize("question,qtype", [
    ("港口分局2024年办的那4场便民办证专场，具体是哪几天？", "date"),
    ("What is the value of that supply contract?", "money"),
    ("Who actually put out the Dongying notice, and what date is it signed off with?", "date"),
])
def test_the_types_of_the_seventh_rounds_unread_half(question, qtype):
    assert question_type(question) == qtype


def test_from_which_aspects_asks_for_measures():
    assert question_intent("开发区分局党委会议题提报随意，整改中从哪些方面把议事决策程序立起来？", 1) == "measures"


@pytest.mark.parametrize("question,intent", [
    ("What future rectification plans does the Dongying Development Zone sub-bureau announce in its notice?", "next_steps"),
    ("What are the Zhoushan bureau's next-step plans after this rectification round?", "next_steps"),
])
def test_the_intents_of_the_eighth_rounds_read_half(question, intent):
    assert question_intent(question, 1) == intent


def test_how_many_days_the_inspection_lasted_asks_for_its_period():
    assert question_type("For each bureau, how many days did the inspection last?") is None
    assert question_type("横栏分局巡察了多少天？") is None
    assert question_type("横栏分局开展了多少天的宣传？") == "figure"


@pytest.mark.parametrize("question", [
    "东营开发区分局被指财经制度执行不严，还背着债，整改清单上到底列了哪些动作？",
    "东营开发区分局党委开会议事不规范，整改后靠什么保证不再走过场？",
    "舟山市局食堂现金几乎没人管，整改是从哪个月开始动的？具体改了什么？",
    "匿名分局“关于对意识形态工作重视不够”问题，整改落实情况分几个层面？",
    "The anonymous branch returned case money late, what they do?",
])
def test_measures_asked_in_the_ninth_rounds_words(question):
    assert question_intent(question, named=1) == "measures"


def test_counting_items_asks_for_the_items_and_whether_a_figure_is_given_is_no_figure():
    assert question_type("港口分局通报第四部分“下一步工作打算”有几条？分别是什么？") is None
    assert question_type("匿名分局意识形态问题的整改落实情况分几个层面？") is None
    assert question_type("哪几家单位在整改里提到了追赃挽损？有没有给出金额？") is None
    assert question_type("港口分局追赃挽损的金额是多少？") == "money"
    assert question_type("横栏分局开展了多少天的宣传？") == "figure"  # a figure still asked


def test_phone_calls_made_are_no_phone_number():
    assert question_intent("Zhoushan used robot phone calls to warn people — how many people did they reach?", 1) != "meta"
    assert question_intent("What is the Henglan sub-bureau's phone number?", 1) == "meta"


def test_whether_any_bureau_and_the_masked_name_ask_for_no_name():
    assert question_type("有没有哪个单位整改过这类问题？") is None  # whether any, not which one's name
    assert question_type("名称打码的那家分局是不是把户籍业务审批权下放到派出所了？") is None
    assert question_type("港口分局的饭堂是哪个单位配送的？") == "name"
    assert question_type("那个专项行动的名称是什么？") == "name"


def test_measures_then_a_figure_in_one_sentence_ask_for_the_measures():
    q = ("What measures did the Gangkou sub-bureau report for regularising its expenditure after the inspection "
         "found irregular spending of union funds, and what compliance rate did it claim for 2024?")
    assert question_intent(q, named=1) == "measures"
    assert question_intent("横栏分局采取了哪些措施，清理了多少积案？", named=1) == "measures"
    assert question_intent("横栏分局清理了多少积案？", named=1) == "passages"


def test_two_dates_of_a_notice_asked_at_once():
    assert asked_fields("舟山市局是哪天拿到反馈意见的？这份整改通报又拖到哪天才发？")[0] == ("feedback_date", "publication_date")
    assert asked_fields("Dongying kaifaqu, when the inspection group come and when give feedback?")[0] == \
        ("inspection_period", "feedback_date")
    assert asked_fields("When did the inspection team give its feedback to Henglan?")[0] == ("feedback_date",)


@pytest.mark.parametrize("question,qtype", [
    ("Zhou Shan the 10 petition letters from inspection group, finish on which date?", "date"),
    ("该匿名分局兼任副区长的党委书记、局长姓甚名谁？", "person"),  # as prepared: simplified
    ("In the anonymous sub-bureau, the party secretary and director, what is his name?", "person"),
])
def test_the_types_of_the_ninth_rounds_read_half(question, qtype):
    assert question_type(question) == qtype


def test_more_words_of_the_eighth_rounds_formerly_unread_half():
    assert question_intent("匿名分局之后怎样继续跟进整改？", named=1) == "next_steps"
    assert question_type("How many people did Zhoushan hold accountable during the rectification, "
                         "and how were they dealt with?") == "figure"  # the count asked first
    assert question_type("How much fraud money has Zhoushan recovered, and what share of losses is that?") == "figure"
    assert question_intent("What telephone number does the Henglan sub-bureau give for the public?", named=1) == "meta"
    assert question_type("What telephone number does the sub-bureau with the masked name give?") is None
    assert question_type("What is the name of Henglan's party secretary?") == "person"


def test_the_anonymised_bureau_described_after_its_noun(service):
    for q in ("For the sub-bureau whose name is masked with asterisks, what are the planned next steps?",
              "What telephone number does the sub-bureau with the masked name give for the public to comment?"):
        assert service.retriever.prepare(q).bureaus == ("**市公安局**分局（已匿名）",)


def test_five_bureaus_named_by_their_number_are_compared():
    assert question_intent("五家单位为推进巡察整改，党委会各开了几次？") == "compare"
    assert question_intent("所有单位都是怎么整改饭堂问题的？") == "compare"
