"""Chunks: one per unit (a problem with its measures), split at sentence boundaries when
too long for the embedder, exact offsets, stable ids, nothing lost."""
from __future__ import annotations

import pytest

from qa.index.chunking import MIN_BUDGET, chunk_notice, embed_prefix, embed_text
from qa.ingest.notices import load_notice
from qa.ingest.problems import extract_problems
from qa.ingest.source import blank_artefacts
from tests.conftest import DOCS, NOTICES, notice_path


def assert_chunk_partition(notice, chunks):
    owner = [0] * len(notice.text)
    for c in chunks:
        assert notice.text[c.start:c.end] == c.text
        for i in range(c.start, c.end):
            owner[i] += 1
    blanked = blank_artefacts(notice.text)
    lost = [i for i, ch in enumerate(blanked) if not ch.isspace() and owner[i] != 1]
    assert not lost, [(i, notice.text[i]) for i in lost[:5]]


@pytest.mark.parametrize("doc", DOCS)
@pytest.mark.parametrize("max_tokens,mode", [(512, "none"), (128, "none"), (512, "path"), (128, "bureau_path")])
def test_chunks_partition_the_notice(doc, max_tokens, mode, embedder):
    notice = load_notice(NOTICES / doc)
    chunks = chunk_notice(notice, max_tokens, embedder.count_tokens, mode)
    assert_chunk_partition(notice, chunks)
    for c in chunks:
        # what is embedded fits the budget (a very long heading path leaves a minimum for the text)
        prefix = embedder.count_tokens(embed_prefix(c, mode))
        assert embedder.count_tokens(embed_text(c, mode)) <= max(max_tokens, prefix + MIN_BUDGET + 4)
        assert c.section == notice.sections[c.section_idx].path
    assert len({c.id for c in chunks}) == len(chunks)


def test_long_section_is_split_and_keeps_its_heading_path(embedder):
    notice = load_notice(notice_path("002"))
    chunks = chunk_notice(notice, 256, embedder.count_tokens)
    pieces = [c for c in chunks if "持续深化“三警三联”机制建设" in c.text]
    assert pieces[0].section[-1].startswith("针对“‘强基导向’落实有差距")
    parts = [c for c in chunks if c.section_idx == pieces[0].section_idx]
    assert len(parts) > 1
    assert all(c.section == parts[0].section for c in parts)
    # split at sentence ends (at a comma only inside a sentence too long by itself)
    for c in parts[:-1]:
        assert c.text.rstrip()[-1] in "。；！？”，"
    assert sum(c.text.rstrip()[-1] in "。；！？”" for c in parts[:-1]) >= len(parts[:-1]) // 2


def test_one_chunk_per_problem_with_its_measures(embedder):
    notice = load_notice(notice_path("004"))
    chunks = chunk_notice(notice, 512, embedder.count_tokens)
    canteen = [c for c in chunks if c.section == ("十七、关于“食堂现金监管缺失”问题的整改情况",)]
    assert len(canteen) == 1
    assert "(一)做好审批" in canteen[0].text and "(四)加强核对" in canteen[0].text


def test_ids_are_stable(embedder):
    a = chunk_notice(load_notice(notice_path("003")), 512, embedder.count_tokens)
    b = chunk_notice(load_notice(notice_path("003")), 512, embedder.count_tokens)
    assert [c.id for c in a] == [c.id for c in b]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_problems_have_measures_with_exact_offsets(prefix):
    notice = load_notice(notice_path(prefix))
    problems = extract_problems(notice.doc, notice.text, notice.sections)
    assert problems
    for p in problems:
        assert notice.text[p.problem.start:p.problem.end] == p.problem.text
        for m in p.measures:
            assert notice.text[m.start:m.end] == m.text and m.text.strip()
    assert sum(1 for p in problems if len(p.measures) >= 2) >= len(problems) // 2


def test_problem_shapes():
    def find(prefix, start):
        n = load_notice(notice_path(prefix))
        return next(p for p in extract_problems(n.doc, n.text, n.sections) if p.problem.text.startswith(start))

    p = find("000", "（28）规范开展谈心谈话")  # leaf heading + 一是… measures
    assert [m.text[:2] for m in p.measures] == ["一是", "二是", "三是"]
    p = find("002", "针对“警务辅助人员管理有短板”问题")  # 针对 + 整改落实情况：一是…
    assert len(p.measures) == 3 and p.measures[0].text.startswith("一是规范招聘程序")
    p = find("003", "2.维护社会安定用力不足的问题")  # problem heading + (1)(2)… measures
    assert len(p.measures) == 6 and p.measures[0].text.startswith("(1)强化沟通调度")
    p = find("004", "十、关于“民警教育管理不够严格”问题的整改情况")
    assert [m.text[:3] for m in p.measures] == ["(一)", "(二)", "(三)"]
    p = find("003", "二是部分问题整改不到位")
    assert len(p.measures) == 2
