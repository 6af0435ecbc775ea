"""The heading grammar of rectification notices: source text -> a tree of sections.

Every section has exact offsets into the decoded text. Own spans
(``start``..``own_end``: the heading and the text before the first child) partition
the notice: every non-blank character lies in exactly one own span. Conversion
artefacts count as blank.

Heading styles and their depth are not fixed: the depth of a style is the order in
which it first appears under its parent (a stack of styles, as outline parsers do),
so notices that number their parts ``一、`` or ``1、``, skip a level or restart the
numbering still parse into a sensible tree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.ingest.source import blank_artefacts

CN_NUM = "一二三四五六七八九十百零"
_CN_VALUES = {ch: i for i, ch in enumerate("零一二三四五六七八九", start=0)}

# style name -> pattern matched at the start of a stripped line.
HEADING_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cn_dun", re.compile(rf"^[{CN_NUM}]{{1,3}}、")),
    ("num_dun", re.compile(r"^\d{1,2}、")),
    ("cn_paren", re.compile(rf"^[（(][{CN_NUM}]{{1,3}}[）)]")),
    ("num_dot", re.compile(r"^\d{1,2}[.．](?!\d)")),
    ("num_paren", re.compile(r"^[（(]\d{1,3}[）)]")),
    ("guanyu", re.compile(r"^关于[“\"].{2,200}[”\"]问题[。.]?$")),
    ("zhendui", re.compile(r"^针对[“\"].{2,400}[”\"]问题[。.]?$")),
    ("measures", re.compile(r"^整改落实情况[：:]")),
)
_NUMBERED = ("cn_dun", "num_dun", "cn_paren", "num_dot", "num_paren")  # the styles that number a heading
# "一是…" at a line start is a measure item, except a short line directly followed by
# numbered items (003: 一是巡察整改主体责任扛得不牢。 then (1)(2)…): then it is a heading.
SHI_RE = re.compile(rf"^([{CN_NUM}]{{1,3}})是")
SHI_HEADING_MAX = 40
FIRST_ITEM_RE = re.compile(r"^([（(]1[）)]|1[.．](?!\d)|[（(]一[）)])")
ITEM_RE = re.compile(rf"(?:^|(?<=[。；;：:！？\n]))[ \t\u3000]*([{CN_NUM}]{{1,3}})是")
NEXT_STEPS_RE = re.compile(r"^下一步[，,]")
CLOSING_RE = re.compile(r"^(欢迎(广大|社会各界)|如有意见建议)")
SIGNATURE_RE = re.compile(r"^中共.{2,40}委员会$")
HEADING_MAX = 80

KINDS = ("preamble", "overall", "problem", "long_term", "next_steps", "closing", "other")
KIND_LABELS = {
    "preamble": "开篇",
    "overall": "整改主体责任",
    "problem": "问题整改",
    "long_term": "需长期整改事项",
    "next_steps": "下一步工作打算",
    "closing": "公开与联系方式",
    "other": "其他",
}
_KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("long_term", re.compile(r"长期整改|需长期")),
    ("next_steps", re.compile(r"下一步|今后|打算|巩固成果")),
    ("overall", re.compile(r"主体责任|高度重视|基本情况|总体情况|组织领导")),
    ("problem", re.compile(r"问题|反馈|整改落实|整改情况|整改进展")),
)


@dataclass
class Section:
    idx: int
    parent: int | None
    level: int
    style: str
    heading: str
    kind: str
    start: int
    heading_end: int
    own_end: int
    end: int
    children: list[int] = field(default_factory=list)
    items: list[tuple[int, int]] = field(default_factory=list)
    path: tuple[str, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def to_dict(self) -> dict:
        return {
            "idx": self.idx, "parent": self.parent, "level": self.level, "style": self.style,
            "heading": self.heading, "kind": self.kind, "start": self.start,
            "heading_end": self.heading_end, "own_end": self.own_end, "end": self.end,
            "children": self.children, "items": [list(i) for i in self.items], "path": list(self.path),
        }

    @classmethod
    def from_dict(cls, d: dict) -> Section:
        return cls(
            idx=d["idx"], parent=d["parent"], level=d["level"], style=d["style"], heading=d["heading"],
            kind=d["kind"], start=d["start"], heading_end=d["heading_end"], own_end=d["own_end"],
            end=d["end"], children=list(d["children"]), items=[tuple(i) for i in d["items"]],
            path=tuple(d["path"]),
        )


@dataclass
class _Line:
    start: int  # first non-blank character
    end: int  # after the last non-blank character
    text: str  # text[start:end]


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            start = pos + lead
            out.append(_Line(start, start + len(stripped), stripped))
        pos += len(raw)
    return out


def _heading_style(lines: list[_Line], i: int) -> str | None:
    line = lines[i].text
    for style, pattern in HEADING_PATTERNS:
        if pattern.match(line):
            return style
    if SHI_RE.match(line) and len(line) <= SHI_HEADING_MAX and "。" not in line.rstrip("。"):
        nxt = lines[i + 1].text if i + 1 < len(lines) else ""
        if FIRST_ITEM_RE.match(nxt):
            return "shi"
    return None


def _heading_end(line: _Line, style: str) -> int:
    """Offset where the heading ends: a heading followed by body text on the same line
    ends at its first full stop (or colon for 整改落实情况：)."""
    if style == "measures":
        return line.start + len("整改落实情况")
    if style in ("guanyu", "zhendui"):  # the whole line states the problem
        return line.end - (1 if line.text.endswith(("。", ".")) else 0)
    text = line.text
    stop = text.find("。")
    if 0 < stop <= HEADING_MAX and stop < len(text) - 1:
        return line.start + stop
    return line.end - (1 if text.endswith(("。", ".")) else 0)


def _kind_of(heading: str) -> str:
    for kind, pattern in _KIND_RULES:
        if pattern.search(heading):
            return kind
    return "other"


def parse_sections(text: str) -> list[Section]:
    """Parse a notice into sections (in document order; ``parent`` links form the tree)."""
    blanked = blank_artefacts(text)
    lines = _lines(blanked)
    if not lines:
        return []
    # (line index, style, level-forcing flag) of every section start
    starts: list[tuple[int, str]] = []
    for i in range(len(lines)):
        style = _heading_style(lines, i)
        if style:
            starts.append((i, style))
    starts = _synthetic_starts(lines, starts)

    sections: list[Section] = []
    stack: list[tuple[str, int]] = []  # (style, section idx)
    for i, style in starts:
        line = lines[i]
        if style in ("preamble", "next_steps_para", "closing"):
            stack.clear()
        else:
            styles = [s for s, _ in stack]
            if style in styles:
                del stack[styles.index(style):]
        parent = stack[-1][1] if stack else None
        level = len(stack) + 1
        if style == "preamble":
            heading, h_end = "〔开篇〕", line.start
        elif style == "next_steps_para":
            heading, h_end = "〔下一步工作打算〕", line.start
        elif style == "closing":
            heading, h_end = "〔公开与联系方式〕", line.start
        else:
            h_end = _heading_end(line, style)
            heading = text[line.start:h_end].strip()
        sec = Section(idx=len(sections), parent=parent, level=level, style=style, heading=heading,
                      kind="other", start=line.start, heading_end=h_end, own_end=0, end=0)
        sections.append(sec)
        if parent is not None:
            sections[parent].children.append(sec.idx)
        if style not in ("preamble", "next_steps_para", "closing"):
            stack.append((style, sec.idx))
        elif style == "next_steps_para":
            stack.append((style, sec.idx))

    _set_spans(sections, blanked)
    _set_kinds_and_paths(sections)
    for sec in sections:
        sec.items = _items(blanked, sec)
    return sections


def _synthetic_starts(lines: list[_Line], starts: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Add the sections the text implies without numbering: the preamble before the first
    heading, a trailing 下一步… paragraph, and the closing (contact, signature, date)."""
    out = list(starts)
    heading_lines = {i for i, _ in starts}
    # closing: the invitation to comment, or else a signature line near the end
    closing = None
    for i, line in enumerate(lines):
        if CLOSING_RE.match(line.text) and i >= len(lines) // 2 and i not in heading_lines:
            closing = i
            break
    if closing is None:
        for i in range(max(0, len(lines) - 4), len(lines)):
            if SIGNATURE_RE.match(lines[i].text) and i not in heading_lines and i > 0:
                closing = i
                break
    if closing is not None:
        out = [s for s in out if s[0] < closing] + [(closing, "closing")]
    # trailing 下一步 paragraph after the last top-level section, if no heading says so
    last_content = closing if closing is not None else len(lines)
    top_styles = {out[0][1]} if out else set()
    last_top = max((i for i, s in out if s in top_styles), default=-1)
    for i in range(last_top + 1, last_content):
        if NEXT_STEPS_RE.match(lines[i].text) and i not in heading_lines:
            if not any(s != "closing" and i2 > i for i2, s in out):
                out.append((i, "next_steps_para"))
            break
    out.sort()
    first = out[0][0] if out else len(lines)
    if first > 0:
        out.insert(0, (0, "preamble"))
    return out


def _trim_end(blanked: str, start: int, end: int) -> int:
    while end > start and blanked[end - 1].isspace():
        end -= 1
    return end


def _set_spans(sections: list[Section], blanked: str) -> None:
    n = len(blanked)
    for k, sec in enumerate(sections):
        nxt = sections[k + 1].start if k + 1 < len(sections) else n
        sec.own_end = _trim_end(blanked, sec.start, nxt)
        end = n
        for later in sections[k + 1:]:
            if later.level <= sec.level:
                end = later.start
                break
        sec.end = _trim_end(blanked, sec.start, end)
        sec.heading_end = min(sec.heading_end, sec.own_end)


def _set_kinds_and_paths(sections: list[Section]) -> None:
    for sec in sections:
        if sec.parent is None:
            if sec.style == "preamble":
                sec.kind = "preamble"
            elif sec.style == "closing":
                sec.kind = "closing"
            elif sec.style == "next_steps_para":
                sec.kind = "next_steps"
            else:
                sec.kind = _kind_of(sec.heading)
            sec.path = (sec.heading,)
        else:
            parent = sections[sec.parent]
            sec.kind = parent.kind
            sec.path = parent.path + (sec.heading,)


def strip_label(heading: str) -> str:
    """A heading without its numbering label (（12）规范办案程序 -> 规范办案程序)."""
    h = heading.strip()
    for name, pattern in HEADING_PATTERNS:
        m = pattern.match(h) if name in _NUMBERED else None
        if m:
            return h[m.end():].strip()
    return h


def cn_ordinal(s: str) -> int:
    """Value of a small Chinese numeral (一 … 九十九)."""
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_VALUES.get(s[1:], 0)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return _CN_VALUES.get(tens, 0) * 10 + (_CN_VALUES.get(ones, 0) if ones else 0)
    return _CN_VALUES.get(s, 0)


def _items(blanked: str, sec: Section) -> list[tuple[int, int]]:
    """一是…二是… measure items in a section's own text (after the heading), as spans.
    Markers must count up from 一 so that words like 就是 or a stray 三是 are not items."""
    body_start, body_end = sec.heading_end, sec.own_end
    if sec.style == "shi":  # the heading itself is an 一是 marker
        body_start = sec.heading_end
    markers: list[int] = []
    expected = 1
    for m in ITEM_RE.finditer(blanked, body_start, body_end):
        value = cn_ordinal(m.group(1))
        if value == expected:
            markers.append(m.start(1))
            expected += 1
        elif value == 1:  # a new list restarts
            markers.append(m.start(1))
            expected = 2
    spans = []
    for j, s in enumerate(markers):
        e = markers[j + 1] if j + 1 < len(markers) else body_end
        spans.append((s, _trim_end(blanked, s, e)))
    return spans


def heading_only(sec: Section, text: str) -> bool:
    """True when a section has no text of its own besides its heading."""
    return not text[sec.heading_end:sec.own_end].strip(" \t\r\n\u3000。.：:")
