"""The evaluation question set: loading and validation (``qa eval --check``).

Gold is a short verbatim quote, not a chunk id, so the set stays valid whatever the
chunking: a retrieved passage hits a gold item when it is from that document and its
span overlaps the quote's span.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

KINDS = ("fact", "measure", "precedent", "paraphrase", "meta", "compare", "en", "none")
LANGS = ("zh", "en")
FIELDS = ("id", "question", "lang", "kind", "gold", "answer")


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
        missing = [f for f in FIELDS if f not in obj]
        if missing:
            problems.append(f"{where}：缺少字段 {', '.join(missing)}")
        extra = sorted(set(obj) - set(FIELDS))
        if extra:
            problems.append(f"{where}：未知字段 {', '.join(extra)}")
        qid = obj.get("id")
        if not isinstance(qid, str) or not qid.strip():
            problems.append(f"{where}：id 应为非空字符串")
        elif qid in ids:
            problems.append(f"{where}：id {qid} 与第 {ids[qid]} 行重复")
        else:
            ids[qid] = lineno
        if "question" in obj and (not isinstance(obj["question"], str) or not obj["question"].strip()):
            problems.append(f"{where}：question 应为非空字符串")
        if "lang" in obj and obj["lang"] not in LANGS:
            problems.append(f"{where}：lang 应为 {'/'.join(LANGS)} 之一，而不是 {obj['lang']!r}")
        if "kind" in obj and obj["kind"] not in KINDS:
            problems.append(f"{where}：kind 应为 {'/'.join(KINDS)} 之一，而不是 {obj['kind']!r}")
        if "answer" in obj and not isinstance(obj["answer"], str):
            problems.append(f"{where}：answer 应为字符串")
        gold = obj.get("gold")
        if "gold" not in obj:
            continue
        if not isinstance(gold, list):
            problems.append(f"{where}：gold 应为列表")
            continue
        if obj.get("kind") == "none" and gold:
            problems.append(f"{where}：kind 为 none（无答案）的问题，gold 应为空列表")
        if obj.get("kind") in KINDS and obj.get("kind") != "none" and not gold:
            problems.append(f"{where}：gold 为空，但 kind 不是 none")
        for j, g in enumerate(gold, start=1):
            gw = f"{where} gold 第 {j} 项"
            if not isinstance(g, dict) or set(g) != {"doc", "quote"}:
                problems.append(f"{gw}：应为 {{\"doc\": …, \"quote\": …}}")
                continue
            doc, quote = g["doc"], g["quote"]
            if not isinstance(quote, str) or not quote.strip():
                problems.append(f"{gw}：quote 应为非空字符串")
                continue
            if doc not in texts:
                problems.append(f"{gw}：文档 {doc!r} 不在语料中（可用：{', '.join(sorted(texts))}）")
                continue
            count = texts[doc].count(quote)
            if count == 0:
                problems.append(f"{gw}：引文“{quote}”在 {doc} 中找不到（须与原文逐字一致）")
            elif count > 1:
                problems.append(f"{gw}：引文“{quote}”在 {doc} 中出现 {count} 次，请加长使其唯一")
    if n == 0:
        problems.append(f"{path.name} 中没有问题")
    return problems


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
        gold = []
        for g in obj["gold"]:
            start = texts[g["doc"]].index(g["quote"])
            gold.append(Gold(g["doc"], g["quote"], start, start + len(g["quote"])))
        out.append(Question(obj["id"], obj["question"], obj["lang"], obj["kind"], tuple(gold), obj["answer"]))
    return out
