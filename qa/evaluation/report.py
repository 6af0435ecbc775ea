"""``qa eval --report DIR``: a Markdown report and a PNG plot of Recall@k."""
from __future__ import annotations

import json
from pathlib import Path

NAMES = {"bm25": "BM25", "dense": "dense (向量)", "hybrid": "hybrid (混合)", "baseline": "naive baseline (朴素基线)"}


def _fmt(x: float) -> str:
    return f"{x:.3f}"


def to_markdown(result: dict) -> str:
    lines = [f"问题集：{result['questions_file']}，{result.get('split', 'all')} 部分（{result['questions']} 题："
             + "，".join(f"{k} {v}" for k, v in result["kinds"].items()) + "）"]
    if result["retrievers"]:
        lines += retrieval_lines(result)
    lines += answer_lines(result)
    return "\n".join(lines) + "\n"


def retrieval_lines(result: dict) -> list[str]:
    lines = [""]
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
    return lines


def _opt(x: float | None) -> str:
    return "—" if x is None else _fmt(x)


def answer_lines(result: dict) -> list[str]:
    """The answer and precedent figures: per kind, then abstention and precedents."""
    lines: list[str] = []
    a = result.get("answers")
    if a:
        ab, o = a["abstention"], a["overall"]
        lines += ["", "Answers (`qa ask`), by question kind:", "",
                  "| kind | n | completeness | quote precision | quotes per answer | abstained (unanswerable) |"
                  " false abstentions |", "|---|---|---|---|---|---|---|"]
        for kind, r in list(a["per_kind"].items()) + [("**all**", o)] + [
                (f"lang {lang}", r) for lang, r in a.get("per_lang", {}).items()] + [
                (f"batch {b}", r) for b, r in a.get("per_batch", {}).items() if len(a["per_batch"]) > 1]:
            none = f"{r['abstained_correctly']} / {r['unanswerable']}" if r["unanswerable"] else "—"
            lines.append(f"| {kind} | {r['n']} | {_opt(r['completeness'])} | {_opt(r['quote_precision'])} | "
                         f"{r['quotes_per_answer'] if r['quotes_per_answer'] is not None else '—'} | {none} | "
                         f"{r['false_abstentions']} |")
        lines += ["", f"- quotes verbatim: {'yes, all' if a['quotes_verbatim'] else 'NO'}",
                  f"- abstention (min dense {ab['min_dense']}, min coverage {ab['min_coverage']}): precision "
                  f"{ab['precision']:.3f}, recall {ab['recall']:.3f} on {ab['unanswerable']} unanswerable questions; "
                  f"{ab['false_abstentions_per_100']} false abstentions per 100 answerable"
                  f" (calibration on this set would select min coverage {ab['calibration']['selected']['min_coverage']})",
                  f"- median `ask` latency: {a['latency_ms']['median']:.1f} ms"]
    if "precedents" in result:
        p = result["precedents"]
        lines += [f"- precedent finder ({p['questions']} questions): passage recall {p['recall']:.3f}, precision "
                  f"{p['precision']:.3f} ({p['items_per_question']} problems listed per question), bureau recall "
                  f"{p['bureau_recall']:.3f}"]
    return lines


def plot_completeness(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = {k: r for k, r in result["answers"]["per_kind"].items() if r["completeness"] is not None}
    fig, ax = plt.subplots(figsize=(8, 4))
    names = list(kinds)
    ax.bar(names, [kinds[k]["completeness"] for k in names], color="#3b82f6", label="completeness")
    ax.plot(names, [kinds[k]["quote_precision"] or 0 for k in names], "o", color="#f59e0b", label="quote precision")
    ax.axhline(0.9, color="#94a3b8", lw=1, ls="--")
    ax.set(ylim=(0, 1.05), ylabel="share", title="Answers by question kind")
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", labelrotation=30)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


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
    md = f"# Evaluation report ({result.get('split', 'all')} part)\n\n" + to_markdown(result)
    if result["retrievers"]:
        plot(result, out_dir / "recall_at_k.png")
        md += "\n![Recall@k](recall_at_k.png)\n"
    if result.get("answers"):
        plot_completeness(result, out_dir / "answers_by_kind.png")
        md += "\n![Answers by kind](answers_by_kind.png)\n"
    (out_dir / "report.md").write_text(md, encoding="utf-8")
    (out_dir / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
