"""End to end in real headless Chromium (Playwright, /usr/bin/chromium): the chat with its
sources panel and a follow-up, the precedent search, the retrieval test and notices tabs,
uploading and removing a notice, and a notice full of HTML/script/Markdown-link payloads
that must stay inert text.

Screenshots go to a temporary folder (the ``artifacts`` fixture). The README's
screenshots, ui/screenshots/chat.png and precedents.png, are rewritten only on request:

    QA_WRITE_SCREENSHOTS=1 .venv/bin/pytest tests/test_browser.py

(default off: the tests write nothing under the repository).
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_TMP = tempfile.mkdtemp(prefix="qa-gradio-")
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
os.environ.setdefault("GRADIO_TEMP_DIR", _TMP)
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import json  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.conftest import QUESTIONS, ROOT, make_settings, notice_path, share_cache, write_notice  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "ui" / "screenshots"
WRITE_SCREENSHOTS = os.environ.get("QA_WRITE_SCREENSHOTS") == "1"  # see the module doc
VIEWPORT = {"width": 1280, "height": 1000}
TIMEOUT = 60_000  # ms, for waits that include a query

EVIL_DOC = "900_injection.txt"
SCRIPT = "<script>window.__xss=1;alert(1)</script>"
IMG = '<img src=x onerror="window.__xss=2;alert(2)">'
LINK = "[点我](javascript:window.__xss=3;alert(3))"
BOLD = '<b onmouseover="window.__xss=4">流程</b>'
EVIL_NOTICE = f"""中共测试市公安局测试分局委员会关于巡察整改进展情况的通报
按照市委统一部署，2024年5月6日至7月8日，市委第九巡察组对测试分局党委开展了巡察。现将巡察整改进展情况予以公布。
一、关于“测试注入”问题的整改情况
(一){SCRIPT}加强食堂现金管理。{IMG}建立食堂现金日清日结制度，{LINK}由纪检人员每周抽查食堂现金台账。
(二)规范食堂采购{BOLD}。所有采购须三方签字验收，**不得**由个人单独采购。
"""


def eval_question(qid: str) -> str:
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        if line.strip() and json.loads(line)["id"] == qid:
            return json.loads(line)["question"]
    raise KeyError(qid)


# -------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="qa-chromium-")
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True,
                                                   args=CHROMIUM_ARGS, viewport=VIEWPORT, locale="zh-CN")
        ctx.set_default_timeout(TIMEOUT)
        yield ctx
        ctx.close()
    shutil.rmtree(profile, ignore_errors=True)


class Page:
    """A page plus what it did that it must not do (dialogs, page errors)."""

    def __init__(self, ctx, url: str):
        self.page = ctx.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url)
        self.page.wait_for_selector("#qa-question textarea")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def ask(self, question: str) -> None:
        n = self.page.locator("#qa-chat .qa-answer").count()
        self.page.fill("#qa-question textarea", question)
        self.page.click("#qa-ask")
        self.page.wait_for_function(f"document.querySelectorAll('#qa-chat .qa-answer').length > {n}")
        self.page.wait_for_selector("#qa-sources .qa-src")

    def tab(self, name: str) -> None:
        self.page.get_by_role("tab", name=name, exact=True).click()

    def shot(self, name: str, artifacts: Path, readme: bool = False) -> None:
        time.sleep(0.5)  # let transitions finish
        path = artifacts / name
        self.page.screenshot(path=str(path))
        if readme and WRITE_SCREENSHOTS:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, SCREENSHOTS / name)


@pytest.fixture(scope="module")
def bundled_url(service, tmp_path_factory):
    from ui.app import start

    app, url = start(service, port=0, export_dir=tmp_path_factory.mktemp("exports"))
    yield url
    app.close()


def _small_service(root: Path, extra: dict[str, str] | None = None):
    """A service over a corpus of its own under ``root``: bundled notice 003 plus ``extra``
    files (name -> text)."""
    from qa.service import Service

    corpus = root / "notices"
    corpus.mkdir()
    shutil.copy(notice_path("003"), corpus)
    for name, text in (extra or {}).items():
        (corpus / name).write_text(text, encoding="utf-8")
    share_cache(root / "index")
    return Service.open(make_settings(corpus, root / "index"), progress=False, log=lambda s: None)


@pytest.fixture(scope="module")
def evil_service(tmp_path_factory):
    """A small index: one bundled notice plus a notice full of markup payloads."""
    return _small_service(tmp_path_factory.mktemp("evil"), {EVIL_DOC: EVIL_NOTICE})


@pytest.fixture(scope="module")
def evil_url(evil_service, tmp_path_factory):
    from ui.app import start

    app, url = start(evil_service, port=0, export_dir=tmp_path_factory.mktemp("evil-exports"))
    yield url
    app.close()


@pytest.fixture(scope="module")
def manage_app(tmp_path_factory):
    """A server over a corpus of its own (one bundled notice), to add to and remove from."""
    from ui.app import start

    root = tmp_path_factory.mktemp("manage")
    service = _small_service(root)
    app, url = start(service, port=0, export_dir=root / "exports")
    yield service, url
    app.close()


# ----------------------------------------------------------------------- tests

def test_chat_answer_sources_followup_and_feedback(browser, bundled_url, service, artifacts):
    from qa.feedback import FeedbackStore

    question = eval_question("q041")
    cited = service.ask(question).evidence()[0].bureau
    p = Page(browser, bundled_url)
    p.ask(question)
    answer = p.page.locator("#qa-chat .qa-answer").last.inner_text()
    assert re.search(r"\[\d+\]", answer)
    sources = p.page.inner_text("#qa-sources")
    assert cited in sources and "[1]" in sources
    assert p.page.locator("#qa-sources mark.qa-hl").count() >= 1

    # a follow-up, resolved against the previous question
    p.ask("还有枪支存放呢？")
    last = p.page.locator("#qa-chat .qa-answer").last.inner_text()
    assert "理解为" in last and "公务用枪" in last
    assert "第 2 问" in p.page.inner_text("#qa-sources")
    # the app scrolls the chat to the start of the latest question (or, when the answer is
    # shorter than the chat, to the end, with the question in view)
    p.page.wait_for_function(
        "(() => { const u = [...document.querySelectorAll('#qa-chat .qa-user')].pop();"
        " const c = document.querySelector('#qa-chat').getBoundingClientRect();"
        " const r = u.getBoundingClientRect(); if (r.top < c.top - 2 || r.top > c.bottom - 40) return false;"
        " if (r.top < c.top + 120) return true;"
        " let b = u.parentElement; while (b && getComputedStyle(b).overflowY !== 'auto') b = b.parentElement;"
        " return !!b && b.scrollTop > 0 && b.scrollTop + b.clientHeight >= b.scrollHeight - 2; })()")
    p.shot("chat.png", artifacts, readme=True)

    # 👍 on the latest answer is stored in the feedback database
    store = FeedbackStore.for_settings(service.settings)
    before = store.count()
    p.page.locator("#qa-chat button[aria-label='Like'], #qa-chat button[aria-label='赞']").last.click()
    for _ in range(50):
        if store.count() > before:
            break
        time.sleep(0.2)
    rows = store.rows()
    assert len(rows) == before + 1 and rows[-1]["rating"] == "useful" and rows[-1]["question"] == "还有枪支存放呢？"
    assert not p.dialogs and not p.errors


def test_measures_list_and_comparison_table(browser, bundled_url, service, artifacts):
    """A "how was it rectified" answer is a numbered list of every measure under the
    problem; a question across bureaus is a table with a row per bureau."""
    p = Page(browser, bundled_url)
    p.ask("港口分局是怎么整改会议纪要不规范问题的？")
    last = p.page.locator("#qa-chat .qa-answer").last
    assert last.locator(".qa-problem").count() == 1 and last.locator("ol.qa-measures li").count() == 3
    assert "二是及时纠正" in last.inner_text()
    last.locator(".qa-n", has_text="[3]").first.click()  # scrolls to and highlights its source card
    p.page.wait_for_selector("#qa-sources .qa-src-flash", timeout=5000)
    p.ask("各单位在整改中新建或完善了多少项制度？")
    table = p.page.locator("#qa-chat .qa-answer").last.locator("table.qa-compare")
    assert table.locator("tbody tr").count() == len(service.index.bureaus)
    assert "17项" in table.inner_text()
    p.shot("compare.png", artifacts, readme=True)
    # asked what each did: each row is the bureau's problem with its numbered measures
    p.ask("港口分局和横栏分局分别是怎么整改涉案财物管理问题的？")
    table = p.page.locator("#qa-chat .qa-answer").last.locator("table.qa-compare")
    assert table.locator("tbody tr").count() == 2 and table.locator(".qa-problem").count() == 2
    assert "1. 一是立行立改" in table.inner_text()
    assert not p.dialogs and not p.errors


def test_example_question_fills_the_box(browser, bundled_url):
    from playwright.sync_api import expect

    p = Page(browser, bundled_url)
    p.page.get_by_text("舟山市公安局如何完善非警务类警情分流体系？", exact=True).first.click()
    expect(p.page.locator("#qa-question textarea")).to_have_value("舟山市公安局如何完善非警务类警情分流体系？")


def test_precedent_search_shows_a_table_grouped_by_bureau(browser, bundled_url, service, artifacts):
    problem = eval_question("q070")
    expected = service.precedents(problem, 5, 2)
    p = Page(browser, bundled_url)
    p.tab("整改措施查找")
    p.page.fill("#qa-problem textarea", problem)
    p.page.click("#qa-prec-btn")
    p.page.wait_for_selector("#qa-prec-out table")
    assert p.page.locator("#qa-prec-out table").count() == len(expected.bureaus)
    text = p.page.inner_text("#qa-prec-out")
    assert expected.bureaus[0].bureau in text and "整改措施" in text
    assert p.page.locator("#qa-prec-out ol.qa-measures li").count() >= 1
    assert p.page.locator("#qa-prec-csv").is_visible() and p.page.locator("#qa-prec-md").is_visible()
    p.page.evaluate("window.scrollTo(0, 0)")
    p.shot("precedents.png", artifacts, readme=True)


def test_retrieval_test_and_notices_tabs(browser, bundled_url, service, artifacts):
    p = Page(browser, bundled_url)
    p.tab("检索测试")
    p.page.fill("#qa-s-query textarea", "涉案财物管理不规范")
    p.page.click("#qa-s-btn")
    p.page.wait_for_selector("#qa-s-out table")
    assert p.page.locator("#qa-s-out tbody tr").count() == 10
    head = p.page.inner_text("#qa-s-out thead")
    assert "BM25" in head and "向量" in head and "融合" in head
    p.shot("search.png", artifacts)

    p.tab("通报")
    table = p.page.inner_text("#qa-notices")
    for row in service.notice_list():
        assert row["doc"] in table
    _open_notice(p, service.notice_list()[0]["doc"])
    view = p.page.inner_text("#qa-notice-out")
    assert "章节结构" in view and service.notice_list()[0]["title"] in view
    p.shot("notices.png", artifacts)


def _open_notice(p: Page, doc: str) -> None:
    p.page.click("#qa-notice-pick input")
    p.page.fill("#qa-notice-pick input", doc[:12])
    p.page.locator("ul[role=listbox] li", has_text=doc).first.click()
    p.page.wait_for_selector("#qa-notice-out .qa-notice-text")
    p.page.wait_for_function(
        f"document.querySelector('#qa-notice-out') && document.querySelector('#qa-notice-out').innerText.includes('{doc}')")


def _assert_inert(p: Page) -> None:
    page = p.page
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert p.dialogs == []
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"], img[onerror]').length") == 0
    assert page.evaluate("document.querySelectorAll('a[href^=\"javascript\"]').length") == 0
    assert page.evaluate("document.querySelectorAll('[onmouseover], [onerror]').length") == 0
    assert page.evaluate("[...document.scripts].filter(s => s.textContent.includes('__xss')).length") == 0


def test_injected_notice_stays_text(browser, evil_url, evil_service, artifacts):
    p = Page(browser, evil_url)
    # a question that retrieves the malicious notice; the question itself carries markup too
    p.ask("测试分局如何加强食堂现金管理？<img src=x onerror=\"window.__xss=5;alert(5)\">")
    chat = p.page.inner_text("#qa-chat")
    assert '<img src=x onerror="window.__xss=5;alert(5)">' in chat
    sources = p.page.inner_text("#qa-sources")
    assert "测试市公安局测试分局" in sources
    plain = re.sub(r"\[\d+\]", "", sources)  # without the [n] after each highlighted quote
    for payload in (SCRIPT, IMG, LINK):
        assert payload in plain
    p.page.hover("#qa-sources .qa-src-text")
    _assert_inert(p)
    p.shot("injection_chat.png", artifacts)

    p.tab("整改措施查找")
    p.page.fill("#qa-problem textarea", "食堂现金管理和采购流程不规范")
    p.page.click("#qa-prec-btn")
    p.page.wait_for_selector("#qa-prec-out table")
    assert SCRIPT in p.page.inner_text("#qa-prec-out")

    p.tab("检索测试")
    p.page.fill("#qa-s-query textarea", "测试注入 食堂现金")
    p.page.click("#qa-s-btn")
    p.page.wait_for_selector("#qa-s-out table")
    p.page.locator("#qa-s-out details summary").first.click()
    assert SCRIPT in p.page.inner_text("#qa-s-out")

    p.tab("通报")
    _open_notice(p, EVIL_DOC)
    view = p.page.inner_text("#qa-notice-out")
    for payload in (SCRIPT, IMG, LINK, BOLD, "**不得**"):
        assert payload in view
    p.page.hover("#qa-notice-out .qa-notice-text")
    p.page.locator("#qa-notice-out .qa-notice-text").get_by_text("[点我]", exact=False).first.click()
    _assert_inert(p)
    p.shot("injection_notice.png", artifacts)
    assert not p.errors


def _pick(p: Page, dropdown: str, text: str) -> None:
    p.page.click(f"{dropdown} input")
    p.page.fill(f"{dropdown} input", text)
    p.page.locator("ul[role=listbox] li", has_text=text).first.click()


def test_upload_and_remove_a_notice(browser, manage_app, tmp_path, artifacts):
    service, url = manage_app
    new = write_notice(tmp_path / "鹦鹉分局通报.txt", "鹦鹉分局", "鹦鹉螺")
    (tmp_path / "表格.xls").write_bytes(b"xls")
    p = Page(browser, url)
    p.tab("通报")
    p.page.get_by_text("添加或删除通报").click()
    p.page.set_input_files("#qa-upload input[type=file]", [str(new), str(tmp_path / "表格.xls")])
    p.page.wait_for_function("document.querySelector('#qa-upload').innerText.includes('表格')")  # uploaded
    p.page.click("#qa-add")
    p.page.wait_for_selector("#qa-add-out .qa-change-ok")
    out = p.page.inner_text("#qa-add-out")
    assert f"已索引 {new.name}" in out and "未添加 表格.xls：不支持的文件类型 .xls" in out
    assert new.name in p.page.inner_text("#qa-notices")
    assert (service.settings.corpus_dir / new.name).exists()
    p.shot("upload.png", artifacts)

    _pick(p, "#qa-rm-pick", new.name)
    p.page.click("#qa-rm")
    p.page.wait_for_selector("#qa-rm-confirm", state="visible")
    assert f"确认删除“{new.name}”（测试市公安局鹦鹉分局）" in p.page.inner_text("#qa-rm-question")
    p.page.click("#qa-rm-yes")
    p.page.wait_for_function("document.querySelector('#qa-rm-out').innerText.includes('已删除')")
    assert new.name not in p.page.inner_text("#qa-notices")
    assert not (service.settings.corpus_dir / new.name).exists()
    assert p.page.locator("#qa-rm-confirm").is_hidden()
    # the chat's bureau filter offers what the index now holds
    p.tab("问答")
    p.page.click("#qa-bureaus input")
    options = p.page.inner_text("ul[role=listbox]")
    assert "东营市公安局东营经济技术开发区分局" in options and "鹦鹉分局" not in options
    assert not p.dialogs and not p.errors
