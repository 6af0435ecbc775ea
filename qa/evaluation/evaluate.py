"""``qa eval``: our retrievers and the naive baseline, side by side in one run."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from qa.evaluation.baseline import build_baseline
from qa.evaluation.metrics import Passage
from qa.evaluation.questions import Question, load_questions
from qa.evaluation.runner import BASELINE, RETRIEVERS, run_retriever, score_run
from qa.index.embed_cache import open_cache
from qa.service import Service


def corpus_texts(service: Service) -> dict[str, str]:
    return {doc: n.text for doc, n in service.index.notices.items()}


def evaluate(service: Service, questions_path: Path, retrievers: tuple[str, ...] = RETRIEVERS, k: int = 10,
             baseline: bool = True, answers: bool = True, progress: bool = False, split: str = "all") -> dict:
    """Figures on one part of the question set (``split``: dev, test or all)."""
    texts = corpus_texts(service)
    questions = [q for q in load_questions(questions_path, texts) if split in ("all", q.split)]
    bureau_of = {doc: n.meta.bureau_label for doc, n in service.index.notices.items()}
    chunk_passages = [Passage(c.doc, c.start, c.end) for c in service.index.chunks]
    result: dict = {
        "questions_file": str(questions_path), "split": split, "questions": len(questions), "k": k,
        "kinds": {kind: sum(1 for q in questions if q.kind == kind) for kind in sorted({q.kind for q in questions})},
        "settings": {"embedder": service.embedder.id, "chunk": service.settings.chunk.model_dump(),
                     "retrieval": service.settings.retrieval.model_dump(),
                     "index_type": service.index.manifest.get("index_type")},
        "counts": service.index.manifest.get("counts"),
        "retrievers": {},
    }
    for mode in retrievers:
        def search(q: str, mode=mode) -> list[Passage]:
            return [Passage(h.chunk.doc, h.chunk.start, h.chunk.end) for h in service.search(q, k=k, mode=mode)]
        run = run_retriever(questions, search, chunk_passages)
        result["retrievers"][mode] = score_run(questions, run, bureau_of, k)
    if baseline:
        cache = open_cache(service.settings, service.embedder.id)
        try:
            base = build_baseline(texts, service.embedder, cache, progress=progress)
        finally:
            cache.close()
        run = run_retriever(questions, lambda q: base.search(service.embedder.embed_query(q), k), base.passages)
        result["retrievers"][BASELINE] = score_run(questions, run, bureau_of, k)
        result["baseline_chunks"] = len(base.passages)
    if answers:
        from qa.evaluation.answers import score_answers, score_precedents

        result["answers"] = score_answers(service, questions)
        result["precedents"] = score_precedents(service, questions)
    result["per_question"] = _per_question(questions, result)
    return result


def _per_question(questions: list[Question], result: dict) -> list[dict]:
    rows = []
    for q in questions:
        row: dict[str, Any] = {"id": q.id, "kind": q.kind, "lang": q.lang, "split": q.split,
                               "question": q.question, "gold": len(q.gold), "retrievers": {}}
        for name, r in result["retrievers"].items():
            if q.id in r["per_question"]:
                row["retrievers"][name] = r["per_question"][q.id]
        if "answers" in result:
            row["answer"] = result["answers"]["per_question"].get(q.id)
            row["precedents"] = result["precedents"]["per_question"].get(q.id)
        rows.append(row)
    for r in result["retrievers"].values():
        r.pop("per_question", None)
    if "answers" in result:
        result["answers"].pop("per_question", None)
        result["precedents"].pop("per_question", None)
    return rows
