"""Filters in the project's own terms (bureau, section kind, notice) and the rows of an
index they allow. Backends receive both: a local index tests the rows, a remote one may
translate the terms into its own filter expression."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Filter:
    """Chunks of any of ``bureaus`` and any of ``kinds`` and any of ``docs``; an empty
    field does not restrict."""
    bureaus: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.bureaus or self.kinds or self.docs)


@dataclass(eq=False)
class AllowedRows:
    """The rows (sorted chunk numbers) a filter allows in an index of ``n`` chunks.
    ``cache`` holds what a backend derives from them once (FAISS: a bitmap selector)."""
    filter: Filter
    rows: np.ndarray
    n: int
    cache: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)


def allowed_rows(flt: Filter, bureaus: list[str], kinds: list[str], docs: list[str]) -> AllowedRows:
    """Resolve ``flt`` against the per-chunk bureau, kind and doc columns."""
    n = len(bureaus)
    ok = np.ones(n, dtype=bool)
    for wanted, column in ((flt.bureaus, bureaus), (flt.kinds, kinds), (flt.docs, docs)):
        if wanted:
            want = set(wanted)
            ok &= np.fromiter((v in want for v in column), dtype=bool, count=n)
    return AllowedRows(flt, np.flatnonzero(ok).astype(np.int64), n)
