"""The one façade: everything the CLI, the web interface and the evaluation do goes
through :class:`Service` (search, ask, precedents, notices).

``Service.open`` loads the settings, the embedder and the index once per process; with
``auto_build`` it first builds or updates an index that is missing, stale or was built
with other settings (``qa serve``, ``qa ask``… do; ``qa index`` builds explicitly).
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cached_property

from qa.answer.compose import Answer, Answerer, narrow_to_item
from qa.answer.precedents import PrecedentFinder, PrecedentResult
from qa.config import Settings, load_settings
from qa.index.embedders import Embedder, get_embedder
from qa.index.store import (
    IndexCorrupt,
    IndexMismatch,
    IndexMissing,
    IndexStale,
    LoadedIndex,
    chunk_settings,
    expected_settings,
    load_index,
)
from qa.ingest.notices import Notice
from qa.ingest.structure import KIND_LABELS
from qa.query.followup import Exchange, understand
from qa.query.retrieval import Hit, QueryError, Retriever, check_query


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)  # noqa: T201 - the default progress log is the console


class Service:
    def __init__(self, settings: Settings, embedder: Embedder, index: LoadedIndex, build_report=None):
        self.settings = settings
        self.embedder = embedder
        self.index = index
        self.build_report = build_report  # qa.index.build.BuildReport when opening built or updated it
        self.retriever = Retriever(index, embedder, settings.retrieval, settings.glossary)
        self.answerer = Answerer(index, self.retriever, settings.retrieval.abstain_min_dense,
                                 settings.retrieval.abstain_min_coverage)
        self.finder = PrecedentFinder(index, self.retriever)

    @classmethod
    def open(cls, settings: Settings | None = None, auto_build: bool = True, progress: bool = True,
             log: Callable[[str], None] = _stderr, lock_timeout: float = 600) -> Service:
        """Load the index, building or updating it first when it is missing, stale or was
        built with other settings (``auto_build``); otherwise raise with what to do."""
        settings = settings or load_settings()
        embedder = get_embedder(settings.embedder)
        expected = expected_settings(embedder.id, embedder.dim, chunk_settings(settings))
        report = None
        try:
            index = load_index(settings.index_dir, settings.corpus_dir, expected)
        except (IndexMissing, IndexStale, IndexMismatch, IndexCorrupt) as exc:
            if not auto_build:
                raise
            from qa.index.build import build_index  # only when building: keeps start-up light

            rebuild = isinstance(exc, (IndexMismatch, IndexCorrupt))
            log(f"{exc}\n正在{'重建' if rebuild else '更新'}索引……")
            report = build_index(settings, embedder, rebuild=rebuild, progress=progress, lock_timeout=lock_timeout)
            log(report.summary())
            index = load_index(settings.index_dir, settings.corpus_dir, expected)
        return cls(settings, embedder, index, report)

    def search(self, query: str, k: int = 10, mode: str = "hybrid", bureaus: list[str] | None = None,
               kinds: list[str] | None = None) -> list[Hit]:
        return self.retriever.search(query, k=k, mode=mode, bureaus=bureaus, kinds=kinds)

    def ask(self, question: str, bureaus: list[str] | None = None, kinds: list[str] | None = None,
            llm: bool = False, history: list[Exchange] | None = None) -> Answer:
        """Answer ``question``; with ``history`` (the previous questions as understood), a
        follow-up is resolved against the conversation first and the lead says how."""
        question = check_query(question)
        u = understand(question, history, self.index.bureau_aliases)
        scope = list(u.scope) if u.scope and not bureaus else None
        answer = self.answerer.ask(u.asked, bureaus=bureaus or scope, kinds=kinds)
        if u.item is not None:
            answer = narrow_to_item(answer, u.item)
        answer.asked, answer.scope = u.asked, tuple(scope or ())
        if u.is_followup(question):
            en = answer.lang == "en"
            where = (f"{' (only ' + ', '.join(scope) + ')' if scope else ''}" if en
                     else f"{'（只看' + '、'.join(scope) + '）' if scope else ''}")
            item = (f", item {u.item}" if en else f"，第 {u.item} 项") if u.item else ""
            answer.lead = (f"Understood as: {u.asked}{item}{where}. " if en
                           else f"理解为：“{u.asked}”{item}{where}。") + answer.lead
        if llm:
            from qa.answer.summary import summarize

            summary = summarize(answer, self.settings.llm, self.index)
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
        return self._notice_rows

    @cached_property
    def _notice_rows(self) -> list[dict]:
        """The indexed notices and their metadata (computed once: one pass over the chunks)."""
        per_doc: dict[str, int] = {}
        for c in self.index.chunks:
            per_doc[c.doc] = per_doc.get(c.doc, 0) + 1
        rows = []
        for doc, n in sorted(self.index.notices.items()):
            m = n.meta
            rows.append({"doc": doc, "title": n.title, "bureau": m.bureau_label, "anonymised": m.anonymised,
                         "city": m.city, "inspection_round": m.inspection_round,
                         "inspection_group": m.inspection_group, "inspection_period": m.inspection_period,
                         "feedback_date": m.feedback_date, "publication_date": m.publication_date,
                         "disclosure_period": m.disclosure_period, "sections": len(n.sections),
                         "chunks": per_doc.get(doc, 0), "encoding": n.encoding, "warnings": n.warnings,
                         "ocr": n.ocr, "read": "OCR 识别" if n.ocr else ""})
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
