"""Lexical index seam: keyword scoring of chunks.

In: the tokens of each chunk (from the injected tokenizer, :mod:`qa.text`). Out: (rows,
scores) for a query's tokens, optionally restricted to
:class:`qa.index.filters.AllowedRows`; the vocabulary's document frequencies. The one
implementation is BM25 in bm25s's format (:mod:`qa.index.lexical.bm25`); a new one is a
module here satisfying :class:`LexicalIndex`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from qa.index.filters import AllowedRows


@runtime_checkable
class LexicalIndex(Protocol):
    @property
    def num_docs(self) -> int: ...

    def search(self, tokens: list[str], k: int, allowed: AllowedRows | None = None) -> tuple[np.ndarray, np.ndarray]:
        ...

    def term_stats(self) -> tuple[list[str], np.ndarray]: ...

    def save(self, path: Path) -> None: ...


def load(path: Path, mmap: bool = True) -> LexicalIndex:
    from qa.index.lexical import bm25

    return bm25.load(path, mmap=mmap)
