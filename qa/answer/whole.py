"""What a notice says as a whole, answered from its structure: which problems it reports
on (and then one of them with all its measures), and how the rectification went overall."""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from qa.answer.blocks import BlockSpec, Quote, items_block, overall_block, problem_block
from qa.answer.context import Context
from qa.answer.measures import PROBLEM_END, PROBLEM_QUOTED
from qa.answer.result import Answer, finalize_blocks
from qa.answer.topic import QUESTION_WORDS, topic_words
from qa.ingest.structure import strip_label

# the words of a question asking which problems a notice lists that name no topic
LIST_WORDS = frozenset("问题 巡察 巡视 反馈 发现 指出 提出 查摆 查找 存在 主要 具体 突出 列 列出 列了 里列 写了 罗列 巡察组 "
                       "专项 意见 报告 哪些 都有 当时 被 一共 总共 全部 所有 清单 列表 目录 措施 整改措施".split())
EN_LIST_WORDS = frozenset("fed back raised raise found find identified identify pointed out listed list rectified rectify "
                          "fixed fix addressed address dealt deal with all main report reports reported notice notices"
                          .split())
# ... asking whether it is finished (what remains is the long-term or next-steps part)
_FINISHED = re.compile(r"(整改|改)完(了)?(吗|没)|(完成|结束)(了)?(吗|没)|\b(finished|completed|complete|done)\b", re.I)
# ... and of one asking how the rectification went as a whole
OVERALL_WORDS = LIST_WORDS | frozenset("情况 效果 成效 进展 进度 总体 整体 基本 亮点 完成 结束 这次 本次 此次 取得 成果 如何 怎样 "
                                       "怎么样 咋样 好不好 得怎么样 完了 改完 做得 讲讲 说说 谈谈 给我 概括 总结 概述 对比 比较 "
                                       "相比 区别 干了 做了 工作 以后 之后".split())
EN_OVERALL_WORDS = EN_LIST_WORDS | frozenset("how well far is was are were going gone progress overall results result "
                                             "picture situation finished completed complete do did done go went its the "
                                             "rectification whole summarise summarize summary overview".split())


def list_topic(prepared, words: frozenset[str] = LIST_WORDS,
               en_words: frozenset[str] = EN_LIST_WORDS) -> list[str]:
    """The words of a question asking which problems (or how it went as a whole) that
    name a topic (办案区管理 in 港口分局办案区管理有什么问题); none when it asks about a
    notice as such. ``words``, ``en_words``: the words that name no topic."""
    if prepared.lang == "en":
        return [w for w, ts in prepared.groups
                if ts and w.lower() not in en_words and not set(ts) & (words | QUESTION_WORDS)]
    return topic_words(prepared.coverage_text, words)


def overall_answer(ctx: Context, prepared, bureaus, conf) -> Answer:
    """How the rectification went as a whole, for each notice in scope (all, when the
    question names none): the part of the notice that says so, every item of it."""
    en = prepared.lang == "en"
    docs = ctx.docs_in_scope(prepared, bureaus) or list(ctx.index.notices)
    specs = [b for b in (overall_block(ctx.index, d, ctx.scorer.unit_rows) for d in docs) if b]
    lead = ("How the notice of " + "; ".join(f"{x.bureau} describes the rectification as a whole: all "
                                             f"{len(x.quotes)} items of “{x.heading}”" for x in specs)
            + ", quoted verbatim (in Chinese). Ask which problems it rectified for the list of problems." if en else
            "；".join(f"{x.bureau}通报中说明整改总体情况的“{x.heading}”部分共 {len(x.quotes)} 项" for x in specs)
            + "，逐项引述如下；各问题的整改情况可继续问（如：整改了哪些问题？）。")
    if _FINISHED.search(prepared.text):  # 整改完了吗: and what its notice says is still to do
        rest = [b for b in (items_block(ctx.index, d, prepared.text, ctx.scorer.unit_rows, long_term=True)
                            for d in docs) if b]
        specs += rest
        lead += (" Still to do: " + "; ".join(f"{x.bureau}: all {len(x.quotes)} items of “{x.heading}”" for x in rest)
                 + "." if en else
                 "尚未完成的：" + "；".join(f"{x.bureau}通报“{x.heading}”部分共 {len(x.quotes)} 项" for x in rest)
                 + "，附后。") if rest else ""
    ans = finalize_blocks(ctx.index, prepared.text, prepared.lang, specs, lead, conf)
    ans.intent = "overall"
    return ans


def problem_list(ctx: Context, prepared, bureaus, conf) -> Answer:
    """Which problems the notices in scope (all, when the question names none) report
    on: each problem as its notice states it, by notice and by the area it lists it
    under, in the notice's order."""
    en = prepared.lang == "en"
    specs: list[BlockSpec] = []
    n = itertools.count(1)  # numbered across the blocks, as 第八个问题 counts them
    for doc in ctx.docs_in_scope(prepared, bureaus) or list(ctx.index.notices):
        bureau = ctx.index.notices[doc].meta.bureau_label
        for area, problems in itertools.groupby(
                sorted((p for p in ctx.index.problems if p.doc == doc), key=lambda p: p.problem.start),
                key=lambda p: p.path[1] if len(p.path) >= 3 else p.path[0] if len(p.path) == 2 else ""):
            specs.append(BlockSpec("items", bureau, doc, area or ("Problems raised" if en else "巡察反馈问题"),
                                   [Quote(doc, p.problem.start, p.problem.end, ctx.scorer.unit_rows[(doc, p.section)][0],
                                          "item", str(next(n))) for p in problems]))
    total = sum(len(x.quotes) for x in specs)
    names = list(dict.fromkeys(x.bureau for x in specs))
    lead = (f"The notice{'s' if len(names) > 1 else ''} of {', '.join(names)} report{'' if len(names) > 1 else 's'} "
            f"on {total} problems, listed below as stated, by area, quoted verbatim (in Chinese); ask about any of "
            "them for its measures (e.g. the third problem?)." if en else
            f"{'、'.join(names)}的通报逐项报告了以下问题的整改情况（共 {total} 项，按方面列出问题原文）；"
            "可继续追问某个问题的整改措施（如：第三个问题是怎么整改的？）。")
    ans = finalize_blocks(ctx.index, prepared.text, prepared.lang, specs, lead, conf)
    ans.intent = "problems"
    return ans


def problem_item(ctx: Context, answer: Answer, n: int, ask: Callable[[str], Answer]) -> Answer:
    """“第八个问题是怎么整改的？” after a list of problems: the n-th problem listed, with
    all its measures; the list unchanged, with a note, when it has no such item."""
    en = answer.lang == "en"
    listed = [c for _, cs in answer.block_citations() for c in cs]
    if not 1 <= n <= len(listed):
        answer.notes.append(f"The previous answer has no item {n}; the whole answer follows." if en
                            else f"上一个回答没有第 {n} 项，以下是完整回答。")
        return answer
    c = listed[n - 1]
    p = next(p for p in ctx.index.problems if p.doc == c.doc and p.problem.start == c.start)
    spec = problem_block(ctx.index, p, ctx.scorer.unit_rows[(p.doc, p.section)][0])
    lead = (f"Problem {n} of the list, as the notice of {spec.bureau} states it, and all {len(p.measures)} of its "
            "measures, quoted verbatim (in Chinese)." if en else
            f"所列第 {n} 个问题（{spec.bureau}），先引问题原文，再逐项引述全部 {len(p.measures)} 项整改措施。")
    ans = finalize_blocks(ctx.index, answer.question, answer.lang, [spec], lead, answer.confidence)
    ans.intent = "measures"
    # what a further follow-up (第二条呢？) continues: how that problem was rectified, when
    # asked so it is answered with this problem first (else the list, as before)
    quoted = PROBLEM_QUOTED.search(spec.heading)
    topic = quoted.group(1) if quoted else PROBLEM_END.sub("", strip_label(spec.heading))
    asked = (f"How did {spec.bureau} rectify the problem “{topic}”?" if en
             else f"{spec.bureau}是怎么整改“{topic}”问题的？")
    again = ask(asked)
    same = again.lang == answer.lang and again.blocks and again.blocks[0].heading == spec.heading
    ans.asked = asked if same else ""
    return ans
