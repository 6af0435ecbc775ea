"""Load test: `qa serve` started as a separate process on loopback, then eval/loadtest.py
with 20 concurrent clients until a budget of requests is spent. It checks behaviour under
concurrency only: every request completed, zero errors, every quote verbatim, the run
bounded by its request budget. It asserts nothing about time: latency and throughput are
printed and written with the report to a temporary folder (the ``artifacts`` fixture);
measuring them is the job of ``eval/loadtest.py --seconds 60`` (and ``eval/bench.py``)."""
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
MAX_REQUESTS = 100  # the run ends when this many requests have been sent (and answered)
SECONDS = 300  # a safety stop only: no request starts after this, none is waited for beyond SECONDS + GRACE
GRACE = 30


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
def test_twenty_concurrent_clients(served, artifacts):
    url, startup, corpus = served
    lt = _loadtest()
    report = lt.run(url, clients=CLIENTS, seconds=SECONDS, max_requests=MAX_REQUESTS, grace=GRACE, corpus=corpus)
    report["startup_s"] = round(startup, 2)
    (artifacts / "load.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nqa serve ready in {startup:.1f} s; {report['requests']} requests from {CLIENTS} clients in "
          f"{report['duration_s']} s; errors {report['errors']}; p50 {report['latency_s']['p50']} s, "
          f"p95 {report['latency_s']['p95']} s (not checked; report: {artifacts / 'load.json'})")
    assert report["error_samples"] == []
    assert report["errors"] == 0 and report["quote_mismatches"] == 0 and report["unfinished"] == 0
    assert report["citations_checked"] > 0
    # bounded: it stopped by itself once the request budget was spent, every request answered
    assert report["requests"] == report["completed"] == report["ok"] == MAX_REQUESTS
    assert lt.passed(report)


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
