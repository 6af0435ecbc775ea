"""Follow-up questions in the chat.

The assistant is extractive and stateless: ``Service.ask`` sees one question. A
follow-up such as “那横栏分局呢？” or “它们的整改措施呢？” means nothing on its own, so
before asking, the chat resolves it against the previous question:

* a follow-up naming another bureau, and nothing else, takes the previous question
  with that bureau swapped in (港口分局怎样整改饭堂食材采购问题？ + 那横栏分局呢？ ->
  横栏分局怎样整改饭堂食材采购问题？; How did Gangkou… + What about Henglan?);
* an item of the previous answer (第二条具体怎么做的？, And the second item?) is that item;
* a follow-up naming a topic the previous question does not have, after a question about
  how a named bureau rectified something, asks that bureau about the new topic
  (港口分局是怎么整改饭堂…的？ + 那涉案财物管理呢？ -> 港口分局是怎么整改涉案财物管理问题的？);
* another metadata field of the same notices replaces the field (横栏的巡察组是哪个？ +
  反馈日期呢？ -> 横栏的反馈日期？);
* any other follow-up is appended to the previous question (… + 它们的整改措施呢？ ->
  “<previous>，整改措施”), so that retrieval sees both.

A question is a follow-up when it starts with a linking word (那/那么/还有/另外/它们/
这些/其中/上述…, or “what about”, “and”, “the”, “it/they”…) or is short (at most
``SHORT`` characters once punctuation is stripped). This is conversation handling, not
retrieval: the resolved question goes to ``Service.ask`` unchanged. Bureau names are
found by a finder the caller passes (the retriever's, which also reads English names), or
with the index's own aliases (qa.query.bureaus). (``ui.handlers`` also limits a follow-up
that names an indexed bureau to that bureau, see :func:`named_bureau`.)
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from qa.ingest.structure import cn_ordinal
from qa.query.bureaus import spans
from qa.query.intent import WHICH_BUREAUS, asked_fields, asks_measures, question_intent
from qa.text import is_chinese, tokenize

SHORT = 8
FOLLOWUP_START = re.compile(
    r"^(?:那么|那|还有|另外|此外|以及|而且|并且|再|它们|它|他们|她们|其中|这些|那些|这个|那个|这家|那家|"
    r"这方面|上述|前述|该|其|对应的?|相应的?|同样|也)"
    r"|^(?:what about|how about|and what about|and|also|then|the|what of|it|its|they|their|them|those|these)\b",
    re.I)
# stripped from the start of a follow-up before it is combined (the words that only link)
_LEAD = re.compile(r"^(?:那么|那|还有|另外|此外|以及|而且|并且|再|what about|how about|and what about|and|also|"
                   r"then|what of)\s*[，,、]?\s*", re.I)
_REFER = re.compile(r"^(?:它们|它|他们|她们|这些|那些|上述|前述|该单位|其(?![他它]))(?:的)?", re.I)
# the words around an English bureau name (the Zhoushan municipal bureau)
_EN_NAME_WORDS = re.compile(r"\b(the|its|their|municipal|city|police|public security|sub-bureau|bureau|branch|"
                            r"office|department|one|of)\b", re.I)
# the words of a follow-up that ask rather than name a topic
_HOW = r"整改|措施|举措|做法|办法|情况|具体|怎么|如何|怎样|呢|吗|呀|啊|吧"  # only ask how
_ZH_ONLY_ASKS = re.compile(f"(?:{_HOW})+")
_ZH_ASKING_WORDS = re.compile(r"(的)?(" + _HOW + r"|问题|方面|工作|内容|"
                              r"其他|其它|别的|各个?|单位|分局|地方|"  # and other bureaus: rows, no topic
                              r"时间|节点|时限|期限|进度|进展|效果|成效|结果|完成|责任人|负责人|多少|几)+")  # an aspect of it
_EN_ASKING_WORDS = re.compile(r"\b(what|how|about|on|of|its|their|the|did|do|does|they|it|more|else|measures?|steps?|"
                              r"actions?|details?|problems?|issues?|side|regarding|concerning|for|with|in|other|others|"
                              r"bureaus?|branch(es)?|elsewhere|when|who|timeline|deadline|progress|results?|outcomes?|"
                              r"effects?|responsible|how many|how much)\b", re.I)
_TAIL = re.compile(r"[\s?？。.!！,，、；;：:呢吗呀啊吧]+$")


@dataclass(frozen=True)
class Exchange:
    """A previous question of the conversation, as it was understood."""
    asked: str
    scope: tuple[str, ...] = ()  # the bureaus it was limited to


@dataclass(frozen=True)
class Understood:
    asked: str  # the question to answer
    scope: tuple[str, ...] = ()  # bureaus a follow-up is limited to (when the user set no filter)
    item: int | None = None  # “第二条具体怎么做的？”: the n-th item of the previous answer

    def is_followup(self, question: str) -> bool:
        return self.asked != question or self.item is not None


_ITEM = re.compile(r"^(?:那|那么)?(?:其中)?第([一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九]|\d{1,2})"
                   r"(?:条|项|点|个措施|项措施|个问题|个)|"
                   r"^(?:and |so |what about |how about |tell me more about |more on )?(?:the )?"
                   r"(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d{1,2}(?:st|nd|rd|th))"
                   r" (?:item|measure|point|step|one|problem|issue)\b|"
                   r"^(?:and |what about |how about )?(?:item|measure|point|problem|issue) (?:no\.? ?)?(\d{1,2})\b", re.I)
_NUM = {w: i for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split(), start=1)}


# Where a text names bureaus: (start, end, indexed labels), as qa.query.bureaus.spans gives
# them for the index's aliases; the retriever's finder also reads English (What about Henglan?)
Spans = Callable[[str], list[tuple[int, int, list[str]]]]


def _finder(names: Spans | dict | None) -> Spans:
    """``names``: a finder, or the index's bureau aliases (Chinese names only)."""
    if callable(names):
        return names
    table = names or {}
    return lambda text: spans(text, table)


def understand(question: str, history: list[Exchange] | None, names: Spans | dict | None = None) -> Understood:
    """``question`` resolved against the conversation: a bureau swapped in (limited to
    that bureau), an item of the previous answer asked for, or the previous question
    continued; otherwise the question itself. ``names`` finds the bureaus a text names."""
    q = (question or "").strip()
    prev = history[-1] if history else None
    if prev is None:
        return Understood(q)
    m = _ITEM.match(q)
    if m:
        said = next(g for g in m.groups() if g).lower()
        n = _NUM.get(said) or cn_ordinal(said) or int(re.sub(r"\D", "", said))
        return Understood(prev.asked, prev.scope, n)
    asked = resolve_followup(q, prev.asked, names)
    if asked == q:
        return Understood(q)
    named = named_bureau(q, names)
    return Understood(asked, (named,) if named else prev.scope)


def named_bureau(text: str, names: Spans | dict | None) -> str | None:
    """The indexed bureau ``text`` names, when it names exactly one (``names``: a finder, or
    the index's bureau aliases, see qa.query.bureaus)."""
    found = {lb for _, _, labels in _finder(names)(text or "") for lb in labels}
    return found.pop() if len(found) == 1 else None


def _new_topic(core: str, previous: str) -> str:
    """What a follow-up is about when the previous question is not (涉案财物管理 in 那涉案财物管理呢？,
    case property in What about case property?): its words beyond asking, none of which the
    previous question has; '' for one that asks more of the same (整改措施呢？ 还有呢？)."""
    if is_chinese(core):
        topic = _ZH_ASKING_WORDS.sub("", core).strip("的，, ")
        words = [t for t in tokenize(topic) if len(t) >= 2]
        fresh = words and not any(t in previous for t in words)
    else:
        topic = re.sub(r"\s+", " ", _EN_ASKING_WORDS.sub(" ", core)).strip(" ,?")
        words = [w for w in re.findall(r"[a-z][a-z'-]+", topic.lower()) if len(w) > 2]
        fresh = words and not any(w in previous.lower() for w in words)
    return topic if fresh else ""


def is_followup(question: str) -> bool:
    q = question.strip()
    core = _TAIL.sub("", q)
    return bool(FOLLOWUP_START.match(q)) or len(re.sub(r"\W", "", core)) <= SHORT


def _names_and_only_asks(question: str, find: Spans) -> bool:
    """A question that names bureaus and otherwise only asks (港口分局具体怎么做的？): it asks
    about the previous question's topic."""
    found = find(question)
    if not found or not is_chinese(question):
        return False
    rest = question
    for a, b, _ in sorted(found, reverse=True):
        rest = rest[:a] + rest[b:]
    return not re.sub(r"[做干搞弄改办了的是呢吗\W]", "", _ZH_ONLY_ASKS.sub("", rest))


def resolve_followup(question: str, previous: str | None, names: Spans | dict | None = None) -> str:
    """The question to ask: ``question`` itself, or, when it is a follow-up to
    ``previous`` (the previous question as it was asked), the two combined. ``names``: a
    finder of the bureaus a text names, or the index's bureau aliases (qa.query.bureaus)."""
    q = (question or "").strip()
    prev = (previous or "").strip()
    if not q or not prev:
        return q
    find = _finder(names)
    core = _TAIL.sub("", _LEAD.sub("", q, count=1)).strip()
    only_asks = _names_and_only_asks(core, find)  # 港口分局具体怎么做的？: the previous topic, that bureau
    if not (is_followup(q) or only_asks):
        return q
    new = find(core)
    old = find(prev)
    if new and not old and is_chinese(prev):  # 哪些单位提到了警示教育？ + 港口分局具体怎么做的？: that bureau's
        prev = WHICH_BUREAUS.sub("", prev).lstrip("的，, ") or prev
    if new:
        s0, e0, _ = new[0]
        rest = core[:s0] + core[e0:]
        rest = _TAIL.sub("", re.sub(r"^[的\s，,]+", "", rest)).strip()
        if asks_measures(prev) and only_asks:  # 横栏分局是怎么做的？: asked already
            rest = ""
        if not is_chinese(core):  # And the Zhoushan bureau?: nothing but the name
            rest = re.sub(r"\s+", " ", _EN_NAME_WORDS.sub(" ", re.sub(r"^'s\b", "", rest))).strip(" ,")
        name = core[s0:e0]
        olds = {prev[a:b] for a, b, _ in old}
        if len(olds) == 1:
            swapped = prev.replace(olds.pop(), name)
        elif not olds:
            swapped = name + prev
        else:
            swapped = None
        if swapped is not None and swapped != prev:
            if not rest:
                return swapped
            return f"{_TAIL.sub('', swapped)}{'，' if is_chinese(swapped) else ', '}{rest}"
    core = _REFER.sub("", core).lstrip("的，, ").strip() or core
    if not core:
        return prev
    topic = _new_topic(core, prev)
    if old and topic and question_intent(prev, len(old)) == "measures":  # 港口分局是怎么整改饭堂…的？ + 那涉案财物
        # 管理呢？: the same bureau, another problem
        named = "、".join(dict.fromkeys(prev[a:b] for a, b, _ in old))
        return f"{named}是怎么整改{topic}问题的？" if is_chinese(core) else f"How did {named} deal with {topic}?"
    if old and asked_fields(core)[0] and asked_fields(prev)[0]:  # 港口分局的巡察组是哪个？ + 反馈日期呢？:
        # another field of the same notices, not both
        named = "、".join(dict.fromkeys(prev[a:b] for a, b, _ in old))
        return f"{named}的{core}？" if is_chinese(core) else f"{core} of {named}?"
    return f"{_TAIL.sub('', prev)}{'，' if is_chinese(prev) else ', '}{core}"
