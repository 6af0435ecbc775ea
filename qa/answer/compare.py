"""A comparison across bureaus: a row per bureau in scope, its best passages, its problem
with its measures, or its next-steps items; 未提及 when its notice does not answer."""
from __future__ import annotations

from qa.answer import context
from qa.answer.blocks import BlockSpec, Quote, items_block, measure_blocks, quoted_text
from qa.answer.context import Context, appended
from qa.answer.passages import on_topic, quotable
from qa.answer.scoring import TYPE_WINDOW, states_type
from qa.answer.topic import topic_coverage
from qa.query.intent import NEXT_RE, asks_measures

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


def compare_rows(ctx: Context, prepared, qvec, svec, bureaus, kinds) -> list[BlockSpec]:
    """A row per bureau in scope (the bureaus the question names, else all): its best
    passage, or 未提及 when its notice does not answer."""
    scope = ctx.compare_scope(prepared, bureaus)
    covers = ctx.scorer.question_coverage(prepared)
    measures = asks_measures(prepared.text) and not prepared.qtype  # what each did: problem + measures
    next_steps = bool(NEXT_RE.search(prepared.text))
    topic = topic_coverage(ctx.scorer, prepared) if next_steps else None
    # the bureaus the question names are expected to speak: 未提及 needs less coverage
    min_coverage = NAMED_COMPARE_MIN_COVERAGE if len(ctx.bureaus_in_scope(prepared, bureaus)) >= 2 \
        else COMPARE_MIN_COVERAGE
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
        hits = ctx.retriever.search(prepared, k=COMPARE_CHUNKS, bureaus=[b], kinds=kinds, qvec=qvec, focus=False)
        mine = set(ctx.docs_of([b]))
        hits = appended(hits, [h for h in overall if h.chunk.doc in mine], context.OVERALL_CHUNKS)
        cands = ctx.scorer.sentences(prepared, svec, hits)
        conf = ctx.scorer.confidence(prepared, hits, cands)
        # a figure, date or name: the sentence stating it decides (below); otherwise how
        # much of the question the bureau's best passages cover
        if not cands or not conf.sufficient(ctx.min_dense, ctx.min_coverage if prepared.qtype else min_coverage):
            rows.append(BlockSpec("row", b, doc, b, [], missing=True))
            continue
        if measures:  # what each bureau did: its matching problem with every measure
            blocks = measure_blocks(ctx.index, ctx.problem_of, hits, cands, ctx.scorer.unit_rows, covers)
            # each of its matching problems on the topic (development comparisons 0.815 / 0.872
            # with the first only, 0.821 / 0.875 with all)
            topical = [x for x in blocks if (covers(quoted_text(ctx.index, x)) or 0.0) >= COMPARE_PROBLEM_MIN]
            if topical and topical[0] is blocks[0]:
                rows.append(BlockSpec("row", b, topical[0].doc, b, [q for x in topical for q in x.quotes]))
                continue
            # no problem of its own on the topic: its best sentences on it (below), not 未提及
        best = sorted(cands, key=lambda c: -c.score)
        if prepared.qtype:  # only sentences stating the figure, date, name or frequency asked for, on topic
            said = [(c, ctx.sentence(c)) for c in best[:TYPE_WINDOW]]
            best = [c for c, text in said if states_type(prepared.qtype, text, prepared.text)
                    and (covers(text) or 0.0) >= COMPARE_TYPED_COVERAGE]
            if not best:
                rows.append(BlockSpec("row", b, doc, b, [], missing=True))
                continue
        best = sorted(on_topic(ctx, best[:COMPARE_QUOTES], covers), key=lambda c: (c.row, c.idx))
        rows.append(BlockSpec("row", b, ctx.index.chunks[best[0].row].doc, b,
                              [Quote(ctx.index.chunks[c.row].doc, c.start, c.end, c.row, "evidence")
                               for c in quotable(ctx, best)]))
    return rows
