"""Vector index seam: nearest chunks to a query vector.

In: L2-normalised float32 vectors, a row per chunk (ids are row numbers). Out: (rows,
scores) by inner product, optionally restricted to :class:`qa.index.filters.AllowedRows`.
Implementations: ``faiss`` (flat / IVF / HNSW; :mod:`qa.index.vectors.faiss`). A new
backend is a module here with a class satisfying :class:`VectorIndex` and a branch in
:func:`build` / :func:`load`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from qa.index.filters import AllowedRows

KINDS = ("flat", "ivf_fp16", "ivf_sq8", "hnsw")
ANN_DEFAULT = "ivf_fp16"


@runtime_checkable
class VectorIndex(Protocol):
    kind: str

    @property
    def size(self) -> int: ...

    def add(self, vectors: np.ndarray) -> None: ...

    def search(self, query: np.ndarray, k: int, allowed: AllowedRows | None = None) -> tuple[np.ndarray, np.ndarray]:
        ...

    def exact_vectors(self) -> np.ndarray | None:
        """All stored vectors as float32 when the index keeps them exactly, else None."""
        ...

    def save(self, path: Path) -> None: ...


def resolve_type(kind: str, n: int, ann_min: int) -> str:
    """``auto``: flat below ``ann_min`` chunks, the approximate default from there."""
    if kind == "auto":
        return "flat" if n < ann_min else ANN_DEFAULT
    if kind not in KINDS:
        raise ValueError(f"unknown index type {kind!r}")
    return kind


def build(vectors: np.ndarray, kind: str, seed: int = 0) -> VectorIndex:
    from qa.index.vectors.faiss import FaissIndex

    return FaissIndex.build(vectors, kind, seed)


def load(path: Path, kind: str, mmap: bool = False) -> VectorIndex:
    from qa.index.vectors.faiss import FaissIndex

    return FaissIndex.load(path, mmap=mmap)
