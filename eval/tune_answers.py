"""How the answer settings were chosen, on the development part of the question set only
(the test part is never read here):

- ``TOP_MARGIN``: how close the best problem section must rank (retrieval score plus its
  best sentence's) to the best section overall for a "how was it rectified" question to be
  answered with that problem's measures;
- ``BLOCK_MARGIN``: how close further problems must be to get a block of their own;
- ``EXTRA_MIN_RELATIVE_COVERAGE``: how well a further problem's statement must cover the
  question, relative to the first problem's, to get a block (same topic, not just alike);
- ``CROSS_BUREAU_MARGIN``: how close another bureau's best problem must be to get a block
  when the question names no bureau;
- ``ITEM_FOCUS_MIN``: how much of a next-steps question's topic words an item must cover
  for the answer to quote only the item(s) asked about (1.1: never);
- ``COMPARE_MIN_COVERAGE``: how much of the question a bureau's passages must cover for
  its row of a comparison to quote them rather than say 未提及;
- ``NAMED_COMPARE_MIN_COVERAGE``: the same for a comparison of the bureaus the question names;
- ``MARGIN``: how close to the best sentence another must score to be quoted too (answers
  built from passages);
- ``META_MARGIN``: how close the opening and closing paragraphs' best sentence must be to
  the best overall for a metadata question to be answered from them;
- ``COMPARE_QUOTES``: how many of a bureau's best sentences its row of a comparison quotes
  at most (each covering the question ``PICK_MIN_RELATIVE_COVERAGE`` as well as its best);
- ``COMPARE_PROBLEM_MIN``: how much of a comparison question asking what each bureau did
  a bureau's matching problem with its measures must cover to fill its row (else 未提及);
- ``UNSCOPED_BLOCK_MARGIN``, ``UNSCOPED_RELATIVE_COVERAGE``, ``UNSCOPED_CHUNKS``: for a
  question naming no bureau (what did any bureau do about …), how close a bureau's further
  problems must score and how well they must cover the question to get a block, and how
  many sections are retrieved;
- ``RELATED_PROBLEMS``, ``RELATED_MARGIN``, ``RELATED_MIN_COVERAGE``: for such a question,
  from how many further problems the measures holding one of the best sentences are quoted
  (without the problem's other measures), how close that sentence must be to the best and
  how much of the question the measure must cover;
- ``SIBLING_MARGIN``, ``SIBLING_MIN_RELATIVE_COVERAGE``: how close a sibling of the first
  problem (under the same parent heading) must rank, and how well its statement must cover
  the question relative to the first's, to get a block too;
- ``TOPIC_WEIGHT``: how much a named bureau's problem gains in rank by how much of the
  question its heading and statement cover;
- ``SENTENCE_WEIGHT``: how many times a named bureau's problem's best sentence counts in
  its rank (its section's retrieval score once);
- ``PICK_MIN_RELATIVE_COVERAGE``: how well each further quote of an answer built from
  passages must cover the question, relative to the best quoted one;
- ``FOCUSED_QUOTES``: how many sentences such an answer quotes at most when the question
  asks for a figure, date or name, or about one bureau;
- ``OVERALL_CHUNKS``: how many sections of the notices' overall and opening parts a
  figure question (and a comparison's row for one) also searches;
- the precedent finder's ``PER_BUREAU`` and ``MARGIN``: the best precision among the
  settings whose passage recall reaches 0.95 (the issue's bar).

    .venv/bin/python eval/tune_answers.py     # writes eval/tuning_answers.json and .md

Each value is varied alone against the others' current values; the score is completeness
plus quote precision on the questions of the kinds the setting is for; a setting moves
only when another value scores more than MIN_GAIN higher.
"""
from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

from qa.answer import blocks, compare, compose, context, metadata, passages, precedents
from qa.evaluation.answers import score_answers, score_precedents
from qa.evaluation.evaluate import corpus_texts
from qa.evaluation.questions import load_questions
from qa.service import Service

ROOT = Path(__file__).resolve().parent
GRID = (
    (blocks, "TOP_MARGIN", (0.02, 0.05, 0.1, 0.2), ("measure", "precedent", "fact", "next_steps")),
    (blocks, "BLOCK_MARGIN", (0.02, 0.05, 0.1, 0.2), ("measure", "precedent")),
    (blocks, "EXTRA_MIN_RELATIVE_COVERAGE", (0.0, 0.8, 1.0, 2.0), ("measure", "precedent")),
    (blocks, "CROSS_BUREAU_MARGIN", (0.1, 0.3, 0.5), ("measure", "precedent", "paraphrase", "fact")),
    (blocks, "ITEM_FOCUS_MIN", (0.2, 0.3, 0.4, 1.1), ("next_steps",)),
    (compare, "COMPARE_MIN_COVERAGE", (0.2, 0.3, 0.4, 0.5), ("compare",)),
    (compare, "NAMED_COMPARE_MIN_COVERAGE", (0.3, 0.4, 0.5), ("compare",)),
    (passages, "MARGIN", (0.02, 0.06), ("fact", "paraphrase", "meta")),
    (metadata, "META_MARGIN", (0.0, 0.1), ("meta",)),
    (compare, "COMPARE_PROBLEM_MIN", (0.0, 0.3, 0.4, 0.5, 0.65), ("compare",)),
    (compare, "COMPARE_QUOTES", (2, 3, 4), ("compare",)),
    (blocks, "SIBLING_MARGIN", (0.1, 0.15, 0.25, 0.35), ("measure",)),
    (blocks, "SIBLING_MIN_RELATIVE_COVERAGE", (0.3, 0.5, 0.7, 0.9), ("measure",)),
    (blocks, "TOPIC_WEIGHT", (0.0, 0.1, 0.3, 0.5), ("measure",)),
    (blocks, "SENTENCE_WEIGHT", (1.0, 3.0, 5.0, 8.0), ("measure",)),
    (blocks, "UNSCOPED_BLOCK_MARGIN", (0.02, 0.1, 0.3, 0.5), ("precedent",)),
    (blocks, "UNSCOPED_RELATIVE_COVERAGE", (0.0, 0.25, 0.5, 0.7), ("precedent",)),
    (blocks, "RELATED_PROBLEMS", (0, 2, 3, 4), ("precedent", "compare")),
    (blocks, "RELATED_MARGIN", (0.01, 0.02, 0.03), ("precedent", "compare")),
    (blocks, "RELATED_MIN_COVERAGE", (0.0, 0.2, 0.3, 0.4), ("precedent", "compare")),
    (compose, "UNSCOPED_CHUNKS", (6, 10, 15), ("precedent",)),
    (passages, "PICK_MIN_RELATIVE_COVERAGE", (0.0, 0.3, 0.5, 0.7), ("fact", "paraphrase", "compare")),
    (context, "OVERALL_CHUNKS", (0, 1, 2, 3), ("fact", "paraphrase", "compare")),
    (passages, "FOCUSED_QUOTES", (2, 3, 4, 6), ("fact", "paraphrase", "meta")),
)
MIN_GAIN = 0.005  # a setting moves only when the score gains more than this (one question in ~50 per kind)
PRECEDENT_PER_BUREAU = (4, 5, 6, 8)
PRECEDENT_MARGIN = (0.5, 0.6)
PRECEDENT_CANDIDATES = (40, 60, 100)
PRECEDENT_RECALL = 0.95


def _score(result: dict, kinds: tuple[str, ...]) -> dict:
    rows = {k: result["per_kind"][k] for k in kinds if k in result["per_kind"]}
    compl = [r["completeness"] for r in rows.values() if r["completeness"] is not None]
    prec = [r["quote_precision"] for r in rows.values() if r["quote_precision"] is not None]
    c, p = sum(compl) / len(compl), sum(prec) / len(prec)
    return {"completeness": round(c, 4), "quote_precision": round(p, 4), "score": round(c + p, 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--questions", type=Path, default=ROOT / "questions.jsonl")
    ap.add_argument("--out", type=Path, default=ROOT / "tuning_answers")
    args = ap.parse_args()
    service = Service.open(progress=False)
    questions = [q for q in load_questions(args.questions, corpus_texts(service)) if q.split == "dev"]
    out = {"questions": len(questions), "grid": []}
    for module, name, values, kinds in GRID:
        current = getattr(module, name)
        subset = [q for q in questions if q.kind in kinds]
        rows = []
        for v in values:
            setattr(module, name, v)
            rows.append({"value": v, **_score(score_answers(service, subset), kinds)})
            print(name, rows[-1], flush=True)
        best = max(rows, key=lambda r: (r["score"], -abs(r["value"] - current)))
        kept = next((r for r in rows if r["value"] == current), None)
        if kept is not None and best["score"] - kept["score"] <= MIN_GAIN:
            best = kept  # a difference within noise moves nothing
        setattr(module, name, best["value"])
        out["grid"].append({"setting": name, "kinds": kinds, "was": current, "selected": best["value"], "rows": rows})
    out["precedents"] = tune_precedents(service, [q for q in questions if q.kind == "precedent"])
    args.out.with_suffix(".json").write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    args.out.with_suffix(".md").write_text(to_markdown(out), encoding="utf-8")
    print(to_markdown(out))


def tune_precedents(service: Service, questions: list) -> dict:
    """The precedent finder's list length: of the settings whose passage recall reaches
    PRECEDENT_RECALL (the issue's bar), the one with the best precision (the shortest
    useful list); if none does, the best recall."""
    was = {"per_bureau": precedents.PER_BUREAU, "margin": precedents.MARGIN, "candidates": precedents.CANDIDATES}
    rows = []
    for candidates, per_bureau, margin in itertools.product(PRECEDENT_CANDIDATES, PRECEDENT_PER_BUREAU,
                                                            PRECEDENT_MARGIN):
        precedents.MARGIN, precedents.CANDIDATES = margin, candidates
        r = score_precedents(service, questions, per_bureau=per_bureau)
        rows.append({"candidates": candidates, "per_bureau": per_bureau, "margin": margin,
                     "recall": round(r["recall"], 4), "precision": round(r["precision"], 4),
                     "items": round(r["items_per_question"], 2)})
        print("precedents", rows[-1], flush=True)
    enough = [r for r in rows if r["recall"] >= PRECEDENT_RECALL]
    best = (max(enough, key=lambda r: (r["precision"], -r["items"])) if enough
            else max(rows, key=lambda r: (r["recall"], r["precision"])))
    precedents.MARGIN, precedents.CANDIDATES = best["margin"], best["candidates"]
    return {"was": was, "selected": {k: best[k] for k in ("candidates", "per_bureau", "margin")}, "rows": rows}


def to_markdown(out: dict) -> str:
    lines = [f"Answer settings, on the {out['questions']} development questions (completeness + quote precision "
             "on the kinds each setting is for):", ""]
    for g in out["grid"]:
        lines += [f"### {g['setting']} ({', '.join(g['kinds'])}): selected {g['selected']} (was {g['was']})", "",
                  "| value | completeness | quote precision | sum |", "|---|---|---|---|"]
        lines += [f"| {r['value']} | {r['completeness']:.3f} | {r['quote_precision']:.3f} | {r['score']:.3f} |"
                  for r in g["rows"]]
        lines.append("")
    if "precedents" in out:
        p = out["precedents"]
        sel = p["selected"]
        why = (f"the best precision with passage recall ≥ {PRECEDENT_RECALL}"
               if any(r["recall"] >= PRECEDENT_RECALL for r in p["rows"])
               else f"no setting reaches passage recall {PRECEDENT_RECALL}: the best recall")
        lines += [f"### Precedent finder (precedent): selected {sel['candidates']} candidates, {sel['per_bureau']} a "
                  f"bureau, margin {sel['margin']} ({why})", "",
                  "| candidates | a bureau | margin | passage recall | precision | problems listed |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {r['candidates']} | {r['per_bureau']} | {r['margin']} | {r['recall']:.3f} | {r['precision']:.3f} "
                  f"| {r['items']:.1f} |" for r in p["rows"]]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
