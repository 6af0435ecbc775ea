"""Web-page notices (.html/.htm): the article only, extracted with trafilatura (no site
navigation, breadcrumb, related links or footer), a line per paragraph, list item or
table row. The page title is the first line (as in text notices) and, with the
发布时间 date and a 来源 naming a bureau, metadata where the text says nothing. The
encoding is the declared one (meta charset) or detected (UTF-8, GB18030/GBK/GB2312).
Locations: 网页第 n 段 (the n-th block of the article)."""
from __future__ import annotations

import re
from pathlib import Path

from qa.ingest.source import NoticeError, SourceText, TextBuilder

_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936"}
# site furniture that sometimes survives extraction
_BOILERPLATE_RE = re.compile(r"ICP备|网站标识码|公网安备|版权所有|主办单位[：:]|承办单位[：:]|当前位置[：:]|^(上一篇|下一篇)[：:]")
_INFO_RE = re.compile(r"(?:发布|发文|成文)(?:时间|日期)[：:]\s*(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})")
_SOURCE_RE = re.compile(r"来源[：:]\s*([^\s|｜　<]{2,40}?(?:分局|公安局|委员会))")
MIN_PROSE = 50  # an article has at least one paragraph this long, with sentence punctuation
_PROSE_RE = re.compile(r"[。，；,]")
_INFO_LINE_RE = re.compile(r"^(?:发布|发文|成文)(?:时间|日期)[：:]|^来源[：:]")


class HtmlReader:
    suffixes: tuple[str, ...] = (".html", ".htm")

    def read(self, path: Path, progress: bool = False) -> SourceText:
        return read_html(path.read_bytes())


def decode_html(data: bytes) -> tuple[str, str]:
    """The page as text and its encoding: declared, else UTF-8, else GB18030."""
    m = _CHARSET_RE.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else None
    candidates = ["gb18030" if declared in _GB else declared] if declared else []
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc), (declared if enc == "gb18030" and declared else enc)
        except (UnicodeDecodeError, LookupError):
            continue
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise NoticeError("无法识别网页的编码")
    return str(best), best.encoding


def read_html(data: bytes) -> SourceText:
    import trafilatura

    if not data.strip():
        raise NoticeError("文件为空")
    page, encoding = decode_html(data)
    doc = trafilatura.bare_extraction(page, with_metadata=True, include_tables=True, include_comments=False,
                                      favor_recall=True)
    body = getattr(doc, "body", None) if doc is not None else None
    blocks = [] if body is None else [b for el in body for b in _blocks(el)]
    blocks = [b for b in blocks if b.strip() and not _BOILERPLATE_RE.search(b)]
    if not any(len(b) >= MIN_PROSE and _PROSE_RE.search(b) for b in blocks):  # links and menus only
        raise NoticeError("网页中没有找到正文（可能是栏目页、导航页或空白页）")
    meta = _page_meta(page, doc)
    out = TextBuilder()
    title = meta.get("title")
    if title and not blocks[0].replace(" ", "").startswith(title.replace(" ", "")[:20]):
        out.paragraph(title, "网页标题")
    n = 0
    for block in blocks:
        if _INFO_LINE_RE.match(block.strip()):
            continue
        n += 1
        out.paragraph(block, f"网页第 {n} 段")
    return out.build(f"html/{encoding}", meta=meta)


def _blocks(el) -> list[str]:
    """Text lines of one article element: a paragraph, each list item, each table row."""
    if el.tag == "list":
        return [b for item in el for b in _blocks(item)]
    if el.tag == "table":
        return ["\t".join(_text(cell).strip() for cell in row) for row in el.iter("row")]
    return [line for line in _text(el).split("\n")]


def _text(el) -> str:
    out = el.text or ""
    for child in el:
        out += ("\n" if child.tag == "lb" else "") + _text(child) + (child.tail or "")
    return out


def _page_meta(page: str, doc) -> dict[str, str]:
    """Title, publication date and a bureau named as 来源, as NoticeMeta fields."""
    meta: dict[str, str] = {}
    title = (getattr(doc, "title", None) or "").strip()
    if title:
        meta["title"] = re.split(r"\s*(?:_|\||｜| - )\s*", title)[0]  # "标题_栏目_网站" → 标题
    m = _INFO_RE.search(page)
    if m:
        meta["publication_date"] = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    elif getattr(doc, "date", None):
        meta["publication_date"] = str(doc.date)
    m = _SOURCE_RE.search(page)
    if m and m.group(1).endswith("分局"):
        meta["bureau"] = m.group(1)
    return meta
