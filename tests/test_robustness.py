"""Bad input gets a clear message and loses nothing: odd questions, odd notice files,
and a property test of the parser and chunker."""
from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.index.build import build_index
from qa.index.chunking import chunk_notice
from qa.ingest.notices import parse_notice
from qa.ingest.source import blank_artefacts
from qa.query.retrieval import QueryError
from tests.conftest import DOCS, NOTICES, make_settings, notice_path, share_cache

# --- questions ---------------------------------------------------------------

ODD_QUESTIONS = [
    "警",  # a single character
    "涉案财物\x00管理\x07不规范\x1b[31m",  # control characters
    "🚓👮‍♂️ 涉案财物怎么管？😀",  # emoji
    "港口分局 canteen 食材采购 procurement 怎么整改？",  # mixed Chinese and English
    "涉案財物管理不規範，如何整改？",  # traditional characters
    "横栏分局设置了多少盏路灯？（４５盏？）",  # full-width digits and punctuation
    "<script>alert(1)</script> 涉案财物",
    "'; DROP TABLE notices; --",
    "a" * 1999,
]


# what the precedents found for an odd question must be about, when it is about something:
# a phrase in the passage of at least one listed precedent
PRECEDENT_TOPICS = {
    ODD_QUESTIONS[1]: "涉案财物",
    ODD_QUESTIONS[2]: "涉案财物",
    ODD_QUESTIONS[3]: "食材",
    ODD_QUESTIONS[4]: "涉案财物",  # traditional characters; the source is simplified
    ODD_QUESTIONS[5]: "路灯",
    ODD_QUESTIONS[6]: "涉案财物",
}


@pytest.mark.parametrize("question", ODD_QUESTIONS)
def test_odd_questions_are_answered_or_declined_without_error(service, question):
    hits = service.search(question, k=5)
    ans = service.ask(question)
    assert ans.lead
    for c in ans.citations:
        assert service.index.notices[c.doc].text[c.start:c.end] == c.quote
    assert all(h.chunk.text for h in hits)
    # the precedents: at most 5 bureaus, each once, best first, at most 2 problems each, every
    # problem and measure verbatim at its offsets in a notice of that bureau
    found = service.precedents(question, k_bureaus=5, per_bureau=2)
    bureaus = [b.bureau for b in found.bureaus]
    assert len(bureaus) == len(set(bureaus)) <= 5
    best = [max(i.score for i in b.items) for b in found.bureaus]
    assert best == sorted(best, reverse=True)
    passages = []
    for b in found.bureaus:
        assert 1 <= len(b.items) <= 2
        for item in b.items:
            notice = service.index.notices[item.doc]
            assert item.bureau == b.bureau == notice.meta.bureau_label
            assert notice.text[item.problem.start:item.problem.end] == item.problem.text
            assert item.measures
            for m in item.measures:
                assert notice.text[m.start:m.end] == m.text and item.start <= m.start < m.end <= item.end
            passages.append(notice.text[item.start:item.end])
    if question in PRECEDENT_TOPICS:
        topic = PRECEDENT_TOPICS[question]
        assert any(topic in t for t in passages), f"no precedent about {topic}: {bureaus}"
    # as data (JSON export, API) it says plainly whether anything was found
    data = found.to_dict()
    assert data["found"] is bool(bureaus) and [b["bureau"] for b in data["bureaus"]] == bureaus


@pytest.mark.parametrize("question,message", [
    ("", "不能为空"), ("  \t\n ", "不能为空"), ("\x00\x01\x02", "不能为空"), ("字" * 10_000, "过长"),
    ("？", "没有文字"), ("-", "没有文字"), ("……", "没有文字")])
def test_unusable_questions_get_a_message(service, question, message):
    for call in (service.search, service.ask, service.precedents):
        with pytest.raises(QueryError, match=message):
            call(question)


@pytest.mark.parametrize("question,lead", [
    ("的", "问题中没有可以检索的内容"), ("什么？", "问题中没有可以检索的内容"),
    ("How?", "The question holds nothing to look up"), ("a", "The question holds nothing to look up"),
    ("横栏分局？", "问题只提到了中山市公安局横栏分局"), ("Henglan?", "The question names only 中山市公安局横栏分局")])
def test_a_question_naming_nothing_to_look_up_says_how_to_ask(service, question, lead):
    """Such questions used to get up to six random passages."""
    a = service.ask(question)
    assert a.abstained and a.lead.startswith(lead) and not a.citations
    assert "例如" in a.lead or "e.g." in a.lead


def test_traditional_question_finds_simplified_passages_and_quotes_stay_exact(service):
    trad = service.ask("橫欄分局在公務用槍管理方面做了哪些整改？")
    simp = service.ask("横栏分局在公务用枪管理方面做了哪些整改？")
    assert not trad.abstained
    assert {c.section for c in trad.evidence()} & {c.section for c in simp.evidence()}
    for c in trad.citations:
        assert service.index.notices[c.doc].text[c.start:c.end] == c.quote  # simplified, as in the source


def test_full_width_digits_match(service):
    hits = service.search("接处警登记簿３６５本", k=3, mode="bm25")
    assert any("365本" in h.chunk.text for h in hits)


# --- notice files ----------------------------------------------------------------

def _odd_corpus(root):
    corpus = root / "notices"
    corpus.mkdir()
    shutil.copy(notice_path("003"), corpus)
    src = notice_path("004").read_text(encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 50)
    (corpus / "gbk.txt").write_bytes(src.replace("\u2022", "·").encode("gbk"))  # • is not in GBK
    raw = notice_path("000").read_text(encoding="utf-8").encode("utf-8")
    (corpus / "broken-utf8.txt").write_bytes(raw[:5000] + b"\xff\xfe\xfa" + raw[5000:])
    (corpus / "no-headings.txt").write_text(
        "本局高度重视巡察反馈问题，召开专题会议研究整改。\n针对执法不规范问题，开展了全员培训，完善了案件审核制度。\n", encoding="utf-8")
    (corpus / "skipped-levels.txt").write_text(
        "一、总体情况\n（1）直接写到第三级。内容一。\n1.回到第二级又重新编号。内容二。\n（1）再次从一开始。内容三。\n"
        "三、跳过了第二部分\n一是措施甲。二是措施乙。\n", encoding="utf-8")
    (corpus / "same-heading-twice.txt").write_text(
        "一、关于“学习不深入”问题的整改情况\n（一）加强学习。每月集中学习一次。\n"
        "一、关于“学习不深入”问题的整改情况\n（一）加强学习。每月集中学习一次。\n", encoding="utf-8")
    shutil.copy(notice_path("003"), corpus / "identical-copy.txt")
    (corpus / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))  # not a notice type: ignored
    # a very long notice (> 1 MB): a bundled notice over and over (its text repeats, so its
    # embeddings come from the cache and the test stays fast)
    block = notice_path("003").read_text(encoding="utf-8")
    long_text = [block] * (1_100_000 // len(block.encode()) + 1)
    (corpus / "very-long.txt").write_text("\n".join(long_text), encoding="utf-8")
    return corpus


def test_odd_notice_files(tmp_path, embedder):
    corpus = _odd_corpus(tmp_path)
    share_cache(tmp_path / "index")
    settings = make_settings(corpus, tmp_path / "index")
    report = build_index(settings, embedder, progress=False)
    rejected = dict(report.rejected)
    assert "文件为空" in rejected["empty.txt"]
    assert "二进制" in rejected["binary.txt"] or "编码" in rejected["binary.txt"]
    assert "内容完全相同" in rejected.get("identical-copy.txt", rejected.get(notice_path("003").name, ""))
    assert "picture.png" not in rejected  # not a notice file type at all
    from qa.service import Service

    engine = Service.open(settings, progress=False, auto_build=False)
    notices = engine.index.notices
    assert {"gbk.txt", "broken-utf8.txt", "no-headings.txt", "skipped-levels.txt", "same-heading-twice.txt",
            "very-long.txt"} <= set(notices)
    assert notices["gbk.txt"].encoding.lower().replace("_", "") in ("gb18030", "gbk", "gb2312")
    assert any("无效字节" in w for w in notices["broken-utf8.txt"].warnings)
    assert notices["gbk.txt"].meta.bureau == "舟山市公安局"
    assert len(notices["very-long.txt"].text.encode()) > 1_000_000
    # every chunk of every accepted file is exact
    for c in engine.index.chunks:
        assert notices[c.doc].text[c.start:c.end] == c.text
    # and the GBK notice answers like the UTF-8 one
    hits = engine.retriever.search("食堂现金监管", k=3, bureaus=["舟山市公安局"])
    assert any(h.chunk.doc == "gbk.txt" for h in hits)


# --- property: the parser and the chunker lose nothing --------------------------------

_LINES = [ln for n in DOCS for ln in (NOTICES / n).read_text(encoding="utf-8").splitlines()]
_HEADINGS = ["一、总体情况", "二、关于“学习不深入”问题的整改情况", "1、 整改落实情况", "（一）高度重视。成立领导小组。",
             "(二)加强督导", "1.贯彻落实不到位的问题。", "1．学习制度", "（1）建立台账", "(2)开展检查。每月一次。",
             "一是加强学习。二是建立制度。三是督导检查。", "关于“党建工作责任制落实不到位”问题。",
             "针对“警务辅助人员管理有短板”问题。", "整改落实情况：一是规范招聘。二是强化制度。",
             "下一步，将继续抓好整改。", "欢迎广大干部群众对巡察整改落实情况进行监督。", "中共某某市公安局委员会",
             "2025年4月27日", "[bookmark: _GoBack]（三）强化督导", "", "   ", "\t"]

line = st.one_of(st.sampled_from(_LINES), st.sampled_from(_HEADINGS),
                 st.text(alphabet="一是二三（）()、.．1234关于针对“”问题。，：整改落实情况 \t", min_size=0, max_size=30))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(line, min_size=1, max_size=40), crlf=st.booleans(),
       max_tokens=st.sampled_from([64, 128, 512]))
def test_every_character_lands_in_exactly_one_chunk(lines, crlf, max_tokens, embedder):
    text = ("\r\n" if crlf else "\n").join(lines)
    if not blank_artefacts(text).strip():
        return
    notice = parse_notice(text, "prop.txt")
    chunks = chunk_notice(notice, max_tokens, embedder.count_tokens)
    owner = [0] * len(text)
    for c in chunks:
        assert text[c.start:c.end] == c.text
        assert c.section == notice.sections[c.section_idx].path
        for i in range(c.start, c.end):
            owner[i] += 1
    blanked = blank_artefacts(text)
    lost = [i for i, ch in enumerate(blanked) if not ch.isspace() and owner[i] != 1]
    assert not lost, (lost[:5], text[:200])
    for s in notice.sections:
        assert 0 <= s.start <= s.heading_end <= s.own_end <= s.end <= len(text)
