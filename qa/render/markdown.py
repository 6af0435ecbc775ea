"""Markdown: answers and precedents (the precedent export, the JSON ``answer`` field).

Notice and user text is shown literally: :func:`escape_markdown` escapes what Markdown
would otherwise interpret (emphasis, links, images, inline HTML, code, tables,
strikethrough; headings, block quotes, lists and rules at the start of a line) and
nothing else, so that ``8.规范会议纪要（一）`` stays as it is.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qa.answer.result import Answer, Citation, group_by_bureau
from qa.render.terminal import NO_PRECEDENTS, partial_note, precedent_where, source_where

if TYPE_CHECKING:
    from qa.answer.precedents import PrecedentResult

# Anywhere: backslash, code, emphasis, link and image brackets, HTML and autolinks,
# table cells, strikethrough, an ampersand that would start an entity (&lt; &#60;), and
# a run of underscores unless it is inside a word (000_4fec.txt: it cannot open or close
# emphasis there).
_INLINE = re.compile(r"[\\`*\[\]<>|~]|&(?=#?[0-9A-Za-z]+;)|_+")
# At the start of a line (after up to any spaces or tabs): an ATX heading (# …), a bullet
# (- … or + …), an ordered list item (1. … or 1) …), a setext underline or a rule (===, ---).
# ``>`` and ``*`` are escaped everywhere already.
_LINE_START = re.compile(
    r"^([ \t]*)(?:(#{1,6})(?=[ \t\r]|$)|([-+])(?=[ \t\r]|$)|([-=])(?=[-= \t\r]*$)|(\d{1,9})([.)])(?=[ \t\r]|$))",
    re.M)


def _line_start(m: re.Match) -> str:
    indent, hashes, bullet, rule, number, delim = m.groups()
    if number is not None:
        return f"{indent}{number}\\{delim}"
    return f"{indent}\\{hashes or bullet or rule}"


def _inline(m: re.Match) -> str:
    found, text = m.group(0), m.string
    if found[0] != "_":
        return "\\" + found
    a, b = m.start(), m.end()
    if 0 < a and b < len(text) and text[a - 1].isalnum() and text[b].isalnum():
        return found
    return "\\_" * len(found)


def escape_markdown(text: str) -> str:
    """Notice and user text shown literally in Markdown (no emphasis, links, HTML,
    headings or lists), with a backslash only where Markdown would interpret a character."""
    return _LINE_START.sub(_line_start, _INLINE.sub(_inline, text))


def _quote(c: Citation) -> str:
    return f"> {escape_markdown(c.quote)} [{c.n}]"


def _cell_quote(c: Citation, en: bool) -> str:
    """A quote in a table cell: a problem marked as such, a measure with its number."""
    head = ("Problem: " if en else "问题：") if c.role == "problem" else f"{c.label}. " if c.label else ""
    return f"{head}{escape_markdown(c.quote)} [{c.n}]"


def _blocks_markdown(answer: Answer, en: bool) -> list[str]:
    """Structured answers: a problem with its measures as a numbered list, a part's items,
    or a table with a row per bureau (未提及 when its notice is silent)."""
    esc = escape_markdown
    out: list[str] = []
    rows = [(b, cites) for b, cites in answer.block_citations() if b.kind == "row"]
    if rows:
        out += ["| 单位 | 原文 |" if not en else "| bureau | passage |", "|---|---|"]
        for block, cites in rows:
            cell = " ".join(_cell_quote(c, en) for c in cites).replace("|", "\\|").replace("\n", " ")
            out.append(f"| {esc(block.bureau)} | {cell or ('not mentioned' if en else '未提及')} |")
        out.append("")
    for block, cites in answer.block_citations():
        if block.kind == "row":
            continue
        head = block.bureau if block.kind == "measures" else f"{block.bureau} · {block.heading}"
        out.append(f"**{esc(head)}**")
        if block.of:
            out.append(f"*{esc(partial_note(block, cites, en))}*")
            out.append("")
        for c in cites:
            if c.role == "problem":
                out.append(f"> {'Problem: ' if en else '问题：'}{esc(c.quote)} [{c.n}]")
                out.append("")
            else:
                out.append(f"{c.label}. {esc(c.quote)} [{c.n}]")
        out.append("")
    return out


def answer_markdown(answer: Answer) -> str:
    """An answer: summary, lead, quotes by bureau (block quotes with their [n]), the
    possibly related passages, the sources and the notes."""
    esc = escape_markdown
    en = answer.lang == "en"
    out: list[str] = []
    if answer.summary:
        out += [("**Summary** " if en else "**概述** ") + esc(answer.summary), ""]
    out += [esc(answer.lead), ""]
    if answer.blocks:
        out += _blocks_markdown(answer, en)
    for bureau, cites in group_by_bureau(answer.outside_blocks()):
        out += [f"**{esc(bureau)}**", *map(_quote, cites), ""]
    if answer.related():
        out.append("**Possibly related**" if en else "**可能相关**")
        for bureau, cites in group_by_bureau(answer.related()):
            out += [f"*{esc(bureau)}*", *map(_quote, cites)]
        out.append("")
    if answer.citations:
        out.append("**Sources**" if en else "**来源**")
        out += [f"[{c.n}] {esc(source_where(c, en))}  " for c in answer.citations]
    for note in answer.notes:
        out += ["", f"*{esc(note)}*"]
    return "\n".join(out).rstrip() + "\n"


def precedents_markdown(result: PrecedentResult) -> str:
    """Precedents: a ``##`` section per bureau, each problem with its location and its
    measures as a numbered list."""
    esc = escape_markdown
    if not result.bureaus:
        return NO_PRECEDENTS + "\n"
    out = [f"与“{esc(result.query)}”相近的问题及整改措施（{len(result.bureaus)} 个单位）：", ""]
    for b in result.bureaus:
        out.append(f"## {esc(b.bureau)}")
        for item in b.items:
            out.append(f"问题：{esc(item.problem.text)}")
            out.append(f"出处：{esc(' › '.join(item.section))}（{esc(precedent_where(item))}）")
            out += [f"{j}. {esc(m.text)} （字符 {m.start}–{m.end}）" for j, m in enumerate(item.measures, start=1)]
            out.append("")
    out += [esc(note) for note in result.notes]
    return "\n".join(out).rstrip() + "\n"
