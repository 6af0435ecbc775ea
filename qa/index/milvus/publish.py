"""Publishing a build to Milvus, and loading the serving build from it.

The build itself is made as always (:mod:`qa.index.build`, into the local index folder);
:func:`publish` then brings Milvus to it:

- **update in place** (same settings, Milvus's BM25): the chunk rows are keyed by their
  content (:func:`qa.index.milvus.schema.row_key`), so an added, changed or removed
  notice is a set difference — new rows inserted, gone rows deleted, nothing else sent.
  The tables are written as a new version first and the collection's ``qa.version``
  switched last; a replica that loaded an older version skips rows it does not know.
- **new collection** (first build, ``--rebuild``, other settings, or the ``sparse``
  lexical mode, whose weights all change when a chunk is added): everything is written
  into ``<alias>_<stamp>`` and only then the alias switched to it. An interrupted build
  leaves the alias, and so every replica, on the previous collection; the previous
  collection is kept (replicas may still read it), older ones and leftovers dropped.

:func:`load_index` reads the alias, downloads that version's tables once into
``<index_dir>/milvus-cache/`` and returns a :class:`qa.index.store.LoadedIndex` whose
vector and lexical indexes are Milvus's: a replica needs only the URI and the settings.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.index.layout import BuildLayout
from qa.index.milvus.client import Milvus, MilvusUnavailable, connect
from qa.index.milvus.indexes import MilvusLexicalIndex, MilvusVectorIndex, lex_text, row_terms, sparse_weights
from qa.index.milvus.schema import (
    DENSE_INDEX,
    PIECE_BYTES,
    SCHEMA_VERSION,
    VERSION_PROPERTY,
    create_chunks,
    create_files,
    files_collection,
    keys_expression,
    row_key,
)
from qa.index.store import (
    REBUILD_HINT,
    IndexCorrupt,
    IndexError_,
    IndexMismatch,
    IndexMissing,
    LoadedIndex,
    check_manifest,
    read_jsonl,
    read_manifest,
)

KEYS = "keys.json"  # the chunk rows' Milvus keys, in row order
TABLES = (BuildLayout.NOTICES, BuildLayout.CHUNKS, BuildLayout.PROBLEMS, BuildLayout.VECTORS, BuildLayout.SENTENCES,
          BuildLayout.SENTENCE_OFFSETS, BuildLayout.SENTENCE_VECTORS, BuildLayout.IDF, BuildLayout.CROSSLINGUAL, KEYS)
FETCH_PIECES = 100  # table pieces per query (about 6 MB)
BUILD_TIMEOUT = 600.0  # seconds a publishing call may take (large writes); serving calls keep milvus_timeout
DELETE_BATCH = 1000


class MilvusMismatch(IndexError_):
    """Milvus holds a build made with other settings. Not rebuilt automatically: other
    replicas may be serving it; ``qa index --rebuild`` replaces it."""


@dataclass
class Current:
    collection: str
    version: int


def client_for(settings) -> Milvus:
    ix = settings.index
    return connect(milvus_uri(settings), ix.milvus_token, ix.milvus_timeout)


def milvus_uri(settings) -> str:
    return settings.index.milvus_uri or str(Path(settings.index_dir) / "milvus.db")


def current(db: Milvus, alias: str) -> Current | None:
    """The collection the alias names and its tables' version, or None (no alias)."""
    from pymilvus import MilvusException  # type: ignore[import-untyped]

    try:
        name = db.call("describe_alias", alias)["collection_name"]
        props = db.call("describe_collection", name).get("properties") or {}
    except MilvusException:
        return None
    version = int(props.get(VERSION_PROPERTY, 0) or 0)
    if version > 0:
        db.ensure_loaded(name)
        db.ensure_loaded(files_collection(name))
    return Current(name, version) if version > 0 else None


# ---------------------------------------------------------------- tables

def _upload_tables(db: Milvus, collection: str, version: int, build: BuildLayout, keys: list[str],
                   manifest: dict) -> None:
    """The build's tables as version ``version``; the manifest (with each part's number of
    pieces) last, so a version with a manifest is complete."""
    files = files_collection(collection)
    pieces: dict[str, int] = {}
    for part in TABLES:
        data = json.dumps(keys).encode() if part == KEYS else (build / part).read_bytes()
        pieces[part] = _put(db, files, version, part, data)
    manifest = {**manifest, "milvus": {**manifest.get("milvus", {}), "pieces": pieces}}
    _put(db, files, version, BuildLayout.MANIFEST, json.dumps(manifest, ensure_ascii=False).encode())
    _build_call(db, "flush", files)


def _build_call(db: Milvus, name: str, *args, **kwargs):
    """A publishing call: large writes may take longer than a query's timeout."""
    return db.call(name, *args, timeout=max(db.timeout, BUILD_TIMEOUT), **kwargs)


def _put(db: Milvus, files: str, version: int, part: str, data: bytes) -> int:
    rows = []
    n = max(1, -(-len(data) // PIECE_BYTES))
    for seq in range(n):
        piece = base64.b64encode(data[seq * PIECE_BYTES:(seq + 1) * PIECE_BYTES]).decode("ascii")
        rows.append({"pk": f"{version:08d}/{part}/{seq:08d}", "version": version, "part": part, "seq": seq,
                     "data": piece, "dummy": [0.0, 0.0]})
        if len(rows) == FETCH_PIECES:
            _build_call(db, "insert", files, rows)
            rows = []
    if rows:
        _build_call(db, "insert", files, rows)
    return n


def _get(db: Milvus, files: str, version: int, part: str, n: int) -> bytes:
    out: list[bytes] = []
    for a in range(0, n, FETCH_PIECES):
        b = min(n, a + FETCH_PIECES)
        res = db.call("query", files, filter=f'version == {version} and part == "{part}" and seq >= {a} and seq < {b}',
                      output_fields=["seq", "data"], limit=b - a)
        got = sorted(res, key=lambda r: r["seq"])
        if [r["seq"] for r in got] != list(range(a, b)):
            raise IndexCorrupt(f"Milvus 中的索引表 {part}（版本 {version}）不完整。{REBUILD_HINT}")
        out += [base64.b64decode(r["data"]) for r in got]
    return b"".join(out)


def _download(db: Milvus, cur: Current, target: Path, alias: str) -> None:
    """The tables of ``cur`` into ``target`` (written beside it, then renamed)."""
    files = files_collection(cur.collection)
    head = db.call("query", files, filter=f'version == {cur.version} and part == "{BuildLayout.MANIFEST}"',
                   output_fields=["seq"], limit=10_000)
    if not head:
        raise IndexCorrupt(f"Milvus 中的索引（{cur.collection}，版本 {cur.version}）缺少清单。{REBUILD_HINT}")
    manifest_bytes = _get(db, files, cur.version, BuildLayout.MANIFEST, len(head))
    pieces = json.loads(manifest_bytes)["milvus"]["pieces"]
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for part, n in pieces.items():
        (tmp / part).write_bytes(_get(db, files, cur.version, part, int(n)))
    (tmp / BuildLayout.MANIFEST).write_bytes(manifest_bytes)
    try:
        tmp.rename(target)
    except OSError:  # another process on this machine downloaded it meanwhile
        shutil.rmtree(tmp, ignore_errors=True)
    for old in target.parent.iterdir():  # earlier versions (a process still using one keeps its open files)
        if old.name != target.name and old.name.startswith(alias + "_"):
            shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- rows

def _rows(build: BuildLayout, manifest: dict, chunks: list[dict], keys: list[str], which: np.ndarray,
          mode: str) -> list[dict]:
    """The Milvus rows of the chunk rows ``which``: fields, vector, tokens (and weights)."""
    from qa.index.build import _previous_vectors
    from qa.index.lexical import bm25

    vecs = _previous_vectors(build, manifest)
    lexical = bm25.load(build / build.BM25)
    entries = row_terms(lexical, which)
    weights = sparse_weights(lexical, which) if mode == "sparse" else None
    out = []
    for j, i in enumerate(which.tolist()):
        c = chunks[i]
        row = {"pk": keys[i], "doc": c["doc"], "bureau": c["bureau"], "kind": c["kind"],
               "section": json.dumps(c["section"], ensure_ascii=False), "start": c["start"], "end": c["end"],
               "text": c["text"], "dense": np.asarray(vecs[i], dtype=np.float32).tolist(), "lex": lex_text(entries[j])}
        if weights is not None:
            row["lexical"] = weights[j]
        out.append(row)
    return out


def _insert(db: Milvus, collection: str, rows: list[dict], batch: int = 500) -> None:
    for a in range(0, len(rows), batch):
        _build_call(db, "insert", collection, rows[a:a + batch])


def _all_keys(db: Milvus, collection: str) -> set[str]:
    it = _build_call(db, "query_iterator", collection, batch_size=5000, output_fields=["pk"])
    out: set[str] = set()
    try:
        while True:
            batch = it.next()
            if not batch:
                return out
            out.update(r["pk"] for r in batch)
    finally:
        it.close()


# ---------------------------------------------------------------- publishing

def _target_manifest(manifest: dict, mode: str, dense: str) -> dict:
    return {**manifest, "milvus": {"lexical": mode, "dense_index": dense, "schema": SCHEMA_VERSION}}


def _compatible(old: dict, new: dict) -> bool:
    keys = ("format_version", "embedder", "chunker")
    om, nm = old.get("milvus", {}), new["milvus"]
    return all(old.get(k) == new.get(k) for k in keys) and all(om.get(k) == nm[k] for k in
                                                               ("lexical", "dense_index", "schema"))


def _read_remote_manifest(db: Milvus, cur: Current) -> dict | None:
    files = files_collection(cur.collection)
    head = db.call("query", files, filter=f'version == {cur.version} and part == "{BuildLayout.MANIFEST}"',
                   output_fields=["seq"], limit=10_000)
    if not head:
        return None
    return json.loads(_get(db, files, cur.version, BuildLayout.MANIFEST, len(head)))


def publish(settings, build: BuildLayout, rebuild: bool = False) -> str:
    """Bring Milvus to the local ``build``; returns a line for the build report."""
    db = client_for(settings)
    alias = settings.index.milvus_collection
    mode = settings.index.milvus_lexical
    manifest = read_manifest(build)
    dense = manifest.get("index_type", "flat")
    target = _target_manifest(manifest, mode, dense)
    chunks = read_jsonl(build / build.CHUNKS)
    corpus = manifest["corpus"]
    keys = [row_key(corpus[c["doc"]]["sha256"], c) for c in chunks]
    cur = current(db, alias)
    remote = _read_remote_manifest(db, cur) if cur is not None else None
    if cur is not None and remote is not None and not rebuild and mode == "bm25" and _compatible(remote, target):
        return _update(db, cur, remote, build, target, chunks, keys)
    return _new_collection(db, alias, cur, build, target, chunks, keys, mode, dense)


def _update(db: Milvus, cur: Current, remote: dict, build: BuildLayout, target: dict, chunks: list[dict],
            keys: list[str]) -> str:
    if remote.get("corpus") == target.get("corpus") and remote.get("counts") == target.get("counts"):
        return f"Milvus 索引已是最新（{cur.collection}，版本 {cur.version}）"
    t = time.perf_counter()
    existing = _all_keys(db, cur.collection)
    gone = sorted(existing - set(keys))
    new = np.array([i for i, k in enumerate(keys) if k not in existing], dtype=np.int64)
    version = cur.version + 1
    _upload_tables(db, cur.collection, version, build, keys, target)
    for a in range(0, len(gone), DELETE_BATCH):
        _build_call(db, "delete", cur.collection, filter=keys_expression(gone[a:a + DELETE_BATCH]))
    _insert(db, cur.collection, _rows(build, target, chunks, keys, new, "bm25"))
    _build_call(db, "flush", cur.collection)
    _build_call(db, "alter_collection_properties", cur.collection, properties={VERSION_PROPERTY: str(version)})
    if version > 2:  # tables older than the previous version: replicas no longer load them
        try:
            _build_call(db, "delete", files_collection(cur.collection), filter=f"version < {version - 1}")
        except MilvusUnavailable:
            pass  # left for the next update; the switch is done
    return (f"Milvus 索引已更新（{cur.collection}，版本 {version}）：新增 {len(new)} 个分块，删除 {len(gone)} 个，"
            f"用时 {time.perf_counter() - t:.1f}s")


def _new_collection(db: Milvus, alias: str, cur: Current | None, build: BuildLayout, target: dict,
                    chunks: list[dict], keys: list[str], mode: str, dense: str) -> str:
    t = time.perf_counter()
    name = f"{alias}_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}_{time.monotonic_ns() % 100000:05d}"
    dim = int(target["embedder"]["dim"])
    create_chunks(db, name, dim, mode, dense)
    create_files(db, name)
    _insert(db, name, _rows(build, target, chunks, keys, np.arange(len(chunks), dtype=np.int64), mode))
    _build_call(db, "flush", name)
    _upload_tables(db, name, 1, build, keys, target)
    _build_call(db, "alter_collection_properties", name, properties={VERSION_PROPERTY: "1"})
    if cur is None and not _alias_exists(db, alias):
        _build_call(db, "create_alias", name, alias)
    else:
        _build_call(db, "alter_alias", name, alias)  # the switch: replicas loading from now on get this build
    keep = {name, files_collection(name)}
    if cur is not None:
        keep |= {cur.collection, files_collection(cur.collection)}
    for other in _build_call(db, "list_collections"):
        if other.startswith(alias + "_") and other not in keep:
            _build_call(db, "drop_collection", other)
    return f"Milvus 索引已写入新集合 {name} 并切换别名 {alias}（{len(chunks)} 个分块，用时 {time.perf_counter() - t:.1f}s）"


def _alias_exists(db: Milvus, alias: str) -> bool:
    from pymilvus import MilvusException

    try:
        db.call("describe_alias", alias)
        return True
    except MilvusException:
        return False


# ---------------------------------------------------------------- loading

def load_index(settings, expected: dict) -> LoadedIndex:
    """The serving build from Milvus; raises IndexMissing (nothing published yet),
    MilvusMismatch (other settings) or MilvusUnavailable (unreachable, timeout)."""
    from qa.index.chunking import Chunk
    from qa.ingest.notices import Notice
    from qa.ingest.problems import Problem

    db = client_for(settings)
    alias = settings.index.milvus_collection
    cur = current(db, alias)
    if cur is None:
        raise IndexMissing(f"Milvus（{db.uri}）中还没有索引“{alias}”（集合不存在）。请运行 `qa index` 建立")
    target = Path(settings.index_dir) / "milvus-cache" / f"{cur.collection}-v{cur.version}"
    if not (target / BuildLayout.MANIFEST).is_file():
        _download(db, cur, target, alias)
    b = BuildLayout(target)
    manifest = read_manifest(b)
    hint = "请在构建机上运行 `qa index --rebuild`（写入新集合后切换别名，其他副本不受影响），或让本进程使用与索引相同的配置"
    try:
        check_manifest(manifest, expected)
    except IndexMismatch as exc:
        raise MilvusMismatch(str(exc).replace(REBUILD_HINT, hint)) from None
    mode = manifest.get("milvus", {}).get("lexical")
    if mode != settings.index.milvus_lexical:
        raise MilvusMismatch(f"Milvus 中的索引的词法检索方式为 {mode}，当前配置为 {settings.index.milvus_lexical}。{hint}")
    try:
        notices = {row["doc"]: Notice.from_dict(row, row["text"]) for row in read_jsonl(b / b.NOTICES)}
        chunks = [Chunk.from_dict(d) for d in read_jsonl(b / b.CHUNKS)]
        problems = [Problem.from_dict(d) for d in read_jsonl(b / b.PROBLEMS)]
        keys = json.loads((b / KEYS).read_text(encoding="utf-8"))
        tables = {p: np.load(b / p, mmap_mode="r") for p in (b.VECTORS, b.SENTENCES, b.SENTENCE_VECTORS)}
        offsets = np.load(b / b.SENTENCE_OFFSETS)
        idf = json.loads((b / b.IDF).read_text(encoding="utf-8"))
    except Exception as exc:  # a damaged download: removed, fetched again next time
        shutil.rmtree(target, ignore_errors=True)
        raise IndexCorrupt(f"从 Milvus 读取的索引表损坏：{type(exc).__name__}: {exc}。请重试；仍不行时 {REBUILD_HINT}") from None
    if not (len(keys) == len(chunks) == len(offsets) - 1 == manifest["counts"]["chunks"]):
        raise IndexCorrupt(f"Milvus 中的索引表数量不一致（分块 {len(chunks)}，键 {len(keys)}）。{REBUILD_HINT}")
    index_kind = DENSE_INDEX[manifest["milvus"]["dense_index"]][0]
    vector_index = MilvusVectorIndex(db, cur.collection, keys, True, index_kind)
    lexical_index = MilvusLexicalIndex(db, cur.collection, keys, True, mode)
    return LoadedIndex(b, manifest, notices, chunks, problems, vector_index, lexical_index, tables[b.VECTORS],
                       tables[b.SENTENCES], offsets, tables[b.SENTENCE_VECTORS], idf)

