"""The verbatim check every quote goes through before it is shown: it must be the exact
text of the cited notice at the cited offsets."""
from __future__ import annotations

from qa.index.store import LoadedIndex


class QuoteError(ValueError):
    pass


def check_quote(index: LoadedIndex, doc: str, start: int, end: int, quote: str) -> None:
    notice = index.notices.get(doc)
    if notice is None:
        raise QuoteError(f"引文出处 {doc} 不在索引中")
    if not (0 <= start < end <= len(notice.text)):
        raise QuoteError(f"引文位置 {start}–{end} 超出 {doc} 的范围")
    if notice.text[start:end] != quote:
        raise QuoteError(f"引文与 {doc} 第 {start}–{end} 字符处的原文不一致")
    if not quote.strip():
        raise QuoteError("引文为空")


def is_verbatim(index: LoadedIndex, doc: str, start: int, end: int, quote: str) -> bool:
    try:
        check_quote(index, doc, start, end, quote)
    except QuoteError:
        return False
    return True
