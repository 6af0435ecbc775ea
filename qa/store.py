"""The index on disk: layout, manifest, atomic switch-over and loading.

::

    index/
      CURRENT                 name of the active build (replaced atomically)
      builds/<name>/          manifest.json
                              notices.jsonl, chunks.jsonl, problems.jsonl   (one row per notice,
                                  chunk, problem; new notices are appended)
                              vectors.npy (float16, a row per chunk), dense.faiss
                              sentences.npy, sentence_offsets.npy, sentence_vectors.npy (float16)
                              bm25/ (bm25s's format, plus term counts), idf.json, crosslingual.json
      cache/embeddings.sqlite3
      build.lock

A build is written into a fresh folder and only then named in CURRENT, so a crash
mid-build leaves the previous index in use.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from qa import dense, lexical
from qa.chunking import Chunk
from qa.notices import Notice, doc_name, file_digest, scan_corpus
from qa.problems import Problem

FORMAT_VERSION = 5  # 5: BM25 term counts stored (bm25/), tokens.jsonl dropped, manifest in index order
REBUILD_HINT = "请运行 `qa index --rebuild` 重建索引"


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


def current_file(index_dir: Path) -> Path:
    return index_dir / "CURRENT"


def builds_dir(index_dir: Path) -> Path:
    return index_dir / "builds"


def cache_path(index_dir: Path) -> Path:
    return index_dir / "cache" / "embeddings.sqlite3"


def lock_path(index_dir: Path) -> Path:
    return index_dir / "build.lock"


def current_build(index_dir: Path) -> Path | None:
    cur = current_file(index_dir)
    if not cur.exists():
        return None
    name = cur.read_text(encoding="utf-8").strip()
    if not name or "/" in name or name.startswith("."):
        return None
    return builds_dir(index_dir) / name


def write_atomic(path: Path, data: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync(path.parent)


def fsync_tree(root: Path) -> None:
    """Flush every file under ``root`` (and the folders) to disk."""
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            _fsync(Path(dirpath) / name)
        _fsync(Path(dirpath))


def _fsync(path: Path) -> None:
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


def switch_current(index_dir: Path, build: Path) -> None:
    write_atomic(current_file(index_dir), build.name + "\n")


def remove_old_builds(index_dir: Path, keep: set[str]) -> None:
    root = builds_dir(index_dir)
    if not root.exists():
        return
    for p in root.iterdir():
        if p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)


def write_jsonl(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


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
    """doc -> {size, mtime} for a quick staleness check (hashes only when these differ)."""
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


@dataclass
class LoadedIndex:
    path: Path
    manifest: dict
    notices: dict[str, Notice]
    chunks: list[Chunk]
    problems: list[Problem]
    faiss_index: object
    bm25: object
    vectors: np.ndarray  # float16, rows = chunks (memory-mapped)
    sentences: np.ndarray  # (n, 2) start, end of every sentence, in chunk order
    sentence_offsets: np.ndarray  # chunk row i has sentences[offsets[i]:offsets[i+1]]
    sentence_vectors: np.ndarray  # float16 (memory-mapped)
    idf: dict[str, float]

    @cached_property
    def crosslingual(self) -> dict:
        """English -> Chinese lookup table (loaded on the first English question)."""
        try:
            return json.loads((self.path / "crosslingual.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {"en": {}, "pinyin": {}}

    @cached_property
    def bureau_aliases(self) -> dict:
        from qa.bureaus import alias_table

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


def chunk_settings(settings) -> dict:
    """The chunker settings an index is built with (recorded in its manifest)."""
    return {"max_tokens": settings.chunk.max_tokens, "embed_prefix": settings.chunk.embed_prefix}


class BuildBusy(RuntimeError):
    """Another build holds the index's lock (raised by qa.build; defined here so that
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


def read_manifest(build: Path) -> dict:
    try:
        return json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexCorrupt(f"索引缺少 manifest.json（{build}）。{REBUILD_HINT}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(f"索引的 manifest.json 已损坏：{exc}。{REBUILD_HINT}") from None


def load_index(index_dir: Path, corpus_dir: Path, expected: dict, check_corpus: bool = True) -> LoadedIndex:
    """Load the current build; raises an IndexError_ subclass whose message says what to do."""
    build = current_build(index_dir)
    if build is None or not build.is_dir():
        raise IndexMissing(f"尚未建立索引（{index_dir}）。请运行 `qa index`")
    manifest = read_manifest(build)
    check_manifest(manifest, expected)
    if check_corpus:
        changed = stale_docs(manifest, corpus_dir)
        if changed:
            shown = "、".join(changed[:5]) + (" 等" if len(changed) > 5 else "")
            raise IndexStale(f"通报目录自上次建索引后有变化（{shown}，共 {len(changed)} 个文件）。请运行 `qa index` 更新索引")
    try:
        notice_rows = read_jsonl(build / "notices.jsonl")
        notices = {}
        for row in notice_rows:
            notices[row["doc"]] = Notice.from_dict(row, row["text"])
        chunks = [Chunk.from_dict(d) for d in read_jsonl(build / "chunks.jsonl")]
        problems = [Problem.from_dict(d) for d in read_jsonl(build / "problems.jsonl")]
        faiss_index = dense.load(build / "dense.faiss", mmap=manifest.get("index_type") != "flat")
        bm25 = lexical.load(build / "bm25", mmap=True)
        vectors = np.load(build / "vectors.npy", mmap_mode="r")
        sentences = np.load(build / "sentences.npy", mmap_mode="r")
        sentence_offsets = np.load(build / "sentence_offsets.npy")
        sentence_vectors = np.load(build / "sentence_vectors.npy", mmap_mode="r")
        idf = json.loads((build / "idf.json").read_text(encoding="utf-8"))
    except IndexError_:
        raise
    except Exception as exc:  # truncated or corrupted parts
        raise IndexCorrupt(f"索引文件损坏或不完整（{build.name}）：{type(exc).__name__}: {exc}。{REBUILD_HINT}") from None
    n = len(chunks)
    counts = manifest.get("counts", {})
    if not (faiss_index.ntotal == n == lexical.doc_count(bm25) == vectors.shape[0] == counts.get("chunks")
            == len(sentence_offsets) - 1) or sentence_offsets[-1] != len(sentences) or len(sentences) != len(
            sentence_vectors):
        raise IndexCorrupt(
            f"索引各部分数量不一致（分块 {n}，向量 {faiss_index.ntotal}，BM25 {lexical.doc_count(bm25)}，"
            f"清单 {counts.get('chunks')}）。{REBUILD_HINT}")
    for c in chunks[:: max(1, n // 50)]:  # spot-check offsets against the stored sources
        if notices[c.doc].text[c.start:c.end] != c.text:
            raise IndexCorrupt(f"索引中的分块与原文不符（{c.doc}）。{REBUILD_HINT}")
    return LoadedIndex(build, manifest, notices, chunks, problems, faiss_index, bm25, vectors, sentences,
                       sentence_offsets, sentence_vectors, idf)


def new_build_dir(index_dir: Path) -> Path:
    root = builds_dir(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    name = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 100000:05d}"
    path = root / f".tmp-{name}"
    path.mkdir()
    return path
