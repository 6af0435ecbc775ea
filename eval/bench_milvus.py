"""The Milvus backend beside the local one: evaluation figures and benchmark.

    .venv/bin/python eval/bench_milvus.py eval     # retrieval figures, dev and test parts: local, Milvus (BM25), Milvus (sparse)
    .venv/bin/python eval/bench_milvus.py bench    # build and query latency at x1 and x100, local and Milvus Lite

Writes ``eval/bench/milvus_eval.json`` / ``milvus_bench.json`` and a Markdown table of
each beside them. Both start from a local build of the bundled notices (``--index``; built
if missing). Every backend answers the same questions with the same query vectors (each
question is embedded once, so the figures compare the backends, not the embedder); the
synthetic x100 corpus is ``eval/bench.py``'s. Milvus is Milvus Lite in a temporary folder
(``--uri`` for a server).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))

from bench import bench_queries, build_synthetic, machine, make_settings, new_notice_file, summary_ms  # noqa: E402

OUT = ROOT / "eval" / "bench"
NOTICES = ROOT / "data" / "notices"
QUESTIONS = ROOT / "eval" / "questions.jsonl"


def with_backend(settings, **index):
    return settings.model_copy(update={"index": settings.index.model_copy(update=index)})


def cache_queries(embedder) -> None:
    """Each query embedded once per process, whichever backend asks."""
    cache: dict[str, np.ndarray] = {}
    embed = embedder.embed_query

    def cached(text: str) -> np.ndarray:
        if text not in cache:
            cache[text] = embed(text)
        return cache[text]

    embedder.embed_query = cached


def open_services(settings, uri: str, embedder) -> dict:
    from qa.index.build import build_index
    from qa.service import Service

    quiet = {"progress": False, "log": lambda s: None}
    out = {"local": Service.open(settings, **quiet)}
    for name, lexical in (("milvus-bm25", "bm25"), ("milvus-sparse", "sparse")):
        s = with_backend(settings, backend="milvus", milvus_uri=uri, milvus_collection=name.replace("-", ""),
                         milvus_lexical=lexical)
        build_index(s, embedder, progress=False)
        out[name] = Service.open(s, auto_build=False, **quiet)
    return out


def run_eval(args, embedder) -> dict:
    from qa.evaluation.evaluate import evaluate

    settings = make_settings(NOTICES, args.index)
    services = open_services(settings, args.uri, embedder)
    result: dict = {"machine": machine(), "parts": {}}
    for split in ("dev", "test"):
        part = result["parts"][split] = {}
        for name, svc in services.items():
            r = evaluate(svc, QUESTIONS, baseline=False, answers=False, split=split)
            part[name] = {mode: {m: r["retrievers"][mode]["overall"][m] for m in ("R@1", "R@5", "R@10", "MRR@10")}
                          for mode in r["retrievers"]}
            print(split, name, part[name]["hybrid"], flush=True)
    return result


def eval_markdown(r: dict) -> str:
    lines = ["| part | backend | BM25 R@5 / MRR@10 | dense R@5 / MRR@10 | hybrid R@5 / MRR@10 | hybrid Δ R@5 / Δ MRR@10 vs local |",
             "|---|---|---|---|---|---|"]
    for split, part in r["parts"].items():
        base = part["local"]["hybrid"]
        for name, figs in part.items():
            cells = [f"{figs[m]['R@5']:.3f} / {figs[m]['MRR@10']:.3f}" for m in ("bm25", "dense", "hybrid")]
            d = f"{figs['hybrid']['R@5'] - base['R@5']:+.3f} / {figs['hybrid']['MRR@10'] - base['MRR@10']:+.3f}"
            lines.append(f"| {split} | {name} | " + " | ".join(cells) + f" | {d} |")
    return "\n".join(lines) + "\n"


def _latency(svc, queries: list[str], qvecs: list[np.ndarray]) -> dict:
    r = svc.retriever
    prepared = [r.prepare(q) for q in queries]
    for p, v in list(zip(prepared, qvecs))[:5]:  # warm-up
        r.search(p, k=10, mode="hybrid", qvec=v)
    out = {}
    for mode in ("bm25", "dense", "hybrid"):
        ts = []
        for p, v in zip(prepared, qvecs):
            t = time.perf_counter()
            r.search(p, k=10, mode=mode, qvec=v)
            ts.append(time.perf_counter() - t)
        out[mode] = summary_ms(ts)
    return out


def run_bench(args, embedder) -> dict:
    from qa.index.build import build_index
    from qa.index.layout import IndexLayout
    from qa.index.milvus.publish import publish
    from qa.service import Service

    quiet = {"progress": False, "log": lambda s: None}
    base = make_settings(NOTICES, args.index)
    Service.open(base, **quiet)  # the bundled build exists
    queries = bench_queries()[: args.queries]
    work = Path(tempfile.mkdtemp(prefix="qa-bench-milvus-"))
    (work / "cache").symlink_to(Path(args.index).resolve() / "cache")
    qvecs = [embedder.embed_query(base_q) for base_q in queries]  # warm: the same for both backends
    t = time.perf_counter()
    for q in queries[:50]:
        embedder.embed_query(q + " ")
    embed_ms = (time.perf_counter() - t) / 50 * 1000
    result: dict = {"machine": machine(), "queries": len(queries), "query_embedding_ms": embed_ms, "scales": {}}
    for scale in args.scales:
        root = work / f"x{scale}"
        root.mkdir()
        (root / "index").mkdir()
        (root / "index" / "cache").symlink_to(work / "cache")
        settings, info = build_synthetic(base, scale, root, embedder)
        uri = str(root / "milvus.db") if args.uri.endswith(".db") else args.uri
        ms = with_backend(settings, backend="milvus", milvus_uri=uri, milvus_collection=f"bench{scale}")
        build = IndexLayout(settings.index_dir).current()
        t = time.perf_counter()
        publish(ms, build, rebuild=True)
        publish_s = time.perf_counter() - t
        row: dict = {"chunks": info["chunks"], "notices": info["notices"], "local_write_s": info["write_s"],
                     "milvus_publish_s": publish_s}
        for name, s in (("local", settings), ("milvus", ms)):
            t = time.perf_counter()
            svc = Service.open(s, auto_build=False, **quiet)
            row[f"{name}_open_s"] = time.perf_counter() - t
            row[f"{name}_ms"] = _latency(svc, queries, qvecs)
            print(scale, name, row[f"{name}_ms"]["hybrid"], flush=True)
            del svc
        # adding one notice: the local build appends, Milvus is updated in place
        path = new_notice_file(settings.corpus_dir)
        t = time.perf_counter()
        rep = build_index(ms, embedder, progress=False)
        row["add_one_total_s"] = time.perf_counter() - t
        row["add_one_milvus_s"] = rep.timings.get("milvus")
        row["add_one_report"] = rep.published
        path.unlink()
        result["scales"][str(scale)] = row
        print(json.dumps({k: v for k, v in row.items() if not k.endswith("_ms")}, ensure_ascii=False), flush=True)
    return result


def bench_markdown(r: dict) -> str:
    lines = ["| scale | chunks | backend | write / publish (s) | open (s) | BM25 p50 / p95 | dense p50 / p95 | "
             "hybrid p50 / p95 | add one notice (s) |", "|---|---:|---|---:|---:|---|---|---|---:|"]
    for scale, row in r["scales"].items():
        for name in ("local", "milvus"):
            lat = row[f"{name}_ms"]
            cells = [f"{lat[m]['p50']:.1f} / {lat[m]['p95']:.1f}" for m in ("bm25", "dense", "hybrid")]
            build = row["local_write_s"] if name == "local" else row["milvus_publish_s"]
            add = "" if name == "local" else f"{row['add_one_milvus_s']:.2f}"
            lines.append(f"| ×{scale} | {row['chunks']:,} | {name} | {build:.1f} | {row[f'{name}_open_s']:.1f} | "
                         + " | ".join(cells) + f" | {add} |")
    return "\n".join(lines) + f"\n\nLatencies in ms without the query embedding ({r['query_embedding_ms']:.1f} ms a query, the same for both), {r['queries']} queries, k = 10.\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("eval", "bench"))
    ap.add_argument("--index", type=Path, default=ROOT / "index", help="the local index of the bundled notices")
    ap.add_argument("--uri", default=None, help="Milvus URI (default: Milvus Lite in a temporary folder)")
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    ap.add_argument("--queries", type=int, default=292)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    if args.uri is None:
        args.uri = str(Path(tempfile.mkdtemp(prefix="qa-milvus-")) / "milvus.db")
    from qa.index.embedders import get_embedder

    embedder = get_embedder(make_settings(NOTICES, args.index).embedder)
    cache_queries(embedder)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.what == "eval":
        result, md = run_eval(args, embedder), eval_markdown
    else:
        result, md = run_bench(args, embedder), bench_markdown
    (args.out / f"milvus_{args.what}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    (args.out / f"milvus_{args.what}.md").write_text(md(result), encoding="utf-8")
    print(md(result))


if __name__ == "__main__":
    main()
