"""CSV: the precedent table (a row per measure) and the feedback export.

Spreadsheet programs read the Chinese text correctly when the file is written with a
BOM (``encoding="utf-8-sig"``); the callers do that.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.answer.precedents import PrecedentResult

PRECEDENT_COLUMNS = ("单位", "问题", "措施序号", "措施", "通报标题", "章节", "行", "文件", "起", "止")


def _table(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def precedents_csv(result: PrecedentResult, line_of: Callable[[str, int], int] | None = None) -> str:
    """A row per measure (a problem without measures: one row with its own span), with
    the notice's title and the measure's line (``line_of(doc, offset)``; without it, the
    problem's line)."""
    def rows():
        for b in result.bureaus:
            for item in b.items:
                measures = [(m.text, m.start, m.end) for m in item.measures] or [("", item.start, item.end)]
                for j, (text, start, end) in enumerate(measures, start=1):
                    yield [b.bureau, item.problem.text, j, text, item.title, " › ".join(item.section),
                           line_of(item.doc, start) if line_of else item.line, item.doc, start, end]
    return _table(PRECEDENT_COLUMNS, rows())


def feedback_csv(rows: Iterable[dict], columns: Sequence[str]) -> str:
    """Feedback rows (``FeedbackStore.rows()``) in ``columns``; JSON columns stay JSON."""
    return _table(columns, (["" if r.get(c) is None else r.get(c) for c in columns] for r in rows))
