"""FAISS vector index: exact inner product (flat) by default; HNSW or IVF with 8-bit
scalar quantisation for large corpora. Vectors are L2-normalised, so inner product is
cosine similarity."""
from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

HNSW_M = 32
HNSW_EF_SEARCH = 128
IVF_PROBE = 16


def resolve_type(kind: str, n: int, ann_min: int) -> str:
    if kind == "auto":
        return "flat" if n < ann_min else "ivf_sq8"
    return kind


def build(vectors: np.ndarray, kind: str) -> faiss.Index:
    n, dim = vectors.shape
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
    elif kind == "ivf_sq8":
        nlist = max(1, min(4096, int(4 * np.sqrt(max(n, 1)))))
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit,
                                              faiss.METRIC_INNER_PRODUCT)
        train = vectors if n <= 100_000 else vectors[np.random.default_rng(0).choice(n, 100_000, replace=False)]
        index.train(train)
    else:
        raise ValueError(f"unknown index type {kind!r}")
    if n:
        index.add(vectors)
    _set_search_params(index)
    return index


def _set_search_params(index: faiss.Index) -> None:
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    ivf = faiss.try_extract_index_ivf(index) if not isinstance(index, faiss.IndexFlat) else None
    if ivf is not None:
        ivf.nprobe = min(IVF_PROBE, ivf.nlist)


def save(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load(path: Path, mmap: bool = False) -> faiss.Index:
    flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mmap else 0
    index = faiss.read_index(str(path), flags)
    _set_search_params(index)
    return index


def search(index: faiss.Index, query: np.ndarray, k: int,
           allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (ids, scores) for one query vector; ``allowed`` restricts to those ids."""
    k = min(k, index.ntotal)
    if k <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    params = None
    if allowed is not None:
        if len(allowed) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        sel = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
        if isinstance(index, faiss.IndexHNSW):
            params = faiss.SearchParametersHNSW(sel=sel, efSearch=max(HNSW_EF_SEARCH, k))
        elif isinstance(index, faiss.IndexFlat):
            params = faiss.SearchParameters(sel=sel)
        else:
            params = faiss.SearchParametersIVF(sel=sel, nprobe=faiss.extract_index_ivf(index).nprobe)
    scores, ids = index.search(q, k, params=params)
    keep = ids[0] >= 0
    return ids[0][keep].astype(np.int64), scores[0][keep]
