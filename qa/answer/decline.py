"""The reasons to decline a question, each stated in the answer's lead: nothing to look up,
another inspection round, words no notice uses, a figure, date or name not stated; and,
for a declined question asking how many problems, how many each notice reports on."""
from __future__ import annotations

import re

from qa.answer.context import Context
from qa.answer.passages import pick_related
from qa.answer.result import Answer, finalize
from qa.answer.scoring import Candidate, Confidence
from qa.answer.topic import COUNT_RE, PHRASE_CHARS, QUESTION_WORDS
from qa.answer.whole import list_topic
from qa.query.glossary import expand, load_glossary
from qa.query.intent import ZH_ASKING, asked_round, asking_clauses, asks_problem_list, counted_units
from qa.text import (
    PHRASING,
    colloquial_stem,
    is_noun,
    is_verb,
    is_verb_complement,
    is_word,
    normalize,
    tokenize,
    word_tag,
)

QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,12})[”\"」』]")
LOCATIVE = re.compile(r".[里内上中]")  # 卡里, 家里, 网上: in the card, at home, online; no thing named
UNIT_LOCATIVE = re.compile(r"[局所队室站][里内]")  # 局里, 所里: at the bureau, whatever jieba's tag
# A question whose other words a passage covers this well is not about something no notice
# mentions: its unseen word is wording (收货 beside 签收核验, 利用网络 for 利用信息网络).
# Development part and the read probes: declined on an unseen word, the answerable ones at
# 0.63 and 0.75, the unanswerable ones at most 0.50 (child, in English).
UNSEEN_MAX_COVERAGE = 0.55
CORPUS_TERMS_CACHED = 65536  # words remembered as used or not by some notice (in_corpus)
RELATED_MIN_COVERAGE = 0.3  # "possibly related" sentences only on the topic: covering this share of the question
TYPE_WORDS = {"person": ("姓名", "name"), "money": ("金额", "amount"), "date": ("日期", "date"),
              "figure": ("具体数字", "figure"), "name": ("名称", "name")}
# a question asking whether any notice mentions something, and the question words that
# say nothing about the topic
EXISTENCE_RE = re.compile(r"有没有|是否(?!规范|到位|合理|有效|合规|及时|完善|严格|落实到位)|有无|有哪个|^\s*哪(家|个|些|几家|几个)(单位|分局)|有哪些(单位|分局)|有(?!关).{0,2}(单位|分局)|"
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


def asks_problem_count(prepared) -> bool:
    """Whether a question asks how many problems, naming no topic (一共有多少个问题)."""
    return prepared.qtype == "figure" and asks_problem_list(prepared.text) and not list_topic(prepared)


def _counted(ctx: Context, prepared, bureaus, what: str = "problems") -> list[tuple[str, int]]:
    """(bureau, how many problems or measures its notice reports on) for each notice in
    scope (all, when the question names none), counted from the notices' structure."""
    docs = ctx.docs_in_scope(prepared, bureaus) or list(ctx.index.notices)
    return [(ctx.index.notices[d].meta.bureau_label,
             sum(1 if what == "problems" else len(p.measures) for p in ctx.index.problems if p.doc == d)) for d in docs]


def problems_counted(ctx: Context, prepared, bureaus) -> str:
    """How many problems each notice in scope reports on, counted from its structure."""
    each = _counted(ctx, prepared, bureaus)
    if prepared.lang == "en":
        return (" Counted from the notices' structure, " + "; ".join(f"{b} reports on {k} problems" for b, k in each)
                + " (ask which problems for the list).")
    return ("按通报的结构统计，" + "；".join(f"{b}的通报逐项报告了 {k} 个问题的整改情况" for b, k in each)
            + "（可问“整改了哪些问题？”查看清单）。")


def most_counted(ctx: Context, prepared, bureaus, what: str) -> str:
    """The lead for which bureau reports on the most problems (or measures): no notice says
    so; each notice's count, from its structure, most first."""
    each = sorted(_counted(ctx, prepared, bureaus, what), key=lambda x: -x[1])
    if prepared.lang == "en":
        return (f"No notice compares the bureaus' numbers of {what}. Counted from the notices' structure (not "
                "quoted): " + "; ".join(f"{b}: {k}" for b, k in each) + f" {what} reported on.")
    unit = "个问题" if what == "problems" else "项整改措施"
    return ("通报中没有对各单位的数量作比较。按通报的结构统计（非原文），从多到少："
            + "；".join(f"{b} {k} {unit}" for b, k in each) + "。")


def summed_across(lang: str) -> str:
    """The lead for a sum over several bureaus' figures: each notice states its own only."""
    return ("Each notice states its own bureau's figures only; none adds up several bureaus' figures. Ask about "
            "each bureau to see the figure its notice gives." if lang == "en" else
            "各单位的通报只写本单位的数字，没有几个单位加起来的合计；可以分别问各单位，看其通报写的数字。")


def nothing_asked(ctx: Context, prepared, bureaus: list[str] | None) -> str:
    """The lead for a question that names nothing to look up (的, How?, 横栏分局？): what
    it lacks and how to ask, with the bureau it names, if any."""
    named = "、".join(ctx.bureaus_in_scope(prepared, bureaus))
    if prepared.lang == "en":
        return ((f"The question names only {named}, not what to look up in its notice" if named else
                 "The question holds nothing to look up") +
                ": ask about a problem and how it was rectified, the next steps, or the notice's details "
                "(e.g. How did Gangkou fix its meeting minutes? Who inspected Henglan?).")
    return ((f"问题只提到了{named}，没有说明要查它通报中的什么" if named else "问题中没有可以检索的内容") +
            "：可以问某个问题是怎么整改的、下一步打算，或巡察组、反馈日期等通报信息"
            "（例如：港口分局是怎么整改会议纪要不规范问题的？横栏分局是哪个巡察组巡察的？）。")


def not_indexed(ctx: Context, prepared) -> str:
    """The reason for a question naming bureaus the corpus lacks (小榄分局): which ones, and
    the bureaus it has; when it names indexed ones too, that what follows is theirs alone."""
    known = "、".join(ctx.index.bureaus)
    if prepared.lang == "en":
        return (f"The indexed notices include none from {', '.join(prepared.unknown_bureaus)} (indexed: {known})."
                + (f" What follows is from {', '.join(prepared.bureaus)} only: " if prepared.bureaus else ""))
    return (f"已收录的通报中没有“{'、'.join(prepared.unknown_bureaus)}”的通报（已收录：{known}）。"
            + (f"以下只就{'、'.join(prepared.bureaus)}作答：" if prepared.bureaus else ""))


def other_round(ctx: Context, prepared, bureaus) -> str | None:
    """The reason to decline a question about another inspection round's notice than
    those indexed (the notices in scope state their round and none is the one asked
    for; or it asks for an earlier round's notice), else None."""
    asked = asked_round(prepared.text)
    if asked is None:
        return None
    notices = [ctx.index.notices[d] for d in (ctx.docs_in_scope(prepared, bureaus) or ctx.index.notices)]
    rounds = [(n.meta.bureau_label, n.meta.inspection_round) for n in notices if n.meta.inspection_round]
    if asked not in ("previous", "later") and (not rounds or any(asked in r for _, r in rounds)):
        return None  # the notices do not say which round, or one is of that round
    en = prepared.lang == "en"
    said = "; ".join(f"{b}: {r}" for b, r in rounds) if en else "；".join(f"{b}：{r}" for b, r in rounds)
    if asked == "later":
        return ("The indexed notices are the rectification progress notices listed"
                + (f" ({said})" if said else "") + "; none published after them is indexed." if en else
                "已收录的是各单位本轮巡察的整改进展通报" + (f"（{said}）" if said else "") + "，没有在此之后发布的通报。")
    what = ("an earlier round" if asked == "previous" else f"the {asked} round") if en else (
        "上一轮" if asked == "previous" else asked)
    if en:
        return ("The indexed notices report on their own inspection round only"
                + (f" ({said})" if said else "") + f"; none is the notice of {what}.")
    return ("已收录的通报只报告本轮巡察的整改情况" + (f"（{said}）" if said else "")
            + f"，没有{what}巡察的整改通报。")


def asks_whether(ctx: Context, prepared) -> bool:
    """Whether the question asks if any notice, or a named bureau's (Did Henglan use
    drones?), mentions something."""
    if EXISTENCE_RE.search(prepared.text):
        return True
    m = EN_YES_NO.match(prepared.text) if prepared.lang == "en" and prepared.bureaus else None
    return m is not None and any(prepared.text[m.end():a].strip().lower() in ("", "the")
                                 for a, _, _ in ctx.retriever.bureau_spans(prepared.text))


def unseen_terms(ctx: Context, prepared, existence: bool, named: list[str] | None = None) -> list[str]:
    """For a question asking whether any notice mentions something (有没有, 是否, 有哪个
    单位…): its dictionary nouns that no indexed notice contains (a glossary word is
    known), or, asked of ``named`` notices (横栏分局有没有用无人机…), none of those; for
    any other Chinese question, its nouns when no notice contains any of them; for any
    other English question naming no bureau, its words without a term in the glossary
    when they are most of its words (EN_UNKNOWN_SHARE); empty otherwise."""
    if prepared.intent == "meta" or (prepared.intent == "next_steps" and prepared.bureaus):
        return []  # a named bureau's next steps: its notice has them, whatever words ask (告一段落之后)
    docs = tuple(named or ())  # given only for an "is there" question
    if prepared.lang == "en":
        groups = prepared.groups
        if existence:  # words of the asking sentences whose every translation (the glossary's) no notice
            asked = _en_asking(prepared.text)  # uses; not the story before them (We are designing …)
            return [w for w, ts in groups if ts and w.lower() in asked
                    and not any(in_corpus(ctx, t, docs=docs) for t in ts)]
        unknown = [w for w, ts in groups if not ts]
        if prepared.bureaus or len(groups) < 3 or len(unknown) < EN_UNKNOWN_SHARE * len(groups):
            return []
        return unknown
    text = prepared.content or prepared.text
    for name in prepared.unknown_bureaus:  # said by the lead (not_indexed)
        text = text.replace(name, " ")

    def nouns_of(part: str) -> list[str]:
        return [t for t in tokenize(part)
                if len(t) >= 2 and t not in QUESTION_WORDS and t not in PHRASING and is_word(t) and is_noun(t)
                and not COUNT_RE.match(t) and not ZH_ASKING.search(t) and not any(t in k for k in prepared.keys)
                and (existence or word_tag(t) != "nr")  # 车开进 (不让车开进去): a fragment jieba took for a name
                and not (LOCATIVE.fullmatch(t) and word_tag(t) != "n")  # not 邻里 (neighbours), a noun
                and not UNIT_LOCATIVE.fullmatch(t)
                and not t.startswith("类")]  # 这类人: jieba's 类人 names nothing

    asking = asking_clauses(text, last=True)
    if existence and asking.strip() != text.strip("？?！!。 "):
        # the thing asked about: in the asking clause when it names one that a notice uses (…工资低…。
        # 别的单位有没有在留住辅警上想过办法？), else before it (民警下了班干啥都没人知道，有没有单位想出啥招来管？)
        named_there = [t for t in nouns_of(asking) if in_corpus(ctx, t, loose=True, docs=docs)] + [
            k for k in prepared.keys if k in asking and _official_term_used(ctx, k, docs)]  # 分出去: 分流
        at = text.find(asking)  # a sentence ends before it (several asking clauses: between them)
        story = re.search(r"[。！!？?]", text[:at] if at >= 0 else text.replace(asking, " ").strip("？?！!。 "))
        text = asking if named_there and story else text.replace(asking, " ")
    nouns = nouns_of(text)
    words = [t for t in nouns if not in_corpus(ctx, t, loose=True, docs=docs) and not _said_plainly(ctx, t, nouns, docs)]
    keys = [k for k in prepared.keys if is_noun(k) and k in normalize(text)]  # not the story's (孩子 before the asking clause)
    words += [k for k in keys if not _official_term_used(ctx, k, docs)  # 孩子: no notice says 子女
              and not in_corpus(ctx, k, docs=docs)]  # 户籍 (glossed 户政), which the masked notice says itself
    if existence:  # a term the question quotes (“黑飞”), whatever its part of speech
        words += [t for t in QUOTED.findall(text) if not in_corpus(ctx, t, loose=True, docs=docs)]
    words = list(dict.fromkeys(words))
    if not existence and (not words or len(words) < len(set(nouns) | set(keys))
                          or any(set(w) & PHRASE_CHARS for w in words)):
        return []  # any question: declined only when no thing it names is in any notice (世界杯, 冠军)
    words = [w for w in words if not any(w != v and w in v for v in words)]  # 健身 in 健身房
    toks = tokenize(text)  # each named as the question's longest word holding it (人机: 无人机)
    return list(dict.fromkeys(max((t for t in toks if w in t), key=len, default=w) for w in words))


def _en_asking(text: str) -> str:
    """The sentences of an English question that ask (end in a question mark), lower-cased;
    the whole question when none does or all do."""
    sentences = re.findall(r"[^.?!]+[.?!]*", text)
    asking = [x for x in sentences if x.rstrip().endswith("?")]
    return (" ".join(asking) if asking else text).lower()


def _said_plainly(ctx: Context, token: str, nouns: list[str], docs: tuple[str, ...]) -> bool:
    """Whether a noun no notice uses is everyday wording for what the question names: a verb with
    its complement jieba took for a noun (记下), an erhua noun (活儿: 活), or a noun in 子 whose
    stem is in another of the question's nouns that a notice uses (片子 beside 教育片)."""
    if is_verb_complement(token):
        return True
    stem = colloquial_stem(token)
    return bool(stem) and (token.endswith("儿") or any(
        stem in t and t != token and in_corpus(ctx, t, loose=True, docs=docs) for t in nouns))


# A question naming one bureau about what only another bureau's notice reports (横栏分局…船舶油污水
# 偷排, which only 舟山 reports): the named notice's best passage covers under this share of the
# question while another bureau's covers at least OTHER_MIN and this much more. Development part
# and the read probes (questions naming one bureau, Chinese and English): no answerable question
# caught (the closest, e015 0.22 against 0.61, probe-h22-014 0.24 against 0.61); the wrong-bureau
# traps 0.08-0.24 against 0.56-1.0 (0.6 and 0.5 missed 开发区…扫黑除恶, 0.12 against 0.56).
NAMED_MAX_COVERAGE, OTHER_MIN_COVERAGE, OTHER_MARGIN = 0.25, 0.55, 0.4


def other_bureau(ctx: Context, prepared, hits, qvec, svec, conf: Confidence) -> Answer | None:
    """Declined, the reason first: the one bureau a question names has nothing on its topic,
    which another bureau's notice reports; that notice's best sentences follow as possibly
    related. None otherwise (also for metadata, next steps and comparisons)."""
    if len(prepared.bureaus) != 1 or prepared.intent in ("meta", "next_steps", "compare"):
        return None
    covers = ctx.scorer.question_coverage(prepared)
    named = max((covers(h.chunk.text) or 0.0 for h in hits), default=0.0)
    if named >= NAMED_MAX_COVERAGE:
        return None
    others = [b for b in ctx.index.bureaus if b not in prepared.bureaus]
    elsewhere = ctx.retriever.search(prepared, k=5, bureaus=others, qvec=qvec, focus=False)
    best = max(elsewhere, key=lambda h: covers(h.chunk.text) or 0.0, default=None)
    other = 0.0 if best is None else covers(best.chunk.text) or 0.0
    if best is None or other < OTHER_MIN_COVERAGE or other - named < OTHER_MARGIN:
        return None
    cands = ctx.scorer.sentences(prepared, svec, [best])
    where = ctx.index.notices[best.chunk.doc].meta.bureau_label
    lead = (f"The notice of {prepared.bureaus[0]} has nothing on what is asked; the notice of {where} has something "
            f"close, shown below for reference (in Chinese)." if prepared.lang == "en" else
            f"{prepared.bureaus[0]}的通报中没有与所问相符的内容；{where}的通报中有相近的内容，列在下面供参考。")
    return finalize(ctx.index, prepared.text, prepared.lang, True, pick_related(ctx, cands)[:2], conf, lead=lead)


def unseen_lead(ctx: Context, prepared, unseen: list[str], named: list[str], no_term: bool = False) -> str:
    """The reason a question is declined: the ``named`` notices (else every notice) never
    mention the ``unseen`` words; ``no_term``: English words the notices have no term for."""
    whose = "、".join(ctx.index.notices[d].meta.bureau_label for d in named)
    if prepared.lang == "en":
        return (f"The indexed notices use no term for {', '.join(unseen)}; nothing in them answers this question."
                if no_term else f"The notice of {whose} does not mention {', '.join(unseen)}." if named else
                f"None of the indexed notices mentions {', '.join(unseen)}.")
    return f"{whose + '的通报' if named else '已收录的通报都'}没有提到“{'、'.join(unseen)}”，未找到相关整改内容。"


def uncounted(ctx: Context, prepared) -> list[str]:
    """For a figure question, the words of what it counts that no notice uses (多少名在编
    民警: 在编; how many established-post officers: established-post, whose term 在编 no
    notice uses): no notice states that figure. A word inside which a shorter one is
    used does not count (学习材料: 学习, 材料), nor a count word (几轮)."""
    words = ctx.scorer.counted_words(prepared)
    if prepared.lang == "en":
        return [w for w, ts in words if not w.isdigit() and not any(in_corpus(ctx, t) for t in ts)]  # 911 (110)
    toks = [w for w, _ in words if w not in QUESTION_WORDS]  # 多少处不规范的地方: 地方 names nothing
    if prepared.qtype == "figure" and counted_units(prepared.text) == "%":  # 满意率达到百分之多少: the rate
        toks += [t for t in tokenize(asking_clauses(prepared.text)) if len(t) >= 3 and t.endswith("率") and t not in toks]
    known = [u for u in toks if in_corpus(ctx, u) or _official_term_used(ctx, u)]  # 案子: 案件
    return [t for t in toks if t not in known and (t == toks[0] or not (is_verb(t) or is_verb_complement(t)))  # 在编民警; not 拿到, 挪到
            and not any(u != t and u in t and in_corpus(ctx, u) for u in toks)
            and not any(t in u for u in known)]  # 摄像, 像头 of 摄像头 (the glossary's 视频监控)


def _official_term_used(ctx: Context, word: str, docs: tuple[str, ...] = ()) -> bool:
    """Whether some notice (of ``docs``, when given) uses one of the official terms the
    glossary gives for ``word``."""
    return any(in_corpus(ctx, t, docs=docs) for t in expand(word, load_glossary(ctx.retriever.glossary))[0])


def in_corpus(ctx: Context, term: str, loose: bool = False, docs: tuple[str, ...] = ()) -> bool:
    """Whether any notice (of ``docs``, when given) uses ``term`` (as a word, or inside
    one); ``loose``: or its characters in order with at most one between (脏油水 for
    油污水, a plain word shortening the notice's); the scan of the notices' text is
    remembered per term (this answerer's index never changes)."""
    if not docs and term in ctx.index.idf:
        return True
    key = ("~" if loose else "") + term + ("@" + ",".join(docs) if docs else "")
    found = ctx.corpus_terms.get(key)
    if found is None:
        if len(ctx.corpus_terms) >= CORPUS_TERMS_CACHED:
            ctx.corpus_terms.clear()
        pattern = re.compile(".?".join(map(re.escape, term)) if loose else re.escape(term))
        texts = [ctx.index.notices[d].text for d in docs] if docs else [n.text for n in ctx.index.notices.values()]
        found = ctx.corpus_terms[key] = any(pattern.search(t) for t in texts)
    return found


# a question asking for the text of a document a notice only names (《…财务管理规定》的原文条款,
# 《工作要点》具体列了哪几条, the full text of 《…》): no notice holds it
DOCUMENT_TEXT = re.compile(r"(?P<a>《[^》]{2,60}》).{0,20}?(原文|全文|条款|条文|逐条|每一条|哪几条|哪些条|具体(列|规定|写)了?(哪|什么|些)|"
                           r"具体内容|全部内容|都写了(什么|啥|哪些)|(有|列了|包括|规定了)哪(几|些)(条|项|点|要点)|"
                           r"(里|中)的?.{0,20}具体(分值|指标|条款|条文|数值))|"
                           r"(?P<c>[\u4e00-\u9fff]{2,12}(?:方案|规定|办法|细则|实施意见))的?(原文|全文)(在哪|哪里|去哪|从哪|怎么|能不能|可以)|"
                           r"(原文|全文|原件|原稿|original).{0,12}(?P<d>巡察反馈意见|反馈意见|巡察报告|"
                           r"(?<=original )(inspection )?feedback( report)?|(?<=original )inspection report)|"
                           r"(?P<e>巡察反馈意见|巡察报告|inspection feedback)的?\s?(原文|全文|原件|full text)|"
                           r"(原文|全文|条款|条文|full text|exact wording|clauses|articles).{0,30}?(?P<b>《[^》]{2,60}》)", re.I)

# ... asked in English without the title (the actual wording of Henglan's financial management
# rules; canteen rules full text; what exactly does Henglan's circular on scrapping say?)
EN_DOCUMENT_TEXT = re.compile(r"\b(full text|(actual|exact|precise) wording|wording of|verbatim text|text of (the|its|their)\b|"
                              r"what exactly do(es)? .{0,80}\b(rules?|regulations?|circulars?|documents?|procedures?|guidelines?)"
                              r"\b.{0,60} say\b)", re.I)
_TITLE = re.compile(r"《[^》]{2,60}》")
EN_TITLE_SENTENCES = 3  # ... the title: in one of the best sentences


def _english_title(ctx: Context, prepared, cands: list[Candidate]) -> tuple[str, list[Candidate]]:
    """The document an English question asks the text of: the title (not a notice's) among
    the best sentences sharing most characters with the question's Chinese terms."""
    terms = set("".join(prepared.terms))
    best = sorted(cands, key=lambda c: -c.score)[:EN_TITLE_SENTENCES]
    titles = [(t, c) for c in best for t in _TITLE.findall(ctx.sentence(c))
              if not any(t.strip("《》") in (n.meta.title or "") for n in ctx.index.notices.values())]
    if not titles:
        return "", []
    title = max(titles, key=lambda tc: len(set(tc[0]) & terms))[0]
    return title, [c for c in best if title in ctx.sentence(c)]


def document_text(ctx: Context, prepared, cands: list[Candidate], conf: Confidence) -> Answer | None:
    """Declined, the reason first: the question asks for the text of a document the notices
    only name (not a notice itself); the sentences naming it follow as possibly related."""
    m = DOCUMENT_TEXT.search(prepared.text)
    if m is None and prepared.lang == "en" and EN_DOCUMENT_TEXT.search(prepared.text):
        title, named = _english_title(ctx, prepared, cands)
        if not title:
            return None
        return finalize(ctx.index, prepared.text, prepared.lang, True, pick_related(ctx, named), conf,
                        lead=f"The notices only name {title}; they do not contain its text.")
    if m is None:
        return None
    if m.group("d") or m.group("e"):  # the inspectors' feedback itself: the notices only sum it up
        name = m.group("d") or m.group("e")
        return finalize(ctx.index, prepared.text, prepared.lang, True, [], conf, lead=(
            f"The indexed documents are the bureaus' rectification progress notices; they only sum up the inspectors' "
            f"feedback ({name}) and do not contain its original text." if prepared.lang == "en" else
            f"已收录的是各单位的巡察整改进展通报，只概述了{name}，不含其原文。"))
    if m.group("c"):  # a document named in the question's own words, the bureau's name aside (开发区整改方案)
        own = DOCUMENT_TEXT.search(prepared.content or prepared.text)
        name = (own.group("c") if own and own.group("c") else m.group("c")).strip()
        return finalize(ctx.index, prepared.text, prepared.lang, True, [], conf,
                        lead=f"已收录的是各单位的巡察整改进展通报，不含“{name}”的原文。")
    title = m.group("a") or m.group("b")
    if any(title.strip("《》") in (n.meta.title or "") for n in ctx.index.notices.values()):
        return None  # a notice's own title
    named = [c for c in sorted(cands, key=lambda c: -c.score) if title in ctx.sentence(c)]
    lead = (f"The notices only name {title}; they do not contain its text." if prepared.lang == "en" else
            f"通报中只提到了{title}，没有收录该文件的原文或条款" + ("；提到它的原文如下。" if named else "。"))
    return finalize(ctx.index, prepared.text, prepared.lang, True, pick_related(ctx, named), conf, lead=lead)


# the members of a set a notice only counts (七层把关, 10大类非警务事项): 具体是哪七层, what are the
# ten categories; a number of three or more, not 几 (哪几条 asks for a list a notice may give)
_NUMBERS = {"三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "three": 3, "four": 4, "five": 5,
            "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_CHINESE_NUMERALS = {v: k for k, v in _NUMBERS.items() if not k.isascii()}
LIST_OF_N = re.compile(r"哪(?P<zh>\d+|[三四五六七八九十])(?:大)?(?P<unit>层|类|项|条|个方面|方面|种|个环节|环节|步)|"
                       r"\b(?:what|which) (?:are|were) (?:the )?(?P<en>\d+|three|four|five|six|seven|eight|nine|ten|eleven|twelve) "
                       r"(?P<noun>[a-z]+)", re.I)
_ENUMERATION = re.compile(r"[:：]|一是|[（(][一1][）)]|①|1[.、]")


def counted_only(ctx: Context, prepared, cands: list[Candidate], conf: Confidence) -> Answer | None:
    """Declined, the reason first: the question asks which the N members of a set are, and the
    sentence counting them (七层把关) lists none of them; that sentence follows. None otherwise."""
    m = LIST_OF_N.search(prepared.text)
    if m is None:
        return None
    raw = (m.group("zh") or m.group("en")).lower()
    n = int(raw) if raw.isdigit() else _NUMBERS[raw]
    if n < 3:
        return None
    forms = {str(n), _CHINESE_NUMERALS.get(n, str(n))}
    unit = m.group("unit") or ""
    said = re.compile("(" + "|".join(map(re.escape, forms)) + ")(余)?大?" + (re.escape(unit[-1]) if unit else "[\u4e00-\u9fff]"))
    counting = [c for c in sorted(cands, key=lambda c: -c.score) if said.search(ctx.sentence(c))]
    if not counting:
        return None
    best = counting[0]
    text = ctx.index.notices[ctx.index.chunks[best.row].doc].text
    paragraph = text[best.start:best.end + 120].split("\n")[0]  # a list of them would start there
    at = said.search(paragraph)
    if at is None or _ENUMERATION.search(paragraph, at.end()):
        return None  # the sentence (or what follows it in its paragraph) lists them
    tail = re.match(r"(?:(?!的)[\u4e00-\u9fff]){0,4}", paragraph[at.end():])  # 七层 + 把关; 4个方面, not 的问题
    phrase = at.group(0) + (tail.group(0) if tail else "")
    lead = (f"The notice only counts them (“{phrase}”); it does not list them. The sentence that counts them:"
            if prepared.lang == "en" else f"通报中只写了“{phrase}”，没有列出具体是哪些；提到它的原文如下。")
    return finalize(ctx.index, prepared.text, prepared.lang, True, pick_related(ctx, [best]), conf, lead=lead)


def masked_lead(lang: str) -> str:
    """The lead of an answer whose quoted figure the notice masks (观看警示教育片*部)."""
    return ("The notice masks the figure asked for (written as *)." if lang == "en"
            else "通报原文对所问数字作了隐去处理（以“*”代替），未写明具体数值。")


def masked_date(ctx: Context, prepared, stating: list[Candidate], conf: Confidence) -> Answer:
    """Declined, the reason first: the only dates the best sentences give are masked
    (****年*月*日至*月**日); those sentences follow as possibly related."""
    lead = ("The notice masks the date asked for (written with *); it states no date." if prepared.lang == "en"
            else "通报原文对所问日期作了隐去处理（以“*”代替），没有写明具体日期；原文如下。")
    return finalize(ctx.index, prepared.text, prepared.lang, True, pick_related(ctx, stating)[:2], conf, lead=lead)


def not_stated(ctx: Context, prepared, cands: list[Candidate], conf: Confidence, unused: list[str] | None = None) -> Answer:
    """On topic, but the figure, date or name asked for is not stated: say so first
    (and which words of what it counts no notice uses), then the closest passages that
    are on the question's topic."""
    en = prepared.lang == "en"
    what = TYPE_WORDS[prepared.qtype or "figure"][en]
    why = ((f" (no notice uses a term for {', '.join(unused)})" if en else f"（已收录的通报都没有提到“{'、'.join(unused)}”）")
           if unused else "")
    lead = (f"The notices do not state the {what} asked for{why}; the closest passages are below." if en
            else f"通报中没有写明所问的{what}{why}；最接近的原文如下。")
    covers = ctx.scorer.question_coverage(prepared)
    on_topic = [c for c in cands if (covers(ctx.sentence(c)) or 0.0) >= RELATED_MIN_COVERAGE]
    return finalize(ctx.index, prepared.text, prepared.lang, True, pick_related(ctx, on_topic)[:2], conf,
                    lead=lead)
