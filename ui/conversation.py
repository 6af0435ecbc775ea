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
retrieval: the resolved question goes to ``Service.ask`` unchanged. (``ui.handlers``
also limits a follow-up that names an indexed bureau to that bureau, see
:func:`named_bureau`.)
"""
from __future__ import annotations

import re
from collections.abc import Iterable

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
_GENERIC_BUREAU = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:分局|公安局)")


def alias_map(bureaus: Iterable[str]) -> dict[str, str]:
    """Names a user may write for the indexed bureaus -> the bureau label: the full label,
    the part after “公安局” (港口分局) and its shorter tails down to four characters
    (开发区分局). Anonymised labels (with *) have no aliases."""
    out: dict[str, str] = {}
    for label in bureaus:
        name = re.sub(r"（[^）]*）$", "", label or "").strip()
        if not name or "*" in name:
            continue
        out[name] = label
        tail = name.rsplit("公安局", 1)[-1]
        if tail and tail != name:
            for i in range(len(tail) - 3):
                out.setdefault(tail[i:], label)
    return out


def bureau_aliases(bureaus: Iterable[str]) -> list[str]:
    return sorted(alias_map(bureaus), key=len, reverse=True)


def named_bureau(text: str, bureaus: Iterable[str]) -> str | None:
    """The indexed bureau ``text`` names, when it names exactly one."""
    amap = alias_map(bureaus)
    if not amap:
        return None
    rx = re.compile("|".join(re.escape(a) for a in sorted(amap, key=len, reverse=True)))
    found = {amap[m.group()] for m in rx.finditer(text or "")}
    return found.pop() if len(found) == 1 else None


def _mentions(text: str, aliases: list[str]) -> list[re.Match]:
    """Bureau names in ``text``: the indexed ones (longest first); failing those, any
    “…分局/…公安局” of a few characters (a bureau that is not indexed)."""
    if aliases:
        found = list(re.finditer("|".join(re.escape(a) for a in aliases), text))
        if found:
            return found
    return list(_GENERIC_BUREAU.finditer(text))


def is_followup(question: str) -> bool:
    q = question.strip()
    core = _TAIL.sub("", q)
    return bool(FOLLOWUP_START.match(q)) or len(re.sub(r"\W", "", core)) <= SHORT


def resolve_followup(question: str, previous: str | None, bureaus: Iterable[str] = ()) -> str:
    """The question to ask: ``question`` itself, or, when it is a follow-up to
    ``previous`` (the previous question as it was asked), the two combined."""
    q = (question or "").strip()
    prev = (previous or "").strip()
    if not q or not prev or not is_followup(q):
        return q
    aliases = bureau_aliases(bureaus)
    core = _TAIL.sub("", _LEAD.sub("", q, count=1)).strip()
    new = _mentions(core, aliases)
    old = _mentions(prev, aliases)
    if new:
        rest = core[:new[0].start()] + core[new[0].end():]
        rest = _TAIL.sub("", re.sub(r"^[的\s，,]+", "", rest)).strip()
        name = new[0].group()
        olds = {m.group() for m in old}
        if len(olds) == 1:
            swapped = prev.replace(old[0].group(), name)
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
