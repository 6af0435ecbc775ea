"""Loading the current build: manifest checks, staleness, and the loaded index.

The format (part files, version) is :mod:`qa.index.layout`'s; builds are written only by
:mod:`qa.index.writer`. A missing, mismatched, stale or damaged index raises an
:class:`IndexError_` whose message says what to do.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from qa.index import lexical, vectors
from qa.index.chunking import Chunk
from qa.index.filters import AllowedRows, Filter, allowed_rows
from qa.index.layout import FORMAT_VERSION, REBUILD_HINT, BuildLayout, IndexLayout
from qa.index.lexical import LexicalIndex
from qa.index.vectors import VectorIndex
from qa.ingest.notices import Notice, doc_name, file_digest, scan_corpus
from qa.ingest.problems import Problem


class IndexError_(RuntimeError):
    """Base for index problems; the message says what to do."""


class IndexMissing(IndexError_):
    pass


class IndexMismatch(IndexError_):
    pass


class IndexStale(IndexError_):
    pass


class IndexCorrupt(IndexError_):
    pass


def read_jsonl(path: Path) -> list:
    """The rows of a JSON-lines part (orjson when installed: about twice as fast, which
    matters for the start-up of a large index)."""
    data = path.read_bytes()
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson comes with gradio
        return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    return [orjson.loads(line) for line in data.splitlines() if line.strip()]


def corpus_state(corpus_dir: Path) -> dict[str, dict]:
    """Per document, doc -> {size, mtime}, for a quick staleness check (hashes only when these differ)."""
    out = {}
    for p in scan_corpus(corpus_dir):
        st = p.stat()
        side = p.with_name(p.stem + ".meta.json")
        side_mtime = side.stat().st_mtime if side.exists() else 0
        out[doc_name(p, corpus_dir)] = {"size": st.st_size, "mtime": max(st.st_mtime, side_mtime)}
    return out


def stale_docs(manifest: dict, corpus_dir: Path) -> list[str]:
    """Docs added, removed or changed since the build (rejected files included)."""
    built = manifest["corpus"]
    now = corpus_state(corpus_dir)
    changed = sorted(set(built) ^ set(now))
    for doc in set(built) & set(now):
        b, n = built[doc], now[doc]
        if b["size"] == n["size"] and abs(b["mtime"] - n["mtime"]) < 1e-6:
            continue
        if file_digest(corpus_dir / doc) != b["sha256"]:
            changed.append(doc)
    return sorted(changed)


@dataclass(eq=False)
class LoadedIndex:
    layout: BuildLayout
    manifest: dict
    notices: dict[str, Notice]
    chunks: list[Chunk]
    problems: list[Problem]
    vector_index: VectorIndex
    lexical_index: LexicalIndex
    vectors: np.ndarray  # float16, rows = chunks (memory-mapped)
    sentences: np.ndarray  # (n, 2) start, end of every sentence, in chunk order
    sentence_offsets: np.ndarray  # chunk row i has sentences[offsets[i]:offsets[i+1]]
    sentence_vectors: np.ndarray  # float16 (memory-mapped)
    idf: dict[str, float]

    @cached_property
    def crosslingual(self) -> dict:
        """English -> Chinese lookup table (loaded on the first English question)."""
        try:
            return json.loads((self.layout / self.layout.CROSSLINGUAL).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {"en": {}, "pinyin": {}}

    @cached_property
    def bureau_aliases(self) -> dict:
        from qa.query.bureaus import alias_table

        return alias_table(self.notices)

    def chunk_sentences(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """(spans, vectors) of the sentences of chunk ``row``."""
        a, b = int(self.sentence_offsets[row]), int(self.sentence_offsets[row + 1])
        return self.sentences[a:b], self.sentence_vectors[a:b]

    @cached_property
    def bureaus(self) -> list[str]:
        return sorted({c.bureau for c in self.chunks})

    def notice(self, doc: str) -> Notice:
        return self.notices[doc]

    @cached_property
    def doc_rows(self) -> dict[str, list[int]]:
        """Each notice's chunk rows, in index order."""
        out: dict[str, list[int]] = {}
        for i, c in enumerate(self.chunks):
            out.setdefault(c.doc, []).append(i)
        return out

    def row_at(self, doc: str, offset: int) -> int | None:
        """The row of ``doc``'s chunk that holds character ``offset`` (None: none does)."""
        return next((i for i in self.doc_rows.get(doc, ()) if self.chunks[i].start <= offset < self.chunks[i].end),
                    None)

    @cached_property
    def _columns(self) -> tuple[list[str], list[str], list[str]]:
        return ([c.bureau for c in self.chunks], [c.kind for c in self.chunks], [c.doc for c in self.chunks])

    @lru_cache(maxsize=64)  # noqa: B019 (one loaded index per process; filters repeat)
    def allowed(self, flt: Filter) -> AllowedRows | None:
        """The rows a filter allows (None: no filter), resolved once per filter."""
        if not flt:
            return None
        return allowed_rows(flt, *self._columns)


def chunk_settings(settings) -> dict:
    """The chunker settings an index is built with (recorded in its manifest)."""
    return {"max_tokens": settings.chunk.max_tokens, "embed_prefix": settings.chunk.embed_prefix}


class BuildBusy(RuntimeError):
    """Another build holds the index's lock (raised by qa.index.build; defined here so that
    callers can catch it without importing the build machinery)."""


def expected_settings(embedder_id: str, dim: int, chunk_settings: dict) -> dict:
    return {"format_version": FORMAT_VERSION, "embedder": {"id": embedder_id, "dim": dim},
            "chunker": chunk_settings}


def check_manifest(manifest: dict, expected: dict) -> None:
    if manifest.get("format_version") != expected["format_version"]:
        raise IndexMismatch(
            f"索引格式版本为 {manifest.get('format_version')}，当前程序需要 {expected['format_version']}。{REBUILD_HINT}")
    emb = manifest.get("embedder", {})
    if emb.get("id") != expected["embedder"]["id"] or emb.get("dim") != expected["embedder"]["dim"]:
        raise IndexMismatch(
            f"索引由嵌入模型 {emb.get('id')}（{emb.get('dim')} 维）构建，当前配置为 "
            f"{expected['embedder']['id']}（{expected['embedder']['dim']} 维）。{REBUILD_HINT}")
    if manifest.get("chunker") != expected["chunker"]:
        raise IndexMismatch(f"索引的分块设置 {manifest.get('chunker')} 与当前配置 {expected['chunker']} 不同。{REBUILD_HINT}")


def read_manifest(build: BuildLayout) -> dict:
    try:
        return json.loads((build / build.MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexCorrupt(f"索引缺少 manifest.json（{build}）。{REBUILD_HINT}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(f"索引的 manifest.json 已损坏：{exc}。{REBUILD_HINT}") from None


def load_index(index_dir: Path, corpus_dir: Path, expected: dict, check_corpus: bool = True) -> LoadedIndex:
    """Load the current build; raises an IndexError_ subclass whose message says what to do."""
    build = IndexLayout(index_dir).current()
    if build is None or not build.root.is_dir():
        raise IndexMissing(f"尚未建立索引（{index_dir}）。请运行 `qa index`")
    manifest = read_manifest(build)
    check_manifest(manifest, expected)
    if check_corpus:
        changed = stale_docs(manifest, corpus_dir)
        if changed:
            shown = "、".join(changed[:5]) + (" 等" if len(changed) > 5 else "")
            raise IndexStale(f"通报目录自上次建索引后有变化（{shown}，共 {len(changed)} 个文件）。请运行 `qa index` 更新索引")
    missing = build.missing()
    if missing:
        raise IndexCorrupt(f"索引不完整（{build.name}），缺少：{'、'.join(missing)}。{REBUILD_HINT}")
    b = build
    try:
        notices = {row["doc"]: Notice.from_dict(row, row["text"]) for row in read_jsonl(b / b.NOTICES)}
        chunks = [Chunk.from_dict(d) for d in read_jsonl(b / b.CHUNKS)]
        problems = [Problem.from_dict(d) for d in read_jsonl(b / b.PROBLEMS)]
        kind = manifest.get("index_type", "flat")
        vector_index = vectors.load(b / b.DENSE, kind, mmap=kind != "flat")
        lexical_index = lexical.load(b / b.BM25, mmap=True)
        chunk_vectors = np.load(b / b.VECTORS, mmap_mode="r")
        sentences = np.load(b / b.SENTENCES, mmap_mode="r")
        sentence_offsets = np.load(b / b.SENTENCE_OFFSETS)
        sentence_vectors = np.load(b / b.SENTENCE_VECTORS, mmap_mode="r")
        idf = json.loads((b / b.IDF).read_text(encoding="utf-8"))
    except IndexError_:
        raise
    except Exception as exc:  # truncated or corrupted parts
        raise IndexCorrupt(f"索引文件损坏或不完整（{build.name}）：{type(exc).__name__}: {exc}。{REBUILD_HINT}") from None
    n = len(chunks)
    counts = manifest.get("counts", {})
    if not (vector_index.size == n == lexical_index.num_docs == chunk_vectors.shape[0] == counts.get("chunks")
            == len(sentence_offsets) - 1) or sentence_offsets[-1] != len(sentences) or len(sentences) != len(
            sentence_vectors):
        raise IndexCorrupt(
            f"索引各部分数量不一致（分块 {n}，向量 {vector_index.size}，BM25 {lexical_index.num_docs}，"
            f"清单 {counts.get('chunks')}）。{REBUILD_HINT}")
    for c in chunks[:: max(1, n // 50)]:  # spot-check offsets against the stored sources
        if notices[c.doc].text[c.start:c.end] != c.text:
            raise IndexCorrupt(f"索引中的分块与原文不符（{c.doc}）。{REBUILD_HINT}")
    return LoadedIndex(build, manifest, notices, chunks, problems, vector_index, lexical_index, chunk_vectors,
                       sentences, sentence_offsets, sentence_vectors, idf)
