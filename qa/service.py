"""The one façade: everything the CLI, the web interface and the evaluation do goes
through :class:`Service` (search, ask, precedents, notices; adding and removing notices).

``Service.open`` loads the settings, the embedder and the index once per process; with
``auto_build`` it first builds or updates an index that is missing, stale or was built
with other settings (``qa serve``, ``qa ask``… do; ``qa index`` builds explicitly).
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from qa.answer.compose import Answerer
from qa.answer.parts import merge_answers
from qa.answer.precedents import K_BUREAUS, PER_BUREAU, PrecedentFinder, PrecedentResult
from qa.answer.result import Answer, narrow_to_item
from qa.config import Settings, load_settings
from qa.index.backend import open_index
from qa.index.embedders import Embedder, get_embedder
from qa.index.store import (
    IndexCorrupt,
    IndexMismatch,
    IndexMissing,
    IndexStale,
    LoadedIndex,
    chunk_settings,
    expected_settings,
)
from qa.ingest.notices import Notice
from qa.ingest.structure import KIND_LABELS
from qa.query.followup import Exchange, understand
from qa.query.parts import fields_only, is_conditional, question_parts
from qa.query.retrieval import Hit, QueryError, Retriever, check_query

if TYPE_CHECKING:  # the build machinery is imported only when the index changes
    from qa.index.build import BuildReport
    from qa.manage import FileResult


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)  # noqa: T201 - the default progress log is the console


@dataclass
class Change:
    """What :meth:`Service.add` or :meth:`Service.remove` did."""
    files: list[FileResult] = field(default_factory=list)  # per file given (add)
    removed: str = ""  # the corpus file removed (remove)
    bureau: str = ""
    chunks: int = 0  # chunks the removed notice had
    report: BuildReport | None = None  # of the update (None: nothing changed)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files)

    def lines(self) -> list[str]:
        """One line per file (add) or for the removal, then the index's state, in Chinese."""
        out = [f.line() for f in self.files]
        if self.removed:
            out.append(f"已删除 {self.removed}（{self.bureau or '未索引'}）：从通报目录和索引中移除，"
                       f"共 {self.chunks} 个分块")
        r = self.report
        if r is not None:
            took = r.timings.get("total")
            out.append(f"索引现有 {r.notices} 份通报、{r.chunks} 个分块；新嵌入 {r.embedded_chunks} 个分块"
                       + (f"，用时 {took:.1f} 秒" if took is not None else ""))
        return out


class Service:
    def __init__(self, settings: Settings, embedder: Embedder, index: LoadedIndex, build_report=None):
        self.settings = settings
        self.embedder = embedder
        self.build_report = build_report  # qa.index.build.BuildReport when opening built or updated it
        self._attach(index)

    def _attach(self, index: LoadedIndex) -> None:
        """Serve ``index`` from now on (the next question sees it)."""
        settings = self.settings
        retriever = Retriever(index, self.embedder, settings.retrieval, settings.glossary)
        answerer = Answerer(index, retriever, settings.retrieval.abstain_min_dense,
                            settings.retrieval.abstain_min_coverage)
        finder = PrecedentFinder(index, retriever)
        self.__dict__.pop("_notice_rows", None)
        self.index, self.retriever, self.answerer, self.finder = index, retriever, answerer, finder

    def reload(self) -> None:
        """Load the current build again (after an update of the index)."""
        expected = expected_settings(self.embedder.id, self.embedder.dim, chunk_settings(self.settings))
        self._attach(open_index(self.settings, expected))

    def add(self, paths: Sequence[str | Path], progress: bool = False, lock_timeout: float = 60) -> Change:
        """Add notice files to the corpus folder and the index (a new version replaces the
        file of the same name); a file that cannot be added is reported and the rest added.
        Raises BuildBusy when another build holds the lock for ``lock_timeout`` seconds."""
        from qa.manage import add_notices

        results, report = add_notices(self.settings, self.embedder, [Path(p) for p in paths], progress=progress,
                                      lock_timeout=lock_timeout)
        if report is not None:
            self.reload()
        per_doc = self._chunks_per_doc()
        for r in results:
            if r.ok:
                r.chunks = per_doc.get(r.doc, 0)
        return Change(files=results, report=report)

    def remove(self, name: str, lock_timeout: float = 60) -> Change:
        """Take a notice (a corpus file name, or a unique part of it or of its bureau) out of
        the corpus folder and the index, without re-embedding the others."""
        from qa.manage import remove_notice, resolve_notice

        labels = {d: n.meta.bureau_label for d, n in self.index.notices.items()}
        doc = resolve_notice(name, self.settings.corpus_dir, labels)
        chunks = self._chunks_per_doc().get(doc, 0)
        report = remove_notice(self.settings, self.embedder, doc, set(self.index.notices), lock_timeout=lock_timeout)
        self.reload()
        return Change(removed=doc, bureau=labels.get(doc, ""), chunks=chunks, report=report)

    def corpus_files(self) -> list[tuple[str, str]]:
        """(corpus file, bureau or 未索引) for every notice file in the corpus folder."""
        from qa.ingest.notices import doc_name, scan_corpus

        corpus = self.settings.corpus_dir
        return [(d, self.index.notices[d].meta.bureau_label if d in self.index.notices else "未索引")
                for d in (doc_name(p, corpus) for p in scan_corpus(corpus))]

    def _chunks_per_doc(self) -> dict[str, int]:
        return {r["doc"]: r["chunks"] for r in self._notice_rows}

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
            index = open_index(settings, expected)
        except (IndexMissing, IndexStale, IndexMismatch, IndexCorrupt) as exc:
            if not auto_build:
                raise
            from qa.index.build import build_index  # only when building: keeps start-up light

            rebuild = isinstance(exc, (IndexMismatch, IndexCorrupt))
            log(f"{exc}\n正在{'重建' if rebuild else '更新'}索引……")
            report = build_index(settings, embedder, rebuild=rebuild, progress=progress, lock_timeout=lock_timeout)
            log(report.summary())
            index = open_index(settings, expected)
        return cls(settings, embedder, index, report)

    def search(self, query: str, k: int = 10, mode: str = "hybrid", bureaus: list[str] | None = None,
               kinds: list[str] | None = None) -> list[Hit]:
        return self.retriever.search(query, k=k, mode=mode, bureaus=bureaus, kinds=kinds)

    def ask(self, question: str, bureaus: list[str] | None = None, kinds: list[str] | None = None,
            llm: bool = False, history: list[Exchange] | None = None) -> Answer:
        """Answer ``question``; with ``history`` (the previous questions as understood), a
        follow-up is resolved against the conversation first and the lead says how."""
        question = check_query(question)
        u = understand(question, history, self.answerer.retriever.bureau_spans)
        scope = list(u.scope) if u.scope and not bureaus else None
        answer = self._answer(u.asked, bureaus or scope, kinds)
        continued = u.asked  # what the next follow-up continues
        if u.item is not None:
            # 第八个问题 of a list, or of the problems a count counted: how it was rectified
            listed = answer if answer.intent == "problems" else self.answerer.counted_problems(u.asked, bureaus or scope)
            if listed is not None:
                answer = self.answerer.problem_item(listed, u.item)
                continued = answer.asked or u.asked
            else:
                answer = narrow_to_item(answer, u.item)
        answer.asked, answer.scope = continued, tuple(scope or ())
        if u.is_followup(question):
            en = answer.lang == "en"
            where = (f"{' (only ' + ', '.join(scope) + ')' if scope else ''}" if en
                     else f"{'（只看' + '、'.join(scope) + '）' if scope else ''}")
            item = (f", item {u.item}" if en else f"，第 {u.item} 项") if u.item else ""
            answer.lead = (f"Understood as: “{u.asked}”{item}{where}. " if en
                           else f"理解为：“{u.asked}”{item}{where}。") + answer.lead
        if llm:
            from qa.answer.summary import summarize

            summary = summarize(answer, self.settings.llm, self.index)
            answer.summary = summary.text
            if summary.note:
                answer.notes.append(summary.note)
            answer.notes.extend(f"已删除：{r}" for r in summary.removed)
        return answer

    def _answer(self, question: str, bureaus: list[str] | None, kinds: list[str] | None) -> Answer:
        """The answer to ``question``; one asking for metadata and something else (qa.query.parts)
        gets each part answered, a part naming no bureau about the bureaus the question names,
        unless every part that is not metadata is declined and the question asked whole is answered."""
        parts = question_parts(question)
        if not parts:
            return self.answerer.ask(question, bureaus=bureaus, kinds=kinds)
        retriever = self.answerer.retriever
        named = bureaus or list(retriever.prepare(question).bureaus) or None
        answers: list[Answer] = []
        for p in parts:
            if answers and answers[-1].abstained and is_conditional(p):  # 如果有，…: the part before is not stated
                en = answers[-1].lang == "en"
                answers.append(Answer(p, answers[-1].lang, True, "The notice does not state what the previous part "
                                      "asks, so this part does not arise." if en else "上一问通报未写明，此问无从回答。", []))
                continue
            answers.append(self.answerer.ask(p, bureaus=bureaus or (None if retriever.prepare(p).bureaus else named),
                                             kinds=kinds))
        if all(a.abstained for p, a in zip(parts, answers) if not fields_only(p)):
            whole = self.answerer.ask(question, bureaus=bureaus, kinds=kinds)
            if not whole.abstained or all(a.abstained for a in answers):
                return whole
        return merge_answers(question, parts, answers)

    def precedents(self, problem: str, k_bureaus: int = K_BUREAUS, per_bureau: int = PER_BUREAU) -> PrecedentResult:
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
