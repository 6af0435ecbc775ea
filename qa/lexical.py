"""BM25 over jieba tokens (bm25s: eager sparse scores, saved as plain .npy/.json parts)."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

logging.getLogger("bm25s").setLevel(logging.ERROR)


def build(token_lists: list[list[str]]):
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(token_lists, show_progress=False)
    return retriever


def save(retriever, path: Path) -> None:
    retriever.save(str(path), show_progress=False)


def load(path: Path, mmap: bool = True):
    import bm25s

    return bm25s.BM25.load(str(path), mmap=mmap, show_progress=False)


def doc_count(retriever) -> int:
    return int(retriever.scores["num_docs"])


def search(retriever, tokens: list[str], k: int,
           mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (ids, scores) with a positive score; ``mask`` (0/1 per doc) filters."""
    n = doc_count(retriever)
    if not tokens or n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    known = [t for t in tokens if t in retriever.vocab_dict]
    if not known:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    res = retriever.retrieve([known], k=min(k, n), show_progress=False, weight_mask=mask, n_threads=0)
    ids, scores = res.documents[0].astype(np.int64), res.scores[0]
    keep = scores > 0
    return ids[keep], scores[keep]
