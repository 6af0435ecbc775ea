"""The evaluation question set: loading and validation (``qa eval --check``).

Gold is a short verbatim quote, not a chunk id, so the set stays valid whatever the
chunking: a retrieved passage hits a gold item when it is from that document and its
span overlaps the quote's span.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

KINDS = ("fact", "measure", "next_steps", "precedent", "paraphrase", "meta", "compare", "none")
LANGS = ("zh", "en")
SPLITS = ("dev", "test")
FIELDS = ("id", "question", "lang", "kind", "gold", "answer", "split")
# optional: the problem a measure question is about (its gold must hold every measure
# item), how it is worded, the bureaus a comparison covers and those whose notice is
# silent on it, why an unanswerable question is unanswerable, and the question it restates
# in the other language or in other words (``variant_of``: same kind, gold and part); the
# batch a question was written in, when not the first (split among its own batch, so that
# questions added later move no earlier question between the parts)
OPTIONAL = ("problem", "wording", "bureaus", "silent", "reason", "variant_of", "batch")
WORDINGS = ("heading", "plain")
REASONS = ("figure", "name", "date", "bureau", "measure", "notice")


@dataclass(frozen=True)
class Gold:
    doc: str
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    lang: str
    kind: str
    gold: tuple[Gold, ...]
    answer: str
    split: str = "dev"
    problem: Gold | None = None
    wording: str | None = None
    bureaus: tuple[str, ...] = ()
    silent: tuple[str, ...] = ()
    reason: str | None = None
    variant_of: str | None = None
    batch: str | None = None

    @property
    def answerable(self) -> bool:
        return bool(self.gold)


def check_questions(path: Path, texts: dict[str, str]) -> list[str]:
    """Every problem in a question file, one message (in Chinese) per problem, each
    naming the line. ``texts`` maps corpus file names to their decoded text."""
    problems: list[str] = []
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return [f"文件不存在：{path}"]
    except UnicodeDecodeError as exc:
        return [f"{path.name} 不是 UTF-8 文本：{exc}"]
    ids: dict[str, int] = {}
    rows: list[tuple[str, dict]] = []
    n = 0
    for lineno, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        n += 1
        where = f"第 {lineno} 行"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}：不是有效的 JSON（{exc.msg}，第 {exc.colno} 列）")
            continue
        if not isinstance(obj, dict):
            problems.append(f"{where}：应为 JSON 对象")
            continue
        problems += _check_fields(obj, where, lineno, ids)
        problems += _check_optional(obj, where, texts)
        if "gold" in obj:
            problems += _check_gold(obj, where, texts)
        rows.append((where, obj))
    if n == 0:
        problems.append(f"{path.name} 中没有问题")
    return problems + _check_variants(rows)


def _check_variants(rows: list[tuple[str, dict]]) -> list[str]:
    """A variant restates a question of the set, in the other language or in other words:
    same kind, gold and part (a restatement of a development question in the test part
    would leak it)."""
    by_id = {obj.get("id"): obj for _, obj in rows}
    out = []
    for where, obj in rows:
        if "variant_of" not in obj:
            continue
        orig = by_id.get(obj["variant_of"])
        if orig is None or "variant_of" in orig:
            out.append(f"{where}：variant_of {obj['variant_of']!r} 不是问题集中的原始问题")
            continue
        for key in ("kind", "gold", "split", "problem", "bureaus", "silent", "reason", "batch"):
            if obj.get(key) != orig.get(key):
                out.append(f"{where}：变体的 {key} 须与原问题 {orig['id']} 相同")
        if obj.get("lang") == orig.get("lang") and _same_words(obj.get("question"), orig.get("question")):
            out.append(f"{where}：变体与原问题 {orig['id']} 措辞相同")
    return out


def _same_words(a, b) -> bool:
    """Whether two questions differ only in spaces and punctuation."""
    def norm(x):
        return "".join(ch for ch in str(x) if ch.isalnum()).lower()
    return norm(a) == norm(b)


def _check_fields(obj: dict, where: str, lineno: int, ids: dict[str, int]) -> list[str]:
    """The required fields and their values; records the line of a new ``id`` in ``ids``."""
    out = []
    missing = [f for f in FIELDS if f not in obj]
    if missing:
        out.append(f"{where}：缺少字段 {', '.join(missing)}")
    extra = sorted(set(obj) - set(FIELDS) - set(OPTIONAL))
    if extra:
        out.append(f"{where}：未知字段 {', '.join(extra)}")
    qid = obj.get("id")
    if not isinstance(qid, str) or not qid.strip():
        out.append(f"{where}：id 应为非空字符串")
    elif qid in ids:
        out.append(f"{where}：id {qid} 与第 {ids[qid]} 行重复")
    else:
        ids[qid] = lineno
    if "question" in obj and (not isinstance(obj["question"], str) or not obj["question"].strip()):
        out.append(f"{where}：question 应为非空字符串")
    if "lang" in obj and obj["lang"] not in LANGS:
        out.append(f"{where}：lang 应为 {'/'.join(LANGS)} 之一，而不是 {obj['lang']!r}")
    if "kind" in obj and obj["kind"] not in KINDS:
        out.append(f"{where}：kind 应为 {'/'.join(KINDS)} 之一，而不是 {obj['kind']!r}")
    if "answer" in obj and not isinstance(obj["answer"], str):
        out.append(f"{where}：answer 应为字符串")
    if "split" in obj and obj["split"] not in SPLITS:
        out.append(f"{where}：split 应为 {'/'.join(SPLITS)} 之一，而不是 {obj['split']!r}")
    return out


def _check_gold(obj: dict, where: str, texts: dict[str, str]) -> list[str]:
    """The ``gold`` list: its agreement with ``kind``, and each item a quote found exactly
    once in its document."""
    gold = obj["gold"]
    if not isinstance(gold, list):
        return [f"{where}：gold 应为列表"]
    out = []
    if obj.get("kind") == "none" and gold:
        out.append(f"{where}：kind 为 none（无答案）的问题，gold 应为空列表")
    if obj.get("kind") in KINDS and obj.get("kind") != "none" and not gold:
        out.append(f"{where}：gold 为空，但 kind 不是 none")
    for j, g in enumerate(gold, start=1):
        gw = f"{where} gold 第 {j} 项"
        if not isinstance(g, dict) or set(g) != {"doc", "quote"}:
            out.append(f"{gw}：应为 {{\"doc\": …, \"quote\": …}}")
            continue
        doc, quote = g["doc"], g["quote"]
        if not isinstance(quote, str) or not quote.strip():
            out.append(f"{gw}：quote 应为非空字符串")
            continue
        if doc not in texts:
            out.append(f"{gw}：文档 {doc!r} 不在语料中（可用：{', '.join(sorted(texts))}）")
            continue
        count = texts[doc].count(quote)
        if count == 0:
            out.append(f"{gw}：引文“{quote}”在 {doc} 中找不到（须与原文逐字一致）")
        elif count > 1:
            out.append(f"{gw}：引文“{quote}”在 {doc} 中出现 {count} 次，请加长使其唯一")
    return out


def _check_optional(obj: dict, where: str, texts: dict[str, str]) -> list[str]:
    out = []
    if obj.get("kind") == "measure" and "problem" not in obj:
        out.append(f"{where}：measure 问题须有 problem 字段（所问问题在通报中的原文）")
    if "problem" in obj:
        p = obj["problem"]
        if not isinstance(p, dict) or set(p) != {"doc", "quote"}:
            out.append(f"{where}：problem 应为 {{\"doc\": …, \"quote\": …}}")
        elif p["doc"] not in texts or texts[p["doc"]].count(p["quote"]) != 1:
            out.append(f"{where}：problem 的引文“{p['quote']}”须在 {p['doc']} 中恰好出现一次")
    if "wording" in obj and obj["wording"] not in WORDINGS:
        out.append(f"{where}：wording 应为 {'/'.join(WORDINGS)} 之一")
    if "batch" in obj and not (isinstance(obj["batch"], str) and obj["batch"].strip()):
        out.append(f"{where}：batch 应为非空字符串")
    if "reason" in obj and obj["reason"] not in REASONS:
        out.append(f"{where}：reason 应为 {'/'.join(REASONS)} 之一")
    for key in ("bureaus", "silent"):
        if key in obj and not (isinstance(obj[key], list) and all(isinstance(b, str) and b for b in obj[key])):
            out.append(f"{where}：{key} 应为单位名称的列表")
    if isinstance(obj.get("silent"), list) and isinstance(obj.get("bureaus"), list):
        if not set(obj["silent"]) <= set(obj["bureaus"]):
            out.append(f"{where}：silent 中的单位须都在 bureaus 中")
    return out


def _gold(texts: dict[str, str], g: dict) -> Gold:
    start = texts[g["doc"]].index(g["quote"])
    return Gold(g["doc"], g["quote"], start, start + len(g["quote"]))


def load_questions(path: Path, texts: dict[str, str]) -> list[Question]:
    """Load a question file that passes :func:`check_questions` (raises ValueError otherwise)."""
    problems = check_questions(path, texts)
    if problems:
        raise ValueError(f"问题集 {path} 有 {len(problems)} 处错误：\n" + "\n".join(problems[:20]))
    out = []
    for line in path.read_bytes().decode("utf-8-sig").splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        out.append(Question(obj["id"], obj["question"], obj["lang"], obj["kind"],
                            tuple(_gold(texts, g) for g in obj["gold"]), obj["answer"], obj["split"],
                            _gold(texts, obj["problem"]) if "problem" in obj else None, obj.get("wording"),
                            tuple(obj.get("bureaus", ())), tuple(obj.get("silent", ())), obj.get("reason"),
                            obj.get("variant_of"), obj.get("batch")))
    return out


# probe questions (eval/probes.jsonl): their parts were fixed before any answer was seen, by
# a hash of the id: the development part's answers were read and fixed, the test part's never
PROBE_BATCH = "probe"


def assign_splits(rows: list[dict], test_share: float = 0.4) -> dict[str, str]:
    """A held-out test part stratified by kind and notice: within each (batch, kind, first
    gold notice) group, questions ordered by a hash of their id, the first ceil(share × n)
    go to the test part. Deterministic: the split a question gets does not depend on its
    answers, and a question of a later batch moves no question of an earlier one. A
    variant (the same question in the other language) takes its original's part and moves
    nothing."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for r in rows:
        if "variant_of" in r:
            continue
        doc = r["gold"][0]["doc"] if r.get("gold") else (r.get("problem") or {}).get("doc", "")
        groups.setdefault((r.get("batch", ""), r["kind"], doc), []).append(r["id"])
    out = {}
    for ids in groups.values():
        ids = sorted(ids, key=lambda i: hashlib.sha256(i.encode()).hexdigest())
        n_test = math.ceil(test_share * len(ids))
        for j, qid in enumerate(ids):
            out[qid] = "test" if j < n_test else "dev"
    for r in rows:
        if "variant_of" in r:
            out[r["id"]] = out.get(r["variant_of"], "dev")
    return out


def misplaced(path: Path) -> list[str]:
    """Questions of a valid question file whose stored part is not the one
    :func:`assign_splits` gives (one message each): a question added by hand goes to the
    part its batch's hash says, so that nobody places it after seeing its answer. A
    question added later should name a new ``batch``."""
    rows = [json.loads(line) for line in path.read_bytes().decode("utf-8-sig").splitlines() if line.strip()]
    want = assign_splits(rows)
    return [f"{r['id']}：split 为 {r['split']}，按 batch × 类型 × 通报的分层划分应为 {want[r['id']]}"
            for r in rows if want[r["id"]] != r["split"] and r.get("batch") != PROBE_BATCH]


def incomplete_measures(questions: list[Question], problems: list) -> list[str]:
    """Measure questions whose gold misses a measure item of their problem (as the index
    extracted problem → measures, ``qa.ingest.problems``), one message each."""
    out = []
    for q in questions:
        if q.kind != "measure" or q.problem is None:
            continue
        p = next((p for p in problems if p.doc == q.problem.doc and p.start <= q.problem.start < p.end), None)
        if p is None:
            out.append(f"{q.id}：problem“{q.problem.quote}”不在索引提取的任何问题中")
            continue
        missed = [m for m in p.measures if not any(g.doc == p.doc and g.start < m.end and m.start < g.end
                                                   for g in q.gold)]
        if missed and len(q.gold) < len(p.measures):
            shown = "；".join(m.text[:24] for m in missed[:3])
            out.append(f"{q.id}：gold 缺少问题“{q.problem.quote}”的 {len(missed)} 项措施（{shown}…）")
    return out
