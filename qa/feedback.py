"""Feedback on answers: useful / not useful / the evidence is wrong, with an optional
comment, kept in a small SQLite file (``<data_dir>/feedback.sqlite3``) and exportable
as CSV.

    store = FeedbackStore.for_settings(engine.settings)
    store.add("useful", question="…", answer=answer.to_dict(), comment="…")
    export_csv(store.path, "feedback.csv")

Each call opens its own connection, so one store can be shared by the threads of a
web server; SQLite serialises the writes.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from qa.render.csv import feedback_csv

FILE_NAME = "feedback.sqlite3"
RATINGS = {"useful": "有用", "not_useful": "没用", "wrong_evidence": "证据有误"}
MAX_COMMENT = 2000
MAX_TEXT = 20000
CSV_COLUMNS = ("id", "created_at", "rating", "rating_label", "comment", "question", "asked",
               "abstained", "bureaus", "kinds", "citations", "answer")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,      -- ISO 8601, UTC
    rating TEXT NOT NULL,          -- useful | not_useful | wrong_evidence
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,        -- as the user typed it
    asked TEXT NOT NULL,           -- as sent to Service.ask (a follow-up resolved)
    abstained INTEGER,             -- 1 when the answer said nothing was found
    bureaus TEXT NOT NULL DEFAULT '[]',  -- filters, JSON lists
    kinds TEXT NOT NULL DEFAULT '[]',
    citations TEXT NOT NULL DEFAULT '[]',  -- JSON: [{n, doc, start, end, role, quote}]
    answer TEXT NOT NULL DEFAULT ''  -- the answer as plain text
)
"""


class FeedbackError(ValueError):
    """Invalid feedback (unknown rating); the message is meant for the user."""


class FeedbackStore:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._init_lock = threading.Lock()
        self._ready = False

    @classmethod
    def for_settings(cls, settings) -> FeedbackStore:
        """The store under the project's data folder (``settings.data_dir``)."""
        return cls(Path(settings.data_dir) / FILE_NAME)

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            with self._init_lock:
                if not self._ready:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    con = sqlite3.connect(self.path, timeout=30)
                    try:
                        con.execute("PRAGMA journal_mode=WAL")
                        con.execute(_SCHEMA)
                        con.commit()
                    finally:
                        con.close()
                    self._ready = True
        return sqlite3.connect(self.path, timeout=30)

    def add(self, rating: str, question: str, answer: dict | None = None, comment: str = "",
            asked: str | None = None, bureaus: list[str] | None = None,
            kinds: list[str] | None = None) -> int:
        """Record one piece of feedback; ``answer`` is ``Answer.to_dict()``. Returns its id."""
        if rating not in RATINGS:
            raise FeedbackError(f"未知的评价“{rating}”，可选：{'、'.join(RATINGS.values())}")
        answer = answer or {}
        cites = [{k: c.get(k) for k in ("n", "doc", "bureau", "start", "end", "role", "quote")}
                 for c in answer.get("citations", [])]
        row = (datetime.now(UTC).isoformat(timespec="seconds"), rating,
               (comment or "").strip()[:MAX_COMMENT], question or "", asked if asked is not None else question or "",
               None if "abstained" not in answer else int(bool(answer["abstained"])),
               json.dumps(list(bureaus or []), ensure_ascii=False), json.dumps(list(kinds or []), ensure_ascii=False),
               json.dumps(cites, ensure_ascii=False), str(answer.get("answer", ""))[:MAX_TEXT])
        con = self._connect()
        try:
            with con:
                cur = con.execute("INSERT INTO feedback (created_at, rating, comment, question, asked, abstained, "
                                  "bureaus, kinds, citations, answer) VALUES (?,?,?,?,?,?,?,?,?,?)", row)
            assert cur.lastrowid is not None  # set by the INSERT
            return int(cur.lastrowid)
        finally:
            con.close()

    def rows(self) -> list[dict]:
        """All feedback, oldest first."""
        if not self.path.exists():
            return []
        con = self._connect()
        try:
            con.row_factory = sqlite3.Row
            out = []
            for r in con.execute("SELECT * FROM feedback ORDER BY id"):
                d = dict(r)
                d["rating_label"] = RATINGS.get(d["rating"], d["rating"])
                out.append(d)
            return out
        finally:
            con.close()

    def count(self) -> int:
        return len(self.rows())


def export_csv(db_path: Path | str, out_path: Path | str) -> Path:
    """Write the feedback in ``db_path`` to ``out_path`` as UTF-8 CSV with a BOM (so that
    spreadsheet programs read the Chinese text correctly). Returns ``out_path``."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(feedback_csv(FeedbackStore(db_path).rows(), CSV_COLUMNS), encoding="utf-8-sig")
    return out
