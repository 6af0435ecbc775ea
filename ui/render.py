"""HTML for the web interface: answers, sources, precedent tables, retrieval hits,
notices.

Safety rule: every piece of user or notice text goes through :func:`esc` (``html.escape``)
before it is put into markup, and nothing here is ever rendered as Markdown. A notice
containing ``<script>``, ``<img onerror=…>`` or ``[x](javascript:…)`` is therefore shown
as those characters. The only markup is the fixed tags and classes written below;
attribute values are escaped too.
"""
from __future__ import annotations

import html
from collections.abc import Callable, Iterable

from qa.answer.compose import Answer, Citation, group_by_bureau
from qa.answer.precedents import PrecedentResult
from qa.ingest.notices import Notice
from qa.ingest.structure import KIND_LABELS
from qa.query.retrieval import Hit

# Sections longer than this are shown as an excerpt around the quotes (the whole notice
# is one click away in the 通报 tab).
SECTION_MAX_CHARS = 3000
EXCERPT_MARGIN = 700
SNIPPET_CHARS = 90
PATH_PART_CHARS = 36


def esc(text: object) -> str:
    """Text -> HTML text (also safe inside double-quoted attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def path_html(section: Iterable[str]) -> str:
    """A heading path; a heading that runs on into body text is shortened (in full on hover)."""
    parts = [f'<span class="qa-path-part" title="{esc(p)}">{esc(p[:PATH_PART_CHARS])}…</span>'
             if len(p) > PATH_PART_CHARS + 1 else f'<span class="qa-path-part">{esc(p)}</span>' for p in section]
    return '<span class="qa-path-sep"> › </span>'.join(parts) or '<span class="qa-muted">（无标题）</span>'


def message(text: str, kind: str = "info") -> str:
    """A short status or error box (``kind``: info, error, empty)."""
    return f'<div class="qa-msg qa-msg-{esc(kind)}">{esc(text)}</div>'


def busy(text: str = "正在检索通报并逐字核对引文……") -> str:
    return f'<div class="qa-busy" role="status"><span class="qa-spinner"></span>{esc(text)}</div>'


# ----------------------------------------------------------------- chat and sources

def _marker(n: int) -> str:
    return f'<span class="qa-n">[{n}]</span>'


def user_html(question: str) -> str:
    return f'<div class="qa-user">{esc(question)}</div>'


def answer_html(answer: Answer, question: str | None = None, scope: list[str] | None = None) -> str:
    """One answer in the chat: the lead, the quotes grouped by bureau, each with its [n]
    marker, then the possibly related passages and notes. ``question`` is what the user
    typed; when the asked question differs (a resolved follow-up) it is shown, with the
    bureaus the follow-up was limited to (``scope``)."""
    out = ['<div class="qa-answer">']
    if question is not None and question.strip() != answer.question.strip():
        only = f"（只查：{esc('、'.join(scope))}）" if scope else ""
        out.append(f'<div class="qa-resolved">已结合上一问理解为：{esc(answer.question)}{only}</div>')
    if answer.summary:
        out.append(f'<div class="qa-summary"><b>概述</b> {esc(answer.summary)}</div>')
    lead_cls = "qa-lead qa-abstain" if answer.abstained else "qa-lead"
    out.append(f'<p class="{lead_cls}">{esc(answer.lead)}</p>')
    for bureau, cites in group_by_bureau(answer.evidence()):
        out.append(f'<div class="qa-group"><div class="qa-bureau">{esc(bureau)}</div>')
        for c in cites:
            out.append(f'<blockquote class="qa-quote">{esc(c.quote)} {_marker(c.n)}</blockquote>')
        out.append("</div>")
    if answer.related():
        out.append('<div class="qa-related"><div class="qa-related-h">可能相关（未达到作答阈值，仅供参考）</div>')
        for bureau, cites in group_by_bureau(answer.related()):
            out.append(f'<div class="qa-bureau qa-bureau-minor">{esc(bureau)}</div>')
            for c in cites:
                out.append(f'<blockquote class="qa-quote qa-quote-minor">{esc(c.quote)} {_marker(c.n)}</blockquote>')
        out.append("</div>")
    for note in answer.notes:
        out.append(f'<div class="qa-note">{esc(note)}</div>')
    if answer.citations:
        out.append('<div class="qa-foot">引文均已与通报原文逐字核对；各条出处及所在章节全文见右侧“来源”。</div>')
    out.append("</div>")
    return "".join(out)


def highlight(text: str, base: int, spans: list[tuple[int, int, int]]) -> str:
    """``text`` (which starts at offset ``base`` of its notice) escaped, with the spans
    ``(start, end, n)`` (notice offsets) marked and followed by their ``[n]``."""
    out, pos = [], 0
    for start, end, n in sorted(spans):
        s, e = max(start - base, pos), min(end - base, len(text))
        if e <= s:
            continue
        out.append(esc(text[pos:s]))
        out.append(f'<mark class="qa-hl">{esc(text[s:e])}</mark><sup class="qa-n">[{n}]</sup>')
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


def _section_window(notice_text: str, start: int, end: int, spans: list[tuple[int, int, int]]) -> tuple[int, int, bool]:
    """The part of a section to show: all of it, or, for a long one, the quotes with some
    context either side."""
    lo = min([start] + [s for s, _, _ in spans])
    hi = max([end] + [e for _, e, _ in spans])
    if hi - lo <= SECTION_MAX_CHARS:
        return lo, hi, False
    first = min(s for s, _, _ in spans)
    last = max(e for _, e, _ in spans)
    a = max(lo, first - EXCERPT_MARGIN)
    b = min(hi, last + EXCERPT_MARGIN)
    # start and end on line boundaries where possible
    nl = notice_text.rfind("\n", lo, a)
    a = nl + 1 if nl >= 0 else a
    nl = notice_text.find("\n", b, hi)
    b = nl if nl >= 0 else b
    return a, b, True


def sources_html(answer: Answer, notice_of: Callable[[str], Notice], heading: str | None = None) -> str:
    """The sources panel for one answer: for each cited section the bureau, notice title,
    heading path, location and the whole section with the quoted sentences highlighted."""
    out = ['<div class="qa-sources">']
    if heading:
        out.append(f'<div class="qa-src-h">{esc(heading)}</div>')
    if not answer.citations:
        out.append(message("本回答没有引文。", "empty"))
        out.append("</div>")
        return "".join(out)
    groups: dict[tuple[str, int, int, str], list[Citation]] = {}
    for c in answer.citations:
        groups.setdefault((c.doc, c.section_start, c.section_end, c.role), []).append(c)
    shown_related_h = False
    for (doc, sec_start, sec_end, role), cites in groups.items():
        if role == "related" and not shown_related_h:
            out.append('<div class="qa-src-divider">可能相关</div>')
            shown_related_h = True
        first = cites[0]
        notice = notice_of(doc)
        spans = [(c.start, c.end, c.n) for c in cites]
        a, b, excerpt = _section_window(notice.text, sec_start, sec_end, spans)
        while a < b and notice.text[a] in "\r\n":
            a += 1
        while b > a and notice.text[b - 1] in "\r\n":
            b -= 1
        body = highlight(notice.text[a:b], a, spans)
        markers = "".join(_marker(c.n) for c in cites)
        lines = "、".join(str(n) for n in sorted({c.line for c in cites}))
        out.append(f'<div class="qa-src{" qa-src-related" if role == "related" else ""}" data-doc="{esc(doc)}">')
        out.append(f'<div class="qa-src-top">{markers}<span class="qa-src-bureau">{esc(first.bureau)}</span>'
                   f'<span class="qa-kind">{esc(kind_label(first.kind))}</span></div>')
        out.append(f'<div class="qa-src-title">《{esc(first.title)}》</div>')
        out.append(f'<div class="qa-src-path">{path_html(first.section)}</div>')
        out.append(f'<div class="qa-src-meta">{esc(doc)} · 第 {esc(lines)} 行 · 章节字符 {sec_start}–{sec_end}'
                   f'{" · 节选（章节较长，全文见“通报”页）" if excerpt else ""}</div>')
        out.append(f'<div class="qa-src-text">{body}</div></div>')
    out.append("</div>")
    return "".join(out)


def sources_placeholder() -> str:
    return ('<div class="qa-sources"><div class="qa-src-h">来源</div>'
            + message("提问后，这里列出每条引文 [n] 的单位、通报标题、章节路径，以及所在章节的全文（引文高亮）。", "empty")
            + "</div>")


# ----------------------------------------------------------------------- precedents

def precedents_html(result: PrecedentResult, line_of: Callable[[str, int], int]) -> str:
    """Precedent search results grouped by bureau: a table per bureau with the problem as
    the notice states it and its measures as a numbered list, each with its citation."""
    if not result.bureaus:
        return message("未在已收录的通报中找到与所述问题相近的整改内容。换一种说法，或描述得更具体些再试。", "empty")
    n_items = sum(len(b.items) for b in result.bureaus)
    out = ['<div class="qa-prec">',
           f'<div class="qa-prec-h">与“{esc(result.query)}”相近的问题：{len(result.bureaus)} 个单位，{n_items} 个问题'
           '（按相关度排序；问题与措施均为通报原文，已逐字核对）</div>']
    ref = 0
    for b in result.bureaus:
        out.append(f'<section class="qa-prec-bureau"><h3 class="qa-prec-b">{esc(b.bureau)}</h3>')
        out.append('<table class="qa-table qa-prec-table"><thead><tr><th class="qa-col-n">#</th>'
                   '<th class="qa-col-prob">通报所述问题</th><th>整改措施（原文）</th></tr></thead><tbody>')
        for item in b.items:
            ref += 1
            p = item.problem
            # the heading path above the problem (the problem is often the last heading itself)
            path = list(item.section)
            if path and path[-1].strip() == p.text.strip():
                path = path[:-1]
            where = (f'<div class="qa-cite">〔{ref}〕{esc(item.doc)} · 第 {line_of(item.doc, p.start)} 行 · '
                     f'字符 {p.start}–{p.end}</div>'
                     + (f'<div class="qa-src-path qa-small">{path_html(path)}</div>' if path else ""))
            if item.measures:
                ms = "".join(f'<li>{esc(m.text)}<span class="qa-cite">〔{ref}.{j}〕第 {line_of(item.doc, m.start)} 行 · '
                             f'字符 {m.start}–{m.end}</span></li>' for j, m in enumerate(item.measures, start=1))
                measures = f'<ol class="qa-measures">{ms}</ol>'
            else:
                measures = '<span class="qa-muted">通报在此问题下未列出单独的措施条目。</span>'
            out.append(f'<tr><td class="qa-col-n">{ref}</td><td class="qa-prob">{esc(p.text)}{where}</td>'
                       f'<td>{measures}</td></tr>')
        out.append("</tbody></table></section>")
    for note in result.notes:
        out.append(f'<div class="qa-note">{esc(note)}</div>')
    out.append("</div>")
    return "".join(out)


# -------------------------------------------------------------------- retrieval test

def _score(x: float | None, rank: int | None = None) -> str:
    if x is None:
        return '<span class="qa-muted">—</span>'
    r = f'<span class="qa-rank">#{rank}</span>' if rank is not None else ""
    return f"{x:.4f}{r}"


def hits_html(hits: list[Hit], query: str, mode: str, settings_line: str, line_of: Callable[[str, int], int],
              seconds: float | None = None) -> str:
    """Ranked chunks with their fused, BM25 and dense scores and heading paths."""
    took = f"，用时 {seconds * 1000:.0f} ms" if seconds is not None else ""
    head = (f'<div class="qa-hits-h">“{esc(query)}”：{len(hits)} 个分块（{esc(mode)}{took}）</div>'
            f'<div class="qa-muted qa-small">{esc(settings_line)}</div>')
    if not hits:
        return '<div class="qa-hits">' + head + message("没有匹配的分块（检查筛选条件）。", "empty") + "</div>"
    rows = []
    for h in hits:
        c = h.chunk
        text = c.text.strip()
        snippet = text.replace("\n", " ")[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else "")
        rows.append(
            f'<tr><td class="qa-col-n">{h.rank}</td><td class="qa-num">{h.score:.4f}</td>'
            f'<td class="qa-num">{_score(h.bm25_score, h.bm25_rank)}</td>'
            f'<td class="qa-num">{_score(h.dense_score, h.dense_rank)}</td>'
            f'<td class="qa-col-bureau">{esc(c.bureau)}</td><td>{path_html(c.section)}<div class="qa-muted">{esc(kind_label(c.kind))} · '
            f'{esc(c.doc)} 第 {line_of(c.doc, c.start)} 行 · 字符 {c.start}–{c.end}</div></td>'
            f'<td class="qa-chunk"><details><summary>{esc(snippet)}</summary><div class="qa-chunk-text">{esc(text)}</div>'
            f'</details></td></tr>')
    return ('<div class="qa-hits">' + head +
            '<table class="qa-table qa-hits-table"><thead><tr><th class="qa-col-n">名次</th><th>融合分</th>'
            '<th>BM25 分 #名次</th><th>向量分 #名次</th><th>单位</th><th class="qa-col-path">章节路径</th>'
            '<th class="qa-col-text">分块文本（点击展开）</th>'
            '</tr></thead><tbody>' + "".join(rows) + "</tbody></table></div>")


# --------------------------------------------------------------------------- notices

NOTICE_COLUMNS = (("doc", "文件"), ("bureau", "单位"), ("city", "城市"), ("inspection_group", "巡察组"),
                  ("inspection_period", "巡察时间"), ("feedback_date", "反馈日期"),
                  ("publication_date", "发布日期"), ("sections", "章节数"), ("chunks", "分块数"))


def notices_table_html(rows: list[dict], rejected: list[tuple[str, str]] = ()) -> str:
    head = "".join(f"<th>{esc(label)}</th>" for _, label in NOTICE_COLUMNS)
    body = []
    for r in rows:
        cells = []
        for key, _ in NOTICE_COLUMNS:
            v = r.get(key)
            cells.append(f'<td{" class=qa-num" if key in ("sections", "chunks") else ""}>'
                         f'{esc(v) if v not in (None, "") else "<span class=qa-muted>—</span>"}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    out = [f'<div class="qa-notices"><div class="qa-hits-h">已索引 {len(rows)} 份通报</div>',
           f'<table class="qa-table qa-notice-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>']
    for doc, why in rejected:
        out.append(message(f"未索引 {doc}：{why}", "error"))
    out.append("</div>")
    return "".join(out)


def _tree(notice: Notice) -> str:
    def node(idx: int) -> str:
        s = notice.sections[idx]
        kids = "".join(node(k) for k in s.children)
        kids = f"<ul>{kids}</ul>" if kids else ""
        parent_kind = notice.sections[s.parent].kind if s.parent is not None else None
        kind = f'<span class="qa-kind">{esc(kind_label(s.kind))}</span>' if s.kind != parent_kind else ""
        return f'<li><a href="#qa-sec-{s.idx}" class="qa-tree-link">{esc(s.heading)}</a>{kind}{kids}</li>'
    roots = [s.idx for s in notice.sections if s.parent is None]
    return '<ul class="qa-tree">' + "".join(node(i) for i in roots) + "</ul>"


def notice_html(notice: Notice) -> str:
    """One notice: its metadata, its section tree (links to the sections) and its full
    text, section by section."""
    m = notice.meta
    meta = [("单位", m.bureau_label), ("城市", m.city), ("巡察轮次", getattr(m, "inspection_round", None)),
            ("巡察组", m.inspection_group), ("巡察时间", m.inspection_period), ("反馈日期", m.feedback_date),
            ("发布日期", m.publication_date), ("公示期", getattr(m, "disclosure_period", None)),
            ("文件", notice.doc), ("编码", notice.encoding), ("章节数", len(notice.sections)),
            ("字数", len(notice.text))]
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v) if v not in (None, '') else '—'}</dd>" for k, v in meta)
    warnings = "".join(message(w, "error") for w in notice.warnings)
    text = notice.text
    parts, pos = [], 0
    for s in sorted(notice.sections, key=lambda s: s.start):
        if s.start > pos and text[pos:s.start].strip():
            parts.append(f'<div class="qa-sec">{esc(text[pos:s.start].strip(chr(10)))}</div>')
        head = text[s.start:s.heading_end]
        rest = text[max(s.heading_end, s.start):s.own_end]
        synthetic = "" if head.strip() else f'<span class="qa-kind">{esc(s.heading)}</span>'
        parts.append(f'<div class="qa-sec qa-lvl-{min(s.level, 6)}" id="qa-sec-{s.idx}">{synthetic}'
                     f'<span class="qa-sec-h">{esc(head)}</span>{esc(rest.rstrip(chr(10)))}</div>')
        pos = max(pos, s.own_end)
    if text[pos:].strip():
        parts.append(f'<div class="qa-sec">{esc(text[pos:].strip(chr(10)))}</div>')
    return (f'<div class="qa-notice"><h2 class="qa-notice-title">{esc(notice.title)}</h2>{warnings}'
            f'<dl class="qa-meta">{dl}</dl><div class="qa-notice-body">'
            f'<div class="qa-notice-tree"><div class="qa-side-h">章节结构</div>{_tree(notice)}</div>'
            f'<div class="qa-notice-text"><div class="qa-side-h">全文</div>{"".join(parts)}</div></div></div>')
