"""Embedding cache keyed by embedder id and text hash, so that a text is embedded once
per embedder: re-indexing after adding a notice embeds only its new chunks.

Behind the cache, read-only, a seed: ``<seed dir>/<embedder id>.npz`` holds the vectors
of the bundled notices (chunks, sentences, the naive baseline's chunks), written by
``make seed`` (:func:`write_seed`), so that a fresh machine's first index build and the
evaluation embed nothing the project already embedded. A text the seed lacks (a notice
a user adds, a changed chunk) is embedded as usual."""
from __future__ import annotations

import hashlib
import re
import sqlite3
import sys
import zipfile
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from tqdm import tqdm

from qa.config import Settings
from qa.index.embedders import Embedder
from qa.index.layout import IndexLayout

BATCH = 16


class EmbeddingCache:
    def __init__(self, path: Path, seed: Path | None = None):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.seed = seed if seed is not None and seed.is_file() else None
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
        if self.seed is not None:
            seeded = _seed_vectors(self.seed)
            out.update({k: seeded[k] for k in keys if k not in out and k in seeded})
        return out

    def put_many(self, items: Sequence[tuple[bytes, np.ndarray]]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                 [(k, np.asarray(v, np.float32).tobytes()) for k, v in items])

    def close(self) -> None:
        self._db.close()


def open_cache(settings: Settings, embedder_id: str) -> EmbeddingCache:
    """The index folder's cache, with the settings' seed for this embedder behind it."""
    return EmbeddingCache(IndexLayout(settings.index_dir).cache, seed_path(settings.embedding_seed, embedder_id))


def seed_path(seed_dir: Path | None, embedder_id: str) -> Path | None:
    """The seed file of an embedder (its id made a file name), or None without a seed folder."""
    return seed_dir / f"{re.sub(r'[^A-Za-z0-9._-]+', '_', embedder_id)}.npz" if seed_dir else None


@lru_cache(maxsize=4)
def _seed_vectors(path: Path) -> dict[bytes, np.ndarray]:
    """The seed's vectors by key; none, with a message on stderr, when the file cannot be
    read (a damaged seed costs the embedding it saves, nothing else)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, vecs = data["keys"], data["vectors"]
        if keys.ndim != 2 or vecs.ndim != 2 or len(keys) != len(vecs):
            raise ValueError("keys and vectors do not match")
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        sys.stderr.write(f"嵌入种子文件无法读取，已忽略（将重新嵌入）：{path}：{exc}\n")
        return {}
    return {k.tobytes(): v for k, v in zip(keys, vecs, strict=True)}


def write_seed(cache_path: Path, out: Path) -> int:
    """Every vector of a cache as a seed file (keys sorted: the same cache, the same file)."""
    db = sqlite3.connect(cache_path)
    try:
        rows = sorted((bytes(k), v) for k, v in db.execute("SELECT key, vec FROM vectors"))
    finally:
        db.close()
    if not rows:
        raise ValueError(f"{cache_path}: no vectors")
    keys = np.frombuffer(b"".join(k for k, _ in rows), dtype=np.uint8).reshape(len(rows), -1)
    vecs = np.stack([np.frombuffer(v, dtype=np.float32) for _, v in rows])
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, keys=keys, vectors=vecs)
    return len(rows)


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
