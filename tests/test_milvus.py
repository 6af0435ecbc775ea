"""The Milvus backend (qa.index.milvus) on Milvus Lite in temporary folders: the seams'
contracts, build and search beside the local backend, filters, adding and removing
notices in place, an interrupted rebuild, a settings mismatch, failures (unreachable,
timeout, collection gone), two `qa serve` processes sharing one Milvus Lite server, and the
evaluation figures within 0.02 of the local backend's."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from qa.index.build import build_index  # noqa: E402
from qa.index.filters import Filter  # noqa: E402
from qa.index.milvus import publish as milvus_publish  # noqa: E402
from qa.index.milvus.client import (  # noqa: E402
    MilvusCollectionGone,
    MilvusUnavailable,
    connect,
)
from qa.index.milvus.indexes import MilvusLexicalIndex, MilvusVectorIndex  # noqa: E402
from qa.index.milvus.publish import MilvusMismatch, client_for, current  # noqa: E402
from qa.index.milvus.schema import expression  # noqa: E402
from qa.index.store import IndexMissing, chunk_settings, expected_settings, load_index  # noqa: E402
from qa.query.retrieval import QueryError  # noqa: E402
from qa.service import Service  # noqa: E402
from tests.conftest import QUESTIONS, ROOT, notice_path, share_cache  # noqa: E402
from tests.test_contracts import LEXICAL_DOCS, lexical_contract, vector_contract  # noqa: E402

TOLERANCE = 0.02
QUIET = {"progress": False, "log": lambda s: None}


def settings_for(corpus: Path, index_dir: Path, **kw):
    from qa.config import load_settings

    return load_settings(corpus_dir=corpus, index_dir=index_dir, data_dir=index_dir.parent / "data", **kw)


def milvus_settings(corpus: Path, index_dir: Path, uri: str, **index_kw):
    return settings_for(corpus, index_dir, index={"backend": "milvus", "milvus_uri": uri, **index_kw})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def small(tmp_path: Path, *prefixes: str) -> Path:
    corpus = tmp_path / "notices"
    corpus.mkdir()
    for p in prefixes:
        shutil.copy(notice_path(p), corpus)
    share_cache(tmp_path / "index")
    return corpus


# ---------------------------------------------------------------- contracts

def test_vector_contract_on_milvus(tmp_path):
    from tests.test_contracts import _unit

    points = _unit(np.random.default_rng(7).standard_normal((3000, 32)))
    db = connect(str(tmp_path / "m.db"))
    index = MilvusVectorIndex.build(db, "vectors", points[:2000])
    vector_contract(index, "milvus", points, tmp_path, lambda p: MilvusVectorIndex.load(p, db))


@pytest.mark.parametrize("mode", ["bm25", "sparse"])
def test_lexical_contract_on_milvus(mode, tmp_path):
    db = connect(str(tmp_path / "m.db"))
    index = MilvusLexicalIndex.build(db, f"lexical{mode}", LEXICAL_DOCS, mode)
    lexical_contract(index, tmp_path / mode, lambda p: MilvusLexicalIndex.load(p, db))


def test_filter_expressions():
    assert expression(Filter()) == ""
    assert expression(Filter(bureaus=("中山市公安局港口分局",), kinds=("problem", "long_term"))) == (
        'bureau in ["中山市公安局港口分局"] and kind in ["problem", "long_term"]')
    # quotes and backslashes in a name stay inside the string literal
    assert expression(Filter(docs=('a"b\\c.txt',))) == 'doc in ["a\\"b\\\\c.txt"]'


# ---------------------------------------------------------------- the bundled notices on Milvus Lite

@pytest.fixture(scope="module")
def milvus_service(service, bundled_settings, tmp_path_factory):
    """The bundled index published to Milvus Lite (from the session's local build) and
    served from it."""
    uri = str(tmp_path_factory.mktemp("milvus") / "m.db")
    settings = bundled_settings.model_copy(update={"index": bundled_settings.index.model_copy(
        update={"backend": "milvus", "milvus_uri": uri})})
    return Service.open(settings, **QUIET)


def test_search_matches_the_local_backend(service, milvus_service):
    assert milvus_service.index.vector_index.kind == "milvus"
    assert [c.id for c in milvus_service.index.chunks] == [c.id for c in service.index.chunks]
    for q in ("涉案财物管理不规范", "民警八小时以外的监督管理", "How were the canteen purchases fixed?"):
        for mode in ("dense", "hybrid"):
            a = [h.chunk.id for h in service.search(q, k=5, mode=mode)]
            b = [h.chunk.id for h in milvus_service.search(q, k=5, mode=mode)]
            assert b[:3] == a[:3], (q, mode)
        a = {h.chunk.id for h in service.search(q, k=5, mode="bm25")}
        b = {h.chunk.id for h in milvus_service.search(q, k=5, mode="bm25")}
        assert len(a & b) >= 4, q  # Milvus's BM25 over the same tokens: the same chunks, near-equal scores


def test_filters_go_to_milvus(milvus_service):
    hits = milvus_service.search("整改措施", k=10, bureaus=["港口分局"], kinds=["problem"])
    assert hits and all(h.chunk.bureau == "中山市公安局港口分局" and h.chunk.kind == "problem" for h in hits)
    for mode in ("dense", "bm25"):
        hits = milvus_service.search("涉案财物", k=10, mode=mode, kinds=["long_term"])
        assert hits and all(h.chunk.kind == "long_term" for h in hits)
    answer = milvus_service.ask("港口分局怎样整改饭堂食材采购问题？")
    assert answer.citations and not answer.abstained


def test_evaluation_within_tolerance_of_the_local_backend(service, milvus_service, monkeypatch):
    from qa.evaluation.evaluate import evaluate

    assert milvus_service.embedder is service.embedder
    vectors: dict[str, np.ndarray] = {}
    embed = service.embedder.embed_query

    def embed_once(q: str) -> np.ndarray:  # the second backend gets the same query vectors
        if q not in vectors:
            vectors[q] = embed(q)
        return vectors[q]

    monkeypatch.setattr(service.embedder, "embed_query", embed_once)

    local, milvus = (evaluate(s, QUESTIONS, retrievers=("hybrid",), baseline=False, answers=False, split="test")
                     for s in (service, milvus_service))
    for metric in ("R@5", "MRR@10"):
        a = local["retrievers"]["hybrid"]["overall"][metric]
        b = milvus["retrievers"]["hybrid"]["overall"][metric]
        assert abs(a - b) <= TOLERANCE, (metric, a, b)


# ---------------------------------------------------------------- updates

def test_add_and_remove_in_place(service, embedder, tmp_path):
    corpus = small(tmp_path, "003", "004")
    s = milvus_settings(corpus, tmp_path / "index", str(tmp_path / "m.db"))
    assert "新集合" in build_index(s, embedder, progress=False).published
    db = client_for(s)
    first = current(db, "qa")
    before = Service.open(s, auto_build=False, **QUIET)

    shutil.copy(notice_path("000"), corpus)  # 港口分局's notice
    report = build_index(s, embedder, progress=False)
    assert "新增" in report.published and "删除 0" in report.published
    second = current(db, "qa")
    assert second.collection == first.collection and second.version == first.version + 1
    after = Service.open(s, auto_build=False, **QUIET)
    local = load_index(s.index_dir, corpus, expected_settings(embedder.id, embedder.dim, chunk_settings(s)))
    assert [c.id for c in after.index.chunks] == [c.id for c in local.chunks]
    hits = after.search("涉案财物管理", k=5, bureaus=["港口分局"])
    assert hits and all(h.chunk.doc.startswith("000_") for h in hits)
    # a process that loaded before the update keeps answering from what it knows
    assert {h.chunk.doc[:3] for h in before.search("涉案财物管理", k=10)} <= {"003", "004"}

    (corpus / notice_path("003").name).unlink()
    report = build_index(s, embedder, progress=False)
    assert "删除" in report.published and "删除 0" not in report.published
    removed = Service.open(s, auto_build=False, **QUIET)
    n = len(removed.index.chunks)
    assert n == len(load_index(s.index_dir, corpus, expected_settings(embedder.id, embedder.dim,
                                                                     chunk_settings(s))).chunks)
    rows = db.call("query", current(db, "qa").collection, filter="", output_fields=["doc"], limit=16384)
    assert len(rows) == n and not any(r["doc"].startswith("003_") for r in rows)
    assert not any(h.chunk.doc.startswith("003_") for h in removed.search("整改", k=20))
    assert "已是最新" in build_index(s, embedder, progress=False).published


def test_interrupted_rebuild_leaves_the_previous_collection_serving(service, embedder, tmp_path, monkeypatch):
    corpus = small(tmp_path, "003", "004")
    s = milvus_settings(corpus, tmp_path / "index", str(tmp_path / "m.db"))
    build_index(s, embedder, progress=False)
    db = client_for(s)
    first = current(db, "qa")
    expected = [h.chunk.id for h in Service.open(s, auto_build=False, **QUIET).search("会议纪要", k=5)]

    def power_cut(*args, **kwargs):
        raise RuntimeError("断电")

    monkeypatch.setattr(milvus_publish, "_upload_tables", power_cut)  # after the rows, before the alias
    with pytest.raises(RuntimeError, match="断电"):
        build_index(s, embedder, rebuild=True, progress=False)
    assert current(db, "qa") == first
    assert len(db.call("list_collections")) == 4  # the serving pair and the half-written one
    still = Service.open(s, auto_build=False, **QUIET)
    assert [h.chunk.id for h in still.search("会议纪要", k=5)] == expected

    monkeypatch.undo()
    assert "切换别名" in build_index(s, embedder, rebuild=True, progress=False).published
    now = current(db, "qa")
    assert now.collection != first.collection
    # the previous collection is kept (replicas may read it), the half-written one dropped
    assert sorted(db.call("list_collections")) == sorted(
        [first.collection, first.collection + "_files", now.collection, now.collection + "_files"])
    assert [h.chunk.id for h in Service.open(s, auto_build=False, **QUIET).search("会议纪要", k=5)] == expected


def test_settings_mismatch_is_detected_and_not_rebuilt_by_a_replica(service, embedder, tmp_path):
    corpus = small(tmp_path, "003", "004")
    uri = str(tmp_path / "m.db")
    s = milvus_settings(corpus, tmp_path / "index", uri)
    build_index(s, embedder, progress=False)
    first = current(client_for(s), "qa")
    other = settings_for(corpus, tmp_path / "index2", index={"backend": "milvus", "milvus_uri": uri},
                         chunk={"max_tokens": 256})
    with pytest.raises(MilvusMismatch, match=r"分块设置.*qa index --rebuild"):
        Service.open(other, **QUIET)
    sparse = milvus_settings(corpus, tmp_path / "index3", uri, milvus_lexical="sparse")
    with pytest.raises(MilvusMismatch, match="词法检索方式为 bm25"):
        Service.open(sparse, **QUIET)
    assert current(client_for(s), "qa") == first  # nothing written


# ---------------------------------------------------------------- failures

def test_unreachable_milvus_gives_a_message(tmp_path):
    corpus = small(tmp_path, "003")
    s = milvus_settings(corpus, tmp_path / "index", f"http://127.0.0.1:{free_port()}", milvus_timeout=3)
    with pytest.raises(MilvusUnavailable, match="无法连接 Milvus.*QA_INDEX__BACKEND=local"):
        Service.open(s, **QUIET)
    assert not (tmp_path / "index" / "builds").exists()  # nothing built or written
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QA_INDEX__BACKEND": "milvus",
           "QA_INDEX__MILVUS_URI": s.index.milvus_uri, "QA_INDEX__MILVUS_TIMEOUT": "3"}
    for args in (["search", "涉案财物"], ["serve", "--port", str(free_port())]):
        r = subprocess.run([sys.executable, "-m", "qa.cli", *args, "--corpus", str(corpus), "--index",
                            str(tmp_path / "index")], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.strip().splitlines()[-1].startswith("错误：无法连接 Milvus"), r.stderr


def test_missing_collection_says_to_index(tmp_path):
    corpus = small(tmp_path, "003")
    s = milvus_settings(corpus, tmp_path / "index", str(tmp_path / "m.db"))
    with pytest.raises(IndexMissing, match="请运行 `qa index`"):
        Service.open(s, auto_build=False, **QUIET)


class FreezingProxy:
    """A TCP proxy in front of a Milvus Lite server that can stop forwarding (a Milvus
    that has become slow)."""

    def __init__(self, target_port: int):
        self.target = target_port
        self.frozen = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                while self.frozen.is_set():
                    time.sleep(0.05)
                dst.sendall(data)
        except OSError:
            pass


def test_slow_milvus_times_out_with_a_message_and_recovers(service, embedder, tmp_path):
    from milvus_lite.adapter.grpc.server import start_server_in_thread

    from ui import handlers

    server, lite, port = start_server_in_thread(data_dir=str(tmp_path / "lite"), host="127.0.0.1", port=0)
    try:
        proxy = FreezingProxy(port)
        corpus = small(tmp_path, "003", "004")
        s = milvus_settings(corpus, tmp_path / "index", f"http://127.0.0.1:{proxy.port}", milvus_timeout=2)
        build_index(s, embedder, progress=False)
        svc = Service.open(s, auto_build=False, **QUIET)
        expected = [h.chunk.id for h in svc.search("会议纪要", k=5)]
        proxy.frozen.set()
        t = time.perf_counter()
        with pytest.raises(MilvusUnavailable, match="超时"):
            svc.search("会议纪要", k=5)
        assert time.perf_counter() - t < 10
        with pytest.raises(QueryError, match="Milvus"):  # the web interface shows QueryErrors as messages
            handlers.retrieval_test(svc, "会议纪要")
        proxy.frozen.clear()
        assert [h.chunk.id for h in svc.search("会议纪要", k=5)] == expected  # nothing corrupted
        # the collection gone under a running process: a message, not a traceback
        db = client_for(s)
        cur = current(db, "qa")
        db.call("drop_alias", "qa")
        db.call("drop_collection", cur.collection)
        with pytest.raises(MilvusCollectionGone, match="请重启本服务"):
            svc.search("会议纪要", k=5)
    finally:
        server.stop(grace=0)
        lite.close()


# ---------------------------------------------------------------- sharing one Milvus

def _wait_for(url: str, proc: subprocess.Popen, seconds: float = 240) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read() if proc.stderr else "qa serve exited")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer")


def test_two_serve_processes_share_one_milvus_lite_server(service, embedder, tmp_path):
    from gradio_client import Client

    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "milvus-lite"), "server", "--data-dir",
                               str(tmp_path / "lite"), "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    replicas: list[subprocess.Popen] = []
    try:
        uri = f"http://127.0.0.1:{port}"
        corpus = small(tmp_path, "003", "004")
        s = milvus_settings(corpus, tmp_path / "index", uri)
        for _ in range(100):  # the server starts
            try:
                connect(uri, timeout=2)
                break
            except MilvusUnavailable:
                time.sleep(0.2)
        build_index(s, embedder, progress=False)
        question = "会议纪要不规范问题是怎么整改的？"
        expected = [(c.doc, c.start, c.end) for c in Service.open(s, auto_build=False, **QUIET).ask(question).citations]
        assert expected
        empty = tmp_path / "no-notices"
        empty.mkdir()
        urls = []
        for i in range(2):  # each with only the URI: no notices, an empty index folder of its own
            env = {**os.environ, "PYTHONPATH": str(ROOT), "QA_INDEX__BACKEND": "milvus", "QA_INDEX__MILVUS_URI": uri,
                   "GRADIO_ANALYTICS_ENABLED": "False"}
            web = free_port()
            urls.append(f"http://127.0.0.1:{web}/")
            replicas.append(subprocess.Popen(
                [sys.executable, "-m", "qa.cli", "serve", "--port", str(web), "--corpus", str(empty), "--index",
                 str(tmp_path / f"replica{i}")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                cwd=ROOT, env=env))
        for url, proc in zip(urls, replicas):
            _wait_for(url, proc)
            got = Client(url, verbose=False).predict(question, None, None, api_name="/ask_json")
            assert [(c["doc"], c["start"], c["end"]) for c in got["citations"]] == expected
    finally:
        for proc in [*replicas, server]:
            proc.terminate()
            proc.wait(timeout=30)
