"""Structured answers, built from what the index extracted (problem → measures, section
kinds), by intent (qa.query.intent):

- ``measures``: the matching problem as the notice states it, then every measure item,
  one block per matching problem (best first);
- ``next_steps``: every item of the next-steps or long-term part of a notice;
- ``compare``: a row per bureau in scope, its best passage or 未提及.

A builder returns :class:`BlockSpec` objects (what to quote, with roles and labels);
:func:`qa.answer.result.finalize_blocks` checks every quote verbatim and numbers them.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from qa.answer.scoring import Candidate
from qa.index.store import LoadedIndex
from qa.ingest.notices import Notice
from qa.ingest.problems import Problem
from qa.ingest.structure import KIND_LABELS, Section
from qa.query.intent import NEXT_SAID
from qa.query.retrieval import Hit

# A problem is answered when its section ranks within TOP_MARGIN of the best retrieved
# section (rank: the section's retrieval score plus its best sentence's score, as problems
# rank among themselves below). On the best sentence alone, a problem section retrieval
# put first lost to one sentence of a notice's preamble: development fact questions
# 0.836 / 0.617 then, 0.869 / 0.716 now; comparisons and next steps gained, measure
# questions did not move. Further problems scoring within BLOCK_MARGIN of the
# first get a block each (at most MAX_BLOCKS) when their statement covers the question at
# least EXTRA_MIN_RELATIVE_COVERAGE times as well as the first's: a problem that merely
# reads alike (another 一是/二是 list of the same bureau) is another topic. Chosen on the
# 77 development measure questions (eval/tuning_answers.md): completeness / quote
# precision 0.925 / 0.617 before (sentence score alone, no topic check), 0.902 / 0.935 now;
# a minimum coverage of the question by the section (0.1, 0.2) only lost completeness.
TOP_MARGIN = 0.05
BLOCK_MARGIN = 0.02
MAX_BLOCKS = 5
EXTRA_MIN_RELATIVE_COVERAGE = 1.0
CROSS_BUREAU_MARGIN = 0.5
# A question naming no bureau (what did any bureau do about …) also gets a bureau's further
# problems within UNSCOPED_BLOCK_MARGIN covering the question at least
# UNSCOPED_RELATIVE_COVERAGE times as well as the first's (the same topic is often spread
# over several problems of one notice). Chosen on the 28 development precedent questions:
# completeness / quote precision 0.590 / 0.853 with the scoped settings (0.02, 1.0, 6
# sections), 0.679 / 0.818 then (with qa.answer.compose.UNSCOPED_CHUNKS 10).
UNSCOPED_BLOCK_MARGIN = 0.5
UNSCOPED_RELATIVE_COVERAGE = 0.25
# ... and, from at most RELATED_PROBLEMS further problems, only the measures holding a
# sentence within RELATED_MARGIN of the best sentence that cover at least
# RELATED_MIN_COVERAGE of the question (a bureau's 矛盾纠纷 measure under its 除险保安
# problem). Chosen on the 72 development precedent questions: completeness / quote precision
# 0.649 / 0.759 without; 0.686 / 0.757 with 3, 0.02, 0.3 (UNSCOPED_RELATIVE_COVERAGE 0.5 →
# 0.25 with them; 0.0 coverage: 0.687 / 0.742; margin 0.04: 0.724 / 0.686). For a question
# naming a bureau they cost precision: measure 0.905 / 0.912 → 0.906 / 0.887 at best.
RELATED_PROBLEMS = 3
RELATED_MARGIN = 0.02
RELATED_MIN_COVERAGE = 0.3
# A problem of a bureau named in the question also ranks by how much of the question its
# heading and statement cover, TOPIC_WEIGHT times (舟山市局对民警的教育管理抓得不严 is about
# 民警教育管理不够严格, not a problem whose measures merely read alike). Development measure
# questions (185, with the Chinese restatements) 0.910 / 0.939 without, 0.921 / 0.944 at
# 0.3 (0.1: 0.916 / 0.940, 0.5: 0.921 / 0.935); for questions naming no bureau it lowered
# completeness at every weight (precedent 0.581 → 0.559 at 0.3), so it is not used there.
# With the English restatements too (262 measure questions) `make tune` prefers 0.1:
# 0.883 / 0.892 against 0.879 / 0.893 without and 0.875 / 0.894 at 0.3.
TOPIC_WEIGHT = 0.1
# ... and its best sentence counts SENTENCE_WEIGHT times (once in the rank TOP_MARGIN uses):
# a section's retrieval score spreads far more than its best sentence's, so the problem whose
# sentence matches best lost to one whose section merely scored higher (舟山市局对民警的教育
# 管理抓得不严 → 队伍稳定性不足). Development measure questions (262, with SIBLING_*) 0.931 /
# 0.905 once, 0.933 / 0.914 at 3, 0.933 / 0.923 at 5, 0.937 / 0.918 at 8; for questions
# naming no bureau completeness fell at every weight (precedent 0.720 → 0.660 at 5), so it is
# not used there, nor in a comparison's rows. Scaling the sum back to rank's scale (the margins
# below then keep their meaning) needed BLOCK_MARGIN 0.01 for the same figures and cost a
# development comparison.
SENTENCE_WEIGHT = 5.0
# (next steps: with the restatements `make tune` moved the focus threshold from 0.3 to 0.2,
# 0.874 / 0.867 against 0.884 / 0.824)
ITEM_FOCUS_MIN = 0.2
ITEM_FOCUS_RATIO = 0.9
# A problem area the notice splits into several problems (7.预防打击电信网络诈骗违法犯罪 →
# (14) 提升…预警防范能力, (15) 加大打击…力度): a sibling of the first problem (same parent
# heading, one of at most MAX_SIBLINGS problems) gets a block too when it ranks within
# SIBLING_MARGIN of the first and its statement covers at least SIBLING_MIN_RELATIVE_COVERAGE
# times as much of the question as the first's (港口分局在预防和打击电信网络诈骗方面…). The
# development measure questions whose gold spans siblings are 10 of 262: 0.908 / 0.913
# without, 0.931 / 0.905 at 0.25 and 0.5 (0.15: 0.919 / 0.912; 0.35: 0.933 / 0.882). For
# questions naming no bureau, or a comparison's rows, siblings only cost (precedent 0.720 →
# 0.706), so only the answer about a named bureau's problem adds them.
# The named bureau's further problems ranking within ALTERNATIVE_MARGIN of the first without a
# block are named after the answer (at most ALTERNATIVES), to ask about by their titles: the
# wrong one of a bureau's similar problems is how measure questions fail. Development measure
# questions: when the first problem is the gold one, the next of its bureau ranks 0.156 or more
# below it in nine answers of ten; when it is not, the gold one ranks second to fourth, within
# 0.2 in 9 of 12.
ALTERNATIVE_MARGIN = 0.2
ALTERNATIVES = 2
SIBLING_MARGIN = 0.25
SIBLING_MIN_RELATIVE_COVERAGE = 0.5
MAX_SIBLINGS = 5


@dataclass
class Quote:
    doc: str
    start: int
    end: int
    row: int  # a chunk row of the section quoted (for its heading path)
    role: str  # problem, measure, item, evidence
    label: str = ""


@dataclass
class BlockSpec:
    kind: str  # measures, items, row
    bureau: str
    doc: str
    heading: str  # what the block is about: the problem heading, the part's heading, the bureau
    quotes: list[Quote] = field(default_factory=list)
    missing: bool = False  # a compare row whose notice is silent (未提及)
    of: int = 0  # a problem quoted with only some of its measures, a part with only some of its items: how many


@dataclass
class Block:
    """A block of a finished answer: its citations by number."""
    kind: str
    bureau: str
    doc: str
    heading: str
    citations: list[int]
    missing: bool = False
    of: int = 0  # only some measures (items) quoted: how many the problem (part) has

    def to_dict(self) -> dict:
        return {"kind": self.kind, "bureau": self.bureau, "doc": self.doc, "heading": self.heading,
                "citations": self.citations, "missing": self.missing, "of": self.of}


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding blanks."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def unit_relevance(index: LoadedIndex, cands: list[Candidate]) -> dict[tuple[str, int], float]:
    """Each retrieved unit's relevance: the score of its best sentence."""
    out: dict[tuple[str, int], float] = {}
    for c in cands:
        chunk = index.chunks[c.row]
        key = (chunk.doc, chunk.section_idx)
        out[key] = max(out.get(key, -1.0), c.score)
    return out


def _bureaus_first(ranked: list[tuple[float, tuple[str, int]]], doc: str) -> list[tuple[float, tuple[str, int]]]:
    """Ranked problems with each further bureau's best (not ``doc``'s) before any bureau's
    second one, so that a bureau with many close problems does not crowd the others out."""
    firsts: dict[str, tuple[float, tuple[str, int]]] = {}
    for e in ranked:
        if e[1][0] != doc:
            firsts.setdefault(e[1][0], e)
    return list(firsts.values()) + [e for e in ranked if e not in firsts.values()]


def measure_blocks(index: LoadedIndex, problem_of: dict[tuple[str, int], Problem], hits: list[Hit],
                   cands: list[Candidate], unit_rows: dict[tuple[str, int], list[int]],
                   covers: Callable[[str], float | None] | None = None, scoped: bool = True,
                   kin: bool = False, alternatives: list[Problem] | None = None) -> list[BlockSpec]:
    """The matching problems with all their measures; empty when the best passages are
    not in a problem section (the answer is then built from passages).

    Problems rank by their section's retrieval score plus their best sentence's score
    (either alone picks the right problem first for fewer development questions: 71 and
    63 of 77, both 72). ``covers`` gives the share of the question's words a text
    contains: it decides whether a further problem is on the same topic. A question that
    names no bureau (not ``scoped``) asks what any bureau did: each further bureau's best
    problem within CROSS_BUREAU_MARGIN gets a block. ``kin``: the first problem's siblings
    that are part of what is asked get a block too (SIBLING_*; a question about one bureau's
    problems, not a comparison's row). ``alternatives``, when given, receives the first
    problem's bureau's further problems within ALTERNATIVE_MARGIN that got no block, best first."""
    relevance = unit_relevance(index, cands)
    retrieval: dict[tuple[str, int], float] = {}
    for h in hits:
        key = (h.chunk.doc, h.chunk.section_idx)
        retrieval[key] = max(retrieval.get(key, 0.0), float(h.score))
    if not relevance:
        return []
    problems = [k for k in relevance if k in problem_of]
    rank = {k: relevance[k] + retrieval.get(k, 0.0) for k in relevance}  # the rank problems get below
    if not problems or max(rank[k] for k in problems) < max(rank.values()) - TOP_MARGIN:
        return []
    topic = {k: (covers(problem_topic(index, problem_of[k])) or 0.0) if covers is not None else 0.0 for k in problems}
    weight = TOPIC_WEIGHT if scoped else 0.0
    named = kin and scoped  # an answer about a named bureau's problem
    extra = SENTENCE_WEIGHT - 1.0 if named else 0.0
    ranked = sorted(((rank[k] + extra * relevance[k] + weight * topic[k], k) for k in problems), reverse=True)
    best, top = ranked[0]
    # the first problem, and its siblings that are part of what is asked
    kin_keys = siblings(index, problem_of, top, rank, covers) if named and covers is not None else []
    chosen = [top, *kin_keys[:MAX_BLOCKS - 1]]
    out = [problem_block(index, problem_of[k], unit_rows[k][0]) for k in chosen]
    taken = set(chosen)
    first_cov = topic[top] if covers is not None else 1.0
    for score, key in (ranked[1:] if scoped else _bureaus_first(ranked[1:], top[0])):
        if len(out) == MAX_BLOCKS:
            break
        if key in taken:
            continue
        p = problem_of[key]
        if not scoped and all(b.doc != p.doc for b in out):  # another bureau's best problem
            if score < best - CROSS_BUREAU_MARGIN:
                continue
        else:
            if score < best - (BLOCK_MARGIN if scoped else UNSCOPED_BLOCK_MARGIN):
                continue
            cov = topic[key] if covers is not None else 1.0
            if cov < first_cov * (EXTRA_MIN_RELATIVE_COVERAGE if scoped else UNSCOPED_RELATIVE_COVERAGE):
                continue
            first_cov = first_cov or cov
        out.append(problem_block(index, p, unit_rows[key][0]))
        taken.add(key)
    if alternatives is not None:
        alternatives += [problem_of[k] for score, k in ranked[1:] if k not in taken and k[0] == top[0]
                         and score >= best - ALTERNATIVE_MARGIN][:ALTERNATIVES]
    if not scoped:  # further problems' measures on the topic; a bureau's blocks together, bureaus
        # in the order of their best block
        out += related_measures(index, [problem_of[k] for _, k in ranked if k not in taken], cands, unit_rows, covers)
        first: dict[str, int] = {}
        for i, b in enumerate(out):
            first.setdefault(b.doc, i)
        out.sort(key=lambda b: first[b.doc])
    return out


def siblings(index: LoadedIndex, problem_of: dict[tuple[str, int], Problem], key: tuple[str, int],
             rank: dict[tuple[str, int], float], covers: Callable[[str], float | None]) -> list[tuple[str, int]]:
    """The problems under the same parent heading as ``key`` that are part of what is asked
    (SIBLING_*), best first."""
    sections = index.notices[key[0]].sections
    parent = sections[key[1]].parent
    if parent is None:
        return []
    kin = [(key[0], i) for i in sections[parent].children if i != key[1] and (key[0], i) in problem_of]
    if not kin or len(kin) + 1 > MAX_SIBLINGS:
        return []

    def own(k: tuple[str, int]) -> float:
        p = problem_of[k]
        return covers(index.notices[p.doc].text[p.problem.start:p.problem.end]) or 0.0

    first = own(key)
    if first <= 0.0:
        return []
    ok = [k for k in kin if k in rank and rank[k] >= rank[key] - SIBLING_MARGIN
          and own(k) >= first * SIBLING_MIN_RELATIVE_COVERAGE]
    return sorted(ok, key=lambda k: -rank[k])


def related_measures(index: LoadedIndex, problems: list[Problem], cands: list[Candidate],
                     unit_rows: dict[tuple[str, int], list[int]],
                     covers: Callable[[str], float | None] | None) -> list[BlockSpec]:
    """From further problems (best first, none already quoted whole), the problem and only
    those of its measures that hold one of the best sentences and cover the question
    (RELATED_*); each block says how many measures the problem has (``of``)."""
    top = max(c.score for c in cands)
    best = [c for c in cands if c.score >= top - RELATED_MARGIN]
    out: list[BlockSpec] = []
    for p in problems:
        if len(out) == RELATED_PROBLEMS:
            break
        mine = [c for c in best if index.chunks[c.row].doc == p.doc and index.chunks[c.row].section_idx == p.section]
        text = index.notices[p.doc].text
        keep = [i for i, m in enumerate(p.measures) if any(m.start < c.end and c.start < m.end for c in mine)
                and (covers is None or (covers(text[m.start:m.end]) or 0.0) >= RELATED_MIN_COVERAGE)]
        if keep:
            block = problem_block(index, p, unit_rows[(p.doc, p.section)][0])
            block.quotes = [block.quotes[0]] + [block.quotes[i + 1] for i in keep]
            block.of = len(p.measures)
            out.append(block)
    return out


def quoted_text(index: LoadedIndex, spec: BlockSpec) -> str:
    """Everything a block quotes (a problem with its measures), as one text."""
    return " ".join(index.notices[q.doc].text[q.start:q.end] for q in spec.quotes)


def problem_topic(index: LoadedIndex, p: Problem) -> str:
    """What a problem is about: its heading path and the problem as the notice states it."""
    return " ".join(p.path) + " " + index.notices[p.doc].text[p.problem.start:p.problem.end]


def problem_block(index: LoadedIndex, p: Problem, row: int) -> BlockSpec:
    notice = index.notices[p.doc]
    text = notice.text
    quotes = [Quote(p.doc, *_strip(text, p.problem.start, p.problem.end), row, "problem")]
    for i, m in enumerate(p.measures, start=1):
        quotes.append(Quote(p.doc, *_strip(text, m.start, m.end), row, "measure", str(i)))
    return BlockSpec("measures", notice.meta.bureau_label, p.doc, p.problem.text.strip(), quotes)


_LONG_TERM = re.compile(r"长期|(较长|长)时间|尚未|没改完|没整改完|还没|未完成|还有哪些|long[- ]term|still|unfinished|unresolved|pending|undone|not (yet )?(been )?(fully )?(fixed|resolved|rectified|completed|finished)", re.I)
_NEXT = re.compile(NEXT_SAID + r"|next|going forward|from here|once the .{0,40}\b(is|are) over\b", re.I)


def items_block(index: LoadedIndex, doc: str, question: str, unit_rows: dict[tuple[str, int], list[int]],
                covers: Callable[[str], float | None] | None = None, strict: bool = False,
                long_term: bool | None = None) -> BlockSpec | None:
    """Every item of the next-steps (or long-term) part of ``doc``: each leaf section of
    that kind, split at its 一是/二是… items when it has them. A question about one of
    them (港口分局按程序开展轮岗这项需长期整改的工作…) gets that one: the leaves covering the
    question at least ITEM_FOCUS_RATIO as well as the best, when the best covers
    ITEM_FOCUS_MIN of it. ``strict``: None when no leaf does (a comparison's row for a
    bureau whose next steps do not mention the topic). ``long_term``: that part first, whatever
    the question says (None: as the question says)."""
    notice = index.notices[doc]
    if long_term is None:
        long_term = bool(_LONG_TERM.search(question)) and not _NEXT.search(question)
    _, leaves = _part_leaves(notice, ("long_term", "next_steps") if long_term else ("next_steps", "long_term"))
    if not leaves:
        return None
    focus = leaves
    if covers is not None and (len(leaves) > 1 or strict):
        covs = [covers(notice.text[s.start:s.end]) or 0.0 for s in leaves]
        if max(covs) >= ITEM_FOCUS_MIN:
            focus = [s for s, c in zip(leaves, covs) if c >= max(covs) * ITEM_FOCUS_RATIO]
        elif strict:
            return None
    quotes = _numbered_items(index, doc, focus, unit_rows)
    total = len(quotes) if focus is leaves else len(_numbered_items(index, doc, leaves, unit_rows))
    parent = notice.sections[focus[0].parent] if focus[0].parent is not None else focus[0]
    return BlockSpec("items", notice.meta.bureau_label, doc, parent.heading.strip(), quotes,
                     of=total if total > len(quotes) else 0)


def overall_block(index: LoadedIndex, doc: str, unit_rows: dict[tuple[str, int], list[int]]) -> BlockSpec | None:
    """How a notice says its rectification went as a whole: every item of its overall part
    (党委履行巡察整改主体责任情况, 整改工作基本情况), else of its opening (舟山 has no such part)."""
    notice = index.notices[doc]
    kind, leaves = _part_leaves(notice, ("overall", "preamble"))
    if not leaves:
        return None
    quotes = _numbered_items(index, doc, leaves, unit_rows)
    parent = notice.sections[leaves[0].parent] if leaves[0].parent is not None else None
    heading = parent.heading.strip() if parent is not None and parent.heading.strip() else KIND_LABELS[kind]
    return BlockSpec("items", notice.meta.bureau_label, doc, heading, quotes)


def _part_leaves(notice: Notice, kinds: tuple[str, ...]) -> tuple[str, list[Section]]:
    """The first of ``kinds`` the notice has, with that part's leaf sections holding text."""
    for kind in kinds:
        leaves = [s for s in notice.sections if s.kind == kind and s.is_leaf and notice.text[s.start:s.end].strip()]
        if leaves:
            return kind, leaves
    return "", []


def _numbered_items(index: LoadedIndex, doc: str, leaves: list[Section],
                    unit_rows: dict[tuple[str, int], list[int]]) -> list[Quote]:
    """The items of these leaves, numbered on from 1."""
    quotes = [q for sec in leaves for q in _leaf_items(index, doc, sec, unit_rows)]
    return [replace(q, label=str(i)) for i, q in enumerate(quotes, start=1)]


def _leaf_items(index: LoadedIndex, doc: str, sec: Section, unit_rows: dict[tuple[str, int], list[int]]) -> list[Quote]:
    """A leaf section's items (its 一是/二是…, with any text before the first), else the whole leaf."""
    notice = index.notices[doc]
    row = next((r for r in unit_rows.get((doc, sec.idx), [])), None)
    if row is None:  # a section inside a bigger unit: the unit's first chunk
        row = index.row_at(doc, sec.start) or 0
    spans = [(a, b) for a, b in sec.items] if len(sec.items) > 1 else [(sec.start, sec.end)]
    if len(sec.items) > 1 and sec.items[0][0] > sec.start:  # the text before the first item
        spans.insert(0, (sec.start, sec.items[0][0]))
    out = []
    for a, b in spans:
        a, b = _strip(notice.text, a, b)
        if b > a:
            out.append(Quote(doc, a, b, row, "item"))
    return out
