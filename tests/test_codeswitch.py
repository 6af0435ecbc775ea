"""Questions mixing the two languages, and parts asked only if the one before is answered yes."""
from qa.query.codeswitch import in_one_language
from qa.query.intent import asks_others, question_intent, question_type
from qa.query.parts import is_conditional


def test_question_words_of_the_other_language_are_put_in_the_questions_own():
    assert in_one_language("港口分局的feedback date是哪天", "zh") == "港口分局的反馈日期是哪天"
    assert in_one_language("开发区分局的postal address是什么？", "zh") == "开发区分局的通信地址是什么？"
    en = in_one_language("Which 巡察组 did the 开发区分局 inspection, and what were the 巡察 dates?", "en")
    assert "inspection team" in en and "开发区分局" in en and "巡察" not in en
    assert question_intent(en, 1) == "meta"
    assert in_one_language("How did Gangkou fix its meeting minutes?", "en") == "How did Gangkou fix its meeting minutes?"


def test_a_part_asked_only_if_the_previous_is_answered_yes():
    assert is_conditional("如果有，是从哪天到哪天？") and is_conditional("If so, how much?")
    assert not is_conditional("如何整改的？") and not is_conditional("How was it fixed?")


def test_which_unit_has_handled_it_asks_which_bureaus_not_a_name():
    q = "我们局有不少辅警党员，组织关系一直没转进来。哪个单位处理过这个问题？怎么做的？"
    assert question_type(q) is None and question_intent(q) == "compare" and asks_others(q)
    assert question_intent("辅警党员组织关系转不进来 几个局里哪些有整改") == "compare"
    assert question_type("被给予批评教育的2名人员分别是谁、担任什么职务？") == "person"


def test_measures_counted_then_a_figure_asks_the_measures():
    assert question_intent("港口分局在提升办案场所管理质效上列了几条措施？自查自纠发现的问题整改了多少？", 1) == "measures"
    assert question_intent("Gangkou item (29) is about spending. How many measures are listed, and what "
                           "compliance rate did they report?", 1) == "measures"
    assert question_intent("东营开发区分局下一部打算咋搞", 1) == "next_steps"
