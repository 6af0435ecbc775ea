"""The index on disk: manifest, atomic switch-over, staleness and mismatch detection,
incremental updates that embed only new text."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import faiss
import numpy as np
import pytest

from qa.evaluation.baseline import build_baseline
from qa.index.build import BuildBusy, build_index, chunk_settings
from qa.index.chunking import embed_text
from qa.index.embed_cache import EmbeddingCache, seed_path, write_seed
from qa.index.layout import IndexLayout
from qa.index.sentences import split_sentences
from qa.index.store import (
    IndexCorrupt,
    IndexMismatch,
    IndexMissing,
    IndexStale,
    expected_settings,
    load_index,
)
from qa.ingest.source import strip_artefacts
from qa.service import Service
from tests.conftest import NOTICES, current_build, make_settings, notice_path, write_notice


def expected(settings, embedder):
    return expected_settings(embedder.id, embedder.dim, chunk_settings(settings))


def test_build_writes_manifest_and_loads(small_corpus, tmp_path, embedder):
    settings = make_settings(small_corpus, tmp_path / "index")
    report = build_index(settings, embedder, progress=False)
    assert report.notices == 2 and report.chunks > 10 and not report.rejected
    build = current_build(settings.index_dir)
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] >= 1
    assert manifest["embedder"] == {"id": embedder.id, "dim": 384}
    assert manifest["chunker"] == chunk_settings(settings)
    assert set(manifest["corpus"]) == {notice_path("003").name, notice_path("004").name}
    assert manifest["counts"]["chunks"] == report.chunks and "created" in manifest
    index = load_index(settings.index_dir, settings.corpus_dir, expected(settings, embedder))
    assert index.vector_index.size == report.chunks
    for c in index.chunks:
        assert index.notices[c.doc].text[c.start:c.end] == c.text
    # a second build with nothing changed does nothing
    again = build_index(settings, embedder, progress=False)
    assert again.unchanged and current_build(settings.index_dir) == build


def own_index(tmp_path, corpus):
    """Settings for an index folder whose embedding cache is its own and starts empty (not
    the run's shared cache, no seed), so that what a build embeds can be counted exactly."""
    settings = make_settings(corpus, tmp_path / "own-index", embedding_seed=None)
    assert not IndexLayout(settings.index_dir).cache.exists()
    return settings


def passages(settings, index, docs):
    """The distinct texts a build embeds for the given notices: chunk texts, sentence texts
    (as qa.index.build embeds them; the cache is keyed by text)."""
    chunks = [c for c in index.chunks if c.doc in docs]
    return ({embed_text(c, settings.chunk.embed_prefix) for c in chunks},
            {strip_artefacts(index.notices[c.doc].text[a:b]) for c in chunks for a, b in split_sentences(c.text, c.start)})


def opening_of(prefix: str, folder: Path, chars: int = 3000) -> Path:
    """A bundled notice's first lines (about ``chars`` characters), as a notice file in
    ``folder``: a real notice's text, short enough to embed from an empty cache quickly."""
    src = notice_path(prefix)
    head = ""
    for line in src.read_text(encoding="utf-8").splitlines(keepends=True):
        if len(head) >= chars:
            break
        head += line
    out = folder / src.name
    out.write_text(head, encoding="utf-8")
    return out


def test_adding_a_notice_embeds_only_its_chunks(tmp_path, embedder):
    corpus = tmp_path / "notices"
    corpus.mkdir()
    for prefix in ("003", "004"):
        opening_of(prefix, corpus)
    settings = own_index(tmp_path, corpus)
    old = {p.name for p in corpus.iterdir()}
    first = build_index(settings, embedder, progress=False)
    index = load_index(settings.index_dir, settings.corpus_dir, expected(settings, embedder))
    old_chunks, old_sentences = passages(settings, index, old)
    # an empty cache: every chunk and sentence embedded (each distinct text once)
    assert first.embedded_chunks == len(old_chunks) > 0
    assert first.embedded_sentences == len(old_sentences - old_chunks) > 0
    new = opening_of("002", corpus).name
    with pytest.raises(IndexStale, match="002_"):
        load_index(settings.index_dir, settings.corpus_dir, expected(settings, embedder))
    second = build_index(settings, embedder, progress=False)
    assert second.reused_docs == 2 and second.parsed_docs == 1
    index = load_index(settings.index_dir, settings.corpus_dir, expected(settings, embedder))
    assert {c.doc for c in index.chunks} == old | {new}
    n_new = sum(1 for c in index.chunks if c.doc == new)
    assert n_new == second.chunks - first.chunks > 0
    # exactly the new notice's chunks were embedded, none of the notices already indexed
    new_chunks, new_sentences = passages(settings, index, {new})
    assert len(new_chunks - old_chunks - old_sentences) == n_new  # its chunk texts are its own
    assert second.embedded_chunks == n_new
    # and its sentences, except those the cache already holds (shared boilerplate)
    assert second.embedded_sentences == len(new_sentences - old_sentences - old_chunks - new_chunks) > 0
    # the previous build is kept beside the new one, the new one is current
    assert current_build(settings.index_dir) == second.path != first.path
    # nothing changed: nothing embedded, the index left as it is
    third = build_index(settings, embedder, progress=False)
    assert third.unchanged and third.embedded_chunks == 0 and third.embedded_sentences == 0
    assert current_build(settings.index_dir) == second.path
    # a full rebuild re-reads and re-chunks everything, and embeds nothing: all of it is cached
    fourth = build_index(settings, embedder, rebuild=True, progress=False)
    assert not fourth.unchanged and fourth.parsed_docs == 3 and fourth.chunks == second.chunks
    assert fourth.embedded_chunks == 0 and fourth.embedded_sentences == 0


def test_embeddings_are_cached_by_text(tmp_path, embedder):
    corpus = tmp_path / "notices"
    corpus.mkdir()
    write_notice(corpus / "鹦鹉分局通报.txt", "鹦鹉分局", "鹦鹉螺")  # a notice of its own: not in the seed
    settings = own_index(tmp_path, corpus)
    first = build_index(settings, embedder, progress=False)
    assert first.embedded_chunks > 0 and first.embedded_sentences > 0
    again = build_index(settings, embedder, rebuild=True, progress=False)
    assert again.embedded_chunks == 0 and again.embedded_sentences == 0


def test_the_bundled_notices_vectors_ship_with_the_project(tmp_path, embedder):
    """The seed (data/embeddings/, ``make seed``) holds every text the bundled notices'
    index and the naive baseline embed, so a fresh machine embeds none of them; and its
    vectors are the embedder's own, a sample embedded again."""
    corpus = tmp_path / "notices"
    shutil.copytree(NOTICES, corpus)
    settings = make_settings(corpus, tmp_path / "index")  # an empty cache of its own, the seed behind it
    seed = seed_path(settings.embedding_seed, embedder.id)
    assert seed is not None and seed.is_file(), "no embedding seed: run `make seed`"
    report = build_index(settings, embedder, progress=False)
    stale = "the seed lacks texts of the bundled notices: run `make seed`"
    assert report.embedded_chunks == 0 and report.embedded_sentences == 0, stale
    index = load_index(settings.index_dir, settings.corpus_dir, expected(settings, embedder))
    cache = EmbeddingCache(tmp_path / "seed-only.sqlite3", seed)
    baseline = build_baseline({d: n.text for d, n in index.notices.items()}, embedder, cache)
    chunks, sentences = passages(settings, index, set(index.notices))
    texts = sorted(chunks | sentences | set(baseline.texts))
    keys = [EmbeddingCache.key(embedder.id, "passage", t) for t in texts]
    seeded = EmbeddingCache(tmp_path / "seed-only-again.sqlite3", seed).get_many(keys)
    assert len(seeded) == len(keys), stale
    sample = texts[::97]
    fresh = embedder.embed_passages(sample)
    # cosine ≥ 0.9999: room for another CPU's float rounding; one more character (。) gives
    # 0.996–0.999, the query prefix instead of the passage one 0.97–0.98
    cosines = np.sum(fresh * np.stack([seeded[keys[i]] for i in range(0, len(texts), 97)]), axis=1)
    assert cosines.min() >= 0.9999, cosines.min()


def test_a_seed_written_from_a_cache_gives_its_vectors_back(tmp_path, embedder):
    """``make seed``'s writer: every vector of a cache, byte for byte, behind another cache."""
    texts = ["一是建立台账。", "二是每周核对。", "三是通报问题。"]
    keys = [EmbeddingCache.key(embedder.id, "passage", t) for t in texts]
    vecs = embedder.embed_passages(texts)
    cache = EmbeddingCache(tmp_path / "cache.sqlite3")
    cache.put_many(list(zip(keys, vecs, strict=True)))
    cache.close()
    seed = seed_path(tmp_path / "seeds", embedder.id)
    assert write_seed(tmp_path / "cache.sqlite3", seed) == 3
    got = EmbeddingCache(tmp_path / "empty.sqlite3", seed).get_many(keys + [b"\0" * 32])
    assert sorted(got) == sorted(keys) and all(np.array_equal(got[k], v) for k, v in zip(keys, vecs, strict=True))
    with pytest.raises(ValueError, match="no vectors"):
        write_seed(tmp_path / "empty.sqlite3", tmp_path / "seeds" / "none.npz")


@pytest.mark.parametrize("damage", [b"not a zip", b"PK\x03\x04 truncated"])
def test_a_damaged_seed_is_ignored_with_a_message_and_the_build_embeds(tmp_path, embedder, capfd, damage):
    corpus = tmp_path / "notices"
    corpus.mkdir()
    write_notice(corpus / "鹦鹉分局通报.txt", "鹦鹉分局", "鹦鹉螺")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    bad = seed_path(seeds, embedder.id)
    bad.write_bytes(damage)
    settings = make_settings(corpus, tmp_path / "own-index", embedding_seed=seeds)
    report = build_index(settings, embedder, progress=False)
    assert report.notices == 1 and report.embedded_chunks > 0 and report.embedded_sentences > 0
    assert "嵌入种子文件无法读取，已忽略" in capfd.readouterr().err
    load_index(settings.index_dir, settings.corpus_dir, expected(settings, embedder))


def test_missing_and_mismatched_index(small_corpus, tmp_path, embedder):
    settings = make_settings(small_corpus, tmp_path / "index")
    with pytest.raises(IndexMissing, match="qa index"):
        load_index(settings.index_dir, settings.corpus_dir, expected(settings, embedder))
    build_index(settings, embedder, progress=False)
    other = make_settings(small_corpus, tmp_path / "index", chunk={"max_tokens": 256})
    with pytest.raises(IndexMismatch, match="qa index --rebuild"):
        load_index(other.index_dir, other.corpus_dir, expected(other, embedder))
    wrong = expected_settings("st:some-other-model", 768, chunk_settings(settings))
    with pytest.raises(IndexMismatch, match="嵌入模型"):
        load_index(settings.index_dir, settings.corpus_dir, wrong)
    manifest = current_build(settings.index_dir) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["format_version"] = 0
    manifest.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexMismatch, match="格式版本"):
        load_index(settings.index_dir, settings.corpus_dir, expected(settings, embedder))


@pytest.mark.parametrize("damage", ["truncate_faiss", "garbage_faiss", "delete_chunks", "drop_vector",
                                    "bad_manifest"])
def test_damaged_index_is_detected_and_rebuilt(small_corpus, tmp_path, embedder, damage):
    settings = make_settings(small_corpus, tmp_path / "index")
    build_index(settings, embedder, progress=False)
    build = current_build(settings.index_dir)
    if damage == "truncate_faiss":
        data = (build / "dense.faiss").read_bytes()
        (build / "dense.faiss").write_bytes(data[: len(data) // 2])
    elif damage == "garbage_faiss":
        (build / "dense.faiss").write_bytes(b"not a faiss index" * 10)
    elif damage == "delete_chunks":
        (build / "chunks.jsonl").unlink()
    elif damage == "drop_vector":
        index = faiss.read_index(str(build / "dense.faiss"))
        index.remove_ids(faiss.IDSelectorRange(0, 1))
        faiss.write_index(index, str(build / "dense.faiss"))
    elif damage == "bad_manifest":
        (build / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="qa index --rebuild"):
        load_index(settings.index_dir, settings.corpus_dir, expected(settings, embedder))
    logs = []
    engine = Service.open(settings, progress=False, log=logs.append)
    assert any("重建" in m for m in logs)
    assert engine.retriever.search("食堂现金", k=3)


def test_a_second_build_refuses_while_the_lock_is_held(small_corpus, tmp_path, embedder):
    from filelock import FileLock

    settings = make_settings(small_corpus, tmp_path / "index")
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(IndexLayout(settings.index_dir).lock)):
        with pytest.raises(BuildBusy, match="另一个索引构建正在进行"):
            build_index(settings, embedder, progress=False, lock_timeout=0.2)


def test_unreadable_files_are_reported_and_the_rest_indexed(small_corpus, tmp_path, embedder):
    (small_corpus / "empty.txt").write_bytes(b"")
    (small_corpus / "binary.txt").write_bytes(bytes(range(256)) * 20)
    shutil.copy(notice_path("003"), small_corpus / "copy-of-003.txt")
    settings = make_settings(small_corpus, tmp_path / "index")
    report = build_index(settings, embedder, progress=False)
    reasons = dict(report.rejected)
    assert "文件为空" in reasons["empty.txt"]
    assert "二进制" in reasons["binary.txt"]
    assert "内容完全相同" in reasons["copy-of-003.txt"] or "内容完全相同" in reasons[notice_path("003").name]
    assert report.notices == 2
    index = load_index(settings.index_dir, settings.corpus_dir, expected(settings, embedder))
    assert len(index.notices) == 2  # a rejected file does not make the index stale
