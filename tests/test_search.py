"""Hybrid retrieval and `qa search` on the bundled notices."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from qa.query.retrieval import QueryError
from tests.conftest import ROOT


def top_sections(engine, query, k=5, **kw):
    return [(h.chunk.doc[:3], h.chunk.section[-1]) for h in engine.retriever.search(query, k=k, **kw)]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_finds_the_passage(engine, mode):
    hits = engine.retriever.search("港口分局饭堂食材采购", k=3, mode=mode)
    assert hits[0].chunk.section[-1] == "（30）集中采购配送饭堂食材"
    h = hits[0]
    assert engine.index.notices[h.chunk.doc].text[h.chunk.start:h.chunk.end] == h.chunk.text


def test_hybrid_reports_both_scores(engine):
    hits = engine.retriever.search("涉案财物管理不规范", k=5)
    assert all(h.dense_score is not None for h in hits)
    assert any(h.bm25_score is not None for h in hits)
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert hits[0].score >= hits[-1].score


def test_filters(engine):
    hits = engine.retriever.search("涉案财物", k=10, bureaus=["横栏分局"])
    assert hits and {h.chunk.bureau for h in hits} == {"中山市公安局横栏分局"}
    hits = engine.retriever.search("下一步工作", k=10, kinds=["next_steps"])
    assert hits and {h.chunk.kind for h in hits} == {"next_steps"}
    hits = engine.retriever.search("轮岗", k=10, kinds=["需长期整改事项"])
    assert {h.chunk.kind for h in hits} == {"long_term"}


def test_english_question_finds_chinese_passages(engine):
    hits = engine.retriever.search("How many 110 call registers did the development zone branch inspect?", k=5)
    assert any("共检查接处警登记簿365本" in h.chunk.text for h in hits)


def test_the_glossary_gives_each_word_once():
    """A word given twice would silently take its last line's terms."""
    from qa.config import PROJECT_ROOT
    keys = [line.split("\t")[0] for line in (PROJECT_ROOT / "data" / "glossary.tsv").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    assert len(keys) == len(set(keys))


def test_english_words_of_the_field_are_translated_by_the_glossary(engine):
    """data/glossary.tsv's English lines win over the dictionary's first senses (officers:
    民警, not 干部); a word mapped to "-" (bureau) adds no term and names no bureau."""
    prepared = engine.retriever.prepare("Did the Zhoushan bureau arrange health check-ups for its police officers?")
    groups = dict(prepared.groups)
    assert groups["health check-ups"] == ("体检",) and groups["police officers"] == ("民警",)
    assert "bureau" not in groups and prepared.bureaus == ("舟山市公安局",)
    hits = engine.retriever.search(prepared.text, k=5)
    assert any("体检" in h.chunk.text for h in hits)
    assert engine.retriever.prepare("What did the anonymised branch do?").bureaus == ("**市公安局**分局（已匿名）",)
    # a glossary word's inflected form wins over the dictionary's sense of the form itself
    fixed = dict(engine.retriever.prepare("How was the canteen problem fixed?").groups)
    assert fixed["fixed"] == ("整改", "整治")
    # a bureau's name is where to look, not a word a passage must contain
    named = engine.retriever.prepare("How did Henglan fix its expense claims?")
    assert named.bureaus == ("中山市公安局横栏分局",) and all("横栏" not in ts for _, ts in named.groups)
    # a request verb names no topic: the passages must hold 体检, not 安排
    checkups = engine.retriever.prepare("Which bureaus arrange health check-ups for their police officers?")
    assert [w for w, _ in checkups.groups] == ["health check-ups", "police officers"]
    anonymised = engine.retriever.prepare("What did the anonymised branch do about entertainment venues?")
    assert [w for w, _ in anonymised.groups] == ["entertainment venues"]
    # the names of the field's programmes, asked word by word
    programmes = dict(engine.retriever.prepare(
        "How did the branch reform its one office two teams set-up and three linkages for official vehicles?").groups)
    assert programmes["office two teams"] == ("一室两队",) and programmes["three linkages"] == ("三警三联",)
    assert programmes["official vehicles"][0] == "公务用车"
    # the field's sense of a word, not the dictionary's first (posts: 岗位; leads: 领导)
    posts = dict(engine.retriever.prepare("Neighbourhood police posts aren't set up to standard: what have bureaus done?").groups)
    assert posts["police posts"] == ("警务室",)
    assert dict(engine.retriever.prepare("How were gang leads checked?").groups)["leads"][0] == "线索"
    hits = engine.retriever.search("Neighbourhood police posts run by local stations aren't set up to standard", k=5)
    assert any("警务室" in h.chunk.text for h in hits)
    # ... (stop: 杜绝, not 截止; for years: 长期, not 年度); a verb that asks names no topic
    years = dict(engine.retriever.prepare("How did Gangkou stop officers staying in one post for years?").groups)
    assert years["stop"][0] == "杜绝" and years["for years"] == ("长期",) and set(years["one post"]) == {"同一岗位", "轮岗"}
    assert "mention" not in dict(engine.retriever.prepare("Which bureaus mention auxiliary police?").groups)
    held = dict(engine.retriever.prepare("How many Party committee meetings did Gangkou hold?").groups)
    assert held["hold"][0] in ("召开", "举行") and "把握" not in held["hold"]  # not the dictionary's grasp
    put = dict(engine.retriever.prepare("What did the station in Henglan's district put in place?").groups)
    assert "put in place" not in put and put["station"] == ("派出所",) and put["district"] == ("辖区",)
    # plain Chinese words too (欠的债: 债务; 开会记录: 会议记录, 会议纪要)
    assert "债务" in engine.retriever.prepare("开发区分局欠的债怎么处理的？").terms
    assert {"会议记录", "会议纪要"} <= set(engine.retriever.prepare("港口分局开会记录乱七八糟，后来怎么改的？").terms)


def test_traditional_and_full_width_queries_match(engine):
    simplified = top_sections(engine, "涉案财物管理", k=3, mode="bm25")
    assert top_sections(engine, "涉案財物管理", k=3, mode="bm25") == simplified
    assert top_sections(engine, "接处警登记簿３６５本", k=1, mode="bm25") == top_sections(
        engine, "接处警登记簿365本", k=1, mode="bm25")


@pytest.mark.parametrize("query,message", [("", "不能为空"), ("   \n\t", "不能为空"), ("字" * 5000, "过长")])
def test_bad_queries(engine, query, message):
    with pytest.raises(QueryError, match=message):
        engine.retriever.search(query)


def test_a_city_bureau_by_its_short_name(engine):
    """舟山市局 names the Zhoushan city bureau (and 局 is not left as a word of the topic); a
    removed bureau name leaves nothing that reads as an unknown bureau."""
    p = engine.retriever.prepare("舟山市局对民警的教育管理抓得不严，后来是怎么改的？")
    assert p.bureaus == ("舟山市公安局",) and "局" not in p.content
    p = engine.retriever.prepare("歌厅这些娱乐场所，横栏、匿名分局、舟山市局各是怎么管的？")
    assert len(p.bureaus) == 3 and p.unknown_bureaus == ()


def test_a_bureau_the_corpus_lacks_beside_an_indexed_one(engine):
    """小榄分局 after 和, 东莞市局 by its short name: unknown, the indexed bureau kept."""
    p = engine.retriever.prepare("港口分局和小榄分局在意识形态工作上的整改有什么不同？")
    assert p.bureaus == ("中山市公安局港口分局",) and p.unknown_bureaus == ("小榄分局",)
    p = engine.retriever.prepare("港口分局与东莞市局相比有什么不同")
    assert p.unknown_bureaus == ("东莞市局",)
    assert engine.retriever.prepare("东莞市局整改了哪些问题？").unknown_bureaus == ("东莞市局",)
    assert engine.retriever.prepare("舟山市局整改了哪些问题？").unknown_bureaus == ()
    for q in ("开发区分局借着市局那个“每个案子都要研究”的机制，开了几回案件研讨会？",  # not a place: 借着, 后来, 按照
              "港口分局党委中心组理论学习原来搞得不规范，后来分局在这方面作了哪些改进？", "按照分局要求，港口分局怎么做？"):
        assert engine.retriever.prepare(q).unknown_bureaus == (), q
    assert engine.retriever.prepare("大涌分局怎么整改的？").unknown_bureaus == ("大涌分局",)


def test_phrasing_words_are_not_words_a_passage_must_contain(engine):
    from qa.answer.scoring import Scorer

    scorer = Scorer(engine.index)
    words = scorer.question_tokens(engine.retriever.prepare("港口分局户籍窗口的服务后来是咋提上去的？"))
    assert {"户政", "窗口", "服务"} <= words and not {"后来", "咋"} & words  # 户籍: the glossary's 户政


def test_unknown_or_ambiguous_bureau(engine):
    with pytest.raises(QueryError, match="未找到单位"):
        engine.retriever.search("食堂", bureaus=["小榄分局"])
    with pytest.raises(QueryError, match="不明确"):
        engine.retriever.search("食堂", bureaus=["分局"])


def qa_cli(settings, *args, input_text=None):
    cmd = [sys.executable, "-m", "qa.cli", *args, "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300, input=input_text)


def test_cli_search_json(engine, bundled_settings):
    r = qa_cli(bundled_settings, "search", "民警八小时以外的监督管理", "--k", "4", "--json")
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)
    assert len(hits) == 4
    for h in hits:
        assert {"rank", "score", "chunk_id", "doc", "bureau", "section", "start", "end", "text"} <= set(h)
        text = (bundled_settings.corpus_dir / h["doc"]).read_text(encoding="utf-8")
        assert text[h["start"]:h["end"]] == h["text"]
        assert isinstance(h["section"], list)


def test_cli_search_batch(engine, bundled_settings, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "question": "饭堂食材"}\n{"id": "b", "question": "How many parking spaces?"}\n'
                     'not json\n{"id": "c", "question": "  "}\n', encoding="utf-8")
    r = qa_cli(bundled_settings, "search", "--batch", str(batch), "--k", "3")
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b", "line-3", "c"]
    assert len(lines[0]["hits"]) == 3 and len(lines[1]["hits"]) == 3
    assert "JSON" in lines[2]["error"] and "不能为空" in lines[3]["error"]
    assert r.returncode == 1 and "Traceback" not in r.stderr


@pytest.mark.parametrize("args,message", [
    (["search", ""], "不能为空"),
    (["search", "   "], "不能为空"),
    (["search", "食堂", "--bureau", "不存在的分局"], "未找到单位"),
    (["search", "食堂", "--mode", "magic"], "未知的检索方式"),
    (["search", "--batch", "/nonexistent/file.jsonl"], "文件不存在"),
])
def test_cli_errors_are_messages_not_tracebacks(engine, bundled_settings, args, message):
    r = qa_cli(bundled_settings, *args)
    assert r.returncode != 0
    assert message in r.stderr and "Traceback" not in r.stderr
