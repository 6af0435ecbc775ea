"""How a problem was rectified: the matching problems with all their measures, the problem
a question names by its heading's own words, and the problem a next-steps question asks
about."""
from __future__ import annotations

import re

from qa.answer.blocks import BlockSpec, measure_blocks, problem_block, quoted_text
from qa.answer.context import Context
from qa.answer.topic import QUESTION_WORDS
from qa.ingest.problems import Problem
from qa.ingest.structure import strip_label
from qa.text import PHRASING, tokenize

# a question holding this share of a problem heading's own words (IDF-weighted) names that
# problem: its measures are the answer, whatever else the passages match. Development part:
# 0.9 drops five off-topic blocks of z081, 0.8 loses a009 and a019 (a heading's few words
# said of a wider question)
NAMED_PROBLEM_COVERAGE = 0.9
# a problem heading's own words: 关于“X”问题的整改情况, 针对“X”问题; or the heading without its label
PROBLEM_QUOTED = re.compile(r"^[^“]{0,12}(?:关于|针对)“(.+)”(?:的)?问题")
PROBLEM_END = re.compile(r"的?问题$")


def measure_specs(ctx: Context, prepared, hits, cands, scoped: bool, similar: list[Problem] | None = None,
                  named: Problem | None = None) -> tuple[list[BlockSpec], str]:
    """The matching problems with all their measures (qa.answer.blocks.measure_blocks), and the lead;
    ``similar`` receives a named bureau's close problems that got no block; ``named``:
    the problem the question names by its heading's words, answered alone."""
    en = prepared.lang == "en"
    specs = ([problem_block(ctx.index, named, ctx.scorer.unit_rows[(named.doc, named.section)][0])] if named else
             measure_blocks(ctx.index, ctx.problem_of, hits, cands, ctx.scorer.unit_rows,
                            ctx.scorer.question_coverage(prepared), scoped, kin=True,
                            alternatives=similar if scoped else None))
    if not specs:
        return [], ""
    n = sum(1 for x in specs for q in x.quotes if q.role == "measure")
    if len(specs) == 1:
        return specs, (f"The problem as the notice of {specs[0].bureau} states it and all {n} measures, quoted "
                       "verbatim (in Chinese)." if en else
                       f"{specs[0].bureau}针对该问题的整改措施共 {n} 项，以下先引问题原文，再逐项引述措施。")
    full = [x for x in specs if not x.of]
    some = [x for x in specs if x.of]  # further problems: only their measures on the topic
    names = "、".join(dict.fromkeys(x.bureau for x in full))
    more = "、".join(dict.fromkeys(x.bureau for x in some))
    if en:
        return specs, (f"{len(full)} matching problem{'s' if len(full) > 1 else ''} ({names}), "
                       + ("each with all its measures" if len(full) > 1 else "with all its measures")
                       + (f"; and {len(some)} further problem{'s' if len(some) > 1 else ''} ({more}) with only the measures on the "
                          "question's topic" if some else "") + ", quoted verbatim (in Chinese).")
    return specs, (f"找到 {len(full)} 个相关问题（{names}），每个问题先引原文，再逐项引述全部整改措施"
                   + (f"；另有 {len(some)} 个问题（{more}）只有部分措施与所问相关，只引这些措施" if some else "")
                   + "。")


def named_problem(ctx: Context, prepared, bureaus) -> Problem | None:
    """The problem of a named bureau's notice whose heading's own words the question
    holds (NAMED_PROBLEM_COVERAGE of them, IDF-weighted: 开发区分局是怎么整改执法领域规范化
    建设差距大问题的？), the best one; None in English or with no bureau named."""
    docs = set(ctx.docs_in_scope(prepared, bureaus)) if prepared.lang == "zh" else set()
    best, best_cov = None, NAMED_PROBLEM_COVERAGE
    for p in ctx.index.problems:
        if p.doc in docs:
            cov = ctx.scorer.coverage(_heading_words(ctx, p), prepared.text) or 0.0
            if cov >= best_cov:
                best, best_cov = p, cov + 1e-9
    return best


def _heading_words(ctx: Context, p: Problem) -> frozenset[str]:
    """A problem heading's own words: what 关于“…”问题 quotes, or the heading without its
    label and a closing 问题; remembered per problem."""
    key = (p.doc, p.section)
    words = ctx.heading_cache.get(key)
    if words is None:
        heading = p.problem.text.strip()
        quoted = PROBLEM_QUOTED.search(heading)
        own = quoted.group(1) if quoted else PROBLEM_END.sub("", strip_label(heading).rstrip("。"))
        words = ctx.heading_cache[key] = frozenset(
            t for t in tokenize(own) if len(t) >= 2 and t not in PHRASING and t not in QUESTION_WORDS)
    return words


def followup_problem(ctx: Context, prepared, hits, cands, specs: list[BlockSpec], covers) -> BlockSpec | None:
    """A next-steps question about one problem (小区视频监控接入以后，后续还要做哪些工作？):
    the matching problem's block when the problem with its measures covers the
    question's topic better than any next-steps item does; None otherwise."""
    if covers is None or len(specs) > 1:
        return None
    blocks = measure_blocks(ctx.index, ctx.problem_of, hits, cands, ctx.scorer.unit_rows, covers)
    if not blocks:
        return None
    best_item = max((covers(ctx.index.notices[q.doc].text[q.start:q.end]) or 0.0
                     for x in specs for q in x.quotes), default=0.0)
    return blocks[0] if (covers(quoted_text(ctx.index, blocks[0])) or 0.0) > best_item else None
