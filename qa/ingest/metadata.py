"""Notice metadata: bureau, city, inspection round and group, dates.

Inferred from the title, the opening paragraph and the signature; what the text does
not say comes from an optional sidecar file ``<notice stem>.meta.json`` next to the
notice (see README). An anonymised bureau (``**``) is kept as stated and flagged,
never guessed.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from qa.ingest.source import NoticeError, strip_artefacts
from qa.ingest.structure import Section

_NUM = r"(?:\d{1,4}|\*{1,4})"
DATE_RE = re.compile(rf"({_NUM})年({_NUM})月({_NUM})日")
SHORT_DATE_RE = re.compile(rf"(?:({_NUM})年)?({_NUM})月({_NUM})日")
PERIOD_RE = re.compile(rf"({_NUM}年{_NUM}月{_NUM}日)至((?:{_NUM}年)?{_NUM}月{_NUM}日)")
GROUP_RE = re.compile(r"市委第[一二三四五六七八九十]{1,3}巡察组")
INSPECTED_BY_RE = re.compile(GROUP_RE.pattern + r"(?=对)")
ROUND_RE = re.compile(r"[一二三四五六七八九十]{1,3}届市委[^，,。；\n]{0,12}?巡察")
PARTY_ORG_RE = re.compile(r"中共(.{2,40}?)委员会")
TARGET_RE = re.compile(r"对(.{2,40}?)党委(?:开展|进行)")
CITY_RE = re.compile(r"^(.{1,6}?市)")
DISCLOSURE_RE = re.compile(r"公开期限[：:]\s*([^。；;\n]+)")
PHONE_RE = re.compile(r"(?:联系电话|电话)[：:]?\s*([0-9][0-9\-]{6,})")
EMAIL_RE = re.compile(r"[A-Za-z0-9._\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
FAX_RE = re.compile(r"传真[：:]?\s*([0-9][0-9\-]{6,})")
POSTCODE_RE = re.compile(r"(?:邮政编码|邮编)[：:]?\s*([0-9]{6})(?![0-9])")
WEBSITE_RE = re.compile(r"(?:https?://|www\.)[A-Za-z0-9./?=&%_\-]+")
# the closing paragraph's fields: (name, pattern, group holding the value)
CLOSING_FIELDS = (("disclosure_period", DISCLOSURE_RE, 1), ("phone", PHONE_RE, 1), ("email", EMAIL_RE, 0),
                  ("fax", FAX_RE, 1), ("postcode", POSTCODE_RE, 1), ("website", WEBSITE_RE, 0))
FULL_DATE_LINE_RE = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$")
INTRO_RE = re.compile(r"^(根据|按照)")

ANONYMISED_LABEL = "（已匿名）"


@dataclass
class NoticeMeta:
    title: str | None = None
    bureau: str | None = None
    anonymised: bool = False
    city: str | None = None
    inspection_round: str | None = None
    inspection_group: str | None = None
    inspection_period: str | None = None
    feedback_date: str | None = None
    publication_date: str | None = None
    disclosure_period: str | None = None
    phone: str | None = None
    email: str | None = None
    fax: str | None = None
    postcode: str | None = None
    website: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> NoticeMeta:
        return cls(**{f.name: d.get(f.name, f.default) for f in fields(cls)})

    @property
    def bureau_label(self) -> str:
        """The bureau as shown to users: full name, marked when anonymised."""
        if not self.bureau:
            return "（未注明单位）"
        return self.bureau + (ANONYMISED_LABEL if self.anonymised else "")


def _iso(m: re.Match[str] | None, default_year: str | None = None) -> str | None:
    """``YYYY-MM-DD`` from a date match; the text as stated when it is masked (``*``)."""
    if m is None:
        return None
    year, month, day = (m.group(1) or default_year), m.group(2), m.group(3)
    if not year or "*" in year + month + day:
        return m.group(0) if year else None
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def infer_meta(text: str, sections: list[Section]) -> NoticeMeta:
    clean = strip_artefacts(text)
    preamble = next((s for s in sections if s.kind == "preamble"), None)
    closing = next((s for s in sections if s.kind == "closing"), None)
    pre_lines = [ln.strip() for ln in (text[preamble.start:preamble.end] if preamble else "").splitlines()]
    pre_lines = [ln for ln in pre_lines if ln]
    title_lines = []
    for ln in pre_lines:
        if INTRO_RE.match(ln):
            break
        title_lines.append(ln)
    intro = next((ln for ln in pre_lines if INTRO_RE.match(ln)), pre_lines[0] if pre_lines else "")
    closing_text = text[closing.start:closing.end] if closing else ""

    meta = NoticeMeta()
    if title_lines and len(title_lines) <= 4:
        meta.title = "".join(title_lines)
    # bureau: the party committee in the title, else in the signature, else the inspected body
    for source in (meta.title or "", closing_text):
        m = PARTY_ORG_RE.search(source)
        if m:
            meta.bureau = m.group(1).strip()
            break
    m_city_intro = re.search(r"根据(.{1,6}?市)委", intro)
    if meta.bureau is None:
        m = TARGET_RE.search(intro)
        if m:
            meta.bureau = m.group(1).strip()
            if meta.bureau.startswith("市") and m_city_intro:
                meta.bureau = m_city_intro.group(1) + meta.bureau[1:]
    if meta.bureau:
        meta.anonymised = "*" in meta.bureau
        m = CITY_RE.match(meta.bureau)
        meta.city = m.group(1) if m else None
    if meta.city is None and m_city_intro:
        meta.city = m_city_intro.group(1)
    m = GROUP_RE.search(intro) or GROUP_RE.search(clean)
    meta.inspection_group = m.group(0) if m else None
    m = ROUND_RE.search(meta.title or "") or ROUND_RE.search(intro)
    meta.inspection_round = m.group(0) if m else None
    m = PERIOD_RE.search(intro)
    period_year = None
    if m:
        meta.inspection_period = m.group(0)
        start = DATE_RE.match(m.group(1))
        assert start is not None  # PERIOD_RE's first group is a full DATE_RE date
        period_year = start.group(1)
    meta.feedback_date = _feedback_date(intro, period_year)
    for line in reversed(closing_text.splitlines()):
        m = FULL_DATE_LINE_RE.match(line)
        if m:
            meta.publication_date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            break
    for name, pattern, group in CLOSING_FIELDS:
        m = pattern.search(closing_text)
        setattr(meta, name, m.group(group).strip() if m else None)
    return meta


def _feedback_date(intro: str, default_year: str | None) -> str | None:
    """The date of the sentence in which the inspectors gave their feedback (反馈)."""
    for sentence in re.split(r"[。]", intro):
        if "反馈" not in sentence:
            continue
        head = sentence[: sentence.index("反馈")]
        dates = [m for m in SHORT_DATE_RE.finditer(head) if "至" not in head[m.end():m.end() + 1]]
        if dates:
            return _iso(dates[-1], default_year)
    return None


def sidecar_path(notice_path: Path) -> Path:
    return notice_path.with_name(notice_path.stem + ".meta.json")


def read_sidecar(notice_path: Path) -> dict:
    """Fields from the sidecar file, or {} when there is none. Raises NoticeError naming
    the problem when the file exists but is not valid."""
    path = sidecar_path(notice_path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NoticeError(f"元数据文件 {path.name} 不是有效的 UTF-8 JSON：{exc}") from None
    if not isinstance(data, dict):
        raise NoticeError(f"元数据文件 {path.name} 应为 JSON 对象")
    known = {f.name for f in fields(NoticeMeta)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise NoticeError(f"元数据文件 {path.name} 含未知字段：{', '.join(unknown)}（可用字段：{', '.join(sorted(known))}）")
    for key, value in data.items():
        ok = isinstance(value, bool) if key == "anonymised" else (value is None or isinstance(value, str))
        if not ok:
            raise NoticeError(f"元数据文件 {path.name} 的字段 {key} 类型不对")
    return data


def apply_sidecar(meta: NoticeMeta, data: dict) -> NoticeMeta:
    merged = {**meta.to_dict(), **data}
    out = NoticeMeta.from_dict(merged)
    if "bureau" in data and "anonymised" not in data:
        out.anonymised = bool(out.bureau and "*" in out.bureau)
    if "bureau" in data and "city" not in data and out.bureau:
        m = CITY_RE.match(out.bureau)
        out.city = m.group(1) if m else out.city
    return out


# Fields a metadata answer states, with their labels (Chinese, English).
FIELD_LABELS = {
    "title": ("通报标题", "title"),
    "inspection_group": ("巡察组", "inspection group"),
    "inspection_period": ("巡察时间", "inspection period"),
    "feedback_date": ("反馈日期", "feedback date"),
    "publication_date": ("落款日期", "date of the notice"),
    "disclosure_period": ("公开期限", "disclosure period"),
    "phone": ("联系电话", "phone"),
    "email": ("电子邮箱", "e-mail"),
    "fax": ("传真", "fax number"),
    "postcode": ("邮政编码", "postcode"),
    "website": ("网址", "web address"),
}


def field_spans(text: str, sections: list[Section], meta: NoticeMeta) -> dict[str, tuple[int, int]]:
    """Where the notice states each metadata field: ``text[start:end]`` is the value as
    written (a date as written, not in ISO form). A field is left out when the text does
    not state it or a sidecar file gave another value."""
    preamble = next((s for s in sections if s.kind == "preamble"), None)
    closing = next((s for s in sections if s.kind == "closing"), None)
    spans: dict[str, tuple[int, int]] = {}
    if preamble is not None:
        spans.update(_preamble_spans(text, preamble, meta))
    # the sentence saying who inspected (…巡察组对…开展了巡察) before the title's mention
    m = INSPECTED_BY_RE.search(text) or GROUP_RE.search(text)
    if m and m.group(0) == meta.inspection_group:
        spans["inspection_group"] = m.span()
    if closing is not None:
        spans.update(_closing_spans(text, closing, meta))
    return spans


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The non-blank lines of ``text[start:end]``, without surrounding blanks."""
    out, pos = [], start
    for line in text[start:end].splitlines(keepends=True):
        if line.strip():
            out.append((pos + len(line) - len(line.lstrip()), pos + len(line.rstrip())))
        pos += len(line)
    return out


def _preamble_spans(text: str, preamble: Section, meta: NoticeMeta) -> dict[str, tuple[int, int]]:
    spans: dict[str, tuple[int, int]] = {}
    lines = _lines(text, preamble.start, preamble.end)
    title = lines[:4]
    end_title = next((i for i, (a, b) in enumerate(title) if INTRO_RE.match(text[a:b])), len(title))
    if meta.title and end_title and "".join(text[a:b] for a, b in title[:end_title]) == meta.title:
        spans["title"] = (title[0][0], title[end_title - 1][1])
    a, b = next(((a, b) for a, b in lines if INTRO_RE.match(text[a:b])), lines[0] if lines else (0, 0))
    period = PERIOD_RE.search(text, a, b)
    if period and period.group(0) == meta.inspection_period:
        spans["inspection_period"] = period.span()
    start = DATE_RE.match(period.group(1)) if period else None
    year = start.group(1) if start else None
    for sentence in re.finditer(r"[^。]+", text[a:b]):
        head = sentence.group(0)
        if "反馈" not in head:
            continue
        head = head[: head.index("反馈")]
        dates = [d for d in SHORT_DATE_RE.finditer(head) if "至" not in head[d.end():d.end() + 1]]
        if dates and _iso(dates[-1], year) == meta.feedback_date:
            s0 = a + sentence.start()
            spans["feedback_date"] = (s0 + dates[-1].start(), s0 + dates[-1].end())
        break
    return spans


def _closing_spans(text: str, closing: Section, meta: NoticeMeta) -> dict[str, tuple[int, int]]:
    spans: dict[str, tuple[int, int]] = {}
    for a, b in _lines(text, closing.start, closing.end):
        d = FULL_DATE_LINE_RE.match(text[a:b])
        if d and f"{int(d.group(1)):04d}-{int(d.group(2)):02d}-{int(d.group(3)):02d}" == meta.publication_date:
            spans["publication_date"] = (a, b)
    for name, pattern, group in CLOSING_FIELDS:
        m = pattern.search(text, closing.start, closing.end)
        if m and m.group(group).strip() == getattr(meta, name):
            s = m.start(group)
            spans[name] = (s, s + len(m.group(group).strip()))
    return spans
