"""A notice's metadata: who inspected, when, the disclosure period, where to send comments;
answered from the extracted fields, the closing paragraph's contact clauses, or the best
sentences of the opening and closing paragraphs."""
from __future__ import annotations

import re

from qa.answer import context
from qa.answer.blocks import BlockSpec, Quote
from qa.answer.context import Context
from qa.answer.decline import not_stated
from qa.answer.passages import pick
from qa.answer.result import Answer, Citation, cite, finalize, finalize_blocks
from qa.answer.scoring import states_type
from qa.ingest.metadata import FIELD_LABELS, field_spans
from qa.query.intent import MUST_STATE, asked_fields, asks_contact

META_KINDS = ("preamble", "closing")  # where a notice says who inspected, when, and how to comment
META_MARGIN = 0.0  # ... used when their best sentence is this close to the best of all
_CLAUSE_RE = re.compile(r"[^。；;\n]+")
# the labels of the closing paragraph's fields (qa.ingest.metadata), where a notice may write
# something other than a value after them
LABELLED_FIELDS = {"email": r"电子邮箱|电子信箱", "phone": r"联系电话", "disclosure_period": r"公开期限|公示期限?"}
ONE_VALUE_FIELDS = frozenset({"postcode", "fax", "website"})
_CONTACT_CLAUSE_RE = re.compile(r"电话|信箱|邮政|邮编|邮箱|平台|@")


def meta(ctx: Context, prepared, qvec, svec, hits, cands, bureaus, conf, docs: list[str] | None = None) -> Answer | None:
    """Who inspected, when, disclosure, contact: a sentence from the extracted fields,
    the contact clauses, or the best sentences of the opening and closing paragraphs.
    ``docs``: the notices asked about (a comparison: every notice in scope, each
    saying what it does not state); by default those of the bureaus named, else the
    best hit's."""
    several = docs is not None and len(docs) > 1
    docs = docs or ctx.docs_in_scope(prepared, bureaus) or [hits[0].chunk.doc]
    ans = fields_answer(ctx, prepared, docs, conf, several)
    if ans is not None:
        return ans
    if asks_contact(prepared.text):  # where to send comments: the contact clauses, whole
        ans = contact_answer(ctx, prepared, docs, conf, several)
        if ans is not None:
            return ans
    if several:
        return None
    hits = ctx.retriever.search(prepared, k=context.MAX_CHUNKS, bureaus=bureaus, kinds=list(META_KINDS), qvec=qvec)
    meta_cands = ctx.scorer.sentences(prepared, svec, hits)
    if meta_cands and max(c.score for c in meta_cands) >= max(c.score for c in cands) - META_MARGIN:
        picked = pick(ctx, prepared.text, meta_cands, prepared.qtype)
        if prepared.qtype in MUST_STATE and not any(states_type(prepared.qtype, ctx.sentence(c), prepared.text)
                                                    for c, _ in picked):
            return not_stated(ctx, prepared, cands, conf)  # 反馈…多少个问题: no sentence states it
        ans = finalize(ctx.index, prepared.text, prepared.lang, False, picked, conf)
        ans.intent = "meta"
        return ans
    return None


def fields_answer(ctx: Context, prepared, docs: list[str], conf, several: bool) -> Answer | None:
    """A question asking only for extracted metadata fields (巡察组, 反馈日期…): one
    sentence per notice from them, each field cited, or the fields a notice does not
    state; None when the question asks for more than the fields hold."""
    fields, other = asked_fields(prepared.text)
    if not fields or other and not set(fields) <= ONE_VALUE_FIELDS:
        return None
    gaps = [_gaps(ctx, doc, fields) for doc in docs]
    if other and not several and not gaps[0]:
        return None  # a postcode with the address (通信地址和邮编): the contact clauses, whole
    if not several or all(g == list(fields) for g in gaps):
        unstated = _unstated(ctx, prepared, fields, docs, conf)  # several notices: when none states one
        if unstated is not None:
            return unstated
    return _meta_answer(ctx, prepared, fields, docs, conf, several)


def _gaps(ctx: Context, doc: str, fields: tuple[str, ...]) -> list[str]:
    """The fields asked for that a notice does not state."""
    meta = ctx.index.notices[doc].meta
    return [f for f in fields if getattr(meta, f) is None
            and _labelled_clause(ctx, doc, f, 1, []) is None]  # 电子邮箱:登陆“…平台…”: stated, as a channel


def _unstated(ctx: Context, prepared, fields: tuple[str, ...], docs: list[str], conf) -> Answer | None:
    """A declined answer naming the fields asked for that a notice in scope does not
    state (开发区分局的通报没有写明公开期限), or None when every one is stated."""
    en = prepared.lang == "en"
    missing = []
    for doc in docs:
        meta = ctx.index.notices[doc].meta
        gaps = [FIELD_LABELS[f][en] for f in _gaps(ctx, doc, fields)]
        if gaps:
            missing.append(f"the notice of {meta.bureau_label} does not state its {', '.join(gaps)}" if en
                           else f"{meta.bureau_label}的通报没有写明{'、'.join(gaps)}")
    if not missing:
        return None
    text = "; ".join(missing)
    lead = (text[:1].upper() + text[1:] + ".") if en else "；".join(missing) + "。"
    ans = finalize(ctx.index, prepared.text, prepared.lang, True, [], conf, lead=lead)
    ans.intent = "meta"
    return ans


def _meta_answer(ctx: Context, prepared, fields: tuple[str, ...], docs: list[str], conf,
                 several: bool = False) -> Answer | None:
    """“港口分局：巡察组为市委第八巡察组[1]；巡察时间为…[2]。”: a sentence per notice
    from its extracted metadata, each value cited where the notice states it. A field a
    notice does not state: None (then passages are quoted), or, asked of ``several``
    notices, “未写明” in that notice's sentence."""
    en = prepared.lang == "en"
    citations: list[Citation] = []
    notes: list[str] = []
    parts = []
    for doc in docs:
        notice = ctx.index.notices[doc]
        spans = field_spans(notice.text, notice.sections, notice.meta)
        gaps = [f for f in fields if f not in spans]
        if not several and any(_labelled_clause(ctx, doc, f, 1, []) is None for f in gaps):
            return None
        said = []
        for f in gaps:
            zh, eng = FIELD_LABELS[f]
            # labelled, but with something else than a value (电子邮箱:登陆“…平台…”): quoted as written
            c = _labelled_clause(ctx, doc, f, len(citations) + 1, notes)
            if c is None:
                said.append(f"does not state its {eng}" if en else f"未写明{zh}")
                continue
            citations.append(c)
            said.append(f"gives as its {eng} “{c.quote}” [{c.n}]" if en else f"{zh}一项写作“{c.quote}”[{c.n}]")
        for f in (f for f in fields if f in spans):
            a, b = spans[f]
            row_f = ctx.index.row_at(doc, a)
            if row_f is None:  # between chunks: the notice's first
                row_f = ctx.index.doc_rows[doc][0]
            c = cite(ctx.index, len(citations) + 1, doc, a, b, row_f, "evidence", notes, 1.0, FIELD_LABELS[f][en])
            if c is None:
                return None
            citations.append(c)
            value = " ".join(c.quote.split()) if f == "title" else c.quote
            said.append(f"the {FIELD_LABELS[f][1]} is {value} [{c.n}]" if en
                        else f"{FIELD_LABELS[f][0]}为{value}[{c.n}]")
        parts.append((f"the notice of {notice.meta.bureau_label} " + ("" if gaps else "states that ")
                      + "; ".join(said)) if en else f"{notice.meta.bureau_label}：" + "；".join(said))
    text = "; ".join(parts)
    lead = (text[:1].upper() + text[1:] + ".") if en else "。".join(parts) + "。"
    return Answer(prepared.text, prepared.lang, False, lead, citations, conf, notes=notes, intent="meta")


def _labelled_clause(ctx: Context, doc: str, field: str, n: int, notes: list[str]) -> Citation | None:
    """The clause of a notice's closing paragraph that carries a field's label but no
    value the field reads (电子邮箱:登陆“浙江省统一政府咨询投诉举报平台-…”), cited; None
    when there is none."""
    if field not in LABELLED_FIELDS:
        return None
    notice = ctx.index.notices[doc]
    closing = next((s for s in notice.sections if s.kind == "closing"), None)
    if closing is None:
        return None
    labelled = re.compile(rf"(?:{LABELLED_FIELDS[field]})[：:]?\s*(\S.*)")
    found = ((m, labelled.search(m.group(0))) for m in _CLAUSE_RE.finditer(notice.text, closing.start, closing.end))
    m, value = next(((m, v) for m, v in found if v is not None), (None, None))
    row = None if m is None else ctx.index.row_at(doc, m.start())
    if m is None or value is None or row is None:
        return None
    return cite(ctx.index, n, doc, m.start() + value.start(1), m.end(), row, "evidence", notes, 1.0,
                FIELD_LABELS[field][0])


def contact_answer(ctx: Context, prepared, docs: list[str], conf, several: bool = False) -> Answer | None:
    """Where to send comments: every contact clause (phone, postal box, postcode,
    e-mail, web channel) of each notice's closing paragraph, quoted whole; a notice
    without any: None, or, asked of ``several`` notices, a row saying 未提及."""
    specs = []
    for doc in docs:
        notice = ctx.index.notices[doc]
        closing = next((s for s in notice.sections if s.kind == "closing"), None)
        row = None if closing is None else ctx.index.row_at(doc, closing.start)
        clauses = [] if closing is None else [
            m.span() for m in _CLAUSE_RE.finditer(notice.text, closing.start, closing.end)
            if _CONTACT_CLAUSE_RE.search(m.group(0))]
        if row is None or not clauses:
            if not several:
                return None
            specs.append(BlockSpec("row", notice.meta.bureau_label, doc, notice.meta.bureau_label, [],
                                   missing=True))
            continue
        specs.append(BlockSpec("row" if several else "items", notice.meta.bureau_label, doc,
                               notice.meta.bureau_label if several else "意见建议渠道",
                               [Quote(doc, a, b, row, "item", str(i)) for i, (a, b) in enumerate(clauses, start=1)]))
    if all(x.missing for x in specs):
        return None
    en = prepared.lang == "en"
    names = "、".join(x.bureau for x in specs)
    silent = sum(x.missing for x in specs)
    if several:
        lead = (f"Where to send comments, by bureau ({len(specs)} in scope; {silent} of their notices give none), "
                "quoted verbatim (in Chinese)." if en else
                f"各单位通报所留的意见建议渠道（共 {len(specs)} 个单位，其中 {silent} 个单位的通报未提及），原文如下。")
    else:
        lead = (f"Where to send comments, as {', '.join(x.bureau for x in specs)} state{'s' if len(specs) == 1 else ''} "
                "it (quoted verbatim, in Chinese)." if en else f"{names}通报所留的意见建议渠道，原文如下。")
    ans = finalize_blocks(ctx.index, prepared.text, prepared.lang, specs, lead, conf)
    ans.intent = "meta"
    return ans
