"""HTML for the web interface: answers, sources, precedent tables, retrieval hits,
notices, and the status boxes around them.

Safety rule: the markup is in the Jinja2 templates of ``templates/``, rendered with
autoescaping on, so every piece of user or notice text put into a template is escaped
(attribute values too) and nothing here is ever rendered as Markdown. A notice
containing ``<script>``, ``<img onerror=…>`` or ``[x](javascript:…)`` is therefore shown
as those characters. The templates use no ``|safe`` and the Python side passes plain
values (never ``Markup``); the only unescaped fragments are the templates' own macros.

The templates are written one element a line for reading; their source lines are
joined when loaded (newlines and leading indentation dropped, see :class:`_JoinLines`),
so the output is compact HTML and the whitespace in it is only what the data holds
(several parts are shown with ``white-space: pre-wrap``).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.ext import Extension
from markupsafe import escape

from qa.answer.result import Answer, Citation, group_by_bureau
from qa.ingest.structure import KIND_LABELS
from qa.render.terminal import partial_note

if TYPE_CHECKING:
    from qa.answer.precedents import PrecedentResult
    from qa.ingest.notices import Notice
    from qa.query.retrieval import Hit

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Sections longer than this are shown as an excerpt around the quotes (the whole notice
# is one click away in the 通报 tab).
SECTION_MAX_CHARS = 3000
EXCERPT_MARGIN = 700
SNIPPET_CHARS = 90
PATH_PART_CHARS = 36
LONG_ITEM = 120  # items longer than this show their first sentence, the rest on a click

NOTICE_COLUMNS = (("doc", "文件"), ("bureau", "单位"), ("city", "城市"), ("inspection_group", "巡察组"),
                  ("inspection_period", "巡察时间"), ("feedback_date", "反馈日期"),
                  ("publication_date", "发布日期"), ("sections", "章节数"), ("chunks", "分块数"), ("read", "读取方式"))
NUMERIC_COLUMNS = ("sections", "chunks")


class _JoinLines(Extension):
    """Join a template's source lines: a newline and the indentation after it are
    dropped, so the templates can be indented without adding whitespace to the output.
    (Applies to the template source only, never to the values rendered into it.)"""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return re.sub(r"\r?\n[ \t]*", "", source)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                   extensions=[_JoinLines])
def split_first(quote: str) -> tuple[str, str]:
    """A long item cut after its first sentence (the rest shown on a click)."""
    m = re.search(r"[。；！？]", quote)
    cut = m.end() if m and m.end() < len(quote) else min(len(quote), LONG_ITEM)
    return quote[:cut], quote[cut:]


_env.globals.update(kind_label=kind_label, PATH_PART_CHARS=PATH_PART_CHARS, LONG_ITEM=LONG_ITEM,
                    split_first=split_first, partial_note=partial_note)


def _render(template: str, **context) -> str:
    return str(_env.get_template(template).render(**context))


def _macro(name: str, *args) -> str:
    return str(getattr(_env.get_template("macros.html").module, name)(*args))


def esc(text: object) -> str:
    """Text -> HTML text (also safe inside quoted attributes), as the templates escape it."""
    return str(escape("" if text is None else text))


def path_html(section: Iterable[str]) -> str:
    """A heading path; a heading that runs on into body text is shortened (in full on hover)."""
    return _macro("path", list(section))


def message(text: str, kind: str = "info") -> str:
    """A short status or error box (``kind``: info, error, empty)."""
    return _macro("message", text, kind)


def busy(text: str = "正在检索通报并逐字核对引文……") -> str:
    return _render("busy.html", text=text)


def header_html(title: str, n_notices: int) -> str:
    """The page header: the title and what the answers are based on."""
    return _render("header.html", title=title, n_notices=n_notices)


# ----------------------------------------------------------------- chat and sources

def user_html(question: str) -> str:
    return _render("user.html", question=question)


# The answer's own labels, in the question's language (the quotes stay Chinese).
ANSWER_LABELS = {
    "zh": {"more": "（展开全文）", "summary": "概述", "bureau": "单位", "quote": "通报原文", "problem": "问题",
           "silent": "未提及", "related": "可能相关（未达到作答阈值，仅供参考）",
           "foot": "引文均已与通报原文逐字核对；各条出处及所在章节全文见右侧“来源”。"},
    "en": {"more": " (show all)", "summary": "Summary", "bureau": "Bureau", "quote": "The notice's words",
           "problem": "Problem", "silent": "Not mentioned", "related": "Possibly related (below the answering threshold)",
           "foot": "Every quote was checked word for word against the notice; the sources on the right give each "
                   "quote's place and its section in full."},
}


def answer_html(answer: Answer, question: str | None = None, scope: list[str] | None = None) -> str:
    """One answer in the chat: the lead (which says how a follow-up was understood), then
    a structured answer's blocks — a problem with its numbered measures (a long item
    shows its first sentence, the rest one click away), a part's items, a table with a row
    per bureau (未提及 when its notice is silent) — or the quotes grouped by bureau, each
    with its [n] marker; then the possibly related passages and notes. ``question`` and
    ``scope`` are accepted for the callers' convenience; the answer itself carries both."""
    return _render("answer.html", answer=answer, blocks=answer.block_citations(),
                   evidence=group_by_bureau(answer.outside_blocks()),
                   related=group_by_bureau(answer.related()), t=ANSWER_LABELS[answer.lang])


def _highlight_parts(text: str, base: int, spans: list[tuple[int, int, int]]) -> list[tuple[str, int | None]]:
    """``text`` cut at the spans: (piece, n) for a marked piece, (piece, None) between."""
    out: list[tuple[str, int | None]] = []
    pos = 0
    for start, end, n in sorted(spans):
        s, e = max(start - base, pos), min(end - base, len(text))
        if e <= s:
            continue
        out += [(text[pos:s], None), (text[s:e], n)]
        pos = e
    out.append((text[pos:], None))
    return out


def highlight(text: str, base: int, spans: list[tuple[int, int, int]]) -> str:
    """``text`` (which starts at offset ``base`` of its notice) escaped, with the spans
    ``(start, end, n)`` (notice offsets) marked and followed by their ``[n]``."""
    return _macro("highlight", _highlight_parts(text, base, spans))


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
    groups: dict[tuple[str, int, int, str], list[Citation]] = {}
    for c in answer.citations:
        groups.setdefault((c.doc, c.section_start, c.section_end, c.role), []).append(c)
    shown, related_seen = [], False
    for (doc, sec_start, sec_end, role), cites in groups.items():
        text = notice_of(doc).text
        spans = [(c.start, c.end, c.n) for c in cites]
        a, b, excerpt = _section_window(text, sec_start, sec_end, spans)
        while a < b and text[a] in "\r\n":
            a += 1
        while b > a and text[b - 1] in "\r\n":
            b -= 1
        related = role == "related"
        shown.append(SimpleNamespace(
            doc=doc, start=sec_start, end=sec_end, cites=cites, first=cites[0], related=related,
            divider=related and not related_seen, excerpt=excerpt,
            lines="、".join(str(n) for n in sorted({c.line for c in cites})),
            parts=_highlight_parts(text[a:b], a, spans)))
        related_seen = related_seen or related
    return _render("sources.html", heading=heading, groups=shown)


def sources_placeholder() -> str:
    return _render("sources_placeholder.html")


# ----------------------------------------------------------------------- precedents

def precedents_html(result: PrecedentResult, line_of: Callable[[str, int], int]) -> str:
    """Precedent search results grouped by bureau: a table per bureau with the problem as
    the notice states it and its measures as a numbered list, each with its citation."""
    bureaus, ref = [], 0
    for b in result.bureaus:
        rows = []
        for item in b.items:
            ref += 1
            p = item.problem
            # the heading path above the problem (the problem is often the last heading itself)
            path = list(item.section)
            if path and path[-1].strip() == p.text.strip():
                path = path[:-1]
            rows.append(SimpleNamespace(
                ref=ref, problem=p, doc=item.doc, line=line_of(item.doc, p.start), path=path,
                measures=[SimpleNamespace(text=m.text, start=m.start, end=m.end, line=line_of(item.doc, m.start))
                          for m in item.measures]))
        bureaus.append(SimpleNamespace(bureau=b.bureau, rows=rows))
    return _render("precedents.html", result=result, bureaus=bureaus, n_items=ref)


# -------------------------------------------------------------------- retrieval test

def hits_html(hits: list[Hit], query: str, mode: str, settings_line: str, line_of: Callable[[str, int], int],
              seconds: float | None = None) -> str:
    """Ranked chunks with their fused, BM25 and dense scores and heading paths."""
    rows = []
    for h in hits:
        text = h.chunk.text.strip()
        snippet = text.replace("\n", " ")[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else "")
        rows.append(SimpleNamespace(hit=h, chunk=h.chunk, text=text, snippet=snippet,
                                    line=line_of(h.chunk.doc, h.chunk.start)))
    took = f"，用时 {seconds * 1000:.0f} ms" if seconds is not None else ""
    return _render("hits.html", query=query, mode=mode, took=took, settings_line=settings_line, rows=rows)


# --------------------------------------------------------------------------- notices

def notices_table_html(rows: list[dict], rejected: Iterable[tuple[str, str]] = ()) -> str:
    """The indexed notices (``Service.notice_list()`` rows) and the files not indexed."""
    return _render("notices_table.html", rows=rows, rejected=list(rejected), columns=NOTICE_COLUMNS,
                   numeric=NUMERIC_COLUMNS)


def change_html(lines: Iterable[tuple[bool, str]]) -> str:
    """What adding or removing notices did: (succeeded, line) per file, then the index's state."""
    return _render("change.html", lines=list(lines))


def _tree(notice: Notice) -> list[SimpleNamespace]:
    """The section tree: a node per section with its kind where it differs from its parent's."""
    def node(idx: int) -> SimpleNamespace:
        s = notice.sections[idx]
        parent_kind = notice.sections[s.parent].kind if s.parent is not None else None
        return SimpleNamespace(idx=s.idx, heading=s.heading, kind=kind_label(s.kind) if s.kind != parent_kind else None,
                               children=[node(k) for k in s.children])
    return [node(s.idx) for s in notice.sections if s.parent is None]


def _text_parts(notice: Notice) -> list[SimpleNamespace]:
    """The full text, section by section: a part per section (its heading and own text)
    and a plain part for text outside any section."""
    text = notice.text
    parts, pos = [], 0
    for s in sorted(notice.sections, key=lambda s: s.start):
        if s.start > pos and text[pos:s.start].strip():
            parts.append(SimpleNamespace(section=None, text=text[pos:s.start].strip("\n")))
        head = text[s.start:s.heading_end]
        parts.append(SimpleNamespace(section=s, idx=s.idx, level=min(s.level, 6), head=head,
                                     synthetic=None if head.strip() else s.heading,
                                     rest=text[max(s.heading_end, s.start):s.own_end].rstrip("\n")))
        pos = max(pos, s.own_end)
    if text[pos:].strip():
        parts.append(SimpleNamespace(section=None, text=text[pos:].strip("\n")))
    return parts


def notice_html(notice: Notice) -> str:
    """One notice: its metadata, its section tree (links to the sections) and its full
    text, section by section."""
    m = notice.meta
    meta = [("单位", m.bureau_label), ("城市", m.city), ("巡察轮次", getattr(m, "inspection_round", None)),
            ("巡察组", m.inspection_group), ("巡察时间", m.inspection_period), ("反馈日期", m.feedback_date),
            ("发布日期", m.publication_date), ("公示期", getattr(m, "disclosure_period", None)),
            ("文件", notice.doc), ("编码", notice.encoding), ("读取方式", "OCR 识别" if notice.ocr else None),
            ("章节数", len(notice.sections)),
            ("字数", len(notice.text))]
    return _render("notice.html", notice=notice, meta=meta, tree=_tree(notice), parts=_text_parts(notice))
