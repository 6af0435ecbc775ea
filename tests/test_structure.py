"""The heading grammar of the five notices: a section tree with exact offsets that
loses nothing."""
from __future__ import annotations

import pytest

from qa.ingest.notices import load_notice, parse_notice
from qa.ingest.source import blank_artefacts
from qa.ingest.structure import parse_sections
from tests.conftest import DOCS, NOTICES, notice_path


def assert_partition(text, sections):
    """Every non-blank character in exactly one section's own span."""
    owner = [0] * len(text)
    for s in sections:
        assert 0 <= s.start <= s.heading_end <= s.own_end <= s.end <= len(text)
        for i in range(s.start, s.own_end):
            owner[i] += 1
    blanked = blank_artefacts(text)
    lost = [i for i, ch in enumerate(blanked) if not ch.isspace() and owner[i] != 1]
    assert not lost, f"characters outside exactly one section: {[(i, text[i]) for i in lost[:5]]}"


@pytest.mark.parametrize("doc", DOCS)
def test_every_character_in_exactly_one_section(doc):
    notice = load_notice(NOTICES / doc)
    assert_partition(notice.text, notice.sections)
    for s in notice.sections:  # full spans nest
        if s.parent is not None:
            p = notice.sections[s.parent]
            assert p.start <= s.start and s.end <= p.end


def headings(prefix):
    return [s.heading for s in load_notice(notice_path(prefix)).sections]


def test_000_numbering_styles_and_parts():
    n = load_notice(notice_path("000"))
    by_heading = {s.heading: s for s in n.sections}
    first = by_heading["（1）坚持“第一议题”学习制度"]
    assert first.path == ("二、巡察反馈重点问题整改落实情况",
                          "（一）聚焦贯彻落实习近平新时代中国特色社会主义思想，推动公安工作高质量发展方面",
                          "1.坚持理论学习常态化制度化规范化", "（1）坚持“第一议题”学习制度")
    assert len(first.items) == 3  # 一是/二是/三是
    assert n.text[first.items[1][0]:first.items[1][0] + 2] == "二是"
    # heading followed by body text on the same line: the heading ends at the full stop
    assert "（一）高度重视，扛实整改责任" in by_heading
    assert by_heading["三、需长期整改事项进展情况"].kind == "long_term"
    assert by_heading["（二）规范管理涉案财物"].kind == "long_term"
    assert by_heading["四、下一步工作打算"].kind == "next_steps"
    assert by_heading["一、党委履行巡察整改主体责任情况"].kind == "overall"
    assert n.sections[0].kind == "preamble" and n.sections[-1].kind == "closing"
    # the conversion artefact is not part of any heading
    assert all("bookmark" not in s.heading for s in n.sections)


def test_001_arabic_top_level_and_long_problem_headings():
    n = load_notice(notice_path("001"))
    tops = [s.heading for s in n.sections if s.parent is None]
    assert tops[1:5] == ["1、 党委履行巡察整改主体责任情况", "2、 巡察反馈重点问题整改落实情况",
                         "3、 需长期整改事项进展情况", "4、 下一步工作打算"]
    p2 = next(s for s in n.sections if s.heading.startswith("（2）完善S26高速"))
    assert p2.level == 4 and len(p2.items) == 3
    # inline 一是…二是…三是 inside a paragraph
    overall1 = next(s for s in n.sections if s.heading.startswith("（一）分局党委坚持高位推动"))
    assert len(overall1.items) == 3
    # a closing 四是… line followed by a numbered heading is an item, not a heading
    assert not any(s.style == "shi" for s in n.sections)


def test_002_guanyu_zhendui_and_measures():
    n = load_notice(notice_path("002"))
    guanyu = next(s for s in n.sections if s.heading == "关于“加强公安机关党的政治建设有差距”问题")
    kids = [n.sections[i] for i in guanyu.children]
    assert [k.style for k in kids] == ["zhendui", "zhendui"]
    measures = n.sections[kids[0].children[0]]
    assert measures.heading == "整改落实情况" and len(measures.items) == 4
    # 关于… directly followed by 整改落实情况：
    ideology = next(s for s in n.sections if s.heading == "关于“对意识形态工作重视不够”问题")
    assert [n.sections[i].style for i in ideology.children] == ["measures"]
    assert next(s for s in n.sections if s.heading.startswith("三、持续整改巩固成果")).kind == "next_steps"


def test_003_halfwidth_parentheses_and_shi_headings():
    n = load_notice(notice_path("003"))
    shi = [s.heading for s in n.sections if s.style == "shi"]
    assert shi == ["一是巡察整改主体责任扛得不牢", "二是部分问题整改不到位", "三是整改未形成常态长效"]
    p = next(s for s in n.sections if s.heading == "1.贯彻落实上级决策部署不到位的问题")
    assert [n.sections[i].heading for i in p.children] == [
        "(1)开展取保候审人员清理及未结行政案件清理工作", "(2)压实责任攻坚克难,坚持积案快清"]
    assert next(s for s in n.sections if s.heading == "三、今后整改工作打算").kind == "next_steps"


def test_004_no_title_and_unheaded_next_steps():
    n = load_notice(notice_path("004"))
    assert n.sections[0].kind == "preamble" and len(n.sections[0].items) == 3
    last = [s for s in n.sections if s.parent is None][-2:]
    assert [s.kind for s in last] == ["next_steps", "closing"]
    assert n.text[last[0].start:].startswith("下一步,市公安局党委将")
    twenty = next(s for s in n.sections if s.heading.startswith("二十四、"))
    assert twenty.kind == "problem" and len(twenty.children) == 3


def test_variant_full_width_dot_and_restarted_numbering():
    text = ("关于某分局巡察整改进展情况的通报\n一、总体情况\n（一）高度重视。成立领导小组。\n"
            "二、反馈问题整改落实情况\n1．学习不深入的问题\n（1）建立学习制度。每月学习一次。\n"
            "（2）开展检查。\n1．又一个问题\n一是整改一。二是整改二。\n四、下一步工作打算\n继续抓好整改。\n")
    secs = parse_sections(text)
    assert_partition(text, secs)
    by = {s.heading: s for s in secs}
    assert by["1．学习不深入的问题"].level == 2
    assert by["（1）建立学习制度"].parent == by["1．学习不深入的问题"].idx
    assert by["1．又一个问题"].parent == by["二、反馈问题整改落实情况"].idx
    assert len(by["1．又一个问题"].items) == 2
    assert by["四、下一步工作打算"].kind == "next_steps"


def test_headings_that_skip_levels_and_same_heading_twice():
    text = "一、总体情况\n（1）直接跳到第三级。正文。\n（1）直接跳到第三级。正文。\n二、另一部分\n正文内容在这里。\n"
    secs = parse_sections(text)
    assert_partition(text, secs)
    dup = [s for s in secs if s.heading == "（1）直接跳到第三级"]
    assert len(dup) == 2 and dup[0].start != dup[1].start


def test_notice_without_headings_is_one_section():
    text = "这是一份没有任何标题的通报。\n只有两段正文，讲了整改情况。\n"
    n = parse_notice(text, "plain.txt")
    assert len(n.sections) == 1 and n.sections[0].kind == "preamble"
    assert_partition(text, n.sections)
