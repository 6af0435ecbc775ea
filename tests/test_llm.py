"""The optional model-written summary: only backed sentences survive, and every failure
of the endpoint leaves the extractive answer intact."""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from qa.answer.summary import check_summary
from qa.config import LLMSettings
from qa.render.markdown import answer_markdown

INVENTED = "港口分局为每名民警发放奖金十万元"


class FakeModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible /v1/chat/completions that quotes passage [1] correctly and
    adds one invented quote, or misbehaves as told by the server's ``mode``."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        mode = self.server.mode
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)
        if mode == "slow":
            time.sleep(3)
        if mode == "garbage":
            self.send(200, b"<html>502 Bad Gateway</html>")
            return
        if mode == "error":
            self.send(500, b'{"error": {"message": "overloaded"}}')
            return
        user = body["messages"][-1]["content"]
        first = re.search(r"^\[1\] 单位：[^\n]*\n章节：[^\n]*\n原文：(.+)$", user, re.M).group(1)
        good = first[: min(14, len(first))]
        if mode == "injected":
            reply = f"根据材料，“{INVENTED}”[1]。"
        else:
            reply = f"各单位采取了多项措施，其中“{good}”[1]。另有单位表示“{INVENTED}”[1]。还提到其他做法[9]。"
        self.complete(reply)

    def complete(self, reply: str) -> None:
        """Answer with a chat completion whose message is ``reply``."""
        self.send(200, json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": "fake",
                                   "choices": [{"index": 0, "finish_reason": "stop",
                                                "message": {"role": "assistant", "content": reply}}]},
                                  ensure_ascii=False).encode())

    def send(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def fake_model():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeModel)
    server.mode = "normal"
    server.requests = []
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield server
    server.shutdown()
    server.server_close()


def llm_settings(server=None, timeout=10.0):
    if server is None:
        return LLMSettings(base_url="http://127.0.0.1:9/v1", model="fake", timeout=timeout)
    return LLMSettings(base_url=f"http://127.0.0.1:{server.server_address[1]}/v1", model="fake", timeout=timeout)


@pytest.fixture
def ask_with(service, monkeypatch):
    def run(settings, question="港口分局饭堂食材采购存在廉政风险，采取了哪些整改措施？"):
        monkeypatch.setattr(service.settings, "llm", settings)
        return service.ask(question, llm=True)
    return run


def test_good_quote_kept_invented_quote_removed(fake_model, ask_with, service):
    ans = ask_with(llm_settings(fake_model))
    assert ans.summary and "[1]" in ans.summary
    assert INVENTED not in ans.summary and "[9]" not in ans.summary
    assert any("未通过原文核对" in n for n in ans.notes)
    assert any(INVENTED in n for n in ans.notes) and any("不存在的材料编号" in n for n in ans.notes)
    # the prompt came from prompts/ and carried only the retrieved passages
    msgs = fake_model.requests[0]["messages"]
    assert msgs[0]["role"] == "system" and "只能依据" in msgs[0]["content"]
    assert all(f"[{c.n}]" in msgs[1]["content"] for c in ans.evidence())
    md = answer_markdown(ans)
    assert md.startswith("**概述**") and "**来源**" in md
    assert ans.evidence()  # the extractive answer is still there


@pytest.mark.parametrize("mode,note", [("garbage", "模型接口"), ("error", "模型接口"), ("slow", "超时")])
def test_endpoint_failures_leave_the_extractive_answer(fake_model, ask_with, mode, note):
    fake_model.mode = mode
    ans = ask_with(llm_settings(fake_model, timeout=1.0))
    assert ans.summary is None and ans.evidence()
    assert any(note in n for n in ans.notes)


def test_endpoint_down(ask_with):
    ans = ask_with(llm_settings(None, timeout=2.0))
    assert ans.summary is None and ans.evidence() and any("模型接口" in n for n in ans.notes)


def test_not_configured(ask_with):
    ans = ask_with(LLMSettings())
    assert ans.summary is None and any("未配置模型接口" in n for n in ans.notes)


def test_a_notice_telling_the_model_to_invent_cannot_get_through(fake_model, ask_with):
    fake_model.mode = "injected"
    ans = ask_with(llm_settings(fake_model))
    assert ans.summary is None and ans.evidence()
    assert any(INVENTED in n for n in ans.notes)


def test_check_summary_rules(service):
    ans = service.ask("舟山市公安局怎样管理食堂现金？")
    ev = ans.evidence()
    real = ev[0].quote[:10]
    text, removed = check_summary(f"甲“{real}”[1]。乙“虚构的内容”[1]。丙[{len(ev) + 5}]。丁没有标注。", ev,
                                  service.index)
    assert f"“{real}”[1]" in text and "丁没有标注" in text
    assert len(removed) == 2
