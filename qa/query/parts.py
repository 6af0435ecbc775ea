"""A question that asks for a notice's metadata and something else at once (匿名分局的巡察是
什么时间开展的？巡察组反馈了多少问题？): its parts, each a question on its own.

The metadata part is answered from the extracted fields, the rest as any question; asked
whole, the question would get neither (a metadata answer holds only fields, and the rest
of the question drowns the fields' words). A question is split only where it ends a part
with a question mark, every part asks, and no later part refers back to an earlier one
(分别是什么时候？ 各自怎么规定？ 具体是怎么做的？ answer what the first part asked, so the
question is answered whole).
"""
from __future__ import annotations

import re

from qa.query.intent import EN_ASKING, ZH_ASKING, asked_fields
from qa.text import is_chinese

MAX_PARTS = 4
_END = re.compile(r"(?<=[？?])")
_YES_NO = re.compile(r"\b(is|are|was|were|did|does|do|has|have)\b", re.I)  # an English part asking yes or no
# words by which a part refers back to what an earlier one asked about
_DEPENDENT = re.compile(r"分别|各自|各是|具体|其中|这些|那些|这个|那个|这项|该|其(?![他它])|它|他们|她们|别的|其他|其它|哪些方面|"
                        r"什么情况|怎么(做|弄|办|搞)的|\b(it|they|them|those|these|each|"
                        r"respectively|other|others|else)\b", re.I)


# a part asked only if the one before it is answered yes (有没有写公开期限？如果有，是从哪天到哪天？)
_CONDITIONAL = re.compile(r"^\s*(如果|若|如|要是|假如|倘若)(有|是|写了|给了|提到了?)的?话?[，,]?|^\s*if (so|yes|any|they did|it does|there (is|are|was|were))\b", re.I)


def is_conditional(part: str) -> bool:
    """Whether ``part`` asks only when the part before it is answered yes."""
    return bool(_CONDITIONAL.search(part))


def _asks(part: str) -> bool:
    if is_chinese(part):
        return bool(ZH_ASKING.search(part))
    return bool(EN_ASKING.search(part) or _YES_NO.search(part))


def question_parts(question: str) -> list[str]:
    """The parts of a question that asks for metadata fields and for something else, each
    on its own; empty for any other question."""
    parts = [p.strip() for p in _END.split(question.strip()) if p.strip()]
    if not 2 <= len(parts) <= MAX_PARTS or not all(p[-1] in "？?" and _asks(p) for p in parts):
        return []
    if any(_DEPENDENT.search(p) for p in parts[1:]):
        return []
    fields = [fields_only(p) for p in parts]
    return parts if any(fields) and not all(fields) else []


def fields_only(part: str) -> bool:
    """Whether a part asks for metadata fields and nothing else."""
    fields, other = asked_fields(part)
    return bool(fields) and not other
