"""Load test of the running web interface (its JSON API, ``/ask_json``) on loopback.

    .venv/bin/qa serve &                      # or any running server
    .venv/bin/python eval/loadtest.py --url http://127.0.0.1:7860 --clients 20 --seconds 60

``--clients`` threads, each with its own HTTP connection, ask the evaluation questions
(eval/questions.jsonl) one after another for ``--seconds`` seconds, through Gradio's
REST API (POST /gradio_api/call/ask_json, then the event stream). Every answer is
checked: each citation's quote must equal the notice text at its offsets, read from
the corpus folder (``--corpus``, default data/notices), and its [n] marker must be in
the answer. It stops by itself: no request starts after ``--seconds``, requests still
running ``--grace`` seconds later are abandoned (reported as unfinished), and at most
``--max-requests`` are sent. Prints a summary (p50/p95 latency, errors) and writes it
as JSON to ``--out``. Exit code 0 when there were no errors, no mismatched quotes and
nothing unfinished.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from qa.ingest.readers import read_document  # noqa: E402

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
API = "ask_json"


class LoadError(RuntimeError):
    pass


class _HardStop(Exception):
    pass


def load_questions(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if line.strip():
            out.append(json.loads(line)["question"])
    if not out:
        raise ValueError(f"{path} 中没有问题")
    return out


def ask(http: httpx.Client, base: str, question: str, hard_deadline: float) -> dict:
    """One question through Gradio's REST API; returns the endpoint's result (a dict)."""
    def timeout() -> float:
        left = hard_deadline - time.monotonic()
        if left <= 0:
            raise _HardStop()
        return min(left, 60.0)

    r = http.post(f"{base}/gradio_api/call/{API}", json={"data": [question, None, None]}, timeout=timeout())
    if r.status_code != 200:
        raise LoadError(f"POST {r.status_code}: {r.text[:200]}")
    event_id = r.json()["event_id"]
    event = None
    try:
        with http.stream("GET", f"{base}/gradio_api/call/{API}/{event_id}", timeout=timeout()) as resp:
            if resp.status_code != 200:
                raise LoadError(f"GET {resp.status_code}")
            for line in resp.iter_lines():
                if time.monotonic() > hard_deadline:
                    raise _HardStop()
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    payload = line[5:].strip()
                    if event == "error":
                        raise LoadError(f"server error: {payload[:200]}")
                    data = json.loads(payload)
                    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
                        raise LoadError(f"unexpected result: {payload[:200]}")
                    return data[0]
    except httpx.TimeoutException:
        if time.monotonic() >= hard_deadline:
            raise _HardStop() from None
        raise
    raise LoadError("event stream ended without a result")


class _Notices:
    """Notice texts from the corpus folder, decoded as the indexer decodes them."""

    def __init__(self, corpus: Path):
        self.corpus = corpus.resolve()
        self._texts: dict[str, str] = {}
        self._lock = threading.Lock()

    def text(self, doc: str) -> str:
        with self._lock:
            if doc not in self._texts:
                path = (self.corpus / doc).resolve()
                if not path.is_relative_to(self.corpus) or not path.is_file():
                    raise LoadError(f"cited file not in the corpus: {doc}")
                self._texts[doc] = read_document(path).text
            return self._texts[doc]


def check_answer(result: dict, notices: _Notices) -> list[str]:
    """Problems with one answer: quotes not verbatim, markers missing."""
    problems = []
    for key in ("answer", "abstained", "citations"):
        if key not in result:
            problems.append(f"missing field {key}")
    for c in result.get("citations", []):
        text = notices.text(c["doc"])
        if text[c["start"]:c["end"]] != c["quote"]:
            problems.append(f"quote [{c['n']}] is not the text of {c['doc']} at {c['start']}–{c['end']}")
        if f"[{c['n']}]" not in result.get("answer", ""):
            problems.append(f"marker [{c['n']}] missing from the answer")
    return problems


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    xs = sorted(values)
    k = max(0, min(len(xs) - 1, int(round(p / 100 * len(xs) + 0.5)) - 1))
    return xs[k]


def run(url: str, clients: int = 20, seconds: float = 60, max_requests: int = 5000, grace: float = 10,
        questions: Path = ROOT / "eval" / "questions.jsonl", corpus: Path = ROOT / "data" / "notices",
        allow_remote: bool = False, log=print) -> dict:
    parsed = urlparse(url)
    if parsed.hostname not in LOOPBACK and not allow_remote:
        raise ValueError(f"只对本机（loopback）服务器做负载测试：{url}")
    base = url.rstrip("/")
    qs = load_questions(Path(questions))
    notices = _Notices(Path(corpus))
    lock = threading.Lock()
    state = {"sent": 0, "ok": 0, "errors": 0, "mismatches": 0, "unfinished": 0, "citations": 0, "abstained": 0}
    latencies: list[float] = []
    samples: list[str] = []
    t_start = time.monotonic()
    stop_at = t_start + seconds
    hard_deadline = stop_at + grace

    def worker(i: int) -> None:
        j = (i * 7) % len(qs)
        with httpx.Client(headers={"Connection": "keep-alive"}) as http:
            while time.monotonic() < stop_at:
                with lock:
                    if state["sent"] >= max_requests:
                        return
                    state["sent"] += 1
                q = qs[j % len(qs)]
                j += 1
                t0 = time.monotonic()
                try:
                    result = ask(http, base, q, hard_deadline)
                    dt = time.monotonic() - t0
                    problems = check_answer(result, notices)
                except _HardStop:
                    with lock:
                        state["unfinished"] += 1
                    return
                except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                    with lock:
                        state["errors"] += 1
                        if len(samples) < 5:
                            samples.append(f"{type(exc).__name__}: {exc} (question: {q[:40]})")
                    continue
                with lock:
                    latencies.append(dt)
                    state["citations"] += len(result.get("citations", []))
                    state["abstained"] += bool(result.get("abstained"))
                    if problems:
                        state["mismatches"] += 1
                        if len(samples) < 5:
                            samples.append("; ".join(problems[:3]) + f" (question: {q[:40]})")
                    else:
                        state["ok"] += 1

    log(f"负载测试：{clients} 个并发客户端，{seconds:.0f} 秒，目标 {base}/gradio_api/call/{API}")
    threads = [threading.Thread(target=worker, args=(i,), daemon=True, name=f"load-{i}") for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, hard_deadline + 5 - time.monotonic()))
    duration = time.monotonic() - t_start
    stuck = sum(t.is_alive() for t in threads)
    report = {
        "url": base, "endpoint": f"/{API}", "clients": clients, "seconds_planned": seconds, "grace_s": grace,
        "duration_s": round(duration, 2), "max_requests": max_requests,
        "requests": state["sent"], "completed": len(latencies), "ok": state["ok"], "errors": state["errors"],
        "quote_mismatches": state["mismatches"], "unfinished": state["unfinished"] + stuck,
        "citations_checked": state["citations"], "abstained": state["abstained"],
        "throughput_rps": round(len(latencies) / duration, 3) if duration else None,
        "latency_s": {name: (round(v, 3) if v is not None else None) for name, v in (
            ("min", min(latencies) if latencies else None), ("p50", percentile(latencies, 50)),
            ("p95", percentile(latencies, 95)), ("p99", percentile(latencies, 99)),
            ("max", max(latencies) if latencies else None),
            ("mean", sum(latencies) / len(latencies) if latencies else None))},
        "error_samples": samples,
    }
    lat = report["latency_s"]
    log(f"完成：{report['requests']} 个请求，用时 {report['duration_s']} 秒，成功 {report['ok']}，错误 {report['errors']}，"
        f"引文不符 {report['quote_mismatches']}，未完成 {report['unfinished']}；核对引文 {report['citations_checked']} 条")
    log(f"延迟（秒）：p50 {lat['p50']}，p95 {lat['p95']}，p99 {lat['p99']}，最大 {lat['max']}；"
        f"吞吐 {report['throughput_rps']} 个/秒")
    for s in samples:
        log(f"  例：{s}")
    return report


def passed(report: dict) -> bool:
    return report["errors"] == 0 and report["quote_mismatches"] == 0 and report["unfinished"] == 0 \
        and report["completed"] > 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="对运行中的网页界面做负载测试（/ask_json，逐条核对引文）。")
    ap.add_argument("--url", default="http://127.0.0.1:7860")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--max-requests", type=int, default=5000)
    ap.add_argument("--grace", type=float, default=10, help="停止发新请求后，最多再等多少秒")
    ap.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.jsonl")
    ap.add_argument("--corpus", type=Path, default=ROOT / "data" / "notices", help="服务器所用的通报目录")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "qa-load.json")
    ap.add_argument("--allow-remote", action="store_true", help="允许非本机地址（默认只测 127.0.0.1）")
    args = ap.parse_args(argv)
    try:
        report = run(args.url, args.clients, args.seconds, args.max_requests, args.grace, args.questions,
                     args.corpus, args.allow_remote)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"结果已写入 {args.out}")
    return 0 if passed(report) else 1


if __name__ == "__main__":
    sys.exit(main())
