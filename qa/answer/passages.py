"""Choosing the sentences an answer built from passages quotes: the best of each retrieved
section near the best of all, on the question's topic, a heading or an item's label
sentence extended to the sentence after it, neighbouring sentences merged; and the
"possibly related" sentences shown when declining."""
from __future__ import annotations

import re
from collections.abc import Callable

from qa.answer.context import Context
from qa.answer.scoring import Candidate, states_type

MAX_PER_CHUNK = 2  # sentences per section
MAX_QUOTES = 6  # sentences per answer (before neighbouring ones are merged)
# ... asking for a figure, date or name, or about one bureau. Development fact / paraphrase
# questions (61 / 23): 0.885 / 0.711 and 0.913 / 0.792 with 6; 3: 0.885 / 0.753, 0.913 /
# 0.814; 2: 0.869 / 0.787, 0.913 / 0.812 (make tune). Other questions (several bureaus, or
# none: each may answer) keep MAX_QUOTES: 3 there cost comparisons and precedents completeness.
FOCUSED_QUOTES = 2
# ... each covering the question at least this share as well as the best quoted one (no
# padding). Development fact / paraphrase quote precision 0.865 / 0.793 without it, 0.941 /
# 0.793 at 0.5, completeness unchanged (eval/tuning_answers.md).
PICK_MIN_RELATIVE_COVERAGE = 0.5
RELATED = 3  # "possibly related" passages shown when abstaining
# A sentence is quoted when it scores within MARGIN of the best sentence of the answer
# (chosen on the development questions, eval/tuning_answers.md; 0.06 before the split).
MARGIN = 0.02
# an item's label sentence (三是开展专项整治。): no evidence without the sentence after it
_LABEL_ONLY_RE = re.compile(r"^\s*(整改(落实)?情况[：:])?([一二三四五六七八九十]{1,3}是|[（(][一二三四五六七八九十\d]{1,3}[）)])"
                            r"[^。；;，,]{0,30}[。；;：:]?\s*$")


def pick(ctx: Context, q: str, cands: list[Candidate], qtype: str | None,
         covers: Callable[[str], float | None] | None = None,
         limit: int = MAX_QUOTES) -> list[tuple[Candidate, str]]:
    """The sentences an answer built from passages quotes: each retrieved section's best
    (at most MAX_PER_CHUNK) within MARGIN of the best of all; for a figure, date or name
    only those stating one, the best first; none covering the question less than
    PICK_MIN_RELATIVE_COVERAGE of the best; at most ``limit``, the best kept, in their order."""
    chosen: list[Candidate] = []
    by_chunk: dict[int, list[Candidate]] = {}
    for c in cands:
        by_chunk.setdefault(c.hit_rank, []).append(c)
    top = max((c.score for c in cands), default=0.0)
    for rank in sorted(by_chunk):
        best = sorted(by_chunk[rank], key=lambda c: -c.score)[:MAX_PER_CHUNK]
        best = [c for c in best if c.score >= top - MARGIN]
        chosen.extend(sorted(best, key=lambda c: (c.row, c.idx)))
    first = None
    if qtype:  # only the sentences stating a figure, date or name (when any does), the best first
        typed = [c for c in chosen if states_type(qtype, ctx.sentence(c), q)]
        if typed:
            first = max(typed, key=lambda c: c.score)
            chosen = [first] + [c for c in typed if c is not first]
    if covers is not None:  # no padding (the stating sentence stays)
        chosen = on_topic(ctx, chosen, covers, keep=first)
    if len(chosen) > limit:  # the best ones (the stating sentence first), in their order
        rest = sorted((c for c in chosen if c is not first), key=lambda c: -c.score)
        keep = {id(c) for c in ([first] if first is not None else []) + rest[:limit - (first is not None)]}
        chosen = [c for c in chosen if id(c) in keep]
    return [(c, "evidence") for c in quotable(ctx, chosen)]


def on_topic(ctx: Context, chosen: list[Candidate], covers: Callable[[str], float | None],
             keep: Candidate | None = None) -> list[Candidate]:
    """No padding: the sentences covering the question at least PICK_MIN_RELATIVE_COVERAGE
    as well as the best of them (and ``keep``), in their order."""
    if len(chosen) < 2:
        return chosen
    covs = [covers(ctx.sentence(c)) or 0.0 for c in chosen]
    return [c for c, v in zip(chosen, covs) if c is keep or v >= max(covs) * PICK_MIN_RELATIVE_COVERAGE]


def quotable(ctx: Context, chosen: list[Candidate]) -> list[Candidate]:
    """The quotes for the chosen sentences, in their order: a heading, or an item's label
    sentence (三是开展专项整治。), is no evidence on its own and takes the sentence after it;
    neighbouring sentences of a chunk become one quote."""
    out = []
    for c in chosen:
        heading = any(hs <= c.start and c.end <= he + 1 and not bare
                      for hs, he, bare, _ in ctx.scorer.headings(c.row))
        spans, _ = ctx.index.chunk_sentences(c.row)
        text = ctx.index.notices[ctx.index.chunks[c.row].doc].text
        if (heading or _LABEL_ONLY_RE.match(ctx.sentence(c))) and c.idx + 1 < len(spans):
            c = Candidate(c.hit_rank, c.row, c.start, int(spans[c.idx + 1][1]), c.score, c.idx + 1)
        elif c.idx > 0 and _LABEL_ONLY_RE.match(text[int(spans[c.idx - 1][0]):int(spans[c.idx - 1][1])]):
            c = Candidate(c.hit_rank, c.row, int(spans[c.idx - 1][0]), c.end, c.score, c.idx)  # with its label
        out.append(c)
    return _merge_adjacent(out)


def pick_related(ctx: Context, cands: list[Candidate]) -> list[tuple[Candidate, str]]:
    """The best "possibly related" sentences, one per section; a heading alone is none."""
    out, seen = [], set()
    for c in sorted(cands, key=lambda c: -c.score):
        if c.row in seen or ctx.scorer.is_heading(c):
            continue
        seen.add(c.row)
        out.append((c, "related"))
        if len(out) == RELATED:
            break
    return out


def _merge_adjacent(chosen: list[Candidate]) -> list[Candidate]:
    """Neighbouring (or overlapping) sentences of one chunk become one quote."""
    out: list[Candidate] = []
    for c in chosen:
        prev = out[-1] if out else None
        if prev and prev.row == c.row and prev.start <= c.start and (c.idx == prev.idx + 1 or c.start < prev.end):
            out[-1] = Candidate(prev.hit_rank, prev.row, prev.start, max(prev.end, c.end), max(prev.score, c.score),
                                max(prev.idx, c.idx))
        else:
            out.append(c)
    return out
