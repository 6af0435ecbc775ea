"""The precedent finder: "we have this problem — what did other bureaus do about it?"

Problems and their measures were extracted at index time (qa.ingest.problems). A query is
matched against the problem sections with the hybrid retriever; the matching problems
are grouped by bureau, at most a few per bureau, and bureaus are ranked by their best
match, so that one bureau with many similar paragraphs cannot crowd the others out.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from qa.answer.scoring import Scorer
from qa.answer.verify import QuoteError, check_quote
from qa.index.store import LoadedIndex
from qa.ingest.problems import Problem, Span
from qa.query.retrieval import Retriever

# A problem's relevance is its best sentence's score plus RETRIEVAL_WEIGHT times its
# section's retrieval score; it is listed when within MARGIN of the best problem's, at
# most PER_BUREAU a bureau. Chosen on the 22 development precedent questions
# (eval/tuning_answers.md): passage recall / precision / items listed 0.795 / 0.529 / 6.3
# before (sentence score, margin 0.08, 2 a bureau); 0.951 / 0.237 / 17.7 with the sentence
# score alone at margin 0.15 and 4 a bureau; 0.959 / 0.336 / 12.6 at 4 a bureau. With the
# English variants of the development questions (28 questions) 4 a bureau reaches 0.931;
# the shortest list reaching 0.95 (eval/tune_answers.py) is 6 a bureau: 0.956 / 0.273 / 16.3.
# With the Chinese and English restatements (72 questions) no setting reaches 0.95; by the
# same rule the best recall is chosen: 8 a bureau, margin 0.6 (0.945 / 0.149 / 28.6; 6 a
# bureau at 0.5: 0.928 / 0.221 / 18.9). After the second English glossary pass 8 a bureau
# at margin 0.5 reaches it: 0.958 / 0.200 / 21.6 (0.6: 0.965 / 0.152 / 28.6). Drawing the
# problems from CANDIDATES 60 retrieved sections rather than 40, 6 a bureau reach more with a
# shorter list: 0.960 / 0.211 / 20.6 (100 sections, 5 a bureau: 0.955 / 0.207 / 20.8).
CANDIDATES = 60
RETRIEVAL_WEIGHT = 0.5
MARGIN = 0.5
PER_BUREAU = 6
K_BUREAUS = 5


@dataclass
class PrecedentItem:
    problem: Span
    doc: str
    bureau: str
    title: str
    section: tuple[str, ...]
    start: int
    end: int
    line: int
    measures: list[Span]
    score: float

    def to_dict(self) -> dict:
        return {"problem": self.problem.text, "problem_start": self.problem.start, "problem_end": self.problem.end,
                "doc": self.doc, "title": self.title, "section": list(self.section), "start": self.start,
                "end": self.end, "line": self.line, "score": round(self.score, 6),
                "measures": [{"text": m.text, "start": m.start, "end": m.end} for m in self.measures]}


@dataclass
class BureauPrecedents:
    bureau: str
    items: list[PrecedentItem]


@dataclass
class PrecedentResult:
    query: str
    bureaus: list[BureauPrecedents]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"query": self.query, "found": bool(self.bureaus),
                "bureaus": [{"bureau": b.bureau, "items": [i.to_dict() for i in b.items]} for b in self.bureaus],
                "notes": self.notes}


class PrecedentFinder:
    def __init__(self, index: LoadedIndex, retriever: Retriever):
        self.index = index
        self.retriever = retriever
        self.scorer = Scorer(index)
        self._problem_of: dict[tuple[str, int], Problem] = {(p.doc, p.section): p for p in index.problems}

    def find(self, query: str, k_bureaus: int = K_BUREAUS, per_bureau: int = PER_BUREAU) -> PrecedentResult:
        # A problem described in plain words: the glossary's official terms are embedded too
        # (for retrieval alone they go to BM25 only; for matching problems they help, README).
        prepared = replace(self.retriever.prepare(query), dense_terms=True)
        qvec = self.retriever.embed(prepared)
        hits = self.retriever.search(prepared, k=CANDIDATES, kinds=["problem", "long_term"], qvec=qvec, focus=False)
        hits = [h for h in hits if (h.chunk.doc, h.chunk.section_idx) in self._problem_of]
        # a problem's relevance: its best sentence (similarity plus the question's words)
        relevance: dict[tuple[str, int], float] = {}
        rows = {h.rank: (h.chunk.doc, h.chunk.section_idx) for h in hits}
        retrieval: dict[tuple[str, int], float] = {}
        for h in hits:
            key = (h.chunk.doc, h.chunk.section_idx)
            retrieval[key] = max(retrieval.get(key, 0.0), RETRIEVAL_WEIGHT * float(h.score))
        for cand in self.scorer.sentences(prepared, qvec, hits, headings=True):
            key = rows[cand.hit_rank]
            relevance[key] = max(relevance.get(key, -1.0), cand.score + retrieval[key])
        if not relevance:
            return PrecedentResult(prepared.text, [])
        top = max(relevance.values())
        by_bureau: dict[str, list[tuple[float, Problem]]] = {}
        for key, score in sorted(relevance.items(), key=lambda kv: -kv[1]):
            if score < top - MARGIN:
                break
            bureau = self.index.notices[key[0]].meta.bureau_label
            lst = by_bureau.setdefault(bureau, [])
            if len(lst) < per_bureau:
                lst.append((score, self._problem_of[key]))
        ranked = sorted(by_bureau.items(), key=lambda kv: -kv[1][0][0])[:k_bureaus]
        notes: list[str] = []
        out = []
        for bureau, items in ranked:
            checked = [x for x in (self._item(p, s, notes) for s, p in items) if x is not None]
            if checked:
                out.append(BureauPrecedents(bureau, checked))
        return PrecedentResult(prepared.text, out, notes)

    def _item(self, p: Problem, score: float, notes: list[str]) -> PrecedentItem | None:
        """Every quoted span (problem and measures) passes the verbatim check."""
        notice = self.index.notices[p.doc]
        try:
            check_quote(self.index, p.doc, p.problem.start, p.problem.end, p.problem.text)
            for m in p.measures:
                check_quote(self.index, p.doc, m.start, m.end, m.text)
        except QuoteError as exc:
            notes.append(f"已移除一条未通过原文核对的结果：{exc}")
            return None
        return PrecedentItem(p.problem, p.doc, notice.meta.bureau_label, notice.title, p.path, p.start, p.end,
                             notice.line_of(p.start), list(p.measures), score)
