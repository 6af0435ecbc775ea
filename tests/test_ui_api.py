"""The web app launched in-process and driven over HTTP with gradio_client."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_TMP = tempfile.mkdtemp(prefix="qa-gradio-")
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
os.environ.setdefault("GRADIO_TEMP_DIR", _TMP)
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import csv  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.conftest import QUESTIONS  # noqa: E402


def _questions(kind: str | None = None, lang: str = "zh") -> list[dict]:
    rows = [json.loads(x) for x in QUESTIONS.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [r for r in rows if (kind is None or r["kind"] == kind) and r["lang"] == lang]


@pytest.fixture(scope="module")
def server(service, tmp_path_factory):
    from ui.app import start

    app, url = start(service, host="127.0.0.1", port=0, export_dir=tmp_path_factory.mktemp("exports"))
    yield url
    app.close()


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server, verbose=False)


def test_api_lists_the_endpoints(client):
    names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert {"/ask_json", "/chat", "/precedents", "/search", "/notice", "/export_feedback"} <= names


def test_ask_json_returns_answer_to_dict(client, service):
    q = _questions("measure")[0]
    d = client.predict(q["question"], None, None, api_name="/ask_json")
    assert set(d) >= {"answer", "abstained", "citations", "lang", "confidence", "notes"}
    assert not d["abstained"] and d["citations"]
    gold_docs = {g["doc"] for g in q["gold"]}
    assert any(c["doc"] in gold_docs for c in d["citations"])
    for c in d["citations"]:
        assert service.notice(c["doc"]).text[c["start"]:c["end"]] == c["quote"]
    # the same as calling the service directly
    assert d == json.loads(json.dumps(service.ask(q["question"]).to_dict()))


def test_ask_json_with_filters(client):
    d = client.predict("食堂管理", ["港口分局"], ["problem"], api_name="/ask_json")
    assert all(c["bureau"] == "中山市公安局港口分局" and c["kind"] == "problem" for c in d["citations"])


def test_ask_json_user_error_is_reported(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="不能为空"):
        client.predict("  ", None, None, api_name="/ask_json")
    with pytest.raises(AppError, match="未找到单位"):
        client.predict("食堂", ["不存在分局"], None, api_name="/ask_json")


def test_concurrent_requests_are_served(client, service):
    qs = [q["question"] for q in _questions("fact")[:8]]
    jobs = [client.submit(q, None, None, api_name="/ask_json") for q in qs]
    results = [j.result(timeout=120) for j in jobs]
    assert len(results) == 8
    for d in results:
        for c in d["citations"]:
            assert service.notice(c["doc"]).text[c["start"]:c["end"]] == c["quote"]


def test_concurrent_clients(server):
    from gradio_client import Client

    def one(q: str) -> dict:
        return Client(server, verbose=False).predict(q, None, None, api_name="/ask_json")

    qs = [q["question"] for q in _questions("paraphrase")[:4]]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(one, qs))
    assert all("citations" in d for d in results)


def test_chat_endpoint(client):
    q = _questions("meta")[1]["question"]
    chat, question_box, sources, fb_target = client.predict(q, [], [], api_name="/chat")
    assert question_box == ""
    assert [m["role"] for m in chat] == ["user", "assistant"]
    text = json.dumps(chat, ensure_ascii=False)
    assert "qa-answer" in text and "[1]" in text
    assert "qa-src" in sources and "<mark" in sources


def test_precedents_endpoint_with_exports(client):
    page, csv_file, md_file = client.predict(_questions("precedent")[0]["question"], 5, 2, api_name="/precedents")
    assert "<table" in page

    def path(x):
        return x["value"] if isinstance(x, dict) and "value" in x else x

    rows = list(csv.reader(io.StringIO(Path(path(csv_file)).read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "单位" and len(rows) > 1
    assert "相近的问题" in Path(path(md_file)).read_text(encoding="utf-8")


def test_search_endpoint(client):
    page = client.predict("公务用枪", 5, "bm25", [], [], api_name="/search")
    assert page.count("<tr>") == 6 and "BM25" in page


def test_notice_endpoint(client, service):
    doc = service.notice_list()[0]["doc"]
    page = client.predict(doc, api_name="/notice")
    assert "qa-tree" in page and service.notice(doc).meta.bureau_label in page
    assert "选择一份通报" in client.predict(None, api_name="/notice")
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError):  # only indexed notices can be chosen (no paths)
        client.predict("../../etc/passwd", api_name="/notice")


def test_export_feedback_endpoint(client, service):
    from qa.feedback import FeedbackStore

    store = FeedbackStore.for_settings(service.settings)
    store.add("useful", question="API 测试", comment="好")
    out = client.predict(api_name="/export_feedback")
    path = out["value"] if isinstance(out, dict) else out
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    assert any(r["question"] == "API 测试" and r["comment"] == "好" for r in rows)
