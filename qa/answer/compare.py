"""A comparison across bureaus: a row per bureau in scope, its best passages, its problem
with its measures, or its next-steps items; 未提及 when its notice does not answer."""
from __future__ import annotations

import re
from dataclasses import replace

from qa.answer import context
from qa.answer.blocks import BlockSpec, Quote, items_block, measure_blocks, quoted_text
from qa.answer.context import Context, appended
from qa.answer.passages import on_topic, quotable
from qa.answer.scoring import TYPE_WINDOW, counts, states_type
from qa.answer.topic import topic_coverage
from qa.query.glossary import COUNTED_KIN
from qa.query.intent import NEXT_RE, ZH_ASKING, asks_measures
from qa.text import PHRASING, jieba_cut

COMPARE_CHUNKS = 3  # retrieved sections per bureau in a comparison
# sentences per bureau in a comparison, each covering the question at least
# PICK_MIN_RELATIVE_COVERAGE as well as the bureau's best: 65 development comparisons
# 0.881 / 0.882 with 2 and no such check, 0.881 / 0.899 with 2, 0.892 / 0.888 with 3
# (0.896 / 0.888 at 0.4 of the best; 3 without the check: 0.896 / 0.846)
COMPARE_QUOTES = 3
# a row of problem + measures needs them to cover this share of the question (else 未提及);
# `make tune` after the second English glossary pass: 0.3 (65 comparisons 0.798 / 0.830,
# 0.4: 0.798 / 0.805)
COMPARE_PROBLEM_MIN = 0.3
# a bureau's row says 未提及 unless its best passages cover this share of the question's
# words (chosen on the development questions, eval/tuning_answers.md: with the Chinese
# restatements, 45 questions, 0.65 / 0.3 gave 0.789 / 0.839, 0.4 / 0.4 0.815 / 0.872; once
# a question word counts inside a longer word, 65 questions: 0.4 0.813 / 0.833, 0.5 0.783 / 0.868)
COMPARE_MIN_COVERAGE = 0.5
# ... when the question names the bureaus compared (港口分局和横栏分局…各有什么规定): 65
# development comparisons 0.826 / 0.886 at 0.5, 0.845 / 0.884 at 0.4 (0.838 / 0.883 at 0.3)
NAMED_COMPARE_MIN_COVERAGE = 0.4
# ... and for a figure, date or name, a sentence stating one that covers this share
COMPARE_TYPED_COVERAGE = 0.3
# ... or as much as the bureau's best sentence covers, when that is under it but at least this
COMPARE_TYPED_FLOOR = 0.2


# where a listed thing ends (before it: 涉及扫黑除恶; after it: 工会账户这块): particles, place
# words and the question's phrasing
_ITEM_STOPS = frozenset("的 在 对 把 有 或 及 和 与 等 这 那 这块 这些 方面 之类 等等 一块 涉及 提到 提及 包括 通报 单位 分局".split())
_ITEM_TOKENS = 3  # a listed thing is at most this many words
# a row found through one listed thing still covers this share of the whole question; development
# comparisons: at 0.3 哪些单位的通报涉及扫黑除恶、打击黑恶犯罪的整改 gains 6 quotes off its gold, at 0.4 none
LISTED_MIN_WHOLE = 0.4


def listed_readings(ctx: Context, prepared) -> list:
    """The question read once per thing it lists with 、 (工会经费、工会账户这块…: …工会经费这块…,
    …工会账户这块…), so that a bureau speaking of one of them is not 未提及; [] when it lists
    nothing (or is not Chinese)."""
    if prepared.lang != "zh":
        return []
    text = prepared.content or prepared.text
    toks = jieba_cut(text)
    at = [0]
    for t in toks:
        at.append(at[-1] + len(t))
    seps = [i for i, t in enumerate(toks) if t == "、"]

    def word(t: str) -> bool:
        return bool(re.fullmatch(r"[\u4e00-\u9fff]+", t)) and t not in _ITEM_STOPS and t not in PHRASING

    for first in seps:
        last = first  # the list's last 、: the next one after at most _ITEM_TOKENS words
        while True:
            nxt = next((j for j in seps if j > last), None)
            if nxt is None or nxt - last - 1 > _ITEM_TOKENS or not all(word(t) for t in toks[last + 1:nxt]):
                break
            last = nxt
        a = first
        while a > 0 and first - a < _ITEM_TOKENS and word(toks[a - 1]):
            a -= 1
        b = last + 1
        while b < len(toks) and b - last - 1 < _ITEM_TOKENS and word(toks[b]):
            b += 1
        bounds = [a] + [i for i in range(first, last + 1) if toks[i] == "、"] + [b]
        items = ["".join(t for t in toks[x:y] if t != "、") for x, y in zip(bounds, bounds[1:])]
        if a == first or b == last + 1 or any(ZH_ASKING.search(x) or len(x) < 2 for x in items):
            continue  # not a list of things (什么问题、怎么整改)
        span = text[at[a]:at[b]]
        return [replace(prepared, text=prepared.text.replace(span, item), content=text.replace(span, item))
                for item in items]
    return []


def _covers_any(ctx: Context, readings: list):
    """Text -> the best share of the question's words it contains over its readings."""
    fns = [ctx.scorer.question_coverage(p) for p in readings]
    return lambda t: max(((f(t) or 0.0) for f in fns), default=None)


def compare_rows(ctx: Context, prepared, qvec, svec, bureaus, kinds) -> list[BlockSpec]:
    """A row per bureau in scope (the bureaus the question names, else all): its best
    passage, or 未提及 when its notice does not answer. When the question lists things
    (工会经费、工会账户) and some bureau answers, a bureau that does not is asked again about
    each of them: speaking of one is no 未提及."""
    scope = ctx.compare_scope(prepared, bureaus)
    measures = asks_measures(prepared.text) and not prepared.qtype  # what each did: problem + measures
    next_steps = bool(NEXT_RE.search(prepared.text))
    topic = topic_coverage(ctx.scorer, prepared) if next_steps else None
    # the bureaus the question names are expected to speak: 未提及 needs less coverage
    min_coverage = NAMED_COMPARE_MIN_COVERAGE if len(ctx.bureaus_in_scope(prepared, bureaus)) >= 2 \
        else COMPARE_MIN_COVERAGE
    need = ctx.min_coverage if prepared.qtype else min_coverage
    # a figure: the overall and opening parts of all the bureaus' notices, searched once
    overall = ctx.overall(prepared, scope, qvec, focus=False, per_bureau=True) if not kinds and not next_steps else []
    rows = []
    for b in scope:
        doc = next(iter(ctx.docs_of([b])), "")
        if next_steps:  # each bureau's next-steps (or long-term) items, those on the topic when it has one
            block = items_block(ctx.index, doc, prepared.text, ctx.scorer.unit_rows, topic, strict=True)
            rows.append(BlockSpec("row", b, doc, b, block.quotes) if block else
                        BlockSpec("row", b, doc, b, [], missing=True))
            continue
        rows.append(_row(ctx, [prepared], b, doc, qvec, svec, kinds, overall, measures, need))
    readings = listed_readings(ctx, prepared) if not next_steps else []
    if readings and any(not r.missing for r in rows):
        rows = [_row(ctx, [prepared, *readings], r.bureau, r.doc, qvec, svec, kinds, overall, measures, need)
                if r.missing else r for r in rows]
    return rows


def _row(ctx: Context, readings: list, b: str, doc: str, qvec, svec, kinds, overall, measures: bool,
         need: float) -> BlockSpec:
    """One bureau's row: its problem with its measures, its best sentences, or 未提及; on the
    topic of the question or of one of its ``readings``."""
    prepared = readings[0]
    covers = _covers_any(ctx, readings) if len(readings) > 1 else ctx.scorer.question_coverage(prepared)
    hits = ctx.retriever.search(prepared, k=COMPARE_CHUNKS, bureaus=[b], kinds=kinds, qvec=qvec, focus=False)
    mine = set(ctx.docs_of([b]))
    hits = appended(hits, [h for h in overall if h.chunk.doc in mine], context.OVERALL_CHUNKS)
    cands = ctx.scorer.sentences(prepared, svec, hits)
    # a figure, date or name: the sentence stating it decides (below); otherwise how
    # much of the question (or of one reading of what it lists) the bureau's best passages cover
    confs = [ctx.scorer.confidence(p, hits, cands) for p in readings]
    whole = confs[0].coverage  # ... and, for a reading, enough of the whole question (扫黑除恶、打击黑恶犯罪: not 犯罪 alone)
    if not cands or not (confs[0].sufficient(ctx.min_dense, need) or (whole is None or whole >= LISTED_MIN_WHOLE) and any(
            c.sufficient(ctx.min_dense, need) for c in confs[1:])):
        return BlockSpec("row", b, doc, b, [], missing=True)
    if measures:  # what each bureau did: its matching problem with every measure
        blocks = measure_blocks(ctx.index, ctx.problem_of, hits, cands, ctx.scorer.unit_rows, covers)
        # each of its matching problems on the topic (development comparisons 0.815 / 0.872
        # with the first only, 0.821 / 0.875 with all)
        topical = [x for x in blocks if (covers(quoted_text(ctx.index, x)) or 0.0) >= COMPARE_PROBLEM_MIN]
        if topical and topical[0] is blocks[0]:
            return BlockSpec("row", b, topical[0].doc, b, [q for x in topical for q in x.quotes])
        # no problem of its own on the topic: its best sentences on it (below), not 未提及
    best = sorted(cands, key=lambda c: -c.score)
    if prepared.qtype:  # only sentences stating the figure, date, name or frequency asked for, on topic
        said = [(c, ctx.sentence(c)) for c in best[:TYPE_WINDOW]]
        need = COMPARE_TYPED_COVERAGE
        if prepared.lang == "zh":  # ... or, when the question has words no sentence of the bureau uses (咋搞), as much as any
            top = max((covers(text) or 0.0 for _, text in said), default=0.0)
            need = min(need, max(top, COMPARE_TYPED_FLOOR))
        # 多少项制度 counts rules (制定办法规定6个), not 4项意见建议: the figure must count them
        counted = tuple(COUNTED_KIN[k] for k in dict.fromkeys(t for ts in ctx.scorer.counted_terms(prepared)
                                                               for t in ts if t in COUNTED_KIN))
        best = [c for c, text in said if states_type(prepared.qtype, text, prepared.text) and (
            counts(counted, text, prepared.text) if counted else (covers(text) or 0.0) >= need)]  # a count of rules is the topic
        if not best:
            return BlockSpec("row", b, doc, b, [], missing=True)
    best = sorted(on_topic(ctx, best[:COMPARE_QUOTES], covers), key=lambda c: (c.row, c.idx))
    return BlockSpec("row", b, ctx.index.chunks[best[0].row].doc, b,
                     [Quote(ctx.index.chunks[c.row].doc, c.start, c.end, c.row, "evidence") for c in quotable(ctx, best)])
