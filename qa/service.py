"""The one API the CLI and the web interface share: search, ask, precedents, notices."""
from __future__ import annotations

from qa.answer import Answer, Answerer
from qa.engine import Engine
from qa.notices import Notice
from qa.precedents import PrecedentFinder, PrecedentResult
from qa.retrieval import Hit, QueryError
from qa.structure import KIND_LABELS


class Service:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.index = engine.index
        self.answerer = Answerer(engine.index, engine.retriever, engine.settings.retrieval.abstain_min_dense,
                        engine.settings.retrieval.abstain_min_coverage)
        self.finder = PrecedentFinder(engine.index, engine.retriever)

    def search(self, query: str, k: int = 10, mode: str = "hybrid", bureaus: list[str] | None = None,
               kinds: list[str] | None = None) -> list[Hit]:
        return self.engine.retriever.search(query, k=k, mode=mode, bureaus=bureaus, kinds=kinds)

    def ask(self, question: str, bureaus: list[str] | None = None, kinds: list[str] | None = None,
            llm: bool = False) -> Answer:
        answer = self.answerer.ask(question, bureaus=bureaus, kinds=kinds)
        if llm:
            from qa.llm import summarize

            summary = summarize(answer, self.engine.settings.llm, self.index)
            answer.summary = summary.text
            if summary.note:
                answer.notes.append(summary.note)
            answer.notes.extend(f"已删除：{r}" for r in summary.removed)
        return answer

    def precedents(self, problem: str, k_bureaus: int = 5, per_bureau: int = 2) -> PrecedentResult:
        return self.finder.find(problem, k_bureaus=k_bureaus, per_bureau=per_bureau)

    def bureaus(self) -> list[str]:
        return self.index.bureaus

    def notice_list(self) -> list[dict]:
        rows = []
        for doc, n in sorted(self.index.notices.items()):
            m = n.meta
            rows.append({"doc": doc, "title": n.title, "bureau": m.bureau_label, "anonymised": m.anonymised,
                         "city": m.city, "inspection_round": m.inspection_round,
                         "inspection_group": m.inspection_group, "inspection_period": m.inspection_period,
                         "feedback_date": m.feedback_date, "publication_date": m.publication_date,
                         "disclosure_period": m.disclosure_period, "sections": len(n.sections),
                         "chunks": sum(1 for c in self.index.chunks if c.doc == doc),
                         "encoding": n.encoding, "warnings": n.warnings})
        return rows

    def rejected(self) -> list[tuple[str, str]]:
        return [(d, v["rejected"]) for d, v in self.index.manifest.get("corpus", {}).items() if v.get("rejected")]

    def notice(self, doc: str) -> Notice:
        """A notice by its corpus file name; only names in the index resolve (no paths)."""
        if not isinstance(doc, str) or doc not in self.index.notices:
            raise QueryError(f"没有名为“{doc}”的已索引通报")
        return self.index.notices[doc]

    @staticmethod
    def kind_labels() -> dict[str, str]:
        return dict(KIND_LABELS)
