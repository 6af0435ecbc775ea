"""What every answer builder shares: the index, retrieval and sentence scorer, the
abstention thresholds, the bureaus and notices a question is about, and the sections a
figure question also searches."""
from __future__ import annotations

from dataclasses import replace

from qa.answer.scoring import Candidate, Scorer
from qa.index.store import LoadedIndex
from qa.query.retrieval import Hit, Retriever, resolve_bureaus

MAX_CHUNKS = 6  # retrieved sections an answer quotes from
# A figure question also searches the overall and opening parts of the notices in scope
# (OVERALL_CHUNKS sections): a count of the whole rectification (共组织召开党委会议7次…推进
# 会议4次, 新增或修订完善各类制度、方案共17项) is stated there, below the problems that mention
# the thing counted. Development fact questions 0.869 / 0.787 without, 0.902 / 0.812 with 1,
# 0.918 / 0.825 with 2 or 3; no other development answer changed, none more declined.
# A comparison's row for a figure does the same in its bureau's notice (development
# comparisons 0.851 / 0.882 → 0.866 / 0.882).
OVERALL_CHUNKS = 2


class Context:
    """The shared state of one answerer; its index never changes, so what is looked up in
    it is remembered (``corpus_terms``: qa.answer.decline.in_corpus; ``heading_cache``:
    qa.answer.measures)."""

    def __init__(self, index: LoadedIndex, retriever: Retriever, min_dense: float = 0.0, min_coverage: float = 0.0):
        self.index = index
        self.retriever = retriever
        self.scorer = Scorer(index)
        self.min_dense = min_dense
        self.min_coverage = min_coverage
        self.problem_of = {(p.doc, p.section): p for p in index.problems}
        self.corpus_terms: dict[str, bool] = {}
        self.heading_cache: dict[tuple[str, int], frozenset[str]] = {}

    def overall(self, prepared, bureaus, qvec, focus: bool = True, per_bureau: bool = False) -> list[Hit]:
        """For a figure question, the best OVERALL_CHUNKS sections (``per_bureau``: as many for
        each bureau in ``bureaus``) of the overall and opening parts, where a count of the
        whole rectification is stated; none for any other question."""
        k = OVERALL_CHUNKS * (len(bureaus) if per_bureau else 1)
        if prepared.qtype != "figure" or not k:
            return []
        return self.retriever.search(prepared, k=k, bureaus=bureaus, qvec=qvec, focus=focus,
                                     kinds=["overall", "preamble"])

    def sentence(self, c: Candidate) -> str:
        """A candidate's text, from its own notice (a bureau may have several)."""
        return self.index.notices[self.index.chunks[c.row].doc].text[c.start:c.end]

    def bureaus_in_scope(self, prepared, bureaus: list[str] | None) -> list[str]:
        """The bureaus asked about: those passed in (resolved), else those the question names."""
        return resolve_bureaus(self.index, bureaus) or list(prepared.bureaus)

    def docs_in_scope(self, prepared, bureaus: list[str] | None) -> list[str]:
        return self.docs_of(self.bureaus_in_scope(prepared, bureaus))

    def docs_of(self, bureaus) -> list[str]:
        """The notices of these bureaus, in index order."""
        wanted = set(bureaus)
        return [doc for doc, n in self.index.notices.items() if n.meta.bureau_label in wanted]

    def compare_scope(self, prepared, bureaus) -> list[str]:
        """The bureaus of a comparison: those the question names (two or more), else all."""
        named = self.bureaus_in_scope(prepared, bureaus)
        return named if len(named) >= 2 else list(self.index.bureaus)

    def compare_docs(self, prepared, bureaus) -> list[str]:
        return self.docs_of(self.compare_scope(prepared, bureaus))


def appended(hits: list[Hit], more: list[Hit], limit: int | None = None) -> list[Hit]:
    """``hits`` and, ranked after them, at most ``limit`` of ``more`` from sections not
    already among them."""
    seen = {(h.chunk.doc, h.chunk.section_idx) for h in hits}
    new = [h for h in more if (h.chunk.doc, h.chunk.section_idx) not in seen][:limit]
    return hits + [replace(h, rank=len(hits) + i + 1) for i, h in enumerate(new)]
