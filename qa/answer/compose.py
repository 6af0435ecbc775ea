"""Extractive answers: the most relevant sentences of the retrieved sections, quoted
verbatim, grouped by bureau, each with a citation; or a plain statement that the
notices do not answer the question, with the closest passages as possibly related.

Every answer is assembled by :func:`finalize`, which runs the verbatim check on each
quote; nothing reaches the user without it.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from qa.answer.blocks import (
    Block,
    BlockSpec,
    Quote,
    items_block,
    measure_blocks,
    overall_block,
    problem_block,
    quoted_text,
)
from qa.answer.scoring import TYPE_WINDOW, Candidate, Confidence, Scorer, counts, states_type
from qa.answer.verify import QuoteError, check_quote
from qa.index.store import LoadedIndex
from qa.ingest.metadata import FIELD_LABELS, field_spans
from qa.ingest.notices import Notice
from qa.ingest.problems import Problem
from qa.ingest.structure import strip_label
from qa.query.glossary import expand, load_glossary
from qa.query.intent import (
    MUST_STATE,
    NEXT_RE,
    asked_fields,
    asked_round,
    asking_clauses,
    asks_contact,
    asks_measures,
    asks_metadata,
    asks_overall,
    asks_problem_list,
)
from qa.query.retrieval import Hit, Retriever, resolve_bureaus
from qa.text import PHRASING, is_noun, is_word, tokenize

NOT_FOUND_ZH = "未在已收录的通报中找到相关内容。"
NOT_FOUND_EN = "No relevant content was found in the indexed notices."

MAX_CHUNKS = 6  # retrieved sections an answer quotes from
# A figure question also searches the overall and opening parts of the notices in scope
# (OVERALL_CHUNKS sections): a count of the whole rectification (共组织召开党委会议7次…推进
# 会议4次, 新增或修订完善各类制度、方案共17项) is stated there, below the problems that mention
# the thing counted. Development fact questions 0.869 / 0.787 without, 0.902 / 0.812 with 1,
# 0.918 / 0.825 with 2 or 3; no other development answer changed, none more declined.
# A comparison's row for a figure does the same in its bureau's notice (development
# comparisons 0.851 / 0.882 → 0.866 / 0.882).
OVERALL_CHUNKS = 2
UNSCOPED_CHUNKS = 15  # ... for a question naming no bureau (qa.answer.blocks.UNSCOPED_BLOCK_MARGIN; make tune)
MAX_PER_CHUNK = 2  # sentences per section
MAX_QUOTES = 6  # sentences per answer (before neighbouring ones are merged)
# ... asking for a figure, date or name, or about one bureau. Development fact / paraphrase
# questions (61 / 23): 0.885 / 0.711 and 0.913 / 0.792 with 6; 3: 0.885 / 0.753, 0.913 /
# 0.814; 2: 0.869 / 0.787, 0.913 / 0.812 (make tune). Other questions (several bureaus, or
# none: each may answer) keep MAX_QUOTES: 3 there cost comparisons and precedents completeness.
FOCUSED_QUOTES = 2
# ... each covering the question at least this share as well as the best quoted one (no
# padding). Development fact / paraphrase quote precision 0.865 / 0.793 without it, 0.941 /
# 0.793 at 0.5, completeness unchanged (eval/tuning_answers.md).
PICK_MIN_RELATIVE_COVERAGE = 0.5
CORPUS_TERMS_CACHED = 65536  # words remembered as used or not by some notice (Answerer._in_corpus)
RELATED = 3  # "possibly related" passages shown when abstaining
RELATED_MIN_COVERAGE = 0.3  # ... only sentences on the topic: covering this share of the question
META_KINDS = ("preamble", "closing")  # where a notice says who inspected, when, and how to comment
META_MARGIN = 0.0  # ... used when their best sentence is this close to the best of all
COMPARE_CHUNKS = 3  # retrieved sections per bureau in a comparison
# sentences per bureau in a comparison, each covering the question at least
# PICK_MIN_RELATIVE_COVERAGE as well as the bureau's best: 65 development comparisons
# 0.881 / 0.882 with 2 and no such check, 0.881 / 0.899 with 2, 0.892 / 0.888 with 3
# (0.896 / 0.888 at 0.4 of the best; 3 without the check: 0.896 / 0.846)
COMPARE_QUOTES = 3
# a row of problem + measures needs them to cover this share of the question (else 未提及);
# `make tune` after the second English glossary pass: 0.3 (65 comparisons 0.798 / 0.830,
# 0.4: 0.798 / 0.805)
COMPARE_PROBLEM_MIN = 0.3
# a bureau's row says 未提及 unless its best passages cover this share of the question's
# words (chosen on the development questions, eval/tuning_answers.md: with the Chinese
# restatements, 45 questions, 0.65 / 0.3 gave 0.789 / 0.839, 0.4 / 0.4 0.815 / 0.872; once
# a question word counts inside a longer word, 65 questions: 0.4 0.813 / 0.833, 0.5 0.783 / 0.868)
COMPARE_MIN_COVERAGE = 0.5
# ... when the question names the bureaus compared (港口分局和横栏分局…各有什么规定): 65
# development comparisons 0.826 / 0.886 at 0.5, 0.845 / 0.884 at 0.4 (0.838 / 0.883 at 0.3)
NAMED_COMPARE_MIN_COVERAGE = 0.4
# ... and for a figure, date or name, a sentence stating one that covers this share
COMPARE_TYPED_COVERAGE = 0.3
TYPE_WORDS = {"person": ("姓名", "name"), "money": ("金额", "amount"), "date": ("日期", "date"),
              "figure": ("具体数字", "figure"), "name": ("名称", "name")}
# A sentence is quoted when it scores within MARGIN of the best sentence of the answer
# (chosen on the development questions, eval/tuning_answers.md; 0.06 before the split).
MARGIN = 0.02
# a question asking whether any notice mentions something, and the question words that
# say nothing about the topic
EXISTENCE_RE = re.compile(r"有没有|是否|有无|有哪个|有哪些(单位|分局)|有(?!关).{0,2}(单位|分局)|"
                          r"^\s*(has|have|did|does|do|is|are) (any|the notices?|there)\b|\bis there\b|"
                          r"\bany (bureau|branch|notice)s?\b", re.I)
# an English yes/no question whose subject is a bureau (Did Henglan use drones? Has the
# Development Zone branch built a gym?): whether that bureau's notice mentions something
EN_YES_NO = re.compile(r"^\s*(did|does|do|has|have|had|is|was|were|will)\s+", re.I)
# An English question naming no bureau most of whose words (this share, of three or more)
# have no Chinese term in the glossary is about nothing the notices deal with (Which country
# won the football World Cup in 2022?). Development questions: the two unanswerable ones
# above 0.6 (0.67, 0.8); no answerable one above 0.5. One naming a bureau is in scope (its
# place names have no term either: the Suifeng junction on Qijiang Highway).
EN_UNKNOWN_SHARE = 0.6
COUNT_RE = re.compile(r"^[\d一二两三四五六七八九十百几多每各]+[份个项次条家名件类处种批位]?$")  # 五份, 几个
QUESTION_WORDS = frozenset("提到 提及 涉及 时候 单位 分局 通报 整改 措施 说明 介绍".split())
PLAN_WORDS = frozenset("打算 计划 安排 准备 考虑 设想 事项 针对 列出 处理 工作 已经 方面 分别 各自 各有 任务 还要 继续 "
                       "持续 推进 举措 措施 提出 部分 结尾 成果 巩固 稳住 阶段 集中 部署 接着 往下 长期 "
                       "加强 强化 增强 进一步 总结 结束 要求 需要 需求 规划 务必".split())  # ... of next steps (how, not what)
# a question holding this share of a problem heading's own words (IDF-weighted) names that
# problem: its measures are the answer, whatever else the passages match. Development part:
# 0.9 drops five off-topic blocks of z081, 0.8 loses a009 and a019 (a heading's few words
# said of a wider question)
NAMED_PROBLEM_COVERAGE = 0.9
# a problem heading's own words: 关于“X”问题的整改情况, 针对“X”问题; or the heading without its label
_PROBLEM_QUOTED = re.compile(r"^[^“]{0,12}(?:关于|针对)“(.+)”(?:的)?问题")
_PROBLEM_END = re.compile(r"的?问题$")
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
                                       "相比 区别 干了 做了 工作".split())
EN_OVERALL_WORDS = EN_LIST_WORDS | frozenset("how well far is was are were going gone progress overall results result "
                                             "picture situation finished completed complete do did done go went its the "
                                             "rectification whole summarise summarize summary overview".split())
PHRASE_CHARS = set("哪什啥么的了事些这那几两件个")  # 哪些地方, 干的事, 两件事: phrasing, not things
_CLAUSE_RE = re.compile(r"[^。；;\n]+")
# an item's label sentence (三是开展专项整治。): no evidence without the sentence after it
_LABEL_ONLY_RE = re.compile(r"^\s*(整改(落实)?情况[：:])?[一二三四五六七八九十]{1,3}是[^。；;，,]{0,30}[。；;：:]?\s*$")
# the labels of the closing paragraph's fields (qa.ingest.metadata), where a notice may write
# something other than a value after them
LABELLED_FIELDS = {"email": r"电子邮箱|电子信箱", "phone": r"联系电话", "disclosure_period": r"公开期限|公示期限?"}
_CONTACT_CLAUSE_RE = re.compile(r"电话|信箱|邮政|邮编|邮箱|平台|@")

@dataclass
class Citation:
    n: int
    doc: str
    bureau: str
    title: str
    section: tuple[str, ...]
    kind: str
    start: int
    end: int
    quote: str
    line: int
    section_start: int = 0  # the whole cited section (a unit: a problem with its measures)
    section_end: int = 0
    role: str = "evidence"  # problem, measure, item (structured answers), evidence, or related (可能相关)
    score: float = 0.0
    label: str = ""  # a measure's or item's number in its block
    location: str = ""  # where the quote is in the original file (第 3 页, 第 12 段; OCR 识别), "" for text files

    def to_dict(self) -> dict:
        return {"n": self.n, "doc": self.doc, "bureau": self.bureau, "title": self.title,
                "section": list(self.section), "kind": self.kind, "start": self.start, "end": self.end,
                "line": self.line, "quote": self.quote, "role": self.role,
                "section_start": self.section_start, "section_end": self.section_end, "label": self.label,
                "location": self.location}


@dataclass
class Answer:
    question: str
    lang: str
    abstained: bool
    lead: str
    citations: list[Citation]
    confidence: Confidence | None = None
    summary: str | None = None
    notes: list[str] = field(default_factory=list)
    intent: str = "passages"  # how the answer was built (qa.query.intent)
    blocks: list[Block] = field(default_factory=list)  # structured answers: measures, items, table rows
    asked: str = ""  # the question as understood (a follow-up resolved against the conversation)
    scope: tuple[str, ...] = ()  # bureaus a follow-up was limited to

    def evidence(self) -> list[Citation]:
        return [c for c in self.citations if c.role != "related"]

    def block_citations(self) -> list[tuple[Block, list[Citation]]]:
        """Each block of a structured answer with its citations, in order."""
        by_n = {c.n: c for c in self.citations}
        return [(b, [by_n[n] for n in b.citations if n in by_n]) for b in self.blocks]

    def outside_blocks(self) -> list[Citation]:
        """The evidence no block of a structured answer holds (a metadata part of a question
        asking two things): all of it for an answer quoting passages."""
        in_blocks = {n for b in self.blocks for n in b.citations}
        return [c for c in self.evidence() if c.n not in in_blocks]

    def related(self) -> list[Citation]:
        return [c for c in self.citations if c.role == "related"]

    def to_dict(self) -> dict:
        """The answer as JSON data; ``answer`` is its Markdown rendering (qa.render.markdown)."""
        from qa.render.markdown import answer_markdown

        return {"answer": answer_markdown(self), "abstained": self.abstained,
                "citations": [c.to_dict() for c in self.citations], "lang": self.lang,
                "confidence": None if self.confidence is None else {
                    "dense": round(self.confidence.dense, 4),
                    "coverage": None if self.confidence.coverage is None else round(self.confidence.coverage, 4)},
                "notes": self.notes, "intent": self.intent, "blocks": [b.to_dict() for b in self.blocks],
                "asked": self.asked or self.question, "scope": list(self.scope)}


def group_by_bureau(cites: list[Citation]) -> list[tuple[str, list[Citation]]]:
    """Citations grouped by bureau, bureaus in order of first citation."""
    order: dict[str, list[Citation]] = {}
    for c in cites:
        order.setdefault(c.bureau, []).append(c)
    return list(order.items())


class Answerer:
    def __init__(self, index: LoadedIndex, retriever: Retriever, min_dense: float = 0.0, min_coverage: float = 0.0):
        self.index = index
        self.retriever = retriever
        self.scorer = Scorer(index)
        self.min_dense = min_dense
        self.min_coverage = min_coverage
        self.problem_of = {(p.doc, p.section): p for p in index.problems}
        self._corpus_terms: dict[str, bool] = {}
        self._heading_cache: dict[tuple[str, int], frozenset[str]] = {}

    def ask(self, question: str, bureaus: list[str] | None = None, kinds: list[str] | None = None) -> Answer:
        prepared = self.retriever.prepare(question)
        answer = self._ask(prepared, bureaus, kinds)
        if answer.abstained and self._asks_problem_count(prepared):  # 一共有多少个问题, not stated: what
            answer.lead += self._problems_counted(prepared, bureaus)  # the structure shows
        return answer

    def _asks_problem_count(self, prepared) -> bool:
        """Whether a question asks how many problems, naming no topic (一共有多少个问题)."""
        return prepared.qtype == "figure" and asks_problem_list(prepared.text) and not self._list_topic(prepared)

    def _problems_counted(self, prepared, bureaus) -> str:
        """How many problems each notice in scope reports on, counted from its structure."""
        docs = self._docs_in_scope(prepared, bureaus) or list(self.index.notices)
        each = [(self.index.notices[d].meta.bureau_label, sum(p.doc == d for p in self.index.problems)) for d in docs]
        if prepared.lang == "en":
            return (" Counted from the notices' structure, " + "; ".join(f"{b} reports on {k} problems" for b, k in each)
                    + " (ask which problems for the list).")
        return ("按通报的结构统计，" + "；".join(f"{b}的通报逐项报告了 {k} 个问题的整改情况" for b, k in each)
                + "（可问“整改了哪些问题？”查看清单）。")

    def _ask(self, prepared, bureaus: list[str] | None, kinds: list[str] | None) -> Answer:
        q, lang = prepared.text, prepared.lang
        if not prepared.unknown_bureaus and prepared.intent not in ("meta", "next_steps") and \
                not self.scorer.question_tokens(prepared) and not any(ts for _, ts in prepared.groups) and \
                not asks_problem_list(q):  # 的, a, 什么？, 横栏分局？: nothing to look up
            return finalize(self.index, q, lang, True, [], lead=self._nothing_asked(prepared, bureaus))
        qvec = self.retriever.embed(prepared)
        unscoped = prepared.intent == "measures" and not (prepared.bureaus or bureaus)  # what did any bureau do
        hits = self.retriever.search(prepared, k=UNSCOPED_CHUNKS if unscoped else MAX_CHUNKS, bureaus=bureaus,
                                     kinds=kinds, qvec=qvec)
        if not kinds:
            hits = _appended(hits, self._overall(prepared, bureaus, qvec))
        svec = qvec
        if lang == "en" and prepared.terms:  # sentences are Chinese: also compare with the translation
            svec = np.stack([qvec, self.retriever.embedder.embed_query(" ".join(prepared.terms))])
        cands = self.scorer.sentences(prepared, svec, hits)
        conf = self.scorer.confidence(prepared, hits, cands)
        if prepared.unknown_bureaus and not prepared.bureaus:  # asks about a bureau we do not have
            known = "、".join(self.index.bureaus)
            lead = (f"The indexed notices include none from {', '.join(prepared.unknown_bureaus)} "
                    f"(indexed: {known})." if lang == "en" else
                    f"已收录的通报中没有“{'、'.join(prepared.unknown_bureaus)}”的通报（已收录：{known}）。")
            return finalize(self.index, q, lang, True, [], conf, lead=lead)
        other_round = self._other_round(prepared, bureaus)
        if other_round:  # 港口分局上一轮（十四届）巡察的整改通报: not indexed
            return finalize(self.index, q, lang, True, [], conf, lead=other_round)
        if not kinds:
            found = self._by_structure_alone(prepared, qvec, svec, hits, cands, bureaus, conf)
            if found is not None:
                return found
        if not hits or not cands or not conf.sufficient(self.min_dense, self.min_coverage):
            if conf.typed is False and conf.coverage is not None and conf.coverage >= self.min_coverage:
                return self._not_stated(prepared, cands, conf)  # on topic, but what is asked is not stated
            return finalize(self.index, q, lang, True, [], conf)
        whether = self._asks_whether(prepared)
        named = self._docs_in_scope(prepared, bureaus) if whether else []
        unseen = self._unseen_terms(prepared, whether, named)
        if unseen:  # “有没有…健身房”, “世界杯…冠军”: words no notice uses at all
            en_terms = lang == "en" and not whether  # words with no term at all
            whose = "、".join(self.index.notices[d].meta.bureau_label for d in named)
            lead = (f"The indexed notices use no term for {', '.join(unseen)}; nothing in them answers this question."
                    if en_terms else
                    (f"The notice of {whose} does not mention {', '.join(unseen)}." if named else
                     f"None of the indexed notices mentions {', '.join(unseen)}.") if lang == "en" else
                    f"{whose + '的通报' if named else '已收录的通报都'}没有提到“{'、'.join(unseen)}”，未找到相关整改内容。")
            return finalize(self.index, q, lang, True, [], conf, lead=lead)
        uncounted = self._uncounted(prepared)
        if uncounted:  # 多少名在编民警: no notice says 在编, so none states how many
            return self._not_stated(prepared, cands, conf, uncounted)
        structured = self._structured(prepared, qvec, svec, hits, cands, bureaus, kinds, conf)
        if structured is not None:
            return structured
        # a figure or the like, one bureau, or whether any notice says something (有没有分局…):
        # the best sentences only (development: 有分局给企业专门配了联络民警吗 3 → 2 quotes, as complete)
        focused = bool(prepared.qtype) or len(self._bureaus_in_scope(prepared, bureaus)) == 1 or whether
        picked = self._pick(q, cands, prepared.qtype, self.scorer.question_coverage(prepared),
                            FOCUSED_QUOTES if focused else MAX_QUOTES)
        problems = self._asks_problem_count(prepared)  # held to a clause that counts problems (not 提醒20期)
        if prepared.qtype in MUST_STATE and not any(
                states_type(prepared.qtype, self._sentence(c), q)
                and (not problems or counts((("问题",),), self._sentence(c), q)) for c, _ in picked):
            # a figure, date or name is answered only when a quoted sentence states one
            return self._not_stated(prepared, cands, conf)
        return finalize(self.index, q, lang, False, picked, conf)

    def _nothing_asked(self, prepared, bureaus: list[str] | None) -> str:
        """The lead for a question that names nothing to look up (的, How?, 横栏分局？): what
        it lacks and how to ask, with the bureau it names, if any."""
        named = "、".join(self._bureaus_in_scope(prepared, bureaus))
        if prepared.lang == "en":
            return ((f"The question names only {named}, not what to look up in its notice" if named else
                     "The question holds nothing to look up") +
                    ": ask about a problem and how it was rectified, the next steps, or the notice's details "
                    "(e.g. How did Gangkou fix its meeting minutes? Who inspected Henglan?).")
        return ((f"问题只提到了{named}，没有说明要查它通报中的什么" if named else "问题中没有可以检索的内容") +
                "：可以问某个问题是怎么整改的、下一步打算，或巡察组、反馈日期等通报信息"
                "（例如：港口分局是怎么整改会议纪要不规范问题的？横栏分局是哪个巡察组巡察的？）。")

    def _overall(self, prepared, bureaus, qvec, focus: bool = True, per_bureau: bool = False) -> list[Hit]:
        """For a figure question, the best OVERALL_CHUNKS sections (``per_bureau``: as many for
        each bureau in ``bureaus``) of the overall and opening parts, where a count of the
        whole rectification is stated; none for any other question."""
        k = OVERALL_CHUNKS * (len(bureaus) if per_bureau else 1)
        if prepared.qtype != "figure" or not k:
            return []
        return self.retriever.search(prepared, k=k, bureaus=bureaus, qvec=qvec, focus=focus,
                                     kinds=["overall", "preamble"])

    def _other_round(self, prepared, bureaus) -> str | None:
        """The reason to decline a question about another inspection round's notice than
        those indexed (the notices in scope state their round and none is the one asked
        for; or it asks for an earlier round's notice), else None."""
        asked = asked_round(prepared.text)
        if asked is None:
            return None
        notices = [self.index.notices[d] for d in (self._docs_in_scope(prepared, bureaus) or self.index.notices)]
        rounds = [(n.meta.bureau_label, n.meta.inspection_round) for n in notices if n.meta.inspection_round]
        if asked != "previous" and (not rounds or any(asked in r for _, r in rounds)):
            return None  # the notices do not say which round, or one is of that round
        en = prepared.lang == "en"
        said = "; ".join(f"{b}: {r}" for b, r in rounds) if en else "；".join(f"{b}：{r}" for b, r in rounds)
        what = ("an earlier round" if asked == "previous" else f"the {asked} round") if en else (
            "上一轮" if asked == "previous" else asked)
        if en:
            return ("The indexed notices report on their own inspection round only"
                    + (f" ({said})" if said else "") + f"; none is the notice of {what}.")
        return ("已收录的通报只报告本轮巡察的整改情况" + (f"（{said}）" if said else "")
                + f"，没有{what}巡察的整改通报。")

    def _topic_coverage(self, prepared):
        """What a next-steps question is about beyond asking for next steps (涉案财物管理 in
        “涉案财物管理还没整改完…”): a coverage function over its words of two or more
        characters, or None when it has none (横栏分局下一步怎么做？)."""
        if prepared.lang == "en":  # the words none of whose translations is a next-steps or question word
            generic = QUESTION_WORDS | PLAN_WORDS
            groups = tuple((w, ts) for w, ts in prepared.groups
                           if not NEXT_RE.search(w) and not re.search(r"\bnext\b", w, re.I) and not set(ts) & generic)
            return (lambda text: self.scorer.group_coverage(groups, text)) if groups else None
        words = set(_topic_words(NEXT_RE.sub("", prepared.coverage_text)))
        return (lambda text: self.scorer.coverage(words, text)) if words else None

    def _asks_whether(self, prepared) -> bool:
        """Whether the question asks if any notice, or a named bureau's (Did Henglan use
        drones?), mentions something."""
        if EXISTENCE_RE.search(prepared.text):
            return True
        m = EN_YES_NO.match(prepared.text) if prepared.lang == "en" and prepared.bureaus else None
        return m is not None and any(prepared.text[m.end():a].strip().lower() in ("", "the")
                                     for a, _, _ in self.retriever.bureau_spans(prepared.text))

    def _unseen_terms(self, prepared, existence: bool, named: list[str] | None = None) -> list[str]:
        """For a question asking whether any notice mentions something (有没有, 是否, 有哪个
        单位…): its dictionary nouns that no indexed notice contains (a glossary word is
        known), or, asked of ``named`` notices (横栏分局有没有用无人机…), none of those; for
        any other Chinese question, its nouns when no notice contains any of them; for any
        other English question naming no bureau, its words without a term in the glossary
        when they are most of its words (EN_UNKNOWN_SHARE); empty otherwise."""
        if prepared.intent == "meta":
            return []
        docs = tuple(named or ())  # given only for an "is there" question
        if prepared.lang == "en":
            groups = prepared.groups
            if existence:  # words whose every translation (the glossary's) no notice uses
                return [w for w, ts in groups if ts and not any(self._in_corpus(t, docs=docs) for t in ts)]
            unknown = [w for w, ts in groups if not ts]
            if prepared.bureaus or len(groups) < 3 or len(unknown) < EN_UNKNOWN_SHARE * len(groups):
                return []
            return unknown
        text = prepared.content or prepared.text
        asking = asking_clauses(text, last=True)
        if existence and asking.strip() != text.strip("？?！!。 "):  # 民警下了班干啥都没人知道，有没有单位想出啥招来管？
            text = text.replace(asking, " ")  # the thing asked about is before the asking clause
        nouns = [t for t in tokenize(text)
                 if len(t) >= 2 and t not in QUESTION_WORDS and t not in PHRASING and is_word(t) and is_noun(t)
                 and not COUNT_RE.match(t) and not any(t in k for k in prepared.keys)]
        words = [t for t in nouns if not self._in_corpus(t, loose=True, docs=docs)]
        keys = [k for k in prepared.keys if is_noun(k)]
        words += [k for k in keys if not self._official_term_used(k, docs)]  # 孩子: no notice says 子女
        words = list(dict.fromkeys(words))
        if not existence and (not words or len(words) < len(set(nouns) | set(keys))
                              or any(set(w) & PHRASE_CHARS for w in words)):
            return []  # any question: declined only when no thing it names is in any notice (世界杯, 冠军)
        words = [w for w in words if not any(w != v and w in v for v in words)]  # 健身 in 健身房
        toks = tokenize(text)  # each named as the question's longest word holding it (人机: 无人机)
        return list(dict.fromkeys(max((t for t in toks if w in t), key=len, default=w) for w in words))

    def _uncounted(self, prepared) -> list[str]:
        """For a figure question, the words of what it counts that no notice uses (多少名在编
        民警: 在编; how many established-post officers: established-post, whose term 在编 no
        notice uses): no notice states that figure. A word inside which a shorter one is
        used does not count (学习材料: 学习, 材料), nor a count word (几轮)."""
        words = self.scorer.counted_words(prepared)
        if prepared.lang == "en":
            return [w for w, ts in words if not any(self._in_corpus(t) for t in ts)]
        toks = [w for w, _ in words]
        return [t for t in toks if not self._in_corpus(t) and not self._official_term_used(t)  # 案子: 案件
                and not any(u != t and u in t and self._in_corpus(u) for u in toks)]

    def _official_term_used(self, word: str, docs: tuple[str, ...] = ()) -> bool:
        """Whether some notice (of ``docs``, when given) uses one of the official terms the
        glossary gives for ``word``."""
        return any(self._in_corpus(t, docs=docs) for t in expand(word, load_glossary(self.retriever.glossary))[0])

    def _in_corpus(self, term: str, loose: bool = False, docs: tuple[str, ...] = ()) -> bool:
        """Whether any notice (of ``docs``, when given) uses ``term`` (as a word, or inside
        one); ``loose``: or its characters in order with at most one between (脏油水 for
        油污水, a plain word shortening the notice's); the scan of the notices' text is
        remembered per term (this answerer's index never changes)."""
        if not docs and term in self.index.idf:
            return True
        key = ("~" if loose else "") + term + ("@" + ",".join(docs) if docs else "")
        found = self._corpus_terms.get(key)
        if found is None:
            if len(self._corpus_terms) >= CORPUS_TERMS_CACHED:
                self._corpus_terms.clear()
            pattern = re.compile(".?".join(map(re.escape, term)) if loose else re.escape(term))
            texts = [self.index.notices[d].text for d in docs] if docs else [n.text for n in self.index.notices.values()]
            found = self._corpus_terms[key] = any(pattern.search(t) for t in texts)
        return found

    def _not_stated(self, prepared, cands: list[Candidate], conf: Confidence, unused: list[str] | None = None) -> Answer:
        """On topic, but the figure, date or name asked for is not stated: say so first
        (and which words of what it counts no notice uses), then the closest passages that
        are on the question's topic."""
        en = prepared.lang == "en"
        what = TYPE_WORDS[prepared.qtype or "figure"][en]
        why = ((f" (no notice uses a term for {', '.join(unused)})" if en else f"（已收录的通报都没有提到“{'、'.join(unused)}”）")
               if unused else "")
        lead = (f"The notices do not state the {what} asked for{why}; the closest passages are below." if en
                else f"通报中没有写明所问的{what}{why}；最接近的原文如下。")
        covers = self.scorer.question_coverage(prepared)
        on_topic = [c for c in cands if (covers(self._sentence(c)) or 0.0) >= RELATED_MIN_COVERAGE]
        return finalize(self.index, prepared.text, prepared.lang, True, self._pick_related(on_topic)[:2], conf,
                        lead=lead)

    def _by_structure_alone(self, prepared, qvec, svec, hits, cands, bureaus, conf) -> Answer | None:
        """What the notices' structure answers whatever the retrieved passages: metadata
        fields and where to write (no retrieval needed), and a named bureau's next steps
        asked about nothing in particular (舟山市局接下来要做什么: that part of its notice,
        whichever words it uses for it, 下一步 or 今后); None otherwise."""
        if asks_problem_list(prepared.text) and not prepared.qtype and not self._list_topic(prepared):
            return self._problem_list(prepared, bureaus, conf)
        if asks_overall(prepared.text) and prepared.intent != "next_steps" and \
                not self._list_topic(prepared, OVERALL_WORDS, EN_OVERALL_WORDS):
            return self._overall_answer(prepared, bureaus, conf)
        if prepared.intent in ("meta", "compare"):
            docs = (self._compare_docs(prepared, bureaus) if prepared.intent == "compare"
                    else self._docs_in_scope(prepared, bureaus))
            if not docs and prepared.intent == "meta" and asked_fields(prepared.text)[0]:
                docs = list(self.index.notices)  # 反馈日期是哪天？ naming no bureau: each notice's, not one's
            ans = self._fields_answer(prepared, docs, conf, len(docs) > 1) if docs else None
            if ans is None and docs and asks_contact(prepared.text) and not asked_fields(prepared.text)[0]:
                ans = self._contact_answer(prepared, docs, conf, len(docs) > 1)  # where to write: the clauses
            return ans
        if (prepared.intent == "next_steps" and not prepared.qtype and self._topic_coverage(prepared) is None
                and self._docs_in_scope(prepared, bureaus)):
            return self._structured(prepared, qvec, svec, hits, cands, bureaus, None, conf)
        return None

    def _list_topic(self, prepared, words: frozenset[str] = LIST_WORDS,
                    en_words: frozenset[str] = EN_LIST_WORDS) -> list[str]:
        """The words of a question asking which problems (or how it went as a whole) that
        name a topic (办案区管理 in 港口分局办案区管理有什么问题); none when it asks about a
        notice as such. ``words``, ``en_words``: the words that name no topic."""
        if prepared.lang == "en":
            return [w for w, ts in prepared.groups
                    if ts and w.lower() not in en_words and not set(ts) & (words | QUESTION_WORDS)]
        return _topic_words(prepared.coverage_text, words)

    def _overall_answer(self, prepared, bureaus, conf) -> Answer:
        """How the rectification went as a whole, for each notice in scope (all, when the
        question names none): the part of the notice that says so, every item of it."""
        en = prepared.lang == "en"
        docs = self._docs_in_scope(prepared, bureaus) or list(self.index.notices)
        specs = [b for b in (overall_block(self.index, d, self.scorer.unit_rows) for d in docs) if b]
        lead = ("How the notice of " + "; ".join(f"{x.bureau} describes the rectification as a whole: all "
                                                 f"{len(x.quotes)} items of “{x.heading}”" for x in specs)
                + ", quoted verbatim (in Chinese). Ask which problems it rectified for the list of problems." if en else
                "；".join(f"{x.bureau}通报中说明整改总体情况的“{x.heading}”部分共 {len(x.quotes)} 项" for x in specs)
                + "，逐项引述如下；各问题的整改情况可继续问（如：整改了哪些问题？）。")
        if _FINISHED.search(prepared.text):  # 整改完了吗: and what its notice says is still to do
            rest = [b for b in (items_block(self.index, d, prepared.text, self.scorer.unit_rows, long_term=True)
                                for d in docs) if b]
            specs += rest
            lead += (" Still to do: " + "; ".join(f"{x.bureau}: all {len(x.quotes)} items of “{x.heading}”" for x in rest)
                     + "." if en else
                     "尚未完成的：" + "；".join(f"{x.bureau}通报“{x.heading}”部分共 {len(x.quotes)} 项" for x in rest)
                     + "，附后。") if rest else ""
        ans = finalize_blocks(self.index, prepared.text, prepared.lang, specs, lead, conf)
        ans.intent = "overall"
        return ans

    def _problem_list(self, prepared, bureaus, conf) -> Answer:
        """Which problems the notices in scope (all, when the question names none) report
        on: each problem as its notice states it, by notice and by the area it lists it
        under, in the notice's order."""
        en = prepared.lang == "en"
        specs: list[BlockSpec] = []
        n = itertools.count(1)  # numbered across the blocks, as 第八个问题 counts them
        for doc in self._docs_in_scope(prepared, bureaus) or list(self.index.notices):
            bureau = self.index.notices[doc].meta.bureau_label
            for area, problems in itertools.groupby(
                    sorted((p for p in self.index.problems if p.doc == doc), key=lambda p: p.problem.start),
                    key=lambda p: p.path[1] if len(p.path) >= 3 else p.path[0] if len(p.path) == 2 else ""):
                specs.append(BlockSpec("items", bureau, doc, area or ("Problems raised" if en else "巡察反馈问题"),
                                       [Quote(doc, p.problem.start, p.problem.end, self.scorer.unit_rows[(doc, p.section)][0],
                                              "item", str(next(n))) for p in problems]))
        total = sum(len(x.quotes) for x in specs)
        names = list(dict.fromkeys(x.bureau for x in specs))
        lead = (f"The notice{'s' if len(names) > 1 else ''} of {', '.join(names)} report{'' if len(names) > 1 else 's'} "
                f"on {total} problems, listed below as stated, by area, quoted verbatim (in Chinese); ask about any of "
                "them for its measures (e.g. the third problem?)." if en else
                f"{'、'.join(names)}的通报逐项报告了以下问题的整改情况（共 {total} 项，按方面列出问题原文）；"
                "可继续追问某个问题的整改措施（如：第三个问题是怎么整改的？）。")
        ans = finalize_blocks(self.index, prepared.text, prepared.lang, specs, lead, conf)
        ans.intent = "problems"
        return ans

    def problem_item(self, answer: Answer, n: int) -> Answer:
        """“第八个问题是怎么整改的？” after a list of problems: the n-th problem listed, with
        all its measures; the list unchanged, with a note, when it has no such item."""
        en = answer.lang == "en"
        listed = [c for _, cs in answer.block_citations() for c in cs]
        if not 1 <= n <= len(listed):
            answer.notes.append(f"The previous answer has no item {n}; the whole answer follows." if en
                                else f"上一个回答没有第 {n} 项，以下是完整回答。")
            return answer
        c = listed[n - 1]
        p = next(p for p in self.index.problems if p.doc == c.doc and p.problem.start == c.start)
        spec = problem_block(self.index, p, self.scorer.unit_rows[(p.doc, p.section)][0])
        lead = (f"Problem {n} of the list, as the notice of {spec.bureau} states it, and all {len(p.measures)} of its "
                "measures, quoted verbatim (in Chinese)." if en else
                f"所列第 {n} 个问题（{spec.bureau}），先引问题原文，再逐项引述全部 {len(p.measures)} 项整改措施。")
        ans = finalize_blocks(self.index, answer.question, answer.lang, [spec], lead, answer.confidence)
        ans.intent = "measures"
        # what a further follow-up (第二条呢？) continues: how that problem was rectified, when
        # asked so it is answered with this problem first (else the list, as before)
        quoted = _PROBLEM_QUOTED.search(spec.heading)
        topic = quoted.group(1) if quoted else _PROBLEM_END.sub("", strip_label(spec.heading))
        asked = (f"How did {spec.bureau} rectify the problem “{topic}”?" if en
                 else f"{spec.bureau}是怎么整改“{topic}”问题的？")
        again = self.ask(asked)
        same = again.lang == answer.lang and again.blocks and again.blocks[0].heading == spec.heading
        ans.asked = asked if same else ""
        return ans

    def _structured(self, prepared, qvec, svec, hits, cands, bureaus, kinds, conf) -> Answer | None:
        """An answer built from the notices' structure for the question's intent, or None
        (then the most relevant sentences are quoted)."""
        lang, en = prepared.lang, prepared.lang == "en"
        specs: list[BlockSpec] = []
        intent = prepared.intent
        similar: list[Problem] = []  # the named bureau's problems close to the one answered
        if prepared.intent == "measures":
            specs, lead = self._measure_specs(prepared, hits, cands, bool(prepared.bureaus or bureaus), similar,
                                              self._named_problem(prepared, bureaus))
        elif prepared.intent == "next_steps":
            docs = self._docs_in_scope(prepared, bureaus) or [self.index.chunks[max(cands, key=lambda c: c.score).row].doc]
            covers = self._topic_coverage(prepared)
            specs = [b for b in (items_block(self.index, d, prepared.text, self.scorer.unit_rows, covers)
                                 for d in docs) if b]
            problem = self._followup_problem(prepared, hits, cands, specs, covers)
            if problem is not None:  # what remains of one problem: its measures say it
                specs = [problem]
                lead = (f"What {problem.bureau} still does about this problem is stated among its measures: the problem "
                        "and all its measures, quoted verbatim (in Chinese)." if en else
                        f"{problem.bureau}在该问题的整改措施中说明了后续工作，以下先引问题原文，再逐项引述全部措施。")
            elif specs and any(x.of for x in specs):  # only the items on the question's topic
                lead = ("The items on the question's topic of " + "; ".join(
                    f"{x.bureau}: {x.heading} ({len(x.quotes)} of {x.of or len(x.quotes)})" for x in specs)
                    + ", quoted verbatim (in Chinese)." if en else
                    "；".join(f"{x.bureau}通报“{x.heading}”部分共 {x.of or len(x.quotes)} 项，其中与所问相关的 {len(x.quotes)} 项"
                             for x in specs) + "逐项引述如下。")
            elif specs:
                n = sum(len(x.quotes) for x in specs)
                lead = (f"All {n} items of {'; '.join(f'{x.bureau}: {x.heading}' for x in specs)}, quoted verbatim "
                        "(in Chinese)." if en else
                        "；".join(f"{x.bureau}通报“{x.heading}”部分" for x in specs) + f"共 {n} 项，逐项引述如下。")
        elif prepared.intent == "meta" and not kinds:
            return self._meta(prepared, qvec, svec, hits, cands, bureaus, conf)
        elif prepared.intent == "compare" and not kinds and asks_metadata(prepared.text):
            # the same metadata of several notices (五个单位分别是由哪个巡察组巡察的)
            return self._meta(prepared, qvec, svec, hits, cands, bureaus, conf, self._compare_docs(prepared, bureaus))
        elif prepared.intent == "compare":
            specs = self._compare_rows(prepared, qvec, svec, bureaus, kinds)
            if specs:
                silent = [x.bureau for x in specs if x.missing]
                measures = any(q.role == "problem" for x in specs for q in x.quotes)
                lead = (f"By bureau ({len(specs)} in scope; {len(silent)} of their notices do not mention it)"
                        + ("; for each, the problem as its notice states it and all its measures." if measures else ".")
                        if en else f"按单位列出（共 {len(specs)} 个单位，其中 {len(silent)} 个单位的通报未提及）"
                        + ("；每个单位先引问题原文，再逐项引述全部整改措施。" if measures else "。"))
                if len(silent) == len(specs):
                    if prepared.bureaus or bureaus or prepared.qtype or not asks_measures(prepared.text):
                        return None
                    # what bureaus did about it, but no bureau's passages cover the question well
                    # enough for a row (a problem described in plain words): the matching problems
                    hits = self.retriever.search(prepared, k=UNSCOPED_CHUNKS, kinds=kinds, qvec=qvec)
                    specs, lead = self._measure_specs(prepared, hits, self.scorer.sentences(prepared, svec, hits),
                                                      scoped=False)
                    intent = "measures"
        if not specs:
            return None
        ans = finalize_blocks(self.index, prepared.text, lang, specs, lead, conf)
        ans.intent = intent
        if similar and intent == "measures":
            titles = [p.problem.text.strip() for p in similar]
            bureau = self.index.notices[similar[0].doc].meta.bureau_label
            ans.notes.append(f"{bureau}'s notice also has similar problems: " + "; ".join(f"“{t}”" for t in titles)
                             + ". If you meant one of them, ask about it by its title." if en else
                             f"{bureau}的通报中相近的问题还有：" + "".join(f"“{t}”" for t in titles)
                             + "。如问的是其中之一，请按其标题再问。")
        return ans

    def _measure_specs(self, prepared, hits, cands, scoped: bool, similar: list[Problem] | None = None,
                       named: Problem | None = None) -> tuple[list[BlockSpec], str]:
        """The matching problems with all their measures (qa.answer.blocks.measure_blocks), and the lead;
        ``similar`` receives a named bureau's close problems that got no block; ``named``:
        the problem the question names by its heading's words, answered alone."""
        en = prepared.lang == "en"
        specs = ([problem_block(self.index, named, self.scorer.unit_rows[(named.doc, named.section)][0])] if named else
                 measure_blocks(self.index, self.problem_of, hits, cands, self.scorer.unit_rows,
                                self.scorer.question_coverage(prepared), scoped, kin=True,
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

    def _named_problem(self, prepared, bureaus) -> Problem | None:
        """The problem of a named bureau's notice whose heading's own words the question
        holds (NAMED_PROBLEM_COVERAGE of them, IDF-weighted: 开发区分局是怎么整改执法领域规范化
        建设差距大问题的？), the best one; None in English or with no bureau named."""
        docs = set(self._docs_in_scope(prepared, bureaus)) if prepared.lang == "zh" else set()
        best, best_cov = None, NAMED_PROBLEM_COVERAGE
        for p in self.index.problems:
            if p.doc in docs:
                cov = self.scorer.coverage(self._heading_words(p), prepared.text) or 0.0
                if cov >= best_cov:
                    best, best_cov = p, cov + 1e-9
        return best

    def _heading_words(self, p: Problem) -> frozenset[str]:
        """A problem heading's own words: what 关于“…”问题 quotes, or the heading without its
        label and a closing 问题; remembered per problem."""
        key = (p.doc, p.section)
        words = self._heading_cache.get(key)
        if words is None:
            heading = p.problem.text.strip()
            quoted = _PROBLEM_QUOTED.search(heading)
            own = quoted.group(1) if quoted else _PROBLEM_END.sub("", strip_label(heading).rstrip("。"))
            words = self._heading_cache[key] = frozenset(
                t for t in tokenize(own) if len(t) >= 2 and t not in PHRASING and t not in QUESTION_WORDS)
        return words

    def _followup_problem(self, prepared, hits, cands, specs: list[BlockSpec], covers) -> BlockSpec | None:
        """A next-steps question about one problem (小区视频监控接入以后，后续还要做哪些工作？):
        the matching problem's block when the problem with its measures covers the
        question's topic better than any next-steps item does; None otherwise."""
        if covers is None or len(specs) > 1:
            return None
        blocks = measure_blocks(self.index, self.problem_of, hits, cands, self.scorer.unit_rows, covers)
        if not blocks:
            return None
        best_item = max((covers(self.index.notices[q.doc].text[q.start:q.end]) or 0.0
                         for x in specs for q in x.quotes), default=0.0)
        return blocks[0] if (covers(quoted_text(self.index, blocks[0])) or 0.0) > best_item else None

    def _meta(self, prepared, qvec, svec, hits, cands, bureaus, conf, docs: list[str] | None = None) -> Answer | None:
        """Who inspected, when, disclosure, contact: a sentence from the extracted fields,
        the contact clauses, or the best sentences of the opening and closing paragraphs.
        ``docs``: the notices asked about (a comparison: every notice in scope, each
        saying what it does not state); by default those of the bureaus named, else the
        best hit's."""
        several = docs is not None and len(docs) > 1
        docs = docs or self._docs_in_scope(prepared, bureaus) or [hits[0].chunk.doc]
        ans = self._fields_answer(prepared, docs, conf, several)
        if ans is not None:
            return ans
        if asks_contact(prepared.text):  # where to send comments: the contact clauses, whole
            ans = self._contact_answer(prepared, docs, conf, several)
            if ans is not None:
                return ans
        if several:
            return None
        hits = self.retriever.search(prepared, k=MAX_CHUNKS, bureaus=bureaus, kinds=list(META_KINDS), qvec=qvec)
        meta_cands = self.scorer.sentences(prepared, svec, hits)
        if meta_cands and max(c.score for c in meta_cands) >= max(c.score for c in cands) - META_MARGIN:
            picked = self._pick(prepared.text, meta_cands, prepared.qtype)
            if prepared.qtype in MUST_STATE and not any(states_type(prepared.qtype, self._sentence(c), prepared.text)
                                                        for c, _ in picked):
                return self._not_stated(prepared, cands, conf)  # 反馈…多少个问题: no sentence states it
            ans = finalize(self.index, prepared.text, prepared.lang, False, picked, conf)
            ans.intent = "meta"
            return ans
        return None

    def _fields_answer(self, prepared, docs: list[str], conf, several: bool) -> Answer | None:
        """A question asking only for extracted metadata fields (巡察组, 反馈日期…): one
        sentence per notice from them, each field cited, or the fields a notice does not
        state; None when the question asks for more than the fields hold."""
        fields, other = asked_fields(prepared.text)
        if not fields or other:
            return None
        if not several:
            unstated = self._unstated(prepared, fields, docs, conf)
            if unstated is not None:
                return unstated
        return self._meta_answer(prepared, fields, docs, conf, several)

    def _unstated(self, prepared, fields: tuple[str, ...], docs: list[str], conf) -> Answer | None:
        """A declined answer naming the fields asked for that a notice in scope does not
        state (开发区分局的通报没有写明公开期限), or None when every one is stated."""
        en = prepared.lang == "en"
        missing = []
        for doc in docs:
            meta = self.index.notices[doc].meta
            gaps = [FIELD_LABELS[f][en] for f in fields if getattr(meta, f) is None]
            if gaps:
                missing.append(f"the notice of {meta.bureau_label} does not state its {', '.join(gaps)}" if en
                               else f"{meta.bureau_label}的通报没有写明{'、'.join(gaps)}")
        if not missing:
            return None
        text = "; ".join(missing)
        lead = (text[:1].upper() + text[1:] + ".") if en else "；".join(missing) + "。"
        ans = finalize(self.index, prepared.text, prepared.lang, True, [], conf, lead=lead)
        ans.intent = "meta"
        return ans

    def _meta_answer(self, prepared, fields: tuple[str, ...], docs: list[str], conf,
                     several: bool = False) -> Answer | None:
        """“港口分局：巡察组为市委第八巡察组[1]；巡察时间为…[2]。”: a sentence per notice
        from its extracted metadata, each value cited where the notice states it. A field a
        notice does not state: None (then passages are quoted), or, asked of ``several``
        notices, “未写明” in that notice's sentence."""
        en = prepared.lang == "en"
        citations: list[Citation] = []
        notes: list[str] = []
        parts = []
        for doc in docs:
            notice = self.index.notices[doc]
            spans = field_spans(notice.text, notice.sections, notice.meta)
            gaps = [f for f in fields if f not in spans]
            if gaps and not several:
                return None
            said = []
            for f in gaps:
                zh, eng = FIELD_LABELS[f]
                # labelled, but with something else than a value (电子邮箱:登陆“…平台…”): quoted as written
                c = self._labelled_clause(doc, f, len(citations) + 1, notes)
                if c is None:
                    said.append(f"does not state its {eng}" if en else f"未写明{zh}")
                    continue
                citations.append(c)
                said.append(f"gives as its {eng} “{c.quote}” [{c.n}]" if en else f"{zh}一项写作“{c.quote}”[{c.n}]")
            for f in (f for f in fields if f in spans):
                a, b = spans[f]
                row_f = self.index.row_at(doc, a)
                if row_f is None:  # between chunks: the notice's first
                    row_f = self.index.doc_rows[doc][0]
                c = _cite(self.index, len(citations) + 1, doc, a, b, row_f, "evidence", notes, 1.0, FIELD_LABELS[f][en])
                if c is None:
                    return None
                citations.append(c)
                value = " ".join(c.quote.split()) if f == "title" else c.quote
                said.append(f"the {FIELD_LABELS[f][1]} is {value} [{c.n}]" if en
                            else f"{FIELD_LABELS[f][0]}为{value}[{c.n}]")
            parts.append((f"the notice of {notice.meta.bureau_label} " + ("" if gaps else "states that ")
                          + "; ".join(said)) if en else f"{notice.meta.bureau_label}：" + "；".join(said))
        text = "; ".join(parts)
        lead = (text[:1].upper() + text[1:] + ".") if en else "。".join(parts) + "。"
        return Answer(prepared.text, prepared.lang, False, lead, citations, conf, notes=notes, intent="meta")

    def _labelled_clause(self, doc: str, field: str, n: int, notes: list[str]) -> Citation | None:
        """The clause of a notice's closing paragraph that carries a field's label but no
        value the field reads (电子邮箱:登陆“浙江省统一政府咨询投诉举报平台-…”), cited; None
        when there is none."""
        if field not in LABELLED_FIELDS:
            return None
        notice = self.index.notices[doc]
        closing = next((s for s in notice.sections if s.kind == "closing"), None)
        if closing is None:
            return None
        labelled = re.compile(rf"(?:{LABELLED_FIELDS[field]})[：:]?\s*(\S.*)")
        found = ((m, labelled.search(m.group(0))) for m in _CLAUSE_RE.finditer(notice.text, closing.start, closing.end))
        m, value = next(((m, v) for m, v in found if v is not None), (None, None))
        row = None if m is None else self.index.row_at(doc, m.start())
        if m is None or value is None or row is None:
            return None
        return _cite(self.index, n, doc, m.start() + value.start(1), m.end(), row, "evidence", notes, 1.0,
                     FIELD_LABELS[field][0])

    def _contact_answer(self, prepared, docs: list[str], conf, several: bool = False) -> Answer | None:
        """Where to send comments: every contact clause (phone, postal box, postcode,
        e-mail, web channel) of each notice's closing paragraph, quoted whole; a notice
        without any: None, or, asked of ``several`` notices, a row saying 未提及."""
        specs = []
        for doc in docs:
            notice = self.index.notices[doc]
            closing = next((s for s in notice.sections if s.kind == "closing"), None)
            row = None if closing is None else self.index.row_at(doc, closing.start)
            clauses = [] if closing is None else [
                m.span() for m in _CLAUSE_RE.finditer(notice.text, closing.start, closing.end)
                if _CONTACT_CLAUSE_RE.search(m.group(0))]
            if row is None or not clauses:
                if not several:
                    return None
                specs.append(BlockSpec("row", notice.meta.bureau_label, doc, notice.meta.bureau_label, [],
                                       missing=True))
                continue
            specs.append(BlockSpec("row" if several else "items", notice.meta.bureau_label, doc,
                                   notice.meta.bureau_label if several else "意见建议渠道",
                                   [Quote(doc, a, b, row, "item", str(i)) for i, (a, b) in enumerate(clauses, start=1)]))
        if all(x.missing for x in specs):
            return None
        en = prepared.lang == "en"
        names = "、".join(x.bureau for x in specs)
        silent = sum(x.missing for x in specs)
        if several:
            lead = (f"Where to send comments, by bureau ({len(specs)} in scope; {silent} of their notices give none), "
                    "quoted verbatim (in Chinese)." if en else
                    f"各单位通报所留的意见建议渠道（共 {len(specs)} 个单位，其中 {silent} 个单位的通报未提及），原文如下。")
        else:
            lead = (f"Where to send comments, as {', '.join(x.bureau for x in specs)} state{'s' if len(specs) == 1 else ''} "
                    "it (quoted verbatim, in Chinese)." if en else f"{names}通报所留的意见建议渠道，原文如下。")
        ans = finalize_blocks(self.index, prepared.text, prepared.lang, specs, lead, conf)
        ans.intent = "meta"
        return ans

    def _sentence(self, c: Candidate) -> str:
        """A candidate's text, from its own notice (a bureau may have several)."""
        return self.index.notices[self.index.chunks[c.row].doc].text[c.start:c.end]

    def _bureaus_in_scope(self, prepared, bureaus: list[str] | None) -> list[str]:
        """The bureaus asked about: those passed in (resolved), else those the question names."""
        return resolve_bureaus(self.index, bureaus) or list(prepared.bureaus)

    def _docs_in_scope(self, prepared, bureaus: list[str] | None) -> list[str]:
        return self._docs_of(self._bureaus_in_scope(prepared, bureaus))

    def _docs_of(self, bureaus) -> list[str]:
        """The notices of these bureaus, in index order."""
        wanted = set(bureaus)
        return [doc for doc, n in self.index.notices.items() if n.meta.bureau_label in wanted]

    def _compare_scope(self, prepared, bureaus) -> list[str]:
        """The bureaus of a comparison: those the question names (two or more), else all."""
        named = self._bureaus_in_scope(prepared, bureaus)
        return named if len(named) >= 2 else list(self.index.bureaus)

    def _compare_docs(self, prepared, bureaus) -> list[str]:
        return self._docs_of(self._compare_scope(prepared, bureaus))

    def _compare_rows(self, prepared, qvec, svec, bureaus, kinds) -> list[BlockSpec]:
        """A row per bureau in scope (the bureaus the question names, else all): its best
        passage, or 未提及 when its notice does not answer."""
        scope = self._compare_scope(prepared, bureaus)
        covers = self.scorer.question_coverage(prepared)
        measures = asks_measures(prepared.text) and not prepared.qtype  # what each did: problem + measures
        next_steps = bool(NEXT_RE.search(prepared.text))
        topic = self._topic_coverage(prepared) if next_steps else None
        # the bureaus the question names are expected to speak: 未提及 needs less coverage
        min_coverage = NAMED_COMPARE_MIN_COVERAGE if len(self._bureaus_in_scope(prepared, bureaus)) >= 2 \
            else COMPARE_MIN_COVERAGE
        # a figure: the overall and opening parts of all the bureaus' notices, searched once
        overall = self._overall(prepared, scope, qvec, focus=False, per_bureau=True) if not kinds and not next_steps else []
        rows = []
        for b in scope:
            doc = next(iter(self._docs_of([b])), "")
            if next_steps:  # each bureau's next-steps (or long-term) items, those on the topic when it has one
                block = items_block(self.index, doc, prepared.text, self.scorer.unit_rows, topic, strict=True)
                rows.append(BlockSpec("row", b, doc, b, block.quotes) if block else
                            BlockSpec("row", b, doc, b, [], missing=True))
                continue
            hits = self.retriever.search(prepared, k=COMPARE_CHUNKS, bureaus=[b], kinds=kinds, qvec=qvec, focus=False)
            mine = set(self._docs_of([b]))
            hits = _appended(hits, [h for h in overall if h.chunk.doc in mine], OVERALL_CHUNKS)
            cands = self.scorer.sentences(prepared, svec, hits)
            conf = self.scorer.confidence(prepared, hits, cands)
            # a figure, date or name: the sentence stating it decides (below); otherwise how
            # much of the question the bureau's best passages cover
            if not cands or not conf.sufficient(self.min_dense, self.min_coverage if prepared.qtype else min_coverage):
                rows.append(BlockSpec("row", b, doc, b, [], missing=True))
                continue
            if measures:  # what each bureau did: its matching problem with every measure
                blocks = measure_blocks(self.index, self.problem_of, hits, cands, self.scorer.unit_rows, covers)
                # each of its matching problems on the topic (development comparisons 0.815 / 0.872
                # with the first only, 0.821 / 0.875 with all)
                if blocks:
                    on_topic = [x for x in blocks
                                if (covers(quoted_text(self.index, x)) or 0.0) >= COMPARE_PROBLEM_MIN]
                    rows.append(BlockSpec("row", b, on_topic[0].doc, b, [q for x in on_topic for q in x.quotes])
                                if on_topic and on_topic[0] is blocks[0] else BlockSpec("row", b, doc, b, [], missing=True))
                    continue
            best = sorted(cands, key=lambda c: -c.score)
            if prepared.qtype:  # only sentences stating the figure, date, name or frequency asked for, on topic
                said = [(c, self._sentence(c)) for c in best[:TYPE_WINDOW]]
                best = [c for c, text in said if states_type(prepared.qtype, text, prepared.text)
                        and (covers(text) or 0.0) >= COMPARE_TYPED_COVERAGE]
                if not best:
                    rows.append(BlockSpec("row", b, doc, b, [], missing=True))
                    continue
            best = sorted(self._on_topic(best[:COMPARE_QUOTES], covers), key=lambda c: (c.row, c.idx))
            rows.append(BlockSpec("row", b, self.index.chunks[best[0].row].doc, b,
                                  [Quote(self.index.chunks[c.row].doc, c.start, c.end, c.row, "evidence")
                                   for c in self._quotable(best)]))
        return rows

    def _pick(self, q: str, cands: list[Candidate], qtype: str | None,
              covers: Callable[[str], float | None] | None = None,
              limit: int = MAX_QUOTES) -> list[tuple[Candidate, str]]:
        """The sentences an answer built from passages quotes: each retrieved section's best
        (at most MAX_PER_CHUNK) within MARGIN of the best of all; for a figure, date or name
        only those stating one, the best first; none covering the question less than
        PICK_MIN_RELATIVE_COVERAGE of the best; at most ``limit``, the best kept, in their order."""
        chosen: list[Candidate] = []
        by_chunk: dict[int, list[Candidate]] = {}
        for c in cands:
            by_chunk.setdefault(c.hit_rank, []).append(c)
        top = max((c.score for c in cands), default=0.0)
        for rank in sorted(by_chunk):
            best = sorted(by_chunk[rank], key=lambda c: -c.score)[:MAX_PER_CHUNK]
            best = [c for c in best if c.score >= top - MARGIN]
            chosen.extend(sorted(best, key=lambda c: (c.row, c.idx)))
        first = None
        if qtype:  # only the sentences stating a figure, date or name (when any does), the best first
            typed = [c for c in chosen if states_type(qtype, self._sentence(c), q)]
            if typed:
                first = max(typed, key=lambda c: c.score)
                chosen = [first] + [c for c in typed if c is not first]
        if covers is not None:  # no padding (the stating sentence stays)
            chosen = self._on_topic(chosen, covers, keep=first)
        if len(chosen) > limit:  # the best ones (the stating sentence first), in their order
            rest = sorted((c for c in chosen if c is not first), key=lambda c: -c.score)
            keep = {id(c) for c in ([first] if first is not None else []) + rest[:limit - (first is not None)]}
            chosen = [c for c in chosen if id(c) in keep]
        return [(c, "evidence") for c in self._quotable(chosen)]

    def _on_topic(self, chosen: list[Candidate], covers: Callable[[str], float | None],
                  keep: Candidate | None = None) -> list[Candidate]:
        """No padding: the sentences covering the question at least PICK_MIN_RELATIVE_COVERAGE
        as well as the best of them (and ``keep``), in their order."""
        if len(chosen) < 2:
            return chosen
        covs = [covers(self._sentence(c)) or 0.0 for c in chosen]
        return [c for c, v in zip(chosen, covs) if c is keep or v >= max(covs) * PICK_MIN_RELATIVE_COVERAGE]

    def _quotable(self, chosen: list[Candidate]) -> list[Candidate]:
        """The quotes for the chosen sentences, in their order: a heading, or an item's label
        sentence (三是开展专项整治。), is no evidence on its own and takes the sentence after it;
        neighbouring sentences of a chunk become one quote."""
        out = []
        for c in chosen:
            heading = any(hs <= c.start and c.end <= he + 1 and not bare
                          for hs, he, bare, _ in self.scorer.headings(c.row))
            spans, _ = self.index.chunk_sentences(c.row)
            if (heading or _LABEL_ONLY_RE.match(self._sentence(c))) and c.idx + 1 < len(spans):
                c = Candidate(c.hit_rank, c.row, c.start, int(spans[c.idx + 1][1]), c.score, c.idx + 1)
            out.append(c)
        return _merge_adjacent(out)

    def _pick_related(self, cands: list[Candidate]) -> list[tuple[Candidate, str]]:
        """The best "possibly related" sentences, one per section; a heading alone is none."""
        out, seen = [], set()
        for c in sorted(cands, key=lambda c: -c.score):
            if c.row in seen or self.scorer.is_heading(c):
                continue
            seen.add(c.row)
            out.append((c, "related"))
            if len(out) == RELATED:
                break
        return out


def _topic_words(text: str, generic: frozenset[str] = frozenset()) -> list[str]:
    """The words of a Chinese question that name what it is about: two or more characters,
    neither phrasing, nor asking, planning or ``generic`` words, nor a count (两件事: 件事
    is phrasing)."""
    return [t for t in tokenize(text)
            if len(t) >= 2 and t not in PHRASING and t not in QUESTION_WORDS and t not in PLAN_WORDS
            and t not in generic and not COUNT_RE.match(t) and not set(t) <= PHRASE_CHARS]


def _appended(hits: list[Hit], more: list[Hit], limit: int | None = None) -> list[Hit]:
    """``hits`` and, ranked after them, at most ``limit`` of ``more`` from sections not
    already among them."""
    seen = {(h.chunk.doc, h.chunk.section_idx) for h in hits}
    new = [h for h in more if (h.chunk.doc, h.chunk.section_idx) not in seen][:limit]
    return hits + [replace(h, rank=len(hits) + i + 1) for i, h in enumerate(new)]


def _merge_adjacent(chosen: list[Candidate]) -> list[Candidate]:
    """Neighbouring (or overlapping) sentences of one chunk become one quote."""
    out: list[Candidate] = []
    for c in chosen:
        prev = out[-1] if out else None
        if prev and prev.row == c.row and prev.start <= c.start and (c.idx == prev.idx + 1 or c.start < prev.end):
            out[-1] = Candidate(prev.hit_rank, prev.row, prev.start, max(prev.end, c.end), max(prev.score, c.score),
                                max(prev.idx, c.idx))
        else:
            out.append(c)
    return out


def _cite(index: LoadedIndex, n: int, doc: str, start: int, end: int, row: int, role: str, notes: list[str],
          score: float = 0.0, label: str = "") -> Citation | None:
    """Citation ``n`` of ``doc[start:end]`` (in the section of chunk ``row``), or None, with
    a note, when the quote fails the verbatim check."""
    notice = index.notices[doc]
    quote = notice.text[start:end]
    try:
        check_quote(index, doc, start, end, quote)
    except QuoteError as exc:
        notes.append(f"已移除一条未通过原文核对的引文：{exc}")
        return None
    chunk = index.chunks[row]
    sec = notice.sections[chunk.section_idx]
    return Citation(n, doc, notice.meta.bureau_label, notice.title, chunk.section, chunk.kind, start, end, quote,
                    notice.line_of(start), sec.start, sec.end, role, score, label, where_in_file(notice, start))


def where_in_file(notice: Notice, offset: int) -> str:
    """The original file's page / paragraph / element of an offset, marked when OCR-read."""
    where = notice.location_of(offset) or ""
    return f"{where}（OCR 识别）" if notice.ocr else where


def finalize(index: LoadedIndex, question: str, lang: str, abstained: bool,
             picked: list[tuple[Candidate, str]], confidence: Confidence | None = None, lead: str | None = None) -> Answer:
    """Build the answer from picked sentences: every quote is checked verbatim against the
    notice at its offsets; one that fails is dropped and reported, never shown."""
    citations: list[Citation] = []
    notes: list[str] = []
    for cand, role in picked:
        c = _cite(index, len(citations) + 1, index.chunks[cand.row].doc, cand.start, cand.end, cand.row, role,
                  notes, cand.score)
        if c is not None:
            citations.append(c)
    # evidence first, renumbered in the order shown (grouped by bureau)
    ordered = [c for _, cs in group_by_bureau([c for c in citations if c.role == "evidence"]) for c in cs]
    ordered += [c for _, cs in group_by_bureau([c for c in citations if c.role == "related"]) for c in cs]
    for i, c in enumerate(ordered, start=1):
        c.n = i
    evidence = [c for c in ordered if c.role == "evidence"]
    if abstained or not evidence:
        lead = lead or (NOT_FOUND_EN if lang == "en" else NOT_FOUND_ZH)
        abstained = True
    else:
        bureaus = list(dict.fromkeys(c.bureau for c in evidence))
        docs = {c.doc for c in evidence}
        if lang == "en":
            lead = (f"Found {len(evidence)} relevant passage{'s' if len(evidence) > 1 else ''} in "
                    f"{len(docs)} notice{'s' if len(docs) > 1 else ''} ({', '.join(bureaus)}); "
                    "quoted verbatim below (in Chinese).")
        else:
            lead = f"在 {len(docs)} 份通报中找到 {len(evidence)} 处相关原文（{'、'.join(bureaus)}），按单位引述如下。"
    return Answer(question, lang, abstained, lead, ordered, confidence, notes=notes)


def quote_overlaps(c: Citation, doc: str, start: int, end: int) -> bool:
    return c.doc == doc and c.start < end and start < c.end



def finalize_blocks(index: LoadedIndex, question: str, lang: str, specs: list[BlockSpec], lead: str,
                    confidence: Confidence | None = None) -> Answer:
    """A structured answer: every quote of every block checked verbatim (one that fails is
    dropped and reported), citations numbered in block order."""
    citations: list[Citation] = []
    blocks: list[Block] = []
    notes: list[str] = []
    for spec in specs:
        numbers = []
        for q in spec.quotes:
            c = _cite(index, len(citations) + 1, q.doc, q.start, q.end, q.row, q.role, notes, 0.0, q.label)
            if c is not None:
                citations.append(c)
                numbers.append(c.n)
        blocks.append(Block(spec.kind, spec.bureau, spec.doc, spec.heading, numbers, spec.missing, spec.of))
    return Answer(question, lang, False, lead, citations, confidence, notes=notes, blocks=blocks)


def narrow_to_item(answer: Answer, n: int) -> Answer:
    """“第二条具体怎么做的？”: the n-th item of the first block (with its problem), or the
    answer unchanged with a note when it has no such item."""
    block = answer.blocks[0] if answer.blocks else None
    by_n = {c.n: c for c in answer.citations}
    cites = [by_n[i] for i in block.citations] if block else []
    item = next((c for c in cites if c.label == str(n)), None)
    if item is None:
        answer.notes.append(f"上一个回答没有第 {n} 项，以下是完整回答。")
        return answer
    assert block is not None  # item is one of the block's citations
    keep = [c for c in cites if c.role == "problem"] + [item]
    for i, c in enumerate(keep, start=1):
        c.n = i
    if block.kind == "items":  # next steps, long-term items, the overall part
        lead = (f"Item {n} of {block.bureau}: {block.heading}, quoted in full (in Chinese)." if answer.lang == "en"
                else f"{block.bureau}通报“{block.heading}”部分的第 {n} 项，全文引述如下。")
    else:
        lead = (f"Item {n} of {block.bureau}'s measures, quoted in full (in Chinese)." if answer.lang == "en"
                else f"{block.bureau}针对该问题的第 {n} 项整改措施，全文引述如下。")
    return Answer(answer.question, answer.lang, False, lead, keep, answer.confidence, notes=answer.notes,
                  intent=answer.intent, blocks=[Block(block.kind, block.bureau, block.doc, block.heading,
                                                      [c.n for c in keep])])
