"""Build or update the index: read + parse, chunk, embed (cached), index, switch over.

Unchanged notices are taken from the previous build as they are (no re-parsing, no
re-embedding); a new or changed notice costs its own chunks only. A file that cannot
be read is reported with its name and reason; the rest of the corpus is indexed.
"""
from __future__ import annotations

import json
import platform
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
    IndexError_,
    cache_path,
    check_manifest,
    current_build,
    expected_settings,
    lock_path,
    new_build_dir,
    read_jsonl,
    read_manifest,
    remove_old_builds,
    switch_current,
    write_atomic,
    write_jsonl,
)
from qa.tokens import idf_table, tokenize


class BuildBusy(RuntimeError):
    pass


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


def chunk_settings(settings: Settings) -> dict:
    return {"max_tokens": settings.chunk.max_tokens, "embed_prefix": settings.chunk.embed_prefix}


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
class _DocData:
    notice: Notice
    chunks: list[Chunk]
    problems: list[Problem]
    tokens: list[list[str]]
    vectors: np.ndarray | None = None
    sentences: list[list[tuple[int, int]]] = field(default_factory=list)  # per chunk
    sentence_vectors: np.ndarray | None = None


def _load_previous_docs(build: Path, keep: set[str]) -> dict[str, _DocData]:
    """Per-doc data of a previous build, for the docs whose files did not change."""
    notices = {r["doc"]: r for r in read_jsonl(build / "notices.jsonl") if r["doc"] in keep}
    if not notices:
        return {}
    out = {doc: _DocData(Notice.from_dict(r, r["text"]), [], [], []) for doc, r in notices.items()}
    vectors = np.load(build / "vectors.npy", mmap_mode="r")
    rows: dict[str, list[int]] = {d: [] for d in out}
    with open(build / "chunks.jsonl", encoding="utf-8") as fc, open(build / "tokens.jsonl", encoding="utf-8") as ft:
        for i, (lc, lt) in enumerate(zip(fc, ft)):
            c = Chunk.from_dict(json.loads(lc))
            if c.doc in out:
                out[c.doc].chunks.append(c)
                out[c.doc].tokens.append(json.loads(lt))
                rows[c.doc].append(i)
    sent_spans = np.load(build / "sentences.npy", mmap_mode="r")
    sent_offsets = np.load(build / "sentence_offsets.npy")
    sent_vectors = np.load(build / "sentence_vectors.npy", mmap_mode="r")
    for d in out:
        out[d].vectors = np.asarray(vectors[rows[d]], dtype=np.float32)
        out[d].sentences = [[tuple(x) for x in sent_spans[sent_offsets[i]:sent_offsets[i + 1]].tolist()]
                            for i in rows[d]]
        srows = [j for i in rows[d] for j in range(sent_offsets[i], sent_offsets[i + 1])]
        out[d].sentence_vectors = np.asarray(sent_vectors[srows], dtype=np.float32).reshape(-1, sent_vectors.shape[1])
    for p in read_jsonl(build / "problems.jsonl"):
        if p["doc"] in out:
            out[p["doc"]].problems.append(Problem.from_dict(p))
    return out


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


def _build_locked(settings: Settings, embedder: Embedder, rebuild: bool, progress: bool,
                  log: Callable[[str], None]) -> BuildReport:
    index_dir, corpus_dir = settings.index_dir, settings.corpus_dir
    report = BuildReport()
    t0 = time.perf_counter()
    expected = expected_settings(embedder.id, embedder.dim, chunk_settings(settings))
    manifest, prev_build = (None, None) if rebuild else _previous(index_dir, expected)
    files = scan_corpus(corpus_dir)
    digests = {doc_name(p, corpus_dir): (p, file_digest(p)) for p in files}
    prev_corpus = (manifest or {}).get("corpus", {})
    prev_ok = {d for d, (p, h) in digests.items() if prev_corpus.get(d, {}).get("sha256") == h
               and not prev_corpus[d].get("rejected")}
    if manifest is not None and {d: h for d, (_, h) in digests.items()} == {
            d: v["sha256"] for d, v in prev_corpus.items()}:
        report.unchanged = True
        report.path = prev_build
        report.notices = manifest["counts"]["notices"]
        report.chunks = manifest["counts"]["chunks"]
        report.rejected = [(d, v["rejected"]) for d, v in prev_corpus.items() if v.get("rejected")]
        return report
    reused = _load_previous_docs(prev_build, prev_ok) if prev_build else {}
    report.timings["load_previous"] = time.perf_counter() - t0

    # read + parse
    t = time.perf_counter()
    docs: dict[str, _DocData] = {}
    seen_hash: dict[str, str] = {}
    rejected: dict[str, str] = {}
    order = [d for d in prev_corpus if d in digests] + sorted(d for d in digests if d not in prev_corpus)
    for doc in order:
        path, digest = digests[doc]
        if digest in seen_hash:
            rejected[doc] = f"与 {seen_hash[digest]} 内容完全相同，未重复索引"
            continue
        if doc in reused:
            docs[doc] = reused[doc]
            seen_hash[digest] = doc
            continue
        try:
            notice = load_notice(path, doc)
        except (NoticeError, OSError) as exc:
            rejected[doc] = str(exc) if isinstance(exc, NoticeError) else f"无法读取：{exc.strerror or exc}"
            continue
        seen_hash[digest] = doc
        docs[doc] = _DocData(notice, [], extract_problems(doc, notice.text, notice.sections), [])
    report.timings["read_parse"] = time.perf_counter() - t
    report.reused_docs = len([d for d in docs if d in reused])
    report.parsed_docs = len(docs) - report.reused_docs

    # chunk + tokenize (new docs only)
    t = time.perf_counter()
    new_docs = [d for d in docs if d not in reused]
    for doc in new_docs:
        data = docs[doc]
        data.chunks = chunk_notice(data.notice, settings.chunk.max_tokens, embedder.count_tokens,
                                   settings.chunk.embed_prefix)
        data.tokens = [tokenize(embed_text(c, settings.chunk.embed_prefix)) for c in data.chunks]
        data.sentences = [split_sentences(c.text, c.start) for c in data.chunks]
    report.timings["chunk"] = time.perf_counter() - t

    # embed (cache by content hash and embedder id)
    t = time.perf_counter()
    new_chunks = [c for d in new_docs for c in docs[d].chunks]
    texts = [embed_text(c, settings.chunk.embed_prefix) for c in new_chunks]
    cache = EmbeddingCache(cache_path(index_dir))
    try:
        vecs, n_new = embed_passages_cached(embedder, texts, cache, progress=progress, desc="嵌入分块")
    finally:
        cache.close()
    pos = 0
    for d in new_docs:
        n = len(docs[d].chunks)
        docs[d].vectors = vecs[pos:pos + n]
        pos += n
    report.embedded_chunks = n_new
    sent_texts = [data.notice.text[a:b] for d in new_docs for data in [docs[d]] for spans in data.sentences
                  for a, b in spans]
    cache = EmbeddingCache(cache_path(index_dir))
    try:
        svecs, n_new_s = embed_passages_cached(embedder, [strip_artefacts(x) for x in sent_texts], cache,
                                               progress=progress, desc="嵌入句子")
    finally:
        cache.close()
    pos = 0
    for d in new_docs:
        n = sum(len(spans) for spans in docs[d].sentences)
        docs[d].sentence_vectors = svecs[pos:pos + n]
        pos += n
    report.embedded_sentences = n_new_s
    report.timings["embed"] = time.perf_counter() - t

    # index: assemble, FAISS + BM25, write, switch over
    t = time.perf_counter()
    all_chunks = [c for d in docs.values() for c in d.chunks]
    all_tokens = [tok for d in docs.values() for tok in d.tokens]
    all_vectors = (np.concatenate([d.vectors for d in docs.values()]) if docs
                   else np.zeros((0, embedder.dim), np.float32)).astype(np.float32)
    index_type = dense.resolve_type(settings.index.type, len(all_chunks), settings.index.ann_min_chunks)
    tmp = new_build_dir(index_dir)
    write_jsonl(tmp / "notices.jsonl", ({**d.notice.to_dict(), "text": d.notice.text} for d in docs.values()))
    write_jsonl(tmp / "chunks.jsonl", (c.to_dict() for c in all_chunks))
    write_jsonl(tmp / "tokens.jsonl", all_tokens)
    write_jsonl(tmp / "problems.jsonl", (p.to_dict() for d in docs.values() for p in d.problems))
    np.save(tmp / "vectors.npy", all_vectors.astype(np.float16))
    spans = [sp for d in docs.values() for per_chunk in d.sentences for sp in per_chunk]
    counts = [len(per_chunk) for d in docs.values() for per_chunk in d.sentences]
    np.save(tmp / "sentences.npy", np.array(spans, dtype=np.int64).reshape(-1, 2))
    np.save(tmp / "sentence_offsets.npy", np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
    np.save(tmp / "sentence_vectors.npy", (np.concatenate([d.sentence_vectors for d in docs.values()])
                                           if docs else np.zeros((0, embedder.dim))).astype(np.float16))
    write_atomic(tmp / "idf.json", json.dumps(idf_table(all_tokens), ensure_ascii=False))
    names = {w for d in docs.values() for w in tokenize(d.notice.meta.bureau_label, drop_stopwords=False)}
    vocab = {t for toks in all_tokens for t in toks}
    write_atomic(tmp / "crosslingual.json", json.dumps(build_table(vocab, names), ensure_ascii=False))
    dense.save(dense.build(all_vectors, index_type), tmp / "dense.faiss")
    lexical.save(lexical.build(all_tokens), tmp / "bm25")
    corpus = {}
    for doc, (path, digest) in digests.items():
        st = path.stat()
        side = path.with_name(path.stem + ".meta.json")
        entry = {"sha256": digest, "size": st.st_size,
                 "mtime": max(st.st_mtime, side.stat().st_mtime if side.exists() else 0)}
        if doc in docs:
            entry["bureau"] = docs[doc].notice.meta.bureau_label
        else:
            entry["rejected"] = rejected.get(doc, "未索引")
        corpus[doc] = entry
    import faiss

    new_manifest = {
        **expected,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "index_type": index_type,
        "counts": {"notices": len(docs), "chunks": len(all_chunks),
                   "problems": sum(len(d.problems) for d in docs.values()), "rejected": len(rejected)},
        "corpus": corpus,
        "software": {"python": platform.python_version(), "faiss": faiss.__version__,
                     "qa": __import__("qa").__version__, "platform": sys.platform},
    }
    write_atomic(tmp / "manifest.json", json.dumps(new_manifest, ensure_ascii=False, indent=1))
    final = tmp.with_name(tmp.name.removeprefix(".tmp-"))
    tmp.rename(final)
    previous_name = prev_build.name if prev_build else None
    switch_current(index_dir, final)
    remove_old_builds(index_dir, keep={final.name} | ({previous_name} if previous_name else set()))
    report.timings["index"] = time.perf_counter() - t
    report.timings["total"] = time.perf_counter() - t0

    report.path = final
    report.notices = len(docs)
    report.chunks = len(all_chunks)
    report.rejected = sorted(rejected.items())
    report.warnings = [(d, w) for d, data in docs.items() for w in data.notice.warnings if d not in reused]
    return report
