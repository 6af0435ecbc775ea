"""Build or update the index: read + parse, chunk, embed (cached), index, switch over.

Two ways to update:

- **Adding notices** (no indexed notice changed or removed): the new notices are parsed,
  chunked and embedded, and appended to a copy of the previous build: the row-aligned
  parts (notices, chunks, problems, vectors, sentences) are copied and extended without
  being parsed, the new vectors are added to the previous FAISS index, and the new
  chunks' term counts are merged into the stored BM25 counts and rescored. The cost is
  that of the new notices plus writing the index files.
- **Anything else** (a notice changed or removed, ``--rebuild``, other settings): the
  parts are assembled again; unchanged notices are taken from the previous build as
  they are (no re-parsing, re-embedding or re-tokenising).

Either way the build is written into a fresh folder, and only then named in CURRENT:
a crash at any point leaves the previous index in use. A file that cannot be read is
reported with its name and reason; the rest of the corpus is indexed.
"""
from __future__ import annotations

import io
import json
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from qa import dense, lexical
from qa.chunking import Chunk, chunk_notice, embed_text
from qa.config import Settings
from qa.crosslingual import build_table
from qa.embed_cache import EmbeddingCache, embed_passages_cached
from qa.embedding import Embedder
from qa.notices import Notice, doc_name, file_digest, load_notice, scan_corpus
from qa.problems import Problem, extract_problems
from qa.reading import NoticeError, strip_artefacts
from qa.sentences import split_sentences
from qa.store import (
    BuildBusy,
    IndexError_,
    cache_path,
    check_manifest,
    chunk_settings,
    current_build,
    expected_settings,
    fsync_tree,
    lock_path,
    new_build_dir,
    read_jsonl,
    read_manifest,
    remove_old_builds,
    switch_current,
    write_atomic,
    write_jsonl,
)
from qa.tokens import idf_from_df, tokenize

# an IVF index is retrained (from the stored vectors) once the corpus has grown this
# many times over the size its cells were trained on
IVF_RETRAIN_GROWTH = 2.0


@dataclass
class BuildReport:
    path: Path | None = None
    notices: int = 0
    chunks: int = 0
    reused_docs: int = 0
    parsed_docs: int = 0
    embedded_chunks: int = 0
    embedded_sentences: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    unchanged: bool = False
    appended: bool = False  # added to a copy of the previous build (nothing changed or removed)
    index_parts: dict[str, float] = field(default_factory=dict)  # what the index stage spent, by part

    def summary(self) -> str:
        lines = [f"已索引 {self.notices} 份通报、{self.chunks} 个分块（沿用 {self.reused_docs} 份，"
                 f"新解析 {self.parsed_docs} 份，新嵌入 {self.embedded_chunks} 个分块）"]
        if self.unchanged:
            lines = [f"索引已是最新：{self.notices} 份通报、{self.chunks} 个分块"]
        for doc, why in self.rejected:
            lines.append(f"未索引 {doc}：{why}")
        for doc, why in self.warnings:
            lines.append(f"注意 {doc}：{why}")
        return "\n".join(lines)


def _previous(index_dir: Path, expected: dict) -> tuple[dict | None, Path | None]:
    build = current_build(index_dir)
    if build is None or not build.is_dir():
        return None, None
    try:
        manifest = read_manifest(build)
        check_manifest(manifest, expected)
        return manifest, build
    except IndexError_:
        return None, None


@dataclass
class DocData:
    """One notice's part of the index."""
    notice: Notice
    chunks: list[Chunk]
    problems: list[Problem]
    tokens: list[list[str]] | None = None  # new docs: BM25 tokens per chunk
    rows: np.ndarray | None = None  # reused docs: their chunk rows in the previous build
    vectors: np.ndarray | None = None
    sentences: list[list[tuple[int, int]]] = field(default_factory=list)  # per chunk
    sentence_vectors: np.ndarray | None = None


@dataclass
class _File:
    path: Path
    sha256: str
    size: int
    mtime: float


def _scan(corpus_dir: Path, prev_corpus: dict) -> dict[str, _File]:
    """The corpus files; a file whose size and modification time match the previous
    build's record is not hashed again (as for the staleness check, qa.store)."""
    out = {}
    for p in scan_corpus(corpus_dir):
        doc = doc_name(p, corpus_dir)
        st = p.stat()
        side = p.with_name(p.stem + ".meta.json")
        mtime = max(st.st_mtime, side.stat().st_mtime if side.exists() else 0)
        prev = prev_corpus.get(doc)
        if prev and prev.get("size") == st.st_size and abs(prev.get("mtime", -1) - mtime) < 1e-6:
            digest = prev["sha256"]
        else:
            digest = file_digest(p)
        out[doc] = _File(p, digest, st.st_size, mtime)
    return out


def _load_previous_docs(build: Path, keep: set[str], manifest: dict) -> dict[str, DocData]:
    """Per-doc data of a previous build, for the docs whose files did not change."""
    notices = {r["doc"]: r for r in read_jsonl(build / "notices.jsonl") if r["doc"] in keep}
    if not notices:
        return {}
    out = {doc: DocData(Notice.from_dict(r, r["text"]), [], []) for doc, r in notices.items()}
    rows: dict[str, list[int]] = {d: [] for d in out}
    with open(build / "chunks.jsonl", encoding="utf-8") as fc:
        for i, line in enumerate(fc):
            c = Chunk.from_dict(json.loads(line))
            if c.doc in out:
                out[c.doc].chunks.append(c)
                rows[c.doc].append(i)
    sent_spans = np.load(build / "sentences.npy", mmap_mode="r")
    sent_offsets = np.load(build / "sentence_offsets.npy")
    sent_vectors = np.load(build / "sentence_vectors.npy", mmap_mode="r")
    vectors = _previous_vectors(build, manifest)
    for d in out:
        r = np.asarray(rows[d], dtype=np.int64)
        out[d].rows = r
        out[d].vectors = np.asarray(vectors[r], dtype=np.float32)
        out[d].sentences = [[tuple(x) for x in sent_spans[sent_offsets[i]:sent_offsets[i + 1]].tolist()]
                            for i in r]
        srows = [j for i in r for j in range(sent_offsets[i], sent_offsets[i + 1])]
        out[d].sentence_vectors = np.asarray(sent_vectors[srows], dtype=np.float32).reshape(-1, sent_vectors.shape[1])
    for p in read_jsonl(build / "problems.jsonl"):
        if p["doc"] in out:
            out[p["doc"]].problems.append(Problem.from_dict(p))
    return out


def _previous_vectors(build: Path, manifest: dict) -> np.ndarray:
    """The previous build's chunk vectors: exact (float32) from a flat FAISS index, else
    the stored float16 copy."""
    if manifest.get("index_type") == "flat":
        try:
            index = dense.load(build / "dense.faiss")
            return index.reconstruct_n(0, index.ntotal)
        except Exception:  # fall back to the stored copy
            pass
    return np.load(build / "vectors.npy", mmap_mode="r")


def build_index(settings: Settings, embedder: Embedder, rebuild: bool = False, progress: bool = True,
                lock_timeout: float = 0, log: Callable[[str], None] | None = None) -> BuildReport:
    """Build or update the index under ``settings.index_dir``. Raises BuildBusy when another
    build holds the lock for longer than ``lock_timeout`` seconds."""
    index_dir = settings.index_dir
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path(index_dir)))
    try:
        lock.acquire(timeout=lock_timeout)
    except Timeout:
        raise BuildBusy(f"另一个索引构建正在进行（锁文件 {lock_path(index_dir)}），请等它完成后再试") from None
    try:
        return _build_locked(settings, embedder, rebuild, progress, log or (lambda s: None))
    finally:
        lock.release()


def _read_new(order: list[str], files: dict[str, _File], seen_hash: dict[str, str], rejected: dict[str, str],
              docs: dict[str, DocData], reused: dict[str, DocData]) -> None:
    for doc in order:
        f = files[doc]
        if f.sha256 in seen_hash:
            rejected[doc] = f"与 {seen_hash[f.sha256]} 内容完全相同，未重复索引"
            continue
        if doc in reused:
            docs[doc] = reused[doc]
            seen_hash[f.sha256] = doc
            continue
        try:
            notice = load_notice(f.path, doc)
        except (NoticeError, OSError) as exc:
            rejected[doc] = str(exc) if isinstance(exc, NoticeError) else f"无法读取：{exc.strerror or exc}"
            continue
        seen_hash[f.sha256] = doc
        docs[doc] = DocData(notice, [], extract_problems(doc, notice.text, notice.sections))


def _chunk(settings: Settings, embedder: Embedder, docs: list[DocData]) -> None:
    for data in docs:
        data.chunks = chunk_notice(data.notice, settings.chunk.max_tokens, embedder.count_tokens,
                                   settings.chunk.embed_prefix)
        data.tokens = [tokenize(embed_text(c, settings.chunk.embed_prefix)) for c in data.chunks]
        data.sentences = [split_sentences(c.text, c.start) for c in data.chunks]


def _embed(settings: Settings, embedder: Embedder, docs: list[DocData], progress: bool) -> tuple[int, int]:
    texts = [embed_text(c, settings.chunk.embed_prefix) for d in docs for c in d.chunks]
    sent_texts = [strip_artefacts(d.notice.text[a:b]) for d in docs for spans in d.sentences for a, b in spans]
    cache = EmbeddingCache(cache_path(settings.index_dir))
    try:
        vecs, n_new = embed_passages_cached(embedder, texts, cache, progress=progress, desc="嵌入分块")
        svecs, n_new_s = embed_passages_cached(embedder, sent_texts, cache, progress=progress, desc="嵌入句子")
    finally:
        cache.close()
    pos = spos = 0
    for d in docs:
        n = len(d.chunks)
        d.vectors = vecs[pos:pos + n]
        pos += n
        m = sum(len(spans) for spans in d.sentences)
        d.sentence_vectors = svecs[spos:spos + m].reshape(-1, embedder.dim)
        spos += m
    return n_new, n_new_s


def _chunk_and_embed(settings: Settings, embedder: Embedder, docs: list[DocData], progress: bool,
                     report: BuildReport) -> None:
    """Chunk + tokenise, then embed (cached by content hash and embedder id), timed."""
    t = time.perf_counter()
    _chunk(settings, embedder, docs)
    report.timings["chunk"] = time.perf_counter() - t
    t = time.perf_counter()
    report.embedded_chunks, report.embedded_sentences = _embed(settings, embedder, docs, progress)
    report.timings["embed"] = time.perf_counter() - t


def _stack(docs: list[DocData], attr: str, dim: int, dtype) -> np.ndarray:
    """The docs' per-row arrays (``vectors`` or ``sentence_vectors``) one after another."""
    parts = [getattr(d, attr) for d in docs]
    return (np.concatenate(parts) if parts else np.zeros((0, dim))).astype(dtype, copy=False)


def _build_locked(settings: Settings, embedder: Embedder, rebuild: bool, progress: bool,
                  log: Callable[[str], None]) -> BuildReport:
    index_dir, corpus_dir = settings.index_dir, settings.corpus_dir
    report = BuildReport()
    t0 = time.perf_counter()
    expected = expected_settings(embedder.id, embedder.dim, chunk_settings(settings))
    manifest, prev_build = (None, None) if rebuild else _previous(index_dir, expected)
    prev_corpus = (manifest or {}).get("corpus", {})
    files = _scan(corpus_dir, prev_corpus)
    if manifest is not None and {d: f.sha256 for d, f in files.items()} == {
            d: v["sha256"] for d, v in prev_corpus.items()}:
        report.unchanged = True
        report.path = prev_build
        report.notices = manifest["counts"]["notices"]
        report.chunks = manifest["counts"]["chunks"]
        report.rejected = [(d, v["rejected"]) for d, v in prev_corpus.items() if v.get("rejected")]
        return report
    indexed = [d for d, v in prev_corpus.items() if not v.get("rejected")]  # in index order
    same = {d for d, f in files.items() if prev_corpus.get(d, {}).get("sha256") == f.sha256}
    if prev_build is not None and all(d in same for d in indexed):
        return _append_locked(settings, embedder, progress, report, t0, manifest, prev_build, files, indexed)

    prev_ok = same - {d for d, v in prev_corpus.items() if v.get("rejected")}
    reused = _load_previous_docs(prev_build, prev_ok, manifest) if prev_build else {}
    report.timings["load_previous"] = time.perf_counter() - t0

    # read + parse
    t = time.perf_counter()
    docs: dict[str, DocData] = {}
    rejected: dict[str, str] = {}
    order = [d for d in indexed if d in files] + sorted(d for d in files if d not in indexed)
    _read_new(order, files, {}, rejected, docs, reused)
    report.timings["read_parse"] = time.perf_counter() - t
    report.reused_docs = len([d for d in docs if d in reused])
    report.parsed_docs = len(docs) - report.reused_docs
    new_docs = [docs[d] for d in docs if d not in reused]

    _chunk_and_embed(settings, embedder, new_docs, progress, report)  # new docs only

    # index: FAISS + BM25 over everything, write, switch over
    t = time.perf_counter()
    prev_bm25 = lexical.load(prev_build / "bm25") if reused else None
    parts: list = []
    for d in docs.values():
        if d.rows is not None:
            if parts and isinstance(parts[-1], tuple):
                parts[-1] = (prev_bm25, np.concatenate([parts[-1][1], d.rows]))
            else:
                parts.append((prev_bm25, d.rows))
        else:
            if parts and isinstance(parts[-1], list):
                parts[-1] = parts[-1] + d.tokens
            else:
                parts.append(list(d.tokens))
    bm25 = lexical.assemble(parts)
    write_build(settings, embedder, list(docs.values()), bm25, files, rejected, report, prev_build)
    report.timings["index"] = time.perf_counter() - t
    report.timings["total"] = time.perf_counter() - t0
    report.rejected = sorted(rejected.items())
    report.warnings = [(d, w) for d, data in docs.items() for w in data.notice.warnings if d not in reused]
    return report


def write_build(settings: Settings, embedder: Embedder, docs: list[DocData], bm25: lexical.BM25Index,
                files: dict[str, _File], rejected: dict[str, str], report: BuildReport,
                prev_build: Path | None = None, index_type: str | None = None) -> Path:
    """Write a complete build of ``docs`` (in index order) and make it current."""
    index_dir = settings.index_dir
    all_chunks = [c for d in docs for c in d.chunks]
    all_vectors = _stack(docs, "vectors", embedder.dim, np.float32)
    index_type = index_type or dense.resolve_type(settings.index.type, len(all_chunks), settings.index.ann_min_chunks)
    tmp = new_build_dir(index_dir)
    write_jsonl(tmp / "notices.jsonl", ({**d.notice.to_dict(), "text": d.notice.text} for d in docs))
    write_jsonl(tmp / "chunks.jsonl", (c.to_dict() for c in all_chunks))
    write_jsonl(tmp / "problems.jsonl", (p.to_dict() for d in docs for p in d.problems))
    np.save(tmp / "vectors.npy", all_vectors.astype(np.float16))
    spans = [sp for d in docs for per_chunk in d.sentences for sp in per_chunk]
    counts = [len(per_chunk) for d in docs for per_chunk in d.sentences]
    np.save(tmp / "sentences.npy", np.array(spans, dtype=np.int64).reshape(-1, 2))
    np.save(tmp / "sentence_offsets.npy", np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
    np.save(tmp / "sentence_vectors.npy", _stack(docs, "sentence_vectors", embedder.dim, np.float16))
    faiss_index = dense.build(all_vectors, index_type)
    dense.save(faiss_index, tmp / "dense.faiss")
    lexical.save(bm25, tmp / "bm25")
    counts_ = {"notices": len(docs), "chunks": len(all_chunks), "problems": sum(len(d.problems) for d in docs),
               "rejected": len(rejected)}
    labels = {d.notice.doc: d.notice.meta.bureau_label for d in docs}
    _write_tables(tmp, bm25, set(labels.values()))
    _finish(settings, embedder, tmp, labels, files, rejected, counts_, index_type,
            _trained_on(index_type, len(all_chunks)), prev_build, report)
    return report.path


def _trained_on(index_type: str, n: int) -> int | None:
    return n if index_type.startswith("ivf") else None


def _write_tables(tmp: Path, bm25: lexical.BM25Index, labels: set[str]) -> None:
    """idf.json (sentence scoring) and crosslingual.json (English questions), both from
    the BM25 vocabulary: no pass over the chunks."""
    tokens, df = lexical.term_stats(bm25)
    write_atomic(tmp / "idf.json", json.dumps(idf_from_df(tokens, df.tolist(), bm25.num_docs), ensure_ascii=False))
    names = {w for label in labels for w in tokenize(label, drop_stopwords=False)}
    write_atomic(tmp / "crosslingual.json", json.dumps(build_table(set(tokens), names), ensure_ascii=False))


def _finish(settings: Settings, embedder: Embedder, tmp: Path, labels: dict[str, str], files: dict[str, _File],
            rejected: dict[str, str], counts: dict, index_type: str, trained_on: int | None,
            prev_build: Path | None, report: BuildReport) -> None:
    """Manifest, durability, rename, switch-over, clean-up."""
    import faiss

    corpus = {}
    for doc in labels:  # index order first, then the files not indexed
        f = files[doc]
        corpus[doc] = {"sha256": f.sha256, "size": f.size, "mtime": f.mtime, "bureau": labels[doc]}
    for doc, f in files.items():
        if doc not in labels:
            corpus[doc] = {"sha256": f.sha256, "size": f.size, "mtime": f.mtime,
                           "rejected": rejected.get(doc, "未索引")}
    manifest = {
        **expected_settings(embedder.id, embedder.dim, chunk_settings(settings)),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "index_type": index_type,
        "dense": {"type": index_type, "trained_on": trained_on},
        "counts": counts,
        "corpus": corpus,
        "software": {"python": platform.python_version(), "faiss": faiss.__version__,
                     "qa": __import__("qa").__version__, "platform": sys.platform},
    }
    write_atomic(tmp / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    fsync_tree(tmp)
    final = tmp.with_name(tmp.name.removeprefix(".tmp-"))
    tmp.rename(final)
    switch_current(settings.index_dir, final)
    remove_old_builds(settings.index_dir, keep={final.name} | ({prev_build.name} if prev_build else set()))
    report.path = final
    report.notices = counts["notices"]
    report.chunks = counts["chunks"]


# ---------------------------------------------------------------- adding notices

def _copy_append_jsonl(src: Path, dst: Path, rows) -> None:
    shutil.copyfile(src, dst)
    with open(dst, "a", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _copy_append_npy(src: Path, dst: Path, rows: np.ndarray) -> None:
    """``src`` with ``rows`` appended, written to ``dst``: the stored rows are copied as
    bytes (no parsing) and the header is rewritten with the new shape."""
    fmt = np.lib.format
    headers = {(1, 0): (fmt.read_array_header_1_0, fmt.write_array_header_1_0),
               (2, 0): (fmt.read_array_header_2_0, fmt.write_array_header_2_0)}
    with open(src, "rb") as fh:
        version = fmt.read_magic(fh)
        read, write = headers.get(version, (None, None))
        shape, fortran, dtype = read(fh) if read else ((0,), True, None)
        offset = fh.tell()
    header = io.BytesIO()
    if read:
        rows = np.ascontiguousarray(np.asarray(rows, dtype=dtype).reshape((-1,) + tuple(shape[1:])))
        write(header, {"descr": fmt.dtype_to_descr(dtype), "fortran_order": False,
                       "shape": (shape[0] + len(rows),) + tuple(shape[1:])})
    if fortran or header.tell() != offset:  # another layout, or the header grew: write it anew
        old = np.load(src, mmap_mode="r")
        np.save(dst, np.concatenate([np.asarray(old), np.asarray(rows, dtype=old.dtype).reshape(
            (-1,) + old.shape[1:])]))
        return
    shutil.copyfile(src, dst)
    with open(dst, "r+b") as fh:
        fh.write(header.getvalue())
        fh.seek(0, os.SEEK_END)
        fh.write(rows.tobytes())


def _append_locked(settings: Settings, embedder: Embedder, progress: bool, report: BuildReport, t0: float,
                   manifest: dict, prev: Path, files: dict[str, _File], indexed: list[str]) -> BuildReport:
    """Only additions (and files that stay unindexed): extend a copy of the previous build."""
    report.appended = True
    report.timings["load_previous"] = time.perf_counter() - t0
    prev_corpus = manifest["corpus"]
    t = time.perf_counter()
    docs: dict[str, DocData] = {}
    rejected: dict[str, str] = {}
    seen = {prev_corpus[d]["sha256"]: d for d in indexed}
    _read_new(sorted(d for d in files if d not in prev_corpus or prev_corpus[d].get("rejected")),
              files, seen, rejected, docs, {})
    report.timings["read_parse"] = time.perf_counter() - t
    report.reused_docs = len(indexed)
    report.parsed_docs = len(docs)
    new = list(docs.values())

    _chunk_and_embed(settings, embedder, new, progress, report)

    t = time.perf_counter()
    counts = dict(manifest["counts"])
    n_old = counts["chunks"]
    chunks = [c for d in new for c in d.chunks]
    vectors = _stack(new, "vectors", embedder.dim, np.float32)
    n_total = n_old + len(chunks)
    parts = report.index_parts
    tp = time.perf_counter()
    tmp = new_build_dir(settings.index_dir)
    _copy_append_jsonl(prev / "notices.jsonl", tmp / "notices.jsonl",
                       ({**d.notice.to_dict(), "text": d.notice.text} for d in new))
    _copy_append_jsonl(prev / "chunks.jsonl", tmp / "chunks.jsonl", (c.to_dict() for c in chunks))
    _copy_append_jsonl(prev / "problems.jsonl", tmp / "problems.jsonl", (p.to_dict() for d in new for p in d.problems))
    _copy_append_npy(prev / "vectors.npy", tmp / "vectors.npy", vectors.astype(np.float16))
    spans = [sp for d in new for per_chunk in d.sentences for sp in per_chunk]
    _copy_append_npy(prev / "sentences.npy", tmp / "sentences.npy", np.array(spans, dtype=np.int64).reshape(-1, 2))
    offsets = np.load(prev / "sentence_offsets.npy")
    sent_counts = [len(per_chunk) for d in new for per_chunk in d.sentences]
    np.save(tmp / "sentence_offsets.npy",
            np.concatenate([offsets, offsets[-1] + np.cumsum(sent_counts, dtype=np.int64)]).astype(np.int64))
    _copy_append_npy(prev / "sentence_vectors.npy", tmp / "sentence_vectors.npy",
                     _stack(new, "sentence_vectors", embedder.dim, np.float16))

    parts["copy_append_rows"] = time.perf_counter() - tp
    tp = time.perf_counter()

    # FAISS: add to the previous index, unless its kind must change or its cells be retrained
    kind = dense.resolve_type(settings.index.type, n_total, settings.index.ann_min_chunks)
    prev_kind = manifest.get("index_type")
    trained_on = (manifest.get("dense") or {}).get("trained_on")
    retrain = kind.startswith("ivf") and (not trained_on or n_total > IVF_RETRAIN_GROWTH * trained_on)
    if kind == prev_kind and not retrain:
        faiss_index = dense.add(dense.load(prev / "dense.faiss"), vectors)
    else:
        old = _previous_vectors(prev, manifest)
        faiss_index = dense.build(np.concatenate([np.asarray(old, dtype=np.float32), vectors]), kind)
        trained_on = _trained_on(kind, n_total)
    dense.save(faiss_index, tmp / "dense.faiss")
    del faiss_index
    parts["faiss"] = time.perf_counter() - tp
    tp = time.perf_counter()

    # BM25: the new chunks' counts merged into the stored ones, all entries rescored
    bm25 = lexical.append(lexical.load(prev / "bm25"), [tok for d in new for tok in d.tokens])
    lexical.save(bm25, tmp / "bm25")
    parts["bm25"] = time.perf_counter() - tp
    tp = time.perf_counter()
    labels = {d: prev_corpus[d]["bureau"] for d in indexed}
    labels.update({d.notice.doc: d.notice.meta.bureau_label for d in new})
    _write_tables(tmp, bm25, set(labels.values()))
    parts["idf_crosslingual"] = time.perf_counter() - tp
    tp = time.perf_counter()
    counts.update({"notices": counts["notices"] + len(new), "chunks": n_total,
                   "problems": counts["problems"] + sum(len(d.problems) for d in new), "rejected": len(rejected)})
    _finish(settings, embedder, tmp, labels, files, rejected, counts, kind, trained_on, prev, report)
    parts["manifest_fsync_switch"] = time.perf_counter() - tp
    report.timings["index"] = time.perf_counter() - t
    report.timings["total"] = time.perf_counter() - t0
    report.rejected = sorted(rejected.items())
    report.warnings = [(d.notice.doc, w) for d in new for w in d.notice.warnings]
    return report

