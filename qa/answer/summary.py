"""Optional model-written summary above the quotes (``qa ask --llm``).

Written by an OpenAI-compatible endpoint from the retrieved passages only, with the
prompt templates in ``prompts/``. Its output is checked like everything else: a
sentence whose citation marker names no supplied passage, or whose quoted words are
not verbatim in a supplied passage, is removed and reported. Without an endpoint, or
when it fails, times out or answers nonsense, the answer stays the extractive one with
a one-line note. Nothing here runs unless asked for.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qa.answer.result import Answer, Citation
from qa.answer.verify import QuoteError, check_quote
from qa.config import PROJECT_ROOT, LLMSettings
from qa.index.store import LoadedIndex

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam

PROMPTS = PROJECT_ROOT / "prompts"
MAX_REPLY_CHARS = 4000
_SENTENCE = re.compile(r"[^。！？!?\n]+(?:[。！？!?]+[”’」』]?|\n|$)")
_MARKER = re.compile(r"\[(\d{1,3})\]")
_QUOTED = re.compile(r"“([^”]{2,})”|「([^」]{2,})」|\"([^\"]{2,})\"")


@dataclass
class Summary:
    text: str | None
    removed: list[str] = field(default_factory=list)
    note: str | None = None


def load_prompt(name: str) -> str:
    return (PROMPTS / f"{name}.md").read_text(encoding="utf-8")


def build_messages(question: str, citations: list[Citation]) -> list[ChatCompletionMessageParam]:
    passages = "\n\n".join(f"[{c.n}] 单位：{c.bureau}\n章节：{' › '.join(c.section)}\n原文：{c.quote}"
                             for c in citations)
    user = load_prompt("summary_user").format(question=question, passages=passages)
    return [{"role": "system", "content": load_prompt("summary_system")}, {"role": "user", "content": user}]


def check_summary(reply: str, citations: list[Citation], index: LoadedIndex) -> tuple[str, list[str]]:
    """Keep the sentences whose markers and quotations are backed by supplied passages;
    returns (kept text, removed sentences with the reason)."""
    by_n = {c.n: c for c in citations}
    kept, removed = [], []
    for m in _SENTENCE.finditer(reply.strip()):
        sentence = m.group(0).strip()
        if not sentence:
            continue
        markers = [int(x) for x in _MARKER.findall(sentence)]
        bad = [n for n in markers if n not in by_n]
        if bad:
            removed.append(f"{sentence}（引用了不存在的材料编号 {bad}）")
            continue
        problem = None
        for q in _QUOTED.finditer(sentence):
            quoted = next(g for g in q.groups() if g)
            if not _backed(quoted, [by_n[n] for n in markers] or citations, index):
                problem = f"引号内文字“{quoted}”不是所给材料的原文"
                break
        if problem:
            removed.append(f"{sentence}（{problem}）")
            continue
        kept.append(sentence)
    return "".join(kept).strip(), removed


def _backed(quoted: str, cites: list[Citation], index: LoadedIndex) -> bool:
    """The quoted words occur in a supplied passage, and pass the verbatim check at the
    offsets they have there."""
    for c in cites:
        at = c.quote.find(quoted)
        if at >= 0:
            try:
                check_quote(index, c.doc, c.start + at, c.start + at + len(quoted), quoted)
                return True
            except QuoteError:
                return False
    return False


def summarize(answer: Answer, settings: LLMSettings, index: LoadedIndex) -> Summary:
    evidence = answer.evidence()
    if not settings.base_url or not settings.model:
        return Summary(None, note="未配置模型接口（llm.base_url / llm.model），只显示原文摘录。")
    if answer.abstained or not evidence:
        return Summary(None, note="未找到相关原文，不生成概述。")
    try:
        import openai

        client = openai.OpenAI(base_url=settings.base_url, api_key=settings.api_key or "not-needed",
                               timeout=settings.timeout, max_retries=0)
        resp = client.chat.completions.create(model=settings.model, messages=build_messages(answer.question, evidence),
                                              temperature=0)
        reply = resp.choices[0].message.content if resp.choices else None
    except Exception as exc:  # down, slow, refused, or a reply that is not a chat completion
        kind = "超时" if "timeout" in type(exc).__name__.lower() or "timed out" in str(exc).lower() else "出错"
        return Summary(None, note=f"模型接口{kind}（{type(exc).__name__}），只显示原文摘录。")
    if not isinstance(reply, str) or not reply.strip():
        return Summary(None, note="模型接口返回了空的或无法识别的内容，只显示原文摘录。")
    text, removed = check_summary(reply[:MAX_REPLY_CHARS], evidence, index)
    note = None
    if removed:
        note = f"概述中有 {len(removed)} 句未通过原文核对，已删除。"
    if not text:
        return Summary(None, removed, note or "模型概述没有可保留的内容，只显示原文摘录。")
    return Summary(text, removed, note)
