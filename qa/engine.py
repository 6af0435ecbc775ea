"""One object per process holding the settings, the embedder, the loaded index and the
retriever: what the CLI, the web interface and the evaluation share."""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from qa.config import Settings, load_settings
from qa.embedding import Embedder, get_embedder
from qa.retrieval import Retriever
from qa.store import (
    IndexCorrupt,
    IndexMismatch,
    IndexMissing,
    IndexStale,
    LoadedIndex,
    chunk_settings,
    expected_settings,
    load_index,
)


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclass
class Engine:
    settings: Settings
    embedder: Embedder
    index: LoadedIndex
    retriever: Retriever
    build_report: BuildReport | None = None  # noqa: F821 (qa.build, imported when building)

    @classmethod
    def open(cls, settings: Settings | None = None, auto_build: bool = True, progress: bool = True,
             log: Callable[[str], None] = _stderr, lock_timeout: float = 600) -> Engine:
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
            from qa.build import build_index  # only when building: keeps start-up light

            rebuild = isinstance(exc, (IndexMismatch, IndexCorrupt))
            log(f"{exc}\n正在{'重建' if rebuild else '更新'}索引……")
            report = build_index(settings, embedder, rebuild=rebuild, progress=progress, lock_timeout=lock_timeout)
            log(report.summary())
            index = load_index(settings.index_dir, settings.corpus_dir, expected)
        return cls(settings, embedder, index, Retriever(index, embedder, settings.retrieval, settings.glossary), report)
