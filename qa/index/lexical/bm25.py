"""BM25 over jieba tokens (the lexical backend of :mod:`qa.index.lexical`): bm25s's eager index (the score of every token in every chunk,
precomputed, as a sparse matrix by token), stored in bm25s's own file format.

The matrix is computed here from term counts, vectorised, with bm25s's formula and
arithmetic (method "lucene", k1 1.5, b 0.75; the scores are identical to
``bm25s.BM25().index(tokens)``, checked in tests/test_scale.py). The term counts are
stored beside it, so that adding notices does not re-tokenise or re-read the other
chunks: their counts are merged into the stored ones and the stored entries are
rescored in one vectorised pass (BM25's idf and average chunk length are global, so
every score changes when chunks are added; bm25s itself cannot update an index).

Searching reads the memory-mapped arrays directly: no bm25s or scipy import on the
query path, and no work proportional to the corpus beyond the posting lists of the
query's tokens and one array of scores.
"""
from __future__ import annotations

import json
import math
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from qa.index.filters import AllowedRows

K1 = 1.5
B = 0.75
METHOD = "lucene"
BM25S_VERSION = "0.3.16"  # the bm25s release whose format and arithmetic this follows

# file names inside the bm25/ folder: bm25s's, then ours
DATA, INDICES, INDPTR = "data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy"
VOCAB, PARAMS = "vocab.index.json", "params.index.json"
TF, DOC_LEN = "tf.csc.index.npy", "doc_len.index.npy"
FILES = (DATA, INDICES, INDPTR, VOCAB, PARAMS, TF, DOC_LEN)


@dataclass
class BM25Index:
    """Columns are tokens (``vocab`` maps a token to its column), rows are chunks."""
    vocab: dict[str, int]
    indptr: np.ndarray  # int64, len(vocab) + 1
    indices: np.ndarray  # int32, chunk row of each entry; ascending within a column
    data: np.ndarray  # float32, BM25 score of each entry
    tf: np.ndarray  # float32, term count of each entry
    doc_len: np.ndarray  # int32, tokens per chunk

    @property
    def num_docs(self) -> int:
        return int(len(self.doc_len))

    def search(self, tokens: list[str], k: int, allowed: AllowedRows | None = None) -> tuple[np.ndarray, np.ndarray]:
        return search(self, tokens, k, None if allowed is None else allowed.rows)

    def term_stats(self) -> tuple[list[str], np.ndarray]:
        return term_stats(self)

    def save(self, path: Path) -> None:
        save(self, path)


# ---------------------------------------------------------------- building

def _count(token_lists: list[list[str]], vocab: dict[str, int], first_row: int):
    """(rows, terms, tf, doc_len) of the chunks, rows numbered from ``first_row``;
    ``vocab`` is extended with new tokens in order of first appearance."""
    rows: list[int] = []
    terms: list[int] = []
    tfs: list[int] = []
    lens = np.zeros(len(token_lists), dtype=np.int32)
    for i, toks in enumerate(token_lists):
        lens[i] = len(toks)
        for tok, c in Counter(toks).items():
            t = vocab.get(tok)
            if t is None:
                t = vocab[tok] = len(vocab)
            rows.append(first_row + i)
            terms.append(t)
            tfs.append(c)
    return (np.asarray(rows, dtype=np.int32), np.asarray(terms, dtype=np.int64),
            np.asarray(tfs, dtype=np.float32), lens)


def _score(indptr: np.ndarray, indices: np.ndarray, tf: np.ndarray, doc_len: np.ndarray) -> np.ndarray:
    """BM25 scores of all entries, as bm25s computes them: idf (lucene) in float32 from
    Python floats, the term-frequency part in float64, the product stored as float32.
    Computed in blocks of columns (small temporaries: 21 million entries in about a second)."""
    n = len(doc_len)
    df = np.diff(indptr)
    idf = np.array([math.log(1 + (n - c + 0.5) / (c + 0.5)) if c else 0.0 for c in df.tolist()],
                   dtype=np.float32).astype(np.float64)
    avg = doc_len.astype(np.int64).mean() if n else 1.0
    out = np.empty(int(indptr[-1]), dtype=np.float32)
    cols = len(df)
    c0 = 0
    while c0 < cols:
        # the next columns holding about a million entries (at least one column)
        c1 = max(c0 + 1, int(np.searchsorted(indptr, indptr[c0] + BLOCK, side="right")) - 1)
        c1 = min(c1, cols)
        a, b = int(indptr[c0]), int(indptr[c1])
        if b > a:
            dl = doc_len[indices[a:b]].astype(np.float64)
            tf64 = tf[a:b].astype(np.float64)
            tfc = tf64 / (K1 * ((1 - B) + B * dl / avg) + tf64)
            out[a:b] = np.repeat(idf[c0:c1], df[c0:c1]) * tfc
        c0 = c1
    return out


BLOCK = 1 << 20


def from_counts(vocab: dict[str, int], rows, terms, tf, doc_len) -> BM25Index:
    """The index from term counts: entries (chunk row, token column, count) in row order,
    and every chunk's length in tokens."""
    order = np.argsort(terms, kind="stable")
    indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(np.bincount(terms, minlength=len(vocab)), out=indptr[1:])
    indices = np.ascontiguousarray(rows[order], dtype=np.int32)
    tf = np.ascontiguousarray(tf[order], dtype=np.float32)
    return BM25Index(vocab, indptr, indices, _score(indptr, indices, tf, doc_len), tf, doc_len)


def build(token_lists: list[list[str]]) -> BM25Index:
    vocab: dict[str, int] = {}
    rows, terms, tf, lens = _count(token_lists, vocab, 0)
    return from_counts(vocab, rows, terms, tf, lens)


def _entries(index: BM25Index):
    """(rows, terms, tf) of all entries, in CSC order."""
    terms = np.repeat(np.arange(len(index.indptr) - 1, dtype=np.int64), np.diff(index.indptr))
    return np.asarray(index.indices), terms, np.asarray(index.tf)


def append(index: BM25Index, token_lists: list[list[str]]) -> BM25Index:
    """The index with chunks added after its last row: the new chunks' counts are merged
    into the stored columns (no sort of the stored entries) and everything is rescored."""
    vocab = dict(index.vocab)
    n_old = index.num_docs
    rows_n, terms_n, tf_n, lens_n = _count(token_lists, vocab, n_old)
    v_old, v = len(index.indptr) - 1, len(vocab)
    cnt_old = np.zeros(v, dtype=np.int64)
    cnt_old[:v_old] = np.diff(index.indptr)
    cnt_new = np.bincount(terms_n, minlength=v)
    indptr = np.zeros(v + 1, dtype=np.int64)
    np.cumsum(cnt_old + cnt_new, out=indptr[1:])
    # each new entry goes after the stored entries of its column (new columns at the end),
    # in row order: one pass that copies the stored entries around the insertions
    order = np.argsort(terms_n, kind="stable")
    old_end = np.full(v, int(index.indptr[-1]), dtype=np.int64)
    old_end[:v_old] = index.indptr[1:]
    at = old_end[terms_n[order]]
    indices = np.insert(np.asarray(index.indices, dtype=np.int32), at, rows_n[order].astype(np.int32))
    tf = np.insert(np.asarray(index.tf, dtype=np.float32), at, tf_n[order])
    doc_len = np.concatenate([np.asarray(index.doc_len, dtype=np.int32), lens_n])
    return BM25Index(vocab, indptr, indices, _score(indptr, indices, tf, doc_len), tf, doc_len)


def assemble(parts: list[tuple[BM25Index, np.ndarray] | list[list[str]]]) -> BM25Index:
    """A new index from, in order, rows of existing indexes (``(index, rows)``: those
    chunks' stored counts, no re-tokenising) and lists of tokens of new chunks. Token
    columns of the first existing index keep their numbers."""
    base = next((p[0] for p in parts if isinstance(p, tuple)), None)
    vocab = dict(base.vocab) if base is not None else {}
    all_rows, all_terms, all_tf, all_lens = [], [], [], []
    n = 0
    for part in parts:
        if isinstance(part, tuple):
            index, keep = part
            keep = np.asarray(keep, dtype=np.int64)
            rows, terms, tf = _entries(index)
            if index is not base:  # other vocabularies: map by token
                names = [""] * len(index.vocab)  # every slot is set: the columns are 0..len-1
                for tok, i in index.vocab.items():
                    names[i] = tok
                remap = np.array([vocab.setdefault(tok, len(vocab)) for tok in names], dtype=np.int64)
                terms = remap[terms] if len(terms) else terms
            new_row = np.full(index.num_docs, -1, dtype=np.int64)
            new_row[keep] = n + np.arange(len(keep))
            sel = new_row[rows] >= 0
            r = new_row[rows[sel]]
            o = np.argsort(r, kind="stable")  # row order (then column) for from_counts
            all_rows.append(r[o].astype(np.int32))
            all_terms.append(terms[sel][o])
            all_tf.append(tf[sel][o])
            all_lens.append(np.asarray(index.doc_len)[keep].astype(np.int32))
            n += len(keep)
        else:
            rows, terms, tf, lens = _count(part, vocab, n)
            all_rows.append(rows)
            all_terms.append(terms)
            all_tf.append(tf)
            all_lens.append(lens)
            n += len(part)
    cat = lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.zeros(0, dt)  # noqa: E731
    return from_counts(vocab, cat(all_rows, np.int32), cat(all_terms, np.int64), cat(all_tf, np.float32),
                         cat(all_lens, np.int32))


def term_stats(index: BM25Index) -> tuple[list[str], np.ndarray]:
    """(tokens, number of chunks containing each) for the tokens present in some chunk."""
    df = np.diff(index.indptr)
    names = [""] * len(index.vocab)
    for tok, i in index.vocab.items():
        names[i] = tok
    keep = np.flatnonzero(df > 0)
    return [names[i] for i in keep.tolist()], df[keep]


# ---------------------------------------------------------------- files

def _save_npy(path: Path, arr: np.ndarray) -> None:
    with open(path, "wb") as fh:
        np.save(fh, arr)
        fh.flush()
        os.fsync(fh.fileno())


def save(index: BM25Index, path: Path) -> None:
    """bm25s's layout (``bm25s.BM25.load`` opens it), plus the term counts."""
    path.mkdir(parents=True, exist_ok=True)
    _save_npy(path / DATA, np.asarray(index.data, dtype=np.float32))
    _save_npy(path / INDICES, np.asarray(index.indices, dtype=np.int32))
    _save_npy(path / INDPTR, np.asarray(index.indptr, dtype=np.int64))
    _save_npy(path / TF, np.asarray(index.tf, dtype=np.float32))
    _save_npy(path / DOC_LEN, np.asarray(index.doc_len, dtype=np.int32))
    (path / VOCAB).write_text(json.dumps(index.vocab, ensure_ascii=False), encoding="utf-8")
    params = {"k1": K1, "b": B, "delta": 0.5, "method": METHOD, "idf_method": METHOD, "dtype": "float32",
              "int_dtype": "int32", "num_docs": index.num_docs, "version": BM25S_VERSION, "backend": "numpy"}
    (path / PARAMS).write_text(json.dumps(params, indent=4), encoding="utf-8")


def load(path: Path, mmap: bool = True) -> BM25Index:
    mode: Literal["r"] | None = "r" if mmap else None
    params = json.loads((path / PARAMS).read_text(encoding="utf-8"))
    if (params.get("method"), params.get("k1"), params.get("b")) != (METHOD, K1, B):
        raise ValueError(f"BM25 parameters {params} differ from this program's ({METHOD}, k1={K1}, b={B})")
    vocab = json.loads((path / VOCAB).read_text(encoding="utf-8"))
    vocab.pop("", None)  # bm25s's empty token, if written by bm25s
    index = BM25Index(vocab, np.load(path / INDPTR, mmap_mode=mode), np.load(path / INDICES, mmap_mode=mode),
                      np.load(path / DATA, mmap_mode=mode), np.load(path / TF, mmap_mode=mode),
                      np.load(path / DOC_LEN, mmap_mode=mode))
    if not (len(index.indices) == len(index.data) == len(index.tf) == int(index.indptr[-1])) or (
            int(params.get("num_docs", -1)) != index.num_docs) or len(index.indptr) < len(vocab) + 1:
        raise ValueError("BM25 index parts have inconsistent sizes")
    return index


# ---------------------------------------------------------------- searching

def search(index: BM25Index, tokens: list[str], k: int,
           allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (rows, scores) with a positive score, as bm25s's ``retrieve`` ranks them
    (a token repeated in the query counts again); ``allowed`` (sorted rows) filters."""
    n = index.num_docs
    ids = [index.vocab[t] for t in tokens if t in index.vocab]
    if not ids or n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    scores = np.zeros(n, dtype=np.float32)
    indptr, indices, data = index.indptr, index.indices, index.data
    for t in ids:
        a, b = int(indptr[t]), int(indptr[t + 1])
        np.add.at(scores, indices[a:b], data[a:b])
    rows = None
    if allowed is not None:
        rows = allowed
        scores = scores[allowed]
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    part = np.argpartition(scores, -k)[-k:]
    top = part[np.flip(np.argsort(scores[part]))]
    sc = scores[top]
    keep = sc > 0
    top, sc = top[keep], sc[keep]
    if rows is not None:
        top = rows[top]
    return top.astype(np.int64), sc
