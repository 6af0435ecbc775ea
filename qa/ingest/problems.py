"""Problem -> measures: the units a rectification notice is made of.

A *unit* is the lowest-level section that stands on its own: a problem with its
measures, or a paragraph of the overall-responsibility or next-steps parts. Notices
put the problem at different depths: 000/001 state it in a leaf heading and list the
measures as 一是…二是…; 003/004 state it in a heading whose numbered children are the
measures; 002 puts the measures under 整改落实情况： below a 针对“…”问题 heading.
Extracted once at index time and stored with the index.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from qa.ingest.structure import Section

PROBLEM_CUE = re.compile(r"问题|不到位|不足|欠缺|差距|不够|不严|短板|薄弱|不规范|不力|不明显|不牢|不畅|缺失|漏洞")
_MEASURE_PARENT_STYLES = {"shi", "guanyu", "zhendui"}


@dataclass(frozen=True)
class Span:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Problem:
    doc: str
    section: int  # index of the unit section
    path: tuple[str, ...]
    kind: str
    problem: Span  # the problem as the notice states it (its heading)
    measures: tuple[Span, ...]
    start: int
    end: int

    def to_dict(self) -> dict:
        d = asdict(self)
        d["path"] = list(self.path)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Problem:
        return cls(doc=d["doc"], section=d["section"], path=tuple(d["path"]), kind=d["kind"],
                   problem=Span(**d["problem"]), measures=tuple(Span(**m) for m in d["measures"]),
                   start=d["start"], end=d["end"])


def is_measure_parent(sec: Section, sections: list[Section]) -> bool:
    """A heading whose children are its measures (003, 004, 002's 整改落实情况)."""
    if not sec.children:
        return False
    kids = [sections[i] for i in sec.children]
    if any(k.children for k in kids):
        return False
    if all(k.style == "measures" for k in kids):
        return True
    if any(k.items for k in kids):
        return False
    return sec.style in _MEASURE_PARENT_STYLES or bool(PROBLEM_CUE.search(sec.heading))


def unit_sections(sections: list[Section]) -> list[int]:
    """Indices of unit sections, in document order: leaves not inside a measure parent,
    and measure parents."""
    units, absorbed = [], set()
    for sec in sections:
        if sec.idx in absorbed:
            continue
        if is_measure_parent(sec, sections):
            units.append(sec.idx)
            absorbed.update(sec.children)
        elif not sec.children:
            units.append(sec.idx)
    return units


def _span(text: str, start: int, end: int) -> Span:
    return Span(text[start:end], start, end)


def extract_problems(doc: str, text: str, sections: list[Section]) -> list[Problem]:
    """One record per unit in the problem and long-term parts of a notice."""
    out = []
    for idx in unit_sections(sections):
        sec = sections[idx]
        if sec.kind not in ("problem", "long_term"):
            continue
        heading = sec
        if sec.style == "measures" and sec.parent is not None:  # 关于… directly followed by 整改落实情况
            heading = sections[sec.parent]
        if sec.children:
            kids = [sections[i] for i in sec.children]
            if all(k.style == "measures" for k in kids):
                measures = [_span(text, *it) for k in kids for it in k.items] or [
                    _span(text, k.heading_end, k.own_end) for k in kids]
            else:
                measures = [_span(text, k.start, k.end) for k in kids]
        elif sec.items:
            measures = [_span(text, s, e) for s, e in sec.items]
        else:
            body = text[sec.heading_end:sec.own_end]
            lead = len(body) - len(body.lstrip(" \t\r\n\u3000。.：:"))
            measures = [_span(text, sec.heading_end + lead, sec.own_end)] if body.strip(" \t\r\n\u3000。.：:") else []
        measures = [m for m in measures if m.text.strip()]
        out.append(Problem(doc=doc, section=idx, path=sec.path, kind=sec.kind,
                           problem=_span(text, heading.start, heading.heading_end),
                           measures=tuple(measures), start=sec.start, end=sec.end))
    return out
