"""Follow-up questions in the chat.

The assistant is extractive and stateless: ``Service.ask`` sees one question. A
follow-up such as “那横栏分局呢？” or “它们的整改措施呢？” means nothing on its own, so
before asking, the chat resolves it against the previous question:

* a follow-up naming another bureau, and nothing else, takes the previous question
  with that bureau swapped in (港口分局怎样整改饭堂食材采购问题？ + 那横栏分局呢？ ->
  横栏分局怎样整改饭堂食材采购问题？);
* any other follow-up is appended to the previous question (… + 它们的整改措施呢？ ->
  “<previous>，整改措施”), so that retrieval sees both.

A question is a follow-up when it starts with a linking word (那/那么/还有/另外/它们/
这些/其中/上述…, or “what about”, “and”, “the”, “it/they”…) or is short (at most
``SHORT`` characters once punctuation is stripped). This is conversation handling, not
retrieval: the resolved question goes to ``Service.ask`` unchanged. Bureau names are
recognised with the index's own aliases (qa.query.bureaus). (``ui.handlers`` also limits a
follow-up that names an indexed bureau to that bureau, see :func:`named_bureau`.)
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from qa.query.bureaus import spans

SHORT = 8
FOLLOWUP_START = re.compile(
    r"^(?:那么|那|还有|另外|此外|以及|而且|并且|再|它们|它|他们|她们|其中|这些|那些|这个|那个|这家|那家|"
    r"这方面|上述|前述|该|其|对应的?|相应的?|同样|也)"
    r"|^(?:what about|how about|and what about|and|also|then|the|what of|it|its|they|their|them|those|these)\b",
    re.I)
# stripped from the start of a follow-up before it is combined (the words that only link)
_LEAD = re.compile(r"^(?:那么|那|还有|另外|此外|以及|而且|并且|再|what about|how about|and what about|and|also|"
                   r"then|what of)\s*[，,、]?\s*", re.I)
_REFER = re.compile(r"^(?:它们|它|他们|她们|这些|那些|上述|前述|该单位|其)(?:的)?", re.I)
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


_ITEM = re.compile(r"^(?:那|那么)?(?:其中)?第([一二三四五六七八九十]|\d{1,2})(?:条|项|点|个措施|项措施)")
_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def understand(question: str, history: list[Exchange] | None, table: dict | None = None) -> Understood:
    """``question`` resolved against the conversation: a bureau swapped in (limited to
    that bureau), an item of the previous answer asked for, or the previous question
    continued; otherwise the question itself."""
    q = (question or "").strip()
    prev = history[-1] if history else None
    if prev is None:
        return Understood(q)
    m = _ITEM.match(q)
    if m:
        n = _NUM.get(m.group(1)) or int(m.group(1))
        return Understood(prev.asked, prev.scope, n)
    asked = resolve_followup(q, prev.asked, table)
    if asked == q:
        return Understood(q)
    named = named_bureau(q, table or {})
    return Understood(asked, (named,) if named else prev.scope)


def named_bureau(text: str, table: dict) -> str | None:
    """The indexed bureau ``text`` names, when it names exactly one (``table``: the index's
    bureau aliases, see qa.query.bureaus)."""
    found = {lb for _, _, labels in spans(text or "", table) for lb in labels}
    return found.pop() if len(found) == 1 else None


def is_followup(question: str) -> bool:
    q = question.strip()
    core = _TAIL.sub("", q)
    return bool(FOLLOWUP_START.match(q)) or len(re.sub(r"\W", "", core)) <= SHORT


def resolve_followup(question: str, previous: str | None, table: dict | None = None) -> str:
    """The question to ask: ``question`` itself, or, when it is a follow-up to
    ``previous`` (the previous question as it was asked), the two combined. ``table``: the
    index's bureau aliases (qa.query.bureaus), to recognise the bureaus the two name."""
    q = (question or "").strip()
    prev = (previous or "").strip()
    if not q or not prev or not is_followup(q):
        return q
    table = table or {}
    core = _TAIL.sub("", _LEAD.sub("", q, count=1)).strip()
    new = spans(core, table)
    old = spans(prev, table)
    if new:
        s0, e0, _ = new[0]
        rest = core[:s0] + core[e0:]
        rest = _TAIL.sub("", re.sub(r"^[的\s，,]+", "", rest)).strip()
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
            return f"{_TAIL.sub('', swapped)}，{rest}"
    core = _REFER.sub("", core).lstrip("的，, ").strip() or core
    if not core:
        return prev
    return f"{_TAIL.sub('', prev)}，{core}"
