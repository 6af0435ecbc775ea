"""FAISS vector index (the ``faiss`` backend of :mod:`qa.index.vectors`). Vectors are L2-normalised, so inner product is cosine similarity.

- ``flat``: exact inner product over float32 vectors (1,536 bytes a chunk); the default
  below ``settings.index.ann_min_chunks`` chunks.
- ``ivf_fp16``: inverted file (k-means cells) over 16-bit float codes (about 790 bytes a
  chunk); searches the ``IVF_PROBE`` cells nearest to the question. The default above the
  threshold: chosen by measurement at 230,000 chunks (README, "Performance"), where it kept a
  Recall@10 of 0.999 against exact search at about 2 ms a query, while HNSW (8-bit codes)
  stayed below 0.65 and 8-bit codes limited IVF to about 0.98.
- ``ivf_sq8``: the same with 8-bit codes (about 400 bytes a chunk), for tighter memory.
- ``hnsw``: HNSW graph over 8-bit codes.

A filtered search (bureau or section kind) passes the allowed rows as a bitmap; an IVF
index then probes proportionally more cells (all of them for a narrow filter), so that
a filter cannot leave the probed cells without results.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import faiss
import numpy as np

from qa.index.filters import AllowedRows

HNSW_M = 32
HNSW_EF_SEARCH = 128
IVF_PROBE = 64
IVF_TRAIN_PER_LIST = 50  # k-means training points per cell (FAISS asks for at least 39)
IVF_NITER = 10


def ivf_lists(n: int) -> int:
    """Number of IVF cells: about 2·√n (946 at 224,000 chunks), with at least 39 vectors a
    cell to train on (FAISS's minimum; only small, explicitly configured indexes hit it)."""
    return max(1, min(65536, int(2 * math.sqrt(max(n, 1))), n // 39))


def _threads(n: int | None = None) -> None:
    faiss.omp_set_num_threads(n or os.cpu_count() or 1)


def _new(vectors: np.ndarray, kind: str, seed: int) -> faiss.Index:
    n, dim = vectors.shape
    if kind == "flat":
        return faiss.IndexFlatIP(dim)
    if kind == "hnsw":
        index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        return index
    if kind in ("ivf_fp16", "ivf_sq8"):
        nlist = ivf_lists(n)
        quantizer = faiss.IndexFlatIP(dim)
        qtype = faiss.ScalarQuantizer.QT_fp16 if kind == "ivf_fp16" else faiss.ScalarQuantizer.QT_8bit
        index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, qtype, faiss.METRIC_INNER_PRODUCT)
        index.cp.niter = IVF_NITER
        index.cp.seed = seed
        index.cp.max_points_per_centroid = IVF_TRAIN_PER_LIST
        m = min(n, IVF_TRAIN_PER_LIST * nlist)
        train = vectors if m == n else vectors[np.sort(np.random.default_rng(seed).choice(n, m, replace=False))]
        index.train(train)
        return index
    raise ValueError(f"unknown index type {kind!r}")


def kind_of(index: faiss.Index) -> str:
    if isinstance(index, faiss.IndexFlat):
        return "flat"
    if isinstance(index, faiss.IndexHNSW):
        return "hnsw"
    concrete = faiss.downcast_index(index)
    if isinstance(concrete, faiss.IndexIVFScalarQuantizer):
        return "ivf_fp16" if concrete.sq.qtype == faiss.ScalarQuantizer.QT_fp16 else "ivf_sq8"
    return type(concrete).__name__


def _set_search_params(index: faiss.Index) -> None:
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    ivf = faiss.try_extract_index_ivf(index) if not isinstance(index, faiss.IndexFlat) else None
    if ivf is not None:
        ivf.nprobe = min(IVF_PROBE, ivf.nlist)


class FaissIndex:
    """A FAISS index; ids are chunk rows."""

    def __init__(self, index: faiss.Index):
        self.index = index
        self.kind = kind_of(index)
        _set_search_params(index)

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str, seed: int = 0) -> FaissIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        _threads()
        out = cls(_new(vectors, kind, seed))
        out.add(vectors)
        return out

    @classmethod
    def load(cls, path: Path, mmap: bool = False) -> FaissIndex:
        flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mmap else 0
        return cls(faiss.read_index(str(path), flags))

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def add(self, vectors: np.ndarray) -> None:
        """Append vectors (ids continue from ``size``); an IVF index keeps its cells."""
        if len(vectors):
            _threads()
            self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def exact_vectors(self) -> np.ndarray | None:
        if self.kind != "flat":
            return None
        return self.index.reconstruct_n(0, self.index.ntotal)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    def _selector(self, allowed: AllowedRows) -> faiss.IDSelector:
        """FAISS's bitmap of the allowed rows (one bit a chunk), built once per filter."""
        sel = allowed.cache.get("faiss")
        if sel is None:
            bits = np.zeros(allowed.n, dtype=bool)
            bits[allowed.rows] = True
            bitmap = np.packbits(bits, bitorder="little")
            sel = faiss.IDSelectorBitmap(bitmap)
            sel.bitmap_ref = bitmap  # keep the bytes alive as long as the selector
            allowed.cache["faiss"] = sel
        return sel

    def search(self, query: np.ndarray, k: int, allowed: AllowedRows | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (rows, scores) for one query vector; ``allowed`` restricts to those rows."""
        index = self.index
        k = min(k, index.ntotal)
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        faiss.omp_set_num_threads(1)  # one query: threads only add synchronisation
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        params = None
        if allowed is not None:
            if len(allowed) == 0:
                return np.zeros(0, np.int64), np.zeros(0, np.float32)
            sel = self._selector(allowed)
            if isinstance(index, faiss.IndexHNSW):
                params = faiss.SearchParametersHNSW(sel=sel, efSearch=max(HNSW_EF_SEARCH, k))
            elif isinstance(index, faiss.IndexFlat):
                params = faiss.SearchParameters(sel=sel)
            else:
                ivf = faiss.extract_index_ivf(index)
                # the cells hold a share len(allowed)/ntotal of allowed rows: probe more cells
                share = len(allowed) / max(index.ntotal, 1)
                nprobe = min(ivf.nlist, max(ivf.nprobe, math.ceil(ivf.nprobe / max(share, 1e-9))))
                params = faiss.SearchParametersIVF(sel=sel, nprobe=nprobe)
        scores, ids = index.search(q, k, params=params)
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep]
