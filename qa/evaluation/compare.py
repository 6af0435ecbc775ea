"""``qa eval --compare A.json B.json``: the questions that got better or worse."""
from __future__ import annotations

import json
from pathlib import Path


def load_run(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"文件不存在：{path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} 不是 qa eval --json 的输出：{exc}") from None
    if not isinstance(data, dict) or "per_question" not in data:
        raise ValueError(f"{path} 不是 qa eval --json 的输出（缺少 per_question）")
    return data


def _score(row: dict, name: str) -> tuple[float, float] | None:
    r = row.get("retrievers", {}).get(name)
    return (r["R@5"], r["MRR@10"]) if r else None


def compare_runs(a: dict, b: dict) -> str:
    """Per retriever present in both runs: overall change, then each question whose
    Recall@5 or MRR@10 changed (B relative to A)."""
    rows_a = {r["id"]: r for r in a["per_question"]}
    rows_b = {r["id"]: r for r in b["per_question"]}
    names = [n for n in b.get("retrievers", {}) if n in a.get("retrievers", {})]
    out = []
    for name in names:
        oa, ob = a["retrievers"][name]["overall"], b["retrievers"][name]["overall"]
        out.append(f"## {name}: R@5 {oa['R@5']:.3f} → {ob['R@5']:.3f}，MRR@10 {oa['MRR@10']:.3f} → {ob['MRR@10']:.3f}")
        better: list[str] = []
        worse: list[str] = []
        for qid in sorted(set(rows_a) & set(rows_b)):
            sa, sb = _score(rows_a[qid], name), _score(rows_b[qid], name)
            if sa is None or sb is None or sa == sb:
                continue
            line = (f"  {qid} [{rows_b[qid]['kind']}] R@5 {sa[0]:.2f}→{sb[0]:.2f} MRR {sa[1]:.2f}→{sb[1]:.2f}  "
                    f"{rows_b[qid]['question'][:40]}")
            (better if (sb[0] - sa[0]) + (sb[1] - sa[1]) > 0 else worse).append(line)
        out.append(f"变好 {len(better)} 题：")
        out += better or ["  （无）"]
        out.append(f"变差 {len(worse)} 题：")
        out += worse or ["  （无）"]
    out += _compare_answers(a, b, rows_a, rows_b)
    only = sorted(set(rows_a) ^ set(rows_b))
    if only:
        out.append(f"只在一次运行中出现的问题：{', '.join(only)}")
    return "\n".join(out) + "\n"


def _answer_score(row: dict) -> tuple | None:
    r = row.get("answer")
    if not r:
        return None
    precision = r["precise_quotes"] / r["quotes"] if r["quotes"] else None
    return r["completeness"], precision, r["abstained"]


def _compare_answers(a: dict, b: dict, rows_a: dict, rows_b: dict) -> list[str]:
    """Answers: overall change, then each question whose completeness, quote precision or
    abstention changed."""
    if not (a.get("answers") and b.get("answers")):
        return []
    oa, ob = a["answers"]["overall"], b["answers"]["overall"]
    fmt = lambda x: "—" if x is None else f"{x:.2f}"  # noqa: E731
    out = [f"## answers: completeness {fmt(oa['completeness'])} → {fmt(ob['completeness'])}，quote precision "
           f"{fmt(oa['quote_precision'])} → {fmt(ob['quote_precision'])}，abstained correctly "
           f"{oa['abstained_correctly']} → {ob['abstained_correctly']}，false abstentions "
           f"{oa['false_abstentions']} → {ob['false_abstentions']}"]
    better: list[str] = []
    worse: list[str] = []
    for qid in sorted(set(rows_a) & set(rows_b)):
        sa, sb = _answer_score(rows_a[qid]), _answer_score(rows_b[qid])
        if sa is None or sb is None or sa == sb:
            continue
        answerable = sa[0] is not None
        gain = ((sb[0] or 0) - (sa[0] or 0) + (sb[1] or 0) - (sa[1] or 0)) if answerable else 0.0
        if sa[2] != sb[2]:  # abstention changed: right for unanswerable questions, wrong otherwise
            gain += (-1 if sb[2] else 1) if answerable else (1 if sb[2] else -1)
        line = (f"  {qid} [{rows_b[qid]['kind']}] completeness {fmt(sa[0])}→{fmt(sb[0])} precision "
                f"{fmt(sa[1])}→{fmt(sb[1])} abstained {sa[2]}→{sb[2]}  {rows_b[qid]['question'][:40]}")
        if gain:
            (better if gain > 0 else worse).append(line)
    out.append(f"变好 {len(better)} 题：")
    out += better or ["  （无）"]
    out.append(f"变差 {len(worse)} 题：")
    out += worse or ["  （无）"]
    return out
