"""How each retrieval choice was decided: chunk size, heading path in the embedded text,
fusion method and weights, measured on the development part of the question set (the
test part is never read here).

    .venv/bin/python eval/tune.py            # writes eval/tuning.json and eval/tuning.md

Index-time choices (chunk size x embedded prefix) are measured with the default query
pipeline; the query-time choices (fusion method and weights, glossary expansion, English
translation, bureau focus) on the index the first grid selects.
Each configuration builds its own index in a temporary folder; embeddings are cached
across configurations (and across runs, under index/cache).
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from qa.config import ChunkSettings, load_settings
from qa.evaluation.evaluate import evaluate
from qa.service import Service

ROOT = Path(__file__).resolve().parent
SIZES = (128, 256, 384, 512)
PREFIXES = ("none", "path", "bureau_path")
RRF_KS = (10, 30, 60, 100)
WEIGHTS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
# query-time features, each switched off (or on) alone against the defaults
ABLATIONS = (
    ("defaults", {}),
    ("no glossary expansion (expand=false)", {"expand": False}),
    ("glossary terms also embedded (expand_dense=true)", {"expand_dense": True}),
    ("no English translation (translate=false)", {"translate": False}),
    ("translation also embedded (translate_dense=true)", {"translate_dense": True}),
    ("no bureau focus (focus_bureaus=false)", {"focus_bureaus": False}),
)


def _key(r: dict, name: str = "hybrid") -> float:
    o = r["retrievers"][name]["overall"]
    return o["R@5"] + o["MRR@10"]


def _row(label: str, r: dict) -> dict:
    return {"config": label, **{name: {k: v for k, v in x["overall"].items() if k != "n"}
                                for name, x in r["retrievers"].items()},
            "chunks": r["counts"]["chunks"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--questions", type=Path, default=ROOT / "questions.jsonl")
    ap.add_argument("--out", type=Path, default=ROOT / "tuning")
    args = ap.parse_args()
    base = load_settings()
    shared_cache = base.index_dir / "cache"
    shared_cache.mkdir(parents=True, exist_ok=True)
    index_rows, best, best_score = [], None, -1.0
    with tempfile.TemporaryDirectory(prefix="qa-tune-") as tmp:
        for size in SIZES:
            for prefix in PREFIXES:
                idx = Path(tmp) / f"{size}-{prefix}"
                idx.mkdir()
                (idx / "cache").symlink_to(shared_cache.resolve())
                settings = base.model_copy(update={"index_dir": idx,
                                                   "chunk": ChunkSettings(max_tokens=size, embed_prefix=prefix)})
                t = time.time()
                engine = Service.open(settings, progress=False, log=lambda s: None)
                r = evaluate(engine, args.questions, baseline=False, answers=False, split="dev")
                row = _row(f"max_tokens={size}, prefix={prefix}", r)
                row["seconds"] = round(time.time() - t, 1)
                index_rows.append(row)
                print(json.dumps(row, ensure_ascii=False), flush=True)
                if _key(r) > best_score:
                    best, best_score = (size, prefix, engine), _key(r)
        size, prefix, engine = best
        fusion_rows = []
        for k in RRF_KS:
            engine.retriever.settings = base.retrieval.model_copy(update={"fusion": "rrf", "rrf_k": k})
            r = evaluate(engine, args.questions, retrievers=("hybrid",), baseline=False, answers=False, split="dev")
            fusion_rows.append(_row(f"rrf k={k}", r))
            print(json.dumps(fusion_rows[-1], ensure_ascii=False), flush=True)
        for w in WEIGHTS:
            engine.retriever.settings = base.retrieval.model_copy(update={"fusion": "convex", "dense_weight": w})
            r = evaluate(engine, args.questions, retrievers=("hybrid",), baseline=False, answers=False, split="dev")
            fusion_rows.append(_row(f"convex dense_weight={w}", r))
            print(json.dumps(fusion_rows[-1], ensure_ascii=False), flush=True)
        ablation_rows = []
        for label, change in ABLATIONS:
            engine.retriever.settings = base.retrieval.model_copy(update=change)
            r = evaluate(engine, args.questions, baseline=False, answers=False, split="dev")
            row = _row(label, r)
            row["per_kind"] = {k: {m: v[m] for m in ("R@5", "MRR@10")}
                               for k, v in r["retrievers"]["hybrid"]["per_kind"].items()}
            ablation_rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    r = base.retrieval
    fusion = f"convex, dense_weight={r.dense_weight}" if r.fusion == "convex" else f"RRF, k={r.rrf_k}"
    out = {"questions": str(args.questions), "index_fusion": fusion, "index_grid": index_rows, "fusion_grid": fusion_rows,
           "ablations": ablation_rows, "selected_index": {"max_tokens": size, "embed_prefix": prefix}}
    args.out.with_suffix(".json").write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    args.out.with_suffix(".md").write_text(to_markdown(out), encoding="utf-8")
    print(to_markdown(out))


def to_markdown(out: dict) -> str:
    def table(rows: list[dict], names: tuple[str, ...]) -> list[str]:
        head = "| configuration | " + " | ".join(f"{n} R@5 | {n} MRR@10" for n in names) + " |"
        lines = [head, "|" + "---|" * (1 + 2 * len(names))]
        for row in rows:
            cells = " | ".join(f"{row[n]['R@5']:.3f} | {row[n]['MRR@10']:.3f}" for n in names)
            lines.append(f"| {row['config']} | {cells} |")
        return lines

    lines = [f"### Chunk size and embedded heading path (fusion: {out.get('index_fusion', 'RRF, k=60')})", ""]
    lines += table(out["index_grid"], ("bm25", "dense", "hybrid"))
    lines += ["", "### Fusion (on the selected chunking: "
              f"max_tokens={out['selected_index']['max_tokens']}, prefix={out['selected_index']['embed_prefix']})", ""]
    lines += table(out["fusion_grid"], ("hybrid",))
    lines += ["", "### Query-time features, each changed alone against the defaults "
              "(hybrid; R@5 / MRR@10 overall, and for the kinds they are for)", "",
              "| configuration | R@5 | MRR@10 | en | precedent | paraphrase | measure | meta |", "|---|---|---|---|---|---|---|---|"]
    for row in out.get("ablations", []):
        pk = row["per_kind"]
        cells = " | ".join(f"{pk[k]['R@5']:.3f} / {pk[k]['MRR@10']:.3f}" if k in pk else "—"
                           for k in ("en", "precedent", "paraphrase", "measure", "meta"))
        lines.append(f"| {row['config']} | {row['hybrid']['R@5']:.3f} | {row['hybrid']['MRR@10']:.3f} | {cells} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
