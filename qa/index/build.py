"""Build or update the index: a plan, then stages (read + parse, chunk, embed, index,
write through :class:`qa.index.writer.BuildWriter`).

The plan compares the corpus with the current build's manifest:

- **unchanged**: nothing to do.
- **append** (notices only added; no indexed notice changed or removed): the new
  notices are parsed, chunked and embedded and appended to a copy of the current build;
  their vectors are added to the previous vector index and their term counts merged into
  the stored BM25 counts. The cost is that of the new notices plus writing the files.
- **remove** (notices only removed): the kept notices' rows (notices, chunks, problems,
  vectors, sentences, BM25 term counts) are copied from the current build, renumbered;
  nothing is parsed, embedded or tokenised. The vector index is built again from the
  kept vectors (an IVF index retrained on them), BM25 rescored, the tables recomputed.
- **rebuild** (a notice changed, ``--rebuild``, other settings): the parts are
  assembled again; unchanged notices are taken from the previous build as they are (no
  re-parsing, re-embedding or re-tokenising).

Either way the build is written into a fresh folder and only then named in CURRENT: a
crash at any point leaves the previous index in use. A file that cannot be read is
reported with its name and reason; the rest of the corpus is indexed.
"""
from __future__ import annotations

import json
import platform
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from qa.config import Settings
from qa.index import vectors
from qa.index.chunking import Chunk, chunk_notice, embed_text
from qa.index.embed_cache import embed_passages_cached, open_cache
from qa.index.embedders import Embedder
from qa.index.layout import BuildLayout, IndexLayout
from qa.index.lexical import LexicalIndex, bm25
from qa.index.sentences import split_sentences
from qa.index.store import (
    BuildBusy,
    IndexError_,
    check_manifest,
    chunk_settings,
    expected_settings,
    read_jsonl,
    read_manifest,
)
from qa.index.writer import BuildWriter
from qa.ingest.notices import Notice, doc_name, file_digest, load_notice, scan_corpus
from qa.ingest.problems import Problem, extract_problems
from qa.ingest.source import NoticeError, strip_artefacts
from qa.query.translation import build_table
from qa.text import Tokenizer, idf_from_df, tokenize

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
    published: str = ""  # Milvus backend: what publishing the build did
    removed_docs: int = 0  # notices of the previous build no longer in the corpus

    def summary(self) -> str:
        removed = f"，移除 {self.removed_docs} 份" if self.removed_docs else ""
        lines = [f"已索引 {self.notices} 份通报、{self.chunks} 个分块（沿用 {self.reused_docs} 份，"
                 f"新解析 {self.parsed_docs} 份，新嵌入 {self.embedded_chunks} 个分块{removed}）"]
        if self.unchanged:
            lines = [f"索引已是最新：{self.notices} 份通报、{self.chunks} 个分块"]
        if self.published:
            lines.append(self.published)
        for doc, why in self.rejected:
            lines.append(f"未索引 {doc}：{why}")
        for doc, why in self.warnings:
            lines.append(f"注意 {doc}：{why}")
        return "\n".join(lines)


@dataclass
class CorpusFile:
    path: Path
    sha256: str
    size: int
    mtime: float


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
class Plan:
    action: str  # "unchanged", "append", "remove" or "rebuild"
    files: dict[str, CorpusFile]
    manifest: dict | None = None  # of the previous build, when it can be reused
    previous: BuildLayout | None = None
    indexed: list[str] = field(default_factory=list)  # docs of the previous build, in index order
    same: set[str] = field(default_factory=set)  # docs whose file did not change

    @property
    def prev_corpus(self) -> dict:
        return (self.manifest or {}).get("corpus", {})


def scan(corpus_dir: Path, prev_corpus: dict) -> dict[str, CorpusFile]:
    """The corpus files; a file whose size and modification time match the previous
    build's record is not hashed again (as for the staleness check, qa.index.store)."""
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
        out[doc] = CorpusFile(p, digest, st.st_size, mtime)
    return out


def plan(settings: Settings, embedder: Embedder, rebuild: bool = False) -> Plan:
    """What a build of ``settings.corpus_dir`` has to do, given the current build."""
    manifest, previous = None, None
    if not rebuild:
        previous = IndexLayout(settings.index_dir).current()
        if previous is not None and previous.root.is_dir():
            try:
                manifest = read_manifest(previous)
                check_manifest(manifest, expected_settings(embedder.id, embedder.dim, chunk_settings(settings)))
            except IndexError_:
                manifest = None
        if manifest is None:
            previous = None
    prev_corpus = (manifest or {}).get("corpus", {})
    files = scan(settings.corpus_dir, prev_corpus)
    if manifest is not None and {d: f.sha256 for d, f in files.items()} == {
            d: v["sha256"] for d, v in prev_corpus.items()}:
        return Plan("unchanged", files, manifest, previous)
    indexed = [d for d, v in prev_corpus.items() if not v.get("rejected")]  # in index order
    same = {d for d, f in files.items() if prev_corpus.get(d, {}).get("sha256") == f.sha256}
    removed = [d for d in indexed if d not in files]
    action = "rebuild"
    if previous is not None and all(d in same for d in indexed if d in files):
        action = "remove" if removed and _only_removed(files, same, prev_corpus, removed) else "append"
        if action == "append" and removed:
            action = "rebuild"  # removed and added at once
    return Plan(action, files, manifest, previous, indexed, same)


def _only_removed(files: dict[str, CorpusFile], same: set[str], prev_corpus: dict, removed: list[str]) -> bool:
    """No file is new or changed, and no file left unindexed as a duplicate of a removed
    notice (it is to be indexed now: a rebuild reads it)."""
    gone = {prev_corpus[d]["sha256"] for d in removed}
    return all(d in same for d in files) and not any(
        prev_corpus[d].get("rejected") and files[d].sha256 in gone for d in files)


@contextmanager
def build_lock(index_dir: Path, timeout: float = 0) -> Iterator[None]:
    """The index's build lock (one build at a time); BuildBusy after ``timeout`` seconds."""
    layout = IndexLayout(index_dir)
    layout.root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(layout.lock))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise BuildBusy(f"另一个索引构建正在进行（锁文件 {layout.lock}），请等它完成后再试") from None
    try:
        yield
    finally:
        lock.release()


def build_index(settings: Settings, embedder: Embedder, rebuild: bool = False, progress: bool = True,
                lock_timeout: float = 0, log: Callable[[str], None] | None = None) -> BuildReport:
    """Build or update the index under ``settings.index_dir``. Raises BuildBusy when another
    build holds the lock for longer than ``lock_timeout`` seconds."""
    with build_lock(settings.index_dir, lock_timeout):
        return build_locked(settings, embedder, rebuild, progress)


def build_locked(settings: Settings, embedder: Embedder, rebuild: bool = False, progress: bool = True) -> BuildReport:
    """:func:`build_index` for a caller that holds :func:`build_lock`."""
    t0 = time.perf_counter()
    p = plan(settings, embedder, rebuild)
    report = BuildReport()
    report.removed_docs = len([d for d in p.indexed if d not in p.files])
    if p.action == "unchanged":
        assert p.manifest is not None
        report.unchanged = True
        report.path = p.previous.root if p.previous else None
        report.notices = p.manifest["counts"]["notices"]
        report.chunks = p.manifest["counts"]["chunks"]
        report.rejected = [(d, v["rejected"]) for d, v in p.prev_corpus.items() if v.get("rejected")]
        _publish(settings, report, rebuild)
        return report
    run = {"append": _append, "remove": _remove}.get(p.action, _rebuild)
    run(settings, embedder, p, progress, report, t0)
    report.timings["total"] = time.perf_counter() - t0
    _publish(settings, report, rebuild)
    return report


def _publish(settings: Settings, report: BuildReport, rebuild: bool) -> None:
    """With the Milvus backend, bring Milvus to the build just made (:mod:`qa.index.milvus`)."""
    if settings.index.backend != "milvus" or report.path is None:
        return
    from qa.index.milvus.publish import publish

    t = time.perf_counter()
    report.published = publish(settings, BuildLayout(report.path), rebuild)
    report.timings["milvus"] = time.perf_counter() - t


# ---------------------------------------------------------------- stages

def _read_new(order: list[str], files: dict[str, CorpusFile], seen_hash: dict[str, str], rejected: dict[str, str],
              docs: dict[str, DocData], reused: dict[str, DocData], progress: bool = False) -> None:
    """Read + parse the files in ``order`` (reused docs taken as they are); duplicates and
    unreadable files go to ``rejected`` with the reason. ``progress``: OCR shows a bar."""
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
            notice = load_notice(f.path, doc, progress)
        except (NoticeError, OSError) as exc:
            rejected[doc] = str(exc) if isinstance(exc, NoticeError) else f"无法读取：{exc.strerror or exc}"
            continue
        seen_hash[f.sha256] = doc
        docs[doc] = DocData(notice, [], extract_problems(doc, notice.text, notice.sections))


def _chunk(settings: Settings, embedder: Embedder, docs: list[DocData], tokenizer: Tokenizer) -> None:
    for data in docs:
        data.chunks = chunk_notice(data.notice, settings.chunk.max_tokens, embedder.count_tokens,
                                   settings.chunk.embed_prefix)
        data.tokens = [tokenizer(embed_text(c, settings.chunk.embed_prefix)) for c in data.chunks]
        data.sentences = [split_sentences(c.text, c.start) for c in data.chunks]


def _embed(settings: Settings, embedder: Embedder, docs: list[DocData], progress: bool) -> tuple[int, int]:
    texts = [embed_text(c, settings.chunk.embed_prefix) for d in docs for c in d.chunks]
    sent_texts = [strip_artefacts(d.notice.text[a:b]) for d in docs for spans in d.sentences for a, b in spans]
    cache = open_cache(settings, embedder.id)
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
    _chunk(settings, embedder, docs, tokenize)
    report.timings["chunk"] = time.perf_counter() - t
    t = time.perf_counter()
    report.embedded_chunks, report.embedded_sentences = _embed(settings, embedder, docs, progress)
    report.timings["embed"] = time.perf_counter() - t


def _stack(docs: list[DocData], attr: str, dim: int, dtype) -> np.ndarray:
    """The docs' per-row arrays (``vectors`` or ``sentence_vectors``) one after another."""
    parts = [getattr(d, attr) for d in docs]
    return (np.concatenate(parts) if parts else np.zeros((0, dim))).astype(dtype, copy=False)


def _previous_vectors(build: BuildLayout, manifest: dict) -> np.ndarray:
    """The previous build's chunk vectors: exact (float32) when its vector index keeps
    them, else the stored float16 copy."""
    try:
        exact = vectors.load(build / build.DENSE, manifest.get("index_type", "flat")).exact_vectors()
    except Exception:  # fall back to the stored copy
        exact = None
    return exact if exact is not None else np.load(build / build.VECTORS, mmap_mode="r")


def _load_previous_docs(build: BuildLayout, keep: set[str], manifest: dict) -> dict[str, DocData]:
    """Per-doc data of a previous build, for the docs whose files did not change."""
    notices = {r["doc"]: r for r in read_jsonl(build / build.NOTICES) if r["doc"] in keep}
    if not notices:
        return {}
    out = {doc: DocData(Notice.from_dict(r, r["text"]), [], []) for doc, r in notices.items()}
    rows: dict[str, list[int]] = {d: [] for d in out}
    with open(build / build.CHUNKS, encoding="utf-8") as fc:
        for i, line in enumerate(fc):
            c = Chunk.from_dict(json.loads(line))
            if c.doc in out:
                out[c.doc].chunks.append(c)
                rows[c.doc].append(i)
    sent_spans = np.load(build / build.SENTENCES, mmap_mode="r")
    sent_offsets = np.load(build / build.SENTENCE_OFFSETS)
    sent_vectors = np.load(build / build.SENTENCE_VECTORS, mmap_mode="r")
    vecs = _previous_vectors(build, manifest)
    for d in out:
        r = np.asarray(rows[d], dtype=np.int64)
        out[d].rows = r
        out[d].vectors = np.asarray(vecs[r], dtype=np.float32)
        out[d].sentences = [[tuple(x) for x in sent_spans[sent_offsets[i]:sent_offsets[i + 1]].tolist()]
                            for i in r]
        srows = [j for i in r for j in range(sent_offsets[i], sent_offsets[i + 1])]
        out[d].sentence_vectors = np.asarray(sent_vectors[srows], dtype=np.float32).reshape(-1, sent_vectors.shape[1])
    for p in read_jsonl(build / build.PROBLEMS):
        if p["doc"] in out:
            out[p["doc"]].problems.append(Problem.from_dict(p))
    return out


def _rebuild(settings: Settings, embedder: Embedder, p: Plan, progress: bool, report: BuildReport,
             t0: float) -> None:
    prev_ok = p.same - {d for d, v in p.prev_corpus.items() if v.get("rejected")}
    reused = _load_previous_docs(p.previous, prev_ok, p.manifest or {}) if p.previous else {}
    report.timings["load_previous"] = time.perf_counter() - t0

    t = time.perf_counter()
    docs: dict[str, DocData] = {}
    rejected: dict[str, str] = {}
    order = [d for d in p.indexed if d in p.files] + sorted(d for d in p.files if d not in p.indexed)
    _read_new(order, p.files, {}, rejected, docs, reused, progress)
    report.timings["read_parse"] = time.perf_counter() - t
    report.reused_docs = len([d for d in docs if d in reused])
    report.parsed_docs = len(docs) - report.reused_docs
    _chunk_and_embed(settings, embedder, [docs[d] for d in docs if d not in reused], progress, report)

    t = time.perf_counter()
    prev_bm25 = bm25.load(p.previous / p.previous.BM25) if reused and p.previous else None
    parts: list = []  # runs of reused rows (stored counts) and of new chunks' tokens, in order
    for d in docs.values():
        if d.rows is not None:
            if parts and isinstance(parts[-1], tuple):
                parts[-1] = (prev_bm25, np.concatenate([parts[-1][1], d.rows]))
            else:
                parts.append((prev_bm25, d.rows))
        elif parts and isinstance(parts[-1], list):
            parts[-1] = parts[-1] + (d.tokens or [])
        else:
            parts.append(list(d.tokens or []))
    write_build(settings, embedder, list(docs.values()), bm25.assemble(parts), p.files, rejected, report,
                p.previous)
    report.timings["index"] = time.perf_counter() - t
    report.rejected = sorted(rejected.items())
    report.warnings = [(d, w) for d, data in docs.items() for w in data.notice.warnings if d not in reused]


def write_build(settings: Settings, embedder: Embedder, docs: list[DocData], lexical_index: LexicalIndex,
                files: dict[str, CorpusFile], rejected: dict[str, str], report: BuildReport,
                previous: BuildLayout | None = None, index_type: str | None = None) -> Path:
    """Write a complete build of ``docs`` (in index order) and make it current."""
    all_vectors = _stack(docs, "vectors", embedder.dim, np.float32)
    n = len(all_vectors)
    kind = index_type or vectors.resolve_type(settings.index.type, n, settings.index.ann_min_chunks)
    writer = BuildWriter(IndexLayout(settings.index_dir), keep=previous)
    _extend(writer, docs, embedder.dim, all_vectors)
    writer.write_vectors(vectors.build(all_vectors, kind))
    counts = {"notices": len(docs), "chunks": n, "problems": sum(len(d.problems) for d in docs),
              "rejected": len(rejected)}
    labels = {d.notice.doc: d.notice.meta.bureau_label for d in docs}
    return _finish(settings, embedder, writer, lexical_index, labels, files, rejected, counts, kind,
                   _trained_on(kind, n), report)


def _extend(writer: BuildWriter, docs: list[DocData], dim: int, doc_vectors: np.ndarray) -> None:
    writer.extend(({**d.notice.to_dict(), "text": d.notice.text} for d in docs),
                  (c.to_dict() for d in docs for c in d.chunks),
                  (p.to_dict() for d in docs for p in d.problems),
                  doc_vectors, [per_chunk for d in docs for per_chunk in d.sentences],
                  _stack(docs, "sentence_vectors", dim, np.float16))


def _trained_on(index_type: str, n: int) -> int | None:
    return n if index_type.startswith("ivf") else None


def manifest_for(settings: Settings, embedder: Embedder, labels: dict[str, str], files: dict[str, CorpusFile],
                 rejected: dict[str, str], counts: dict, index_type: str, trained_on: int | None) -> dict:
    """What a build records about itself: format, embedder, chunker, corpus files (index
    order first, then the files not indexed), counts, software."""
    import faiss

    corpus = {}
    for doc in labels:
        f = files[doc]
        corpus[doc] = {"sha256": f.sha256, "size": f.size, "mtime": f.mtime, "bureau": labels[doc]}
    for doc, f in files.items():
        if doc not in labels:
            corpus[doc] = {"sha256": f.sha256, "size": f.size, "mtime": f.mtime,
                           "rejected": rejected.get(doc, "未索引")}
    return {
        **expected_settings(embedder.id, embedder.dim, chunk_settings(settings)),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "index_type": index_type,
        "dense": {"type": index_type, "trained_on": trained_on},
        "counts": counts,
        "corpus": corpus,
        "software": {"python": platform.python_version(), "faiss": faiss.__version__,
                     "qa": __import__("qa").__version__, "platform": sys.platform},
    }


def _finish(settings: Settings, embedder: Embedder, writer: BuildWriter, lexical_index: LexicalIndex,
            labels: dict[str, str], files: dict[str, CorpusFile], rejected: dict[str, str], counts: dict,
            index_type: str, trained_on: int | None, report: BuildReport) -> Path:
    """Lexical index, tables, manifest, switch-over."""
    writer.write_lexical(lexical_index)
    tokens, df = lexical_index.term_stats()
    names = {w for label in set(labels.values()) for w in tokenize(label, drop_stopwords=False)}
    writer.write_tables(idf_from_df(tokens, df.tolist(), lexical_index.num_docs), build_table(set(tokens), names))
    final = writer.finish(manifest_for(settings, embedder, labels, files, rejected, counts, index_type, trained_on))
    report.path = final.root
    report.notices = counts["notices"]
    report.chunks = counts["chunks"]
    return final.root


def _append(settings: Settings, embedder: Embedder, p: Plan, progress: bool, report: BuildReport,
            t0: float) -> None:
    """Only additions (and files that stay unindexed): extend a copy of the previous build."""
    assert p.manifest is not None and p.previous is not None
    prev, manifest, prev_corpus = p.previous, p.manifest, p.prev_corpus
    report.appended = True
    report.timings["load_previous"] = time.perf_counter() - t0
    t = time.perf_counter()
    docs: dict[str, DocData] = {}
    rejected: dict[str, str] = {}
    seen = {prev_corpus[d]["sha256"]: d for d in p.indexed}
    _read_new(sorted(d for d in p.files if d not in prev_corpus or prev_corpus[d].get("rejected")),
              p.files, seen, rejected, docs, {}, progress)
    report.timings["read_parse"] = time.perf_counter() - t
    report.reused_docs = len(p.indexed)
    report.parsed_docs = len(docs)
    new = list(docs.values())
    _chunk_and_embed(settings, embedder, new, progress, report)

    t = time.perf_counter()
    counts = dict(manifest["counts"])
    new_vectors = _stack(new, "vectors", embedder.dim, np.float32)
    n_total = counts["chunks"] + len(new_vectors)
    writer = BuildWriter(IndexLayout(settings.index_dir), base=prev)
    _extend(writer, new, embedder.dim, new_vectors)
    # the vector index: added to, unless its kind must change or its cells be retrained
    kind = vectors.resolve_type(settings.index.type, n_total, settings.index.ann_min_chunks)
    trained_on = (manifest.get("dense") or {}).get("trained_on")
    retrain = kind.startswith("ivf") and (not trained_on or n_total > IVF_RETRAIN_GROWTH * trained_on)
    if kind == manifest.get("index_type") and not retrain:
        vector_index = vectors.load(prev / prev.DENSE, kind)
        vector_index.add(new_vectors)
    else:
        old = np.asarray(_previous_vectors(prev, manifest), dtype=np.float32)
        vector_index = vectors.build(np.concatenate([old, new_vectors]), kind)
        trained_on = _trained_on(kind, n_total)
    writer.write_vectors(vector_index)
    del vector_index
    # BM25: the new chunks' counts merged into the stored ones, all entries rescored
    lexical_index = bm25.append(bm25.load(prev / prev.BM25), [tok for d in new for tok in d.tokens or []])
    labels = {d: prev_corpus[d]["bureau"] for d in p.indexed}
    labels.update({d.notice.doc: d.notice.meta.bureau_label for d in new})
    counts.update({"notices": counts["notices"] + len(new), "chunks": n_total,
                   "problems": counts["problems"] + sum(len(d.problems) for d in new), "rejected": len(rejected)})
    _finish(settings, embedder, writer, lexical_index, labels, p.files, rejected, counts, kind, trained_on, report)
    report.timings["index"] = time.perf_counter() - t
    report.rejected = sorted(rejected.items())
    report.warnings = [(d.notice.doc, w) for d in new for w in d.notice.warnings]


def _remove(settings: Settings, embedder: Embedder, p: Plan, progress: bool, report: BuildReport,
            t0: float) -> None:
    """Only removals: the kept notices' rows copied from the previous build, renumbered."""
    assert p.manifest is not None and p.previous is not None
    prev, prev_corpus = p.previous, p.prev_corpus
    kept = [d for d in p.indexed if d in p.files]
    writer = BuildWriter(IndexLayout(settings.index_dir), base=prev, base_docs=set(kept))
    rows = writer.base_rows
    assert rows is not None
    report.timings["copy_rows"] = time.perf_counter() - t0
    t = time.perf_counter()
    kind = vectors.resolve_type(settings.index.type, len(rows), settings.index.ann_min_chunks)
    kept_vectors = np.asarray(_previous_vectors(prev, p.manifest)[rows], dtype=np.float32)
    writer.write_vectors(vectors.build(kept_vectors.reshape(-1, embedder.dim), kind))
    lexical_index = bm25.assemble([(bm25.load(prev / prev.BM25), rows)])
    rejected = {d: v["rejected"] for d, v in prev_corpus.items() if v.get("rejected") and d in p.files}
    with open(writer.build / writer.build.PROBLEMS, "rb") as fh:
        n_problems = sum(1 for line in fh if line.strip())
    counts = {"notices": len(kept), "chunks": len(rows), "problems": n_problems, "rejected": len(rejected)}
    _finish(settings, embedder, writer, lexical_index, {d: prev_corpus[d]["bureau"] for d in kept}, p.files,
            rejected, counts, kind, _trained_on(kind, len(rows)), report)
    report.timings["index"] = time.perf_counter() - t
    report.reused_docs = len(kept)
    report.rejected = sorted(rejected.items())
