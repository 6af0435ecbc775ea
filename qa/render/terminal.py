"""Plain text for the command line: answers, precedents, search hits and notices.

Nothing is escaped: a terminal interprets no markup.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from qa.answer.blocks import Block
from qa.answer.result import Answer, Citation, group_by_bureau

if TYPE_CHECKING:
    from qa.answer.precedents import PrecedentItem, PrecedentResult
    from qa.query.retrieval import Hit

SNIPPET_CHARS = 160
NO_PRECEDENTS = "未在已收录的通报中找到与所述问题相近的整改内容。"


def source_where(c: Citation, en: bool = False) -> str:
    """Where a citation comes from: bureau, notice, heading path, line and characters."""
    path = " › ".join(c.section)
    where = f"{c.location} · " if c.location else ""
    if en:
        return f"{c.bureau} · {c.title} · {path} · {where}line {c.line}, chars {c.start}–{c.end} ({c.doc})"
    return f"{c.bureau} ·《{c.title}》· {path} · {where}第 {c.line} 行，字符 {c.start}–{c.end}（{c.doc}）"


def source_line(c: Citation, en: bool = False) -> str:
    """A citation's line under 来源 / Sources: ``[n]`` and where it comes from."""
    return f"[{c.n}] {source_where(c, en)}"


def precedent_where(item: PrecedentItem) -> str:
    """Where a precedent's problem is: file, line and characters."""
    return f"{item.doc} 第 {item.line} 行，字符 {item.start}–{item.end}"


def partial_note(block: Block, cites: list[Citation], en: bool) -> str:
    """What a block quoting only some of a problem's measures, or of a part's items
    (``cites``: the block's citations), says about the rest."""
    shown = sum(c.role != "problem" for c in cites)
    if block.kind == "items":
        return (f"only the {shown} of its {block.of} items on the question's topic" if en
                else f"只引与所问相关的 {shown} 项（该部分共 {block.of} 项）")
    return (f"only the {shown} of its {block.of} measures on the question's topic" if en
            else f"只引与所问相关的 {shown} 项措施（该问题共 {block.of} 项）")


def _quote(c: Citation) -> str:
    return f"  “{c.quote}” [{c.n}]"


def _blocks_text(answer: Answer, en: bool) -> list[str]:
    """Structured answers: a problem with its numbered measures, a part's numbered items,
    or a row per bureau (未提及 when its notice is silent)."""
    out: list[str] = []
    for block, cites in answer.block_citations():
        head = block.bureau if block.kind in ("measures", "row") else f"{block.bureau} · {block.heading}"
        out.append(f"【{head}】")
        if block.of:
            out.append(f"  ({partial_note(block, cites, en)})")
        if block.kind == "row" and not cites:
            out.append("  " + ("not mentioned in its notice" if en else "未提及"))
        for c in cites:
            if c.role == "problem":
                out.append(f"  {'Problem: ' if en else '问题：'}“{c.quote}” [{c.n}]")
            elif c.label:
                out.append(f"  {c.label}. “{c.quote}” [{c.n}]")
            else:
                out.append(_quote(c))
        out.append("")
    return out


def answer_text(answer: Answer) -> str:
    """An answer as ``qa ask`` prints it: summary, lead, quotes by bureau, the possibly
    related passages, the sources and the notes."""
    en = answer.lang == "en"
    out: list[str] = []
    if answer.summary:
        out += [answer.summary, ""]
    out += [answer.lead, ""]
    if answer.blocks:
        out += _blocks_text(answer, en)
    for bureau, cites in group_by_bureau(answer.outside_blocks()):
        out += [f"【{bureau}】", *map(_quote, cites), ""]
    if answer.related():
        out.append("Possibly related:" if en else "可能相关：")
        for bureau, cites in group_by_bureau(answer.related()):
            out += [f"【{bureau}】", *map(_quote, cites)]
        out.append("")
    if answer.citations:
        out.append("Sources:" if en else "来源：")
        out += [source_line(c, en) for c in answer.citations]
    for note in answer.notes:
        out += ["", note]
    return "\n".join(out).rstrip() + "\n"


def precedents_text(result: PrecedentResult) -> str:
    """Precedents as ``qa precedents`` prints them, grouped by bureau."""
    if not result.bureaus:
        return NO_PRECEDENTS + "\n"
    out = [f"与“{result.query}”相近的问题及整改措施（{len(result.bureaus)} 个单位）：", ""]
    for b in result.bureaus:
        out.append(f"【{b.bureau}】")
        for item in b.items:
            out.append(f"问题：{item.problem.text}")
            out.append(f"出处：{' › '.join(item.section)}（{precedent_where(item)}）")
            out += [f"{j}. {m.text} （字符 {m.start}–{m.end}）" for j, m in enumerate(item.measures, start=1)]
            out.append("")
    out += result.notes
    return "\n".join(out).rstrip() + "\n"


def hits_text(hits: list[Hit], line_of: Callable[[str, int], int]) -> str:
    """Ranked retrieval hits as ``qa search`` prints them, three lines each.
    ``line_of(doc, offset)`` gives the line number of an offset in a notice."""
    if not hits:
        return "没有找到匹配的段落。\n"
    out = []
    for h in hits:
        c = h.chunk
        snippet = c.text.replace("\n", " ")
        out.append(f"{h.rank}. [{h.score:.4f}] {c.bureau} › {' › '.join(c.section)}")
        out.append(f"   {c.doc} 第 {line_of(c.doc, c.start)} 行，字符 {c.start}–{c.end}")
        out.append(f"   {snippet[:SNIPPET_CHARS]}{'…' if len(snippet) > SNIPPET_CHARS else ''}")
    return "\n".join(out) + "\n"


def notices_text(rows: list[dict], rejected: Iterable[tuple[str, str]] = ()) -> str:
    """The indexed notices (``Service.notice_list()`` rows), a line each, then the files
    that were not indexed."""
    out = [f"{r['doc']}  {r['bureau']}  {r['inspection_group'] or '—'}  巡察 {r['inspection_period'] or '—'}  "
           f"反馈 {r['feedback_date'] or '—'}  发布 {r['publication_date'] or '—'}  {r['sections']} 节"
           + ("  OCR 识别" if r.get("ocr") else "") for r in rows]
    out += [f"未索引 {doc}：{why}" for doc, why in rejected]
    return "".join(line + "\n" for line in out)
