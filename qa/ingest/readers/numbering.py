"""Word's automatic numbering (word/numbering.xml) rendered as the text Word shows:
the level text (``%1、``, ``（%1）``, ``%1.%2``) with each level's counter in its format
(chineseCounting 一 … 十一, decimal, ideographTraditional 甲乙丙, enclosed ①, letters,
Roman). Counters run per list in document order; a level restarts when a higher one
advances. Bullets give no label."""
from __future__ import annotations

import re
from collections.abc import Callable

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DIGITS = "零一二三四五六七八九"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_LEVEL_RE = re.compile(r"%([1-9])")


def chinese_count(n: int, digits: str = _DIGITS, ten: str = "十") -> str:
    """一 … 九十九 as Word's chineseCounting writes them (十, 十一, 二十一); larger as digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else (ten if tens == 1 else digits[tens] + ten)
    return head + (digits[ones] if ones else "")


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                       (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + sym, n - value
    return out


def _letter(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _cycle(symbols: str, n: int) -> str:
    return symbols[(n - 1) % len(symbols)]


FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: "".join(chr(ord(c) + 0xFEE0) for c in str(n)),
    "decimalFullWidth2": lambda n: "".join(chr(ord(c) + 0xFEE0) for c in str(n)),
    "decimalEnclosedCircle": lambda n: _CIRCLED[n - 1] if 0 < n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: _CIRCLED[n - 1] if 0 < n <= 20 else str(n),
    "chineseCounting": chinese_count,
    "chineseCountingThousand": chinese_count,
    "japaneseCounting": chinese_count,
    "taiwaneseCounting": chinese_count,
    "taiwaneseCountingThousand": chinese_count,
    "chineseLegalSimplified": lambda n: chinese_count(n, _LEGAL, "拾"),
    "ideographDigital": lambda n: "".join("〇一二三四五六七八九"[int(c)] for c in str(n)),
    "ideographTraditional": lambda n: _cycle(_TIANGAN, n),
    "ideographZodiac": lambda n: _cycle(_ZODIAC, n),
    "lowerLetter": _letter,
    "upperLetter": lambda n: _letter(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
}


def _val(el) -> str | None:
    return None if el is None else el.get(W + "val")


class Numbering:
    """The numbering definitions of one document and its list counters."""

    def __init__(self, levels: dict[str, dict[int, tuple[str, str, int]]],
                 styles: dict[str, tuple[str, int]] | None = None) -> None:
        self.levels = levels  # numId -> ilvl -> (format, level text, start)
        self.styles = styles or {}  # paragraph style id -> (numId, ilvl): numbering set by a heading style
        self._counts: dict[str, dict[int, int]] = {}

    @classmethod
    def from_xml(cls, data: bytes | None, styles_xml: bytes | None = None) -> Numbering:
        root = _parse(data)
        if root is None:
            return cls({})  # no numbering (or unreadable): text kept without labels
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.iter(W + "abstractNum"):
            abstract[an.get(W + "abstractNumId", "")] = {
                int(lvl.get(W + "ilvl", "0")): _level(lvl) for lvl in an.iter(W + "lvl")}
        levels = {}
        for num in root.iter(W + "num"):
            lv = dict(abstract.get(_val(num.find(W + "abstractNumId")) or "", {}))
            for ov in num.iter(W + "lvlOverride"):
                ilvl = int(ov.get(W + "ilvl", "0"))
                if ov.find(W + "lvl") is not None:
                    lv[ilvl] = _level(ov.find(W + "lvl"))
                start = _val(ov.find(W + "startOverride"))
                if start and ilvl in lv:
                    lv[ilvl] = (lv[ilvl][0], lv[ilvl][1], int(start))
            levels[num.get(W + "numId", "")] = lv
        return cls(levels, _style_numbering(_parse(styles_xml)))

    def _numpr(self, par) -> tuple[str, int] | None:
        numpr = par.find(f"{W}pPr/{W}numPr")
        if numpr is None:
            style = _val(par.find(f"{W}pPr/{W}pStyle"))
            return self.styles.get(style or "")
        num_id = _val(numpr.find(W + "numId"))
        ilvl = _val(numpr.find(W + "ilvl"))
        return (num_id, int(ilvl or 0)) if num_id is not None else None

    def numbered(self, par) -> bool:
        """The paragraph names a list (docx2python then adds its own marker)."""
        numpr = par.find(f"{W}pPr/{W}numPr")
        return numpr is not None and numpr.find(W + "numId") is not None and numpr.find(W + "ilvl") is not None

    def label(self, par) -> str | None:
        """The label Word shows before a paragraph (advancing its list), or None."""
        ref = self._numpr(par)
        if ref is None or ref[0] not in self.levels or ref[1] not in self.levels[ref[0]]:
            return None
        num_id, ilvl = ref
        lv = self.levels[num_id]
        counts = self._counts.setdefault(num_id, {})
        counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else lv[ilvl][2]
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        fmt, text, _ = lv[ilvl]
        if fmt == "bullet":
            return None

        def number(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            f, _, start = lv.get(k, ("decimal", "", 1))
            return FORMATS.get(f, str)(counts.get(k, start)) if f != "none" else ""
        return _LEVEL_RE.sub(number, text) or None


def _parse(data: bytes | None):
    if not data:
        return None
    from lxml import etree  # type: ignore[import-untyped]

    try:
        return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None


def _style_numbering(root) -> dict[str, tuple[str, int]]:
    """Paragraph styles that number their paragraphs (a heading style linked to a list),
    following ``basedOn``."""
    if root is None:
        return {}
    own: dict[str, tuple[str | None, str | None, str | None]] = {}
    for st in root.iter(W + "style"):
        numpr = st.find(f"{W}pPr/{W}numPr")
        num_id = _val(numpr.find(W + "numId")) if numpr is not None else None
        ilvl = _val(numpr.find(W + "ilvl")) if numpr is not None else None
        own[st.get(W + "styleId", "")] = (num_id, ilvl, _val(st.find(W + "basedOn")))
    out = {}
    for sid in own:
        seen, cur = set(), sid
        while cur in own and cur not in seen and own[cur][0] is None:
            seen.add(cur)
            cur = own[cur][2] or ""
        if cur in own and own[cur][0] not in (None, "0"):
            num_id, ilvl = own[cur][0], own[sid][1] or own[cur][1]
            out[sid] = (str(num_id), int(ilvl or 0))
    return out


def _level(lvl) -> tuple[str, str, int]:
    return (_val(lvl.find(W + "numFmt")) or "decimal", _val(lvl.find(W + "lvlText")) or "",
            int(_val(lvl.find(W + "start")) or 1))
