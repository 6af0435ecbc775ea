"""The vector and lexical seams over a Milvus chunk collection.

Rows are the project's chunk rows; Milvus knows them by key (``pk``). Each index holds
the keys in row order (from the build's tables) and maps what Milvus returns back to
rows; a key this process does not know (a chunk added since it loaded) is skipped. A
filter goes to Milvus as an expression on the chunk's fields (bureau, kind, notice);
a collection without those fields (a bare index, as the contract tests make) is
filtered by the allowed rows' keys.
"""
from __future__ import annotations

import json
from collections import Counter
from functools import cached_property
from pathlib import Path

import numpy as np

from qa.index.filters import AllowedRows
from qa.index.milvus.client import Milvus, connect
from qa.index.milvus.schema import (
    DENSE_SEARCH,
    create_chunks,
    expression,
    keys_expression,
    token_id,
)

INSERT_BATCH = 1000
POINTER = "milvus.json"  # what save() writes: where the index lives


def _empty() -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(0, np.int64), np.zeros(0, np.float32)


class _MilvusRows:
    """What both seams share: the collection, the keys in row order, filters."""

    def __init__(self, db: Milvus, collection: str, keys: list[str], fields: bool = True):
        self.db = db
        self.collection = collection
        self.keys = list(keys)
        self.fields = fields

    @cached_property
    def row_of(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.keys)}

    def _filter(self, allowed: AllowedRows | None) -> str:
        if allowed is None:
            return ""
        if self.fields and allowed.filter:
            return expression(allowed.filter)
        return keys_expression([self.keys[i] for i in allowed.rows.tolist()])

    def _search(self, data: list, field: str, k: int, allowed: AllowedRows | None,
                params: dict) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, len(self.keys))
        if k <= 0 or (allowed is not None and len(allowed) == 0):
            return _empty()
        res = self.db.search(self.collection, data=data, anns_field=field, limit=k,
                           filter=self._filter(allowed), output_fields=[], search_params=params)
        rows, scores = [], []
        row_of = self.row_of
        for hit in res[0] if res else []:
            r = row_of.get(hit["pk"])
            if r is not None:
                rows.append(r)
                scores.append(abs(float(hit["distance"])))  # Milvus Lite reports BM25 negated
        return np.asarray(rows, dtype=np.int64), np.asarray(scores, dtype=np.float32)

    def _pointer(self, path: Path, **extra) -> None:
        path.mkdir(parents=True, exist_ok=True)
        (path / POINTER).write_text(json.dumps({"uri": self.db.uri, "collection": self.collection,
                                                "keys": self.keys, "fields": self.fields, **extra}),
                                    encoding="utf-8")

    @staticmethod
    def _read_pointer(path: Path, db: Milvus | None) -> tuple[Milvus, dict]:
        """What :meth:`_pointer` wrote, and a client for it (``db``, or one to its URI)."""
        p = json.loads((path / POINTER).read_text(encoding="utf-8"))
        return db or connect(p["uri"]), p

    def _insert(self, rows: list[dict]) -> None:
        for i in range(0, len(rows), INSERT_BATCH):
            self.db.call("insert", self.collection, rows[i:i + INSERT_BATCH])
        self.db.call("flush", self.collection)


def _bare_row(key: str, dim: int, vector=None, lex: str = "") -> dict:
    return {"pk": key, "doc": "", "bureau": "", "kind": "", "section": "[]", "start": 0, "end": 0, "text": "",
            "dense": (np.zeros(dim, np.float32) if vector is None else vector).tolist(), "lex": lex}


class MilvusVectorIndex(_MilvusRows):
    """The dense side: inner product over the ``dense`` field."""

    kind = "milvus"

    def __init__(self, db: Milvus, collection: str, keys: list[str], fields: bool = True, index_kind: str = "FLAT",
                 dim: int | None = None):
        super().__init__(db, collection, keys, fields)
        self.index_kind = index_kind
        self.dim = dim

    @property
    def size(self) -> int:
        return len(self.keys)

    def add(self, vectors: np.ndarray) -> None:
        """Bare rows (keys ``r<row>``) after the last row; a build adds chunks with their
        fields through :mod:`qa.index.milvus.publish` instead."""
        vectors = np.asarray(vectors, dtype=np.float32)
        new = [f"r{len(self.keys) + i}" for i in range(len(vectors))]
        self._insert([_bare_row(k, vectors.shape[1], v) for k, v in zip(new, vectors)])
        self.keys += new
        self.__dict__.pop("row_of", None)

    def search(self, query: np.ndarray, k: int, allowed: AllowedRows | None = None) -> tuple[np.ndarray, np.ndarray]:
        q = np.asarray(query, dtype=np.float32).reshape(-1).tolist()
        params = {"metric_type": "IP", "params": DENSE_SEARCH.get(self.index_kind, {})}
        return self._search([q], "dense", k, allowed, params)

    def exact_vectors(self) -> np.ndarray | None:
        return None  # the build keeps its own copy of the vectors

    def save(self, path: Path) -> None:
        self._pointer(path, index_kind=self.index_kind)

    @classmethod
    def build(cls, db: Milvus, name: str, vectors: np.ndarray, index_type: str = "flat") -> MilvusVectorIndex:
        """A bare vector index in a new collection ``name`` (rows without fields)."""
        from qa.index.milvus.schema import DENSE_INDEX

        vectors = np.asarray(vectors, dtype=np.float32)
        create_chunks(db, name, vectors.shape[1], "bm25", index_type)
        out = cls(db, name, [], fields=False, index_kind=DENSE_INDEX[index_type][0], dim=vectors.shape[1])
        out.add(vectors)
        return out

    @classmethod
    def load(cls, path: Path, db: Milvus | None = None) -> MilvusVectorIndex:
        db, p = cls._read_pointer(path, db)
        return cls(db, p["collection"], p["keys"], p["fields"], p.get("index_kind", "FLAT"))


class MilvusLexicalIndex(_MilvusRows):
    """The lexical side: Milvus's BM25 over the tokens (``bm25``), or the project's BM25
    weights as sparse vectors queried by inner product (``sparse``)."""

    def __init__(self, db: Milvus, collection: str, keys: list[str], fields: bool = True, mode: str = "bm25"):
        super().__init__(db, collection, keys, fields)
        self.mode = mode

    @property
    def num_docs(self) -> int:
        return len(self.keys)

    def search(self, tokens: list[str], k: int, allowed: AllowedRows | None = None) -> tuple[np.ndarray, np.ndarray]:
        tokens = [t for t in tokens if t.strip()]
        if not tokens:
            return _empty()
        if self.mode == "bm25":
            rows, scores = self._search([" ".join(tokens)], "lexical", k, allowed, {"metric_type": "BM25"})
        else:
            q = {token_id(t): float(c) for t, c in Counter(tokens).items()}
            rows, scores = self._search([q], "lexical", k, allowed, {"metric_type": "IP"})
        keep = scores > 0
        return rows[keep], scores[keep]

    def term_stats(self) -> tuple[list[str], np.ndarray]:
        """(tokens, chunks containing each), read from the stored token texts."""
        df: Counter[str] = Counter()
        it = self.db.call("query_iterator", self.collection, batch_size=2000, output_fields=["lex"])
        try:
            while True:
                batch = it.next()
                if not batch:
                    break
                for row in batch:
                    if row["pk"] in self.row_of:
                        df.update(set(row["lex"].split()))
        finally:
            it.close()
        tokens = sorted(df)
        return tokens, np.array([df[t] for t in tokens], dtype=np.int64)

    def save(self, path: Path) -> None:
        self._pointer(path, mode=self.mode)

    @classmethod
    def build(cls, db: Milvus, name: str, token_lists: list[list[str]], mode: str = "bm25") -> MilvusLexicalIndex:
        """A bare lexical index in a new collection ``name``: the chunks' tokens, and in
        ``sparse`` mode their BM25 weights computed by :mod:`qa.index.lexical.bm25`."""
        from qa.index.lexical import bm25

        create_chunks(db, name, 2, mode)
        keys = [f"r{i}" for i in range(len(token_lists))]
        rows = [_bare_row(k, 2, lex=" ".join(toks)) for k, toks in zip(keys, token_lists)]
        if mode == "sparse":
            for row, weights in zip(rows, sparse_weights(bm25.build(token_lists))):
                row["lexical"] = weights
        out = cls(db, name, keys, fields=False, mode=mode)
        out._insert(rows)
        return out

    @classmethod
    def load(cls, path: Path, db: Milvus | None = None) -> MilvusLexicalIndex:
        db, p = cls._read_pointer(path, db)
        return cls(db, p["collection"], p["keys"], p["fields"], p.get("mode", "bm25"))


def row_terms(index, rows: np.ndarray | None = None) -> list[list[tuple[str, float, float]]]:
    """Per chunk row (all, or ``rows``), its (token, count, BM25 score) entries, read
    from a :class:`qa.index.lexical.bm25.BM25Index` (its stored counts: no re-tokenising)."""
    names = [""] * len(index.vocab)
    for tok, i in index.vocab.items():
        names[i] = tok
    indptr = np.asarray(index.indptr)
    cols = np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))
    r = np.asarray(index.indices)
    order = np.argsort(r, kind="stable")
    r, cols = r[order], cols[order]
    tf, data = np.asarray(index.tf)[order], np.asarray(index.data)[order]
    bounds = np.searchsorted(r, np.arange(index.num_docs + 1))
    wanted = range(index.num_docs) if rows is None else rows.tolist()
    out = []
    for i in wanted:
        a, b = int(bounds[i]), int(bounds[i + 1])
        out.append([(names[c], float(t), float(s)) for c, t, s in zip(cols[a:b].tolist(), tf[a:b].tolist(),
                                                                      data[a:b].tolist())])
    return out


def sparse_weights(index, rows: np.ndarray | None = None) -> list[dict[int, float]]:
    """The project's BM25 scores of each chunk as a sparse vector over hashed token ids
    (a query's vector counts its tokens, so the inner product is the BM25 score)."""
    out = []
    for entries in row_terms(index, rows):
        w: dict[int, float] = {}
        for tok, _, score in entries:
            if score > 0:
                w[token_id(tok)] = w.get(token_id(tok), 0.0) + score
        out.append(w or {0: 0.0})
    return out


def lex_text(entries: list[tuple[str, float, float]]) -> str:
    """A chunk's tokens (each as often as it occurs), space-separated, for Milvus's BM25."""
    return " ".join(" ".join([tok] * int(c)) for tok, c, _ in entries)
