"""What the web interface does, as plain functions over :class:`qa.service.Service` (the
API the CLI uses). No Gradio here: ``ui.app`` wires these to the widgets, and the tests
call them directly. User errors are :class:`qa.query.retrieval.QueryError` (Chinese message).
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from qa.answer.precedents import K_BUREAUS, PER_BUREAU
from qa.answer.result import Answer
from qa.feedback import RATINGS, FeedbackError, FeedbackStore, export_csv
from qa.query.followup import Exchange
from qa.query.retrieval import MODES, QueryError, check_query
from qa.render import html
from qa.render.csv import precedents_csv
from qa.render.markdown import precedents_markdown
from qa.service import Change, Service

RATING_BY_LABEL = {label: key for key, label in RATINGS.items()}
# the Chatbot's own feedback buttons: thumbs up / down, and a flag menu entry
LIKE_OPTIONS = ("Like", "Dislike", "证据有误")
MODE_LABELS = {"hybrid": "混合（向量 0.4 + BM25 0.6，归一化分数加权）", "dense": "仅向量", "bm25": "仅 BM25"}


@dataclass
class Turn:
    """One question of a chat and its answer (kept in the session state)."""
    question: str  # as typed
    asked: str  # as sent to Service.ask (a follow-up resolved against the previous question)
    bureaus: list[str] = field(default_factory=list)  # the filter as set by the user
    kinds: list[str] = field(default_factory=list)
    answer: Answer | None = None
    seconds: float = 0.0
    scope: list[str] = field(default_factory=list)  # bureaus a follow-up was limited to

    @property
    def followup(self) -> bool:
        return self.asked != self.question


def _clean(values) -> list[str]:
    return [v for v in (values or []) if isinstance(v, str) and v.strip()]


# ----------------------------------------------------------------------------- chat

def ask(service: Service, question: str, turns: list[Turn] | None, bureaus=None, kinds=None) -> list[Turn]:
    """Answer one chat question; returns the turns with the new one appended. The service
    resolves a follow-up against the conversation (qa.query.followup)."""
    turns = list(turns or [])
    q = check_query(question or "")
    bureaus, kinds = _clean(bureaus), _clean(kinds)
    history = [Exchange(t.asked, tuple(t.scope)) for t in turns]
    t0 = time.perf_counter()
    answer = service.ask(q, bureaus=bureaus or None, kinds=kinds or None, history=history)
    turns.append(Turn(q, answer.asked, bureaus, kinds, answer, time.perf_counter() - t0, list(answer.scope)))
    return turns


def chat_messages(turns: list[Turn] | None, pending: str | None = None) -> list[dict]:
    """The Chatbot value: a user and an assistant message per turn (so the message index
    // 2 is the turn index); ``pending`` adds the question being answered, with a busy note."""
    msgs: list[dict] = []
    for t in turns or []:
        assert t.answer is not None  # a turn is stored with its answer (ask)
        msgs.append({"role": "user", "content": html.user_html(t.question)})
        msgs.append({"role": "assistant", "content": html.answer_html(t.answer, t.question, t.scope)})
    if pending is not None:
        msgs.append({"role": "user", "content": html.user_html(pending)})
        msgs.append({"role": "assistant", "content": html.busy()})
    return msgs


def turn_of_message(index) -> int:
    """Turn index of a Chatbot message index (an int, or a (row, col) pair)."""
    if isinstance(index, (list, tuple)):
        index = index[0]
    return int(index) // 2


def sources(service: Service, turns: list[Turn] | None, index: int | None = None) -> str:
    """The sources panel for one turn (default: the latest)."""
    turns = turns or []
    if not turns:
        return html.sources_placeholder()
    i = len(turns) - 1 if index is None else max(0, min(int(index), len(turns) - 1))
    t = turns[i]
    assert t.answer is not None  # a turn is stored with its answer (ask)
    return html.sources_html(t.answer, service.notice, f"来源 · 第 {i + 1} 问：{t.question}")


def feedback_choices(turns: list[Turn] | None) -> list[tuple[str, int]]:
    out = []
    for i, t in enumerate(turns or []):
        q = t.question if len(t.question) <= 24 else t.question[:24] + "…"
        out.append((f"第 {i + 1} 问：{q}", i))
    return out


def submit_feedback(store: FeedbackStore, turns: list[Turn] | None, index, rating: str, comment: str = "") -> str:
    """Store feedback on turn ``index``; ``rating`` is a key (useful …) or its label (有用 …).
    Returns a status line for the user."""
    turns = turns or []
    if not turns:
        raise FeedbackError("还没有可以评价的回答")
    if index is None or index == "":
        index = len(turns) - 1
    i = int(index)
    if not 0 <= i < len(turns):
        raise FeedbackError("请选择要评价的回答")
    key = RATING_BY_LABEL.get(rating, rating)
    if key not in RATINGS:
        raise FeedbackError("请选择评价：有用 / 没用 / 证据有误")
    t = turns[i]
    assert t.answer is not None  # a turn is stored with its answer (ask)
    fid = store.add(key, question=t.question, asked=t.asked, answer=t.answer.to_dict(), comment=comment or "",
                    bureaus=t.bureaus or t.scope, kinds=t.kinds)
    return f"已记录对第 {i + 1} 问的反馈“{RATINGS[key]}”（编号 {fid}），谢谢！"


def like_feedback(store: FeedbackStore, turns: list[Turn] | None, message_index, liked, comment: str = "") -> str:
    """The Chatbot's own buttons (👍 / 👎 / 证据有误) on an answer."""
    if liked is True or liked == "Like":
        rating = "useful"
    elif liked is False or liked == "Dislike":
        rating = "not_useful"
    elif liked == "证据有误":
        rating = "wrong_evidence"
    else:
        return "已取消评价（已记录的反馈保留）。"
    return submit_feedback(store, turns, turn_of_message(message_index), rating, comment)


def export_feedback(store: FeedbackStore, out_dir: Path) -> str:
    """Write all feedback as CSV; returns the file path."""
    out = Path(out_dir) / f"feedback-{datetime.now():%Y%m%d-%H%M%S}.csv"
    return str(export_csv(store.path, out))


# ----------------------------------------------------------------------- precedents

def precedents(service: Service, problem: str, k_bureaus: int = K_BUREAUS, per_bureau: int = PER_BUREAU,
               out_dir: Path | None = None) -> tuple[str, str | None, str | None]:
    """Precedent search: (HTML, CSV path, Markdown path); the files are written to
    ``out_dir`` only when something was found."""
    result = service.precedents(problem, k_bureaus=int(k_bureaus), per_bureau=int(per_bureau))
    page = html.precedents_html(result, lambda doc, off: service.notice(doc).line_of(off))
    if not result.bureaus:
        return page, None, None
    out_dir = Path(out_dir or tempfile.mkdtemp(prefix="qa-exports-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = f"{datetime.now():%Y%m%d-%H%M%S-%f}"
    csv_path = out_dir / f"precedents-{stamp}.csv"
    md_path = out_dir / f"precedents-{stamp}.md"
    csv_path.write_text(precedents_csv(result, lambda d, o: service.index.notices[d].line_of(o)), encoding="utf-8-sig")
    md_path.write_text(precedents_markdown(result), encoding="utf-8")
    return page, str(csv_path), str(md_path)


# ------------------------------------------------------------------ retrieval test

def retrieval_test(service: Service, query: str, k: int = 10, mode: str = "hybrid", bureaus=None,
                   kinds=None) -> str:
    """Ranked chunks with fused, BM25 and dense scores (for tuning)."""
    if mode not in MODES:
        raise QueryError(f"未知的检索方式“{mode}”，可选：{'、'.join(MODES)}")
    q = check_query(query or "")
    t0 = time.perf_counter()
    hits = service.search(q, k=int(k), mode=mode, bureaus=_clean(bureaus) or None, kinds=_clean(kinds) or None)
    took = time.perf_counter() - t0
    st = service.settings
    r = st.retrieval
    fusion = f"RRF（k={r.rrf_k}）" if r.fusion == "rrf" else f"凸组合（向量权重 {r.dense_weight}）"
    extras = [label for flag, label in (("expand", "术语扩展"), ("translate", "英文问题翻译"))
              if getattr(r, flag, False)]
    line = (f"检索方式：{MODE_LABELS.get(mode, mode)} · 融合：{fusion} · 每路候选 {r.candidates} · "
            f"嵌入模型 {service.embedder.id} · 分块上限 {st.chunk.max_tokens} token"
            + (f" · 查询处理：{'、'.join(extras)}" if extras else ""))
    return html.hits_html(hits, q, mode, line, lambda doc, off: service.notice(doc).line_of(off), took)


# --------------------------------------------------------------------------- notices

def notices_overview(service: Service) -> str:
    return html.notices_table_html(service.notice_list(), service.rejected())


def notice_choices(service: Service) -> list[tuple[str, str]]:
    return [(f"{r['bureau']} — {r['doc']}", r["doc"]) for r in service.notice_list()]


def notice_view(service: Service, doc: str | None) -> str:
    if not doc:
        return html.message("选择一份通报查看全文与章节结构。", "empty")
    return html.notice_html(service.notice(doc))


# ------------------------------------------------------ adding and removing notices

def upload_label() -> str:
    from qa.manage import accepted_types, size_limit

    return f"上传通报（可多选，可拖放到此处；类型：{accepted_types()}；单个文件不超过 {size_limit()}）"


def _upload_path(f) -> Path:
    """An uploaded file as Gradio hands it over (a path, or an object with one)."""
    return Path(getattr(f, "path", None) or getattr(f, "name", None) or f)


def change_html(change: Change) -> str:
    lines = [(f.ok, f.line()) for f in change.files]
    rest = change.lines()[len(change.files):]  # the removal and the index's state
    return html.change_html(lines + [(True, line) for line in rest])


def add_notices(service: Service, files, progress: bool = False) -> str:
    """Add uploaded files to the corpus and the index: a result line per file."""
    paths = [_upload_path(f) for f in (files if isinstance(files, (list, tuple)) else [files] if files else [])]
    if not paths:
        raise QueryError("请先选择或拖入要上传的通报文件")
    return change_html(service.add(paths, progress=progress))


def remove_choices(service: Service) -> list[tuple[str, str]]:
    """Every notice file of the corpus (indexed or not), for the remove dropdown."""
    return [(f"{bureau} — {doc}", doc) for doc, bureau in service.corpus_files()]


def confirm_remove(service: Service, doc: str | None) -> str:
    """The question asked before a notice is removed."""
    if not doc:
        raise QueryError("请先选择要删除的通报")
    bureau = dict(service.corpus_files()).get(doc)
    if bureau is None:
        raise QueryError(f"通报目录中没有 {doc}")
    return f"确认删除“{doc}”（{bureau}）？文件将从通报目录和索引中移除，不能撤销。"


def remove_notice(service: Service, doc: str | None) -> str:
    if not doc:
        raise QueryError("请先选择要删除的通报")
    return change_html(service.remove(doc))


# ------------------------------------------------------------------------------ API

def ask_json(service: Service, question: str, bureaus=None, kinds=None) -> dict:
    """``Answer.to_dict()`` for one question (the JSON API and the load test)."""
    return service.ask(check_query(question or ""), bureaus=_clean(bureaus) or None,
                       kinds=_clean(kinds) or None).to_dict()
