"""``qa eval --report DIR``: a Markdown report and a PNG plot of Recall@k."""
from __future__ import annotations

import json
from pathlib import Path

NAMES = {"bm25": "BM25", "dense": "dense (向量)", "hybrid": "hybrid (混合)", "baseline": "naive baseline (朴素基线)"}


def _fmt(x: float) -> str:
    return f"{x:.3f}"


def to_markdown(result: dict) -> str:
    lines = [f"问题集：{result['questions_file']}（{result['questions']} 题："
             + "，".join(f"{k} {v}" for k, v in result["kinds"].items()) + "）", ""]
    lines += ["| retriever | R@1 | R@5 | R@10 | MRR@10 | nDCG@10 | median latency (ms) |",
              "|---|---|---|---|---|---|---|"]
    for name, r in result["retrievers"].items():
        o = r["overall"]
        lines.append(f"| {NAMES.get(name, name)} | {_fmt(o['R@1'])} | {_fmt(o['R@5'])} | {_fmt(o['R@10'])} | "
                     f"{_fmt(o['MRR@10'])} | {_fmt(o['nDCG@10'])} | {r['latency_ms']['median']:.1f} |")
    names = list(result["retrievers"])
    kinds = sorted({k for r in result["retrievers"].values() for k in r["per_kind"]})
    lines += ["", "Recall@5 / MRR@10 by question kind:", "",
              "| kind | n | " + " | ".join(NAMES.get(n, n) for n in names) + " |",
              "|---|---|" + "---|" * len(names)]
    for kind in kinds:
        n = next(r["per_kind"][kind]["n"] for r in result["retrievers"].values() if kind in r["per_kind"])
        cells = []
        for name in names:
            x = result["retrievers"][name]["per_kind"].get(kind)
            cells.append(f"{_fmt(x['R@5'])} / {_fmt(x['MRR@10'])}" if x else "—")
        lines.append(f"| {kind} | {n} | " + " | ".join(cells) + " |")
    bureaus = sorted({b for r in result["retrievers"].values() for b in r["per_bureau"]})
    lines += ["", "Recall@5 of gold items by bureau:", "",
              "| bureau | gold items | " + " | ".join(NAMES.get(n, n) for n in names) + " |",
              "|---|---|" + "---|" * len(names)]
    for b in bureaus:
        first = next(r["per_bureau"][b] for r in result["retrievers"].values() if b in r["per_bureau"])
        cells = [_fmt(result["retrievers"][n]["per_bureau"].get(b, {}).get("R@5", 0.0)) for n in names]
        lines.append(f"| {b} | {first['gold_items']} | " + " | ".join(cells) + " |")
    a = result.get("answers")
    if a:
        ab = a["abstention"]
        lines += ["", "Answers (`qa ask`):", "",
                  f"- quotes verbatim: {'yes, all' if a['quotes_verbatim'] else 'NO'} ({a['quotes_total']} quotes)",
                  f"- answerable questions whose gold passage is among the quoted ones: {a['gold_quoted_share']:.3f}"
                  f" (gold items quoted: {a['gold_items_quoted_share']:.3f})",
                  f"- abstention on the {ab['unanswerable']} unanswerable questions (min dense {ab['min_dense']}, "
                  f"min coverage {ab['min_coverage']}): precision {ab['precision']:.3f}, recall {ab['recall']:.3f}; "
                  f"missed abstentions {ab['missed_abstentions']}, false abstentions {ab['false_abstentions']}"
                  f" (calibration on this set selects min dense {ab['calibration']['selected']['min_dense']}, "
                  f"min coverage {ab['calibration']['selected']['min_coverage']})",
                  f"- quotes per answer: {a['quotes_per_answer']}",
                  f"- median `ask` latency: {a['latency_ms']['median']:.1f} ms"]
    if "precedents" in result:
        p = result["precedents"]
        lines += [f"- precedent recall (gold passages found by `qa precedents`, {p['questions']} questions): "
                  f"{p['recall']:.3f}; precision of the listed problems: {p['precision']:.3f} "
                  f"({p['items_per_question']} problems listed per question); bureaus found: {p['bureau_recall']:.3f}"]
    return "\n".join(lines) + "\n"


def plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    ks = list(range(1, 11))
    for name, r in result["retrievers"].items():
        ax1.plot(ks, r["recall_curve"], marker="o", label=NAMES.get(name, name).split(" (")[0])
    ax1.set(xlabel="k", ylabel="Recall@k", title="Recall@k by retriever", ylim=(0, 1), xticks=ks)
    ax1.grid(alpha=0.3)
    ax1.legend()
    main = "hybrid" if "hybrid" in result["retrievers"] else next(iter(result["retrievers"]))
    per_kind = _per_kind_curves(result, main)
    for kind, curve in per_kind.items():
        ax2.plot(ks, curve, marker=".", label=kind)
    ax2.set(xlabel="k", ylabel="Recall@k", title=f"Recall@k by question kind ({main})", ylim=(0, 1), xticks=ks)
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _per_kind_curves(result: dict, name: str) -> dict[str, list[float]]:
    from qa.evaluation.metrics import recall_at

    curves: dict[str, list[list[float]]] = {}
    for row in result["per_question"]:
        r = row["retrievers"].get(name)
        if r is None:
            continue
        curves.setdefault(row["kind"], []).append([recall_at(r["ranks"], k) for k in range(1, 11)])
    return {kind: [sum(c[i] for c in rows) / len(rows) for i in range(10)] for kind, rows in sorted(curves.items())}


def write_report(result: dict, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    plot(result, out_dir / "recall_at_k.png")
    md = "# Evaluation report\n\n" + to_markdown(result) + "\n![Recall@k](recall_at_k.png)\n"
    (out_dir / "report.md").write_text(md, encoding="utf-8")
    (out_dir / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
