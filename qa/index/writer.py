"""The one writer of builds: create, extend, finish.

``BuildWriter(index, base=…)`` starts a fresh temporary build folder; with a ``base`` build
its row-aligned parts start as copies of the base's (the rows are copied as bytes, not
parsed), without one they start empty. With ``base_docs`` only those notices' rows are
copied, renumbered (a notice removed: nothing re-parsed or re-embedded);
:attr:`BuildWriter.base_rows` are then the base's chunk rows kept, in their new order. :meth:`BuildWriter.extend` appends rows of
notices, chunks, problems, vectors and sentences; the whole-index parts (vector index,
lexical index, tables) are written once each; :meth:`BuildWriter.finish` writes the
manifest, flushes everything to disk, renames the folder and switches CURRENT to it.
Until then nothing the loader reads has changed.
"""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from qa.index.layout import BuildLayout, IndexLayout
from qa.index.lexical import LexicalIndex
from qa.index.vectors import VectorIndex


def write_atomic(path: Path, data: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync(path.parent)


def fsync(path: Path) -> None:
    """Flush a file or a folder's entries to disk (best effort)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fsync_tree(root: Path) -> None:
    """Flush every file under ``root`` (and the folders) to disk."""
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            fsync(Path(dirpath) / name)
        fsync(Path(dirpath))


def _append_jsonl(path: Path, rows: Iterable[dict]) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _extend_npy(path: Path, rows: np.ndarray) -> None:
    """``path`` (a .npy file, or none yet) with ``rows`` appended along the first axis.
    The stored rows are copied through a memory map into a new file of the new shape."""
    rows = np.asarray(rows)
    if not path.exists():
        np.save(path, rows)
        return
    old = np.load(path, mmap_mode="r")
    rows = rows.astype(old.dtype, copy=False).reshape((-1,) + old.shape[1:])
    tmp = path.with_name(path.name + ".new")
    out = np.lib.format.open_memmap(tmp, mode="w+", dtype=old.dtype, shape=(old.shape[0] + len(rows),) + old.shape[1:])
    out[:old.shape[0]] = old
    out[old.shape[0]:] = rows
    out.flush()
    del out, old
    os.replace(tmp, path)


def _doc_of(line: bytes) -> str:
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson comes with gradio
        return json.loads(line)["doc"]
    return orjson.loads(line)["doc"]


def _select_jsonl(src: Path, dst: Path, docs: set[str]) -> list[int]:
    """Copy the lines of ``src`` whose ``doc`` is in ``docs`` (as bytes); their line numbers."""
    kept = []
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        for i, line in enumerate(fin):
            if line.strip() and _doc_of(line) in docs:
                fout.write(line)
                kept.append(i)
    return kept


def _take_npy(src: Path, dst: Path, rows: np.ndarray) -> None:
    """``dst`` = the rows ``rows`` of the .npy file ``src``, through memory maps."""
    old = np.load(src, mmap_mode="r")
    if not len(rows):
        np.save(dst, np.zeros((0,) + old.shape[1:], dtype=old.dtype))
        return
    out = np.lib.format.open_memmap(dst, mode="w+", dtype=old.dtype, shape=(len(rows),) + old.shape[1:])
    out[:] = old[rows]
    out.flush()
    del out, old


class BuildWriter:
    def __init__(self, index: IndexLayout, base: BuildLayout | None = None, keep: BuildLayout | None = None,
                 base_docs: set[str] | None = None):
        """A new build in ``index``: empty, or extending a copy of ``base`` (of its
        ``base_docs`` only, when given). ``keep`` (and ``base``) survive :meth:`finish`: a
        serving process may still read them."""
        self.index = index
        self.keep = {x.name for x in (base, keep) if x is not None}
        self.build = index.new_build()
        self.base_rows: np.ndarray | None = None
        b = self.build
        if base is not None and base_docs is not None:
            self._copy_docs(base, base_docs)
        elif base is not None:
            for part in (b.NOTICES, b.CHUNKS, b.PROBLEMS, b.VECTORS, b.SENTENCES, b.SENTENCE_OFFSETS,
                         b.SENTENCE_VECTORS):
                shutil.copyfile(base / part, b / part)
        else:
            for part in (b.NOTICES, b.CHUNKS, b.PROBLEMS):
                (b / part).touch()
            np.save(b / b.SENTENCE_OFFSETS, np.zeros(1, dtype=np.int64))

    def _copy_docs(self, base: BuildLayout, docs: set[str]) -> None:
        """The base's rows of ``docs``, renumbered: notices, chunks and problems as bytes,
        vectors and sentences by row."""
        b = self.build
        _select_jsonl(base / b.NOTICES, b / b.NOTICES, docs)
        _select_jsonl(base / b.PROBLEMS, b / b.PROBLEMS, docs)
        rows = np.asarray(_select_jsonl(base / b.CHUNKS, b / b.CHUNKS, docs), dtype=np.int64)
        self.base_rows = rows
        _take_npy(base / b.VECTORS, b / b.VECTORS, rows)
        offsets = np.load(base / b.SENTENCE_OFFSETS)
        counts = offsets[rows + 1] - offsets[rows]
        new_offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(counts, out=new_offsets[1:])
        # the sentence rows of each kept chunk, one run per chunk
        srows = np.repeat(offsets[rows] - new_offsets[:-1], counts) + np.arange(int(new_offsets[-1]), dtype=np.int64)
        np.save(b / b.SENTENCE_OFFSETS, new_offsets)
        _take_npy(base / b.SENTENCES, b / b.SENTENCES, srows)
        _take_npy(base / b.SENTENCE_VECTORS, b / b.SENTENCE_VECTORS, srows)

    def extend(self, notices: Iterable[dict], chunks: Iterable[dict], problems: Iterable[dict],
               vectors: np.ndarray, sentence_spans: list[list[tuple[int, int]]],
               sentence_vectors: np.ndarray) -> None:
        """Append rows: notices, chunks and problems (dicts), a vector per chunk, and per
        chunk its sentences' spans, with a vector per sentence."""
        b = self.build
        _append_jsonl(b / b.NOTICES, notices)
        _append_jsonl(b / b.CHUNKS, chunks)
        _append_jsonl(b / b.PROBLEMS, problems)
        dim = vectors.shape[1] if vectors.ndim == 2 else sentence_vectors.shape[-1]
        _extend_npy(b / b.VECTORS, np.asarray(vectors, dtype=np.float16).reshape(-1, dim))
        spans = [sp for per_chunk in sentence_spans for sp in per_chunk]
        _extend_npy(b / b.SENTENCES, np.array(spans, dtype=np.int64).reshape(-1, 2))
        offsets = np.load(b / b.SENTENCE_OFFSETS)
        counts = np.cumsum([len(per_chunk) for per_chunk in sentence_spans], dtype=np.int64)
        np.save(b / b.SENTENCE_OFFSETS, np.concatenate([offsets, offsets[-1] + counts]).astype(np.int64))
        _extend_npy(b / b.SENTENCE_VECTORS, np.asarray(sentence_vectors, dtype=np.float16).reshape(-1, dim))

    def write_vectors(self, index: VectorIndex) -> None:
        index.save(self.build / self.build.DENSE)

    def write_lexical(self, index: LexicalIndex) -> None:
        index.save(self.build / self.build.BM25)

    def write_tables(self, idf: dict[str, float], crosslingual: dict) -> None:
        write_atomic(self.build / self.build.IDF, json.dumps(idf, ensure_ascii=False))
        write_atomic(self.build / self.build.CROSSLINGUAL, json.dumps(crosslingual, ensure_ascii=False))

    def finish(self, manifest: dict) -> BuildLayout:
        """Manifest, durability, rename, switch-over; older builds (but the base) removed."""
        b = self.build
        write_atomic(b / b.MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        missing = b.missing()
        if missing:
            raise RuntimeError(f"build is missing parts: {', '.join(missing)}")
        fsync_tree(b.root)
        final = BuildLayout(b.root.with_name(b.name.removeprefix(".tmp-")))
        b.root.rename(final.root)
        write_atomic(self.index.current_file, final.name + "\n")
        for p in self.index.builds.iterdir():
            if p.name not in self.keep | {final.name}:
                shutil.rmtree(p, ignore_errors=True)
        return final
