"""The words of a question that name what it is about, beyond its phrasing and the words
that ask (涉案财物管理 in “涉案财物管理还没整改完，下一步怎么做？”)."""
from __future__ import annotations

import re

from qa.answer.scoring import Scorer
from qa.query.intent import NEXT_RE
from qa.text import PHRASING, tokenize

COUNT_RE = re.compile(r"^[\d一二两三四五六七八九十百几多每各]+[份个项次条家名件类处种批位]?$")  # 五份, 几个
QUESTION_WORDS = frozenset("提到 提及 涉及 时候 单位 分局 通报 整改 措施 说明 介绍 地方 东西 压根".split())
PLAN_WORDS = frozenset("长远 打算 计划 安排 准备 考虑 设想 事项 针对 列出 处理 工作 已经 方面 分别 各自 各有 任务 还要 继续 "
                       "持续 推进 举措 措施 提出 部分 结尾 成果 巩固 稳住 阶段 集中 部署 接着 往下 长期 "
                       "最后 末尾 后面 加强 强化 增强 进一步 总结 结束 要求 需要 需求 规划 务必 重点 主要 内容 常态 常态化 转入 巡察 一旦 一次 党委 报告 汇报 承诺 完毕 "
                       "不落 落地 一条不落 列出 列出来 全部 所有 挨个 逐条 完整".split())  # ... of next steps (how, not what)
PHRASE_CHARS = set("哪什啥么的了事些这那几两件个")  # 哪些地方, 干的事, 两件事: phrasing, not things


def topic_words(text: str, generic: frozenset[str] = frozenset()) -> list[str]:
    """The words of a Chinese question that name what it is about: two or more characters,
    neither phrasing, nor asking, planning or ``generic`` words, nor a count (两件事: 件事
    is phrasing)."""
    return [t for t in tokenize(text)
            if len(t) >= 2 and t not in PHRASING and t not in QUESTION_WORDS and t not in PLAN_WORDS
            and t not in generic and not COUNT_RE.match(t) and not set(t) <= PHRASE_CHARS]


def topic_coverage(scorer: Scorer, prepared):
    """What a next-steps question is about beyond asking for next steps (涉案财物管理 in
    “涉案财物管理还没整改完…”): a coverage function over its words of two or more
    characters, or None when it has none (横栏分局下一步怎么做？)."""
    if prepared.lang == "en":  # the translated words none of whose translations is a next-steps or question
        generic = QUESTION_WORDS | PLAN_WORDS  # word (unfinished, with none, names no topic: What's still unfinished?)
        groups = tuple((w, ts) for w, ts in prepared.groups
                       if ts and not NEXT_RE.search(w) and not re.search(r"\bnext\b", w, re.I) and not set(ts) & generic
                       and not any(NEXT_RE.fullmatch(t) for t in ts))  # follow-up: 后续
        return (lambda text: scorer.group_coverage(groups, text)) if groups else None
    words = set(topic_words(NEXT_RE.sub("", prepared.coverage_text)))
    return (lambda text: scorer.coverage(words, text)) if words else None
