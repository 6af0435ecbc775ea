"""The index backend chosen by ``[index] backend``: the local build folder (FAISS +
BM25 files) or Milvus (:mod:`qa.index.milvus`). Callers load through :func:`open_index`
and never learn which one they got."""
from __future__ import annotations

from qa.index.store import LoadedIndex, load_index


def open_index(settings, expected: dict) -> LoadedIndex:
    """The serving index. With Milvus, the collection is the source of truth: the local
    corpus folder is not compared with it (``qa index`` publishes changes)."""
    if settings.index.backend == "milvus":
        from qa.index.milvus.publish import load_index as load_from_milvus

        return load_from_milvus(settings, expected)
    return load_index(settings.index_dir, settings.corpus_dir, expected)
