"""Embedding cache keyed by embedder id and text hash, so that a text is embedded once
per embedder: re-indexing after adding a notice embeds only its new chunks."""
from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from qa.index.embedders import Embedder

BATCH = 16


class EmbeddingCache:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=60, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # a cache: a commit need not wait for the disk (WAL stays consistent; a power cut
        # can only lose the last vectors, which are then embedded again)
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vec BLOB NOT NULL)")

    @staticmethod
    def key(embedder_id: str, role: str, text: str) -> bytes:
        return hashlib.sha256(f"{embedder_id}\0{role}\0{text}".encode()).digest()

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        out: dict[bytes, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = list(keys[i:i + 500])
            q = f"SELECT key, vec FROM vectors WHERE key IN ({','.join('?' * len(part))})"
            for k, v in self._db.execute(q, part):
                out[bytes(k)] = np.frombuffer(v, dtype=np.float32)
        return out

    def put_many(self, items: Sequence[tuple[bytes, np.ndarray]]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                 [(k, np.asarray(v, np.float32).tobytes()) for k, v in items])

    def close(self) -> None:
        self._db.close()


def embed_passages_cached(embedder: Embedder, texts: Sequence[str], cache: EmbeddingCache | None,
                          progress: bool = True, desc: str = "嵌入",
                          on_batch: Callable[[int, int], None] | None = None) -> tuple[np.ndarray, int]:
    """Vectors for ``texts`` (cached ones reused); returns (vectors, number newly embedded)."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    keys = [EmbeddingCache.key(embedder.id, "passage", t) for t in texts]
    found = cache.get_many(keys) if cache else {}
    todo = []
    for i, k in enumerate(keys):
        if k in found and found[k].shape[0] == embedder.dim:
            out[i] = found[k]
        else:
            todo.append(i)
    # each distinct text once; longest first keeps batches of similar length
    first: dict[bytes, int] = {}
    for i in todo:
        first.setdefault(keys[i], i)
    unique = sorted(first.values(), key=lambda i: -len(texts[i]))
    bar = tqdm(total=len(unique), desc=desc, unit="段", disable=not progress or not unique, leave=False)
    for b in range(0, len(unique), BATCH):
        idx = unique[b:b + BATCH]
        vecs = embedder.embed_passages([texts[i] for i in idx])
        out[idx] = vecs
        if cache:
            cache.put_many([(keys[i], vecs[j]) for j, i in enumerate(idx)])
        bar.update(len(idx))
        if on_batch:
            on_batch(min(b + BATCH, len(unique)), len(unique))
    for i in todo:  # repeated texts
        out[i] = out[first[keys[i]]]
    bar.close()
    return out, len(unique)
