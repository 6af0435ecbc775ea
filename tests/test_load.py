"""Load test: `qa serve` started as a separate process on loopback, then eval/loadtest.py
with 20 concurrent clients for 60 seconds. Zero errors; every quote verbatim; p95
latency printed and written to tests/artifacts/load.json."""
from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT

CLIENTS = 20
SECONDS = 60
GRACE = 10  # the hard stop: no request is waited for beyond SECONDS + GRACE
MAX_REQUESTS = 5000


def _loadtest():
    spec = importlib.util.spec_from_file_location("loadtest", ROOT / "eval" / "loadtest.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def served(bundled_settings, engine, tmp_path_factory):
    """`qa serve` over the bundled notices (index already built by the `engine` fixture)."""
    from ui.app import free_port

    port = free_port()
    tmp = tmp_path_factory.mktemp("serve")
    env = dict(os.environ, QA_DATA_DIR=str(tmp / "data"), GRADIO_TEMP_DIR=str(tmp / "gradio"),
               GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")
    log = open(tmp / "serve.log", "w+", encoding="utf-8")
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--corpus", str(bundled_settings.corpus_dir), "--index", str(bundled_settings.index_dir)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        ready = None
        while time.monotonic() - t0 < 120 and proc.poll() is None:
            try:
                if httpx.get(url + "/gradio_api/info", timeout=2).status_code == 200:
                    ready = time.monotonic() - t0
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        log.seek(0)
        assert ready is not None, f"qa serve did not start:\n{log.read()}"
        yield url, ready, bundled_settings.corpus_dir
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # as Ctrl+C
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        log.close()


@pytest.mark.load
def test_twenty_clients_for_a_minute(served, artifacts):
    url, startup, corpus = served
    lt = _loadtest()
    t0 = time.monotonic()
    report = lt.run(url, clients=CLIENTS, seconds=SECONDS, max_requests=MAX_REQUESTS, grace=GRACE, corpus=corpus)
    wall = time.monotonic() - t0
    report["startup_s"] = round(startup, 2)
    (artifacts / "load.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nqa serve ready in {startup:.1f} s; {report['requests']} requests from {CLIENTS} clients in "
          f"{report['duration_s']} s; errors {report['errors']}; p50 {report['latency_s']['p50']} s, "
          f"p95 {report['latency_s']['p95']} s")
    assert report["error_samples"] == []
    assert report["errors"] == 0 and report["quote_mismatches"] == 0 and report["unfinished"] == 0
    assert report["completed"] >= CLIENTS and report["citations_checked"] > 0
    # bounded: it stopped by itself, in time and within the request budget
    assert SECONDS <= wall <= SECONDS + GRACE + 6
    assert report["requests"] <= MAX_REQUESTS
    assert report["latency_s"]["p95"] is not None


def test_loadtest_refuses_remote_hosts_and_checks_quotes(tmp_path):
    lt = _loadtest()
    with pytest.raises(ValueError):
        lt.run("http://example.com:7860", clients=1, seconds=1)
    (tmp_path / "a.txt").write_text("甲乙丙丁", encoding="utf-8")
    notices = lt._Notices(tmp_path)
    good = {"answer": "“乙丙” [1]", "abstained": False,
            "citations": [{"n": 1, "doc": "a.txt", "start": 1, "end": 3, "quote": "乙丙"}]}
    assert lt.check_answer(good, notices) == []
    bad = {"answer": "x", "abstained": False,
           "citations": [{"n": 1, "doc": "a.txt", "start": 0, "end": 2, "quote": "乙丙"}]}
    assert len(lt.check_answer(bad, notices)) == 2
    assert lt.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95) == 10
    assert lt.percentile([1, 2, 3, 4], 50) == 2
