"""PDF notices. The text layer is read with pypdfium2 (PDFium, BSD/Apache; the characters
with their boxes and font sizes, grouped into lines), then joined into paragraphs by
:mod:`qa.ingest.readers.pagelayout`. A PDF without a text layer (a scan) is read by OCR
(:mod:`qa.ingest.readers.ocr`). Refused with a reason: more than :data:`MAX_PAGES`
pages, a password, a damaged file. Locations: 第 n 页."""
from __future__ import annotations

from pathlib import Path

from qa.ingest.readers.pagelayout import Line, assemble
from qa.ingest.source import NoticeError, SourceText

MAX_PAGES = 300
MIN_CHARS_PER_PAGE = 20  # below this on average the PDF is taken as a scan
_BREAKS = {"\r", "\n", "\x02", "\ufffe"}


class PdfReader:
    suffixes: tuple[str, ...] = (".pdf",)

    def read(self, path: Path, progress: bool = False) -> SourceText:
        return read_pdf(path, progress)


def open_pdf(path: Path):
    """The document, or NoticeError: password, damaged, too many pages."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]
    import pypdfium2.raw as raw  # type: ignore[import-untyped]

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == raw.FPDF_ERR_PASSWORD:
            raise NoticeError("PDF 文件有密码保护，无法读取：请提供未加密的文件") from None
        raise NoticeError("PDF 文件已损坏或不是 PDF，无法读取") from None
    if len(pdf) > MAX_PAGES:
        n = len(pdf)
        pdf.close()
        raise NoticeError(f"PDF 页数过多（{n} 页，上限 {MAX_PAGES} 页），请拆分后再添加")
    if len(pdf) == 0:
        pdf.close()
        raise NoticeError("PDF 文件没有页面")
    return pdf


def read_pdf(path: Path, progress: bool = False) -> SourceText:
    pdf = open_pdf(path)
    try:
        heights = {i + 1: pdf[i].get_height() for i in range(len(pdf))}
        lines = [ln for i in range(len(pdf)) for ln in page_lines(pdf[i], i + 1)]
        n_chars = sum(len(ln.text.strip()) for ln in lines)
        if n_chars < MIN_CHARS_PER_PAGE * len(pdf):
            from qa.ingest.readers.ocr import ocr_pdf

            return ocr_pdf(pdf, path.name, progress)
    finally:
        pdf.close()
    return assemble(lines, heights, "pdf")


def page_lines(page, number: int) -> list[Line]:
    """The characters of a page's text layer grouped into lines by position (content
    order is not reading order: a PDF writer may emit punctuation from another font
    later), each line left to right; a space where Latin words have a gap."""
    import pypdfium2.raw as raw

    tp = page.get_textpage()
    height = page.get_height()
    chars = []
    try:
        for i in range(tp.count_chars()):
            ch = chr(raw.FPDFText_GetUnicode(tp.raw, i))
            if ch in _BREAKS or ch.isspace() or raw.FPDFText_IsGenerated(tp.raw, i) == 1:
                continue
            x0, y0, x1, y1 = tp.get_charbox(i, loose=True)
            size = raw.FPDFText_GetFontSize(tp.raw, i) or (y1 - y0)
            chars.append((height - (y0 + y1) / 2, x0, x1, height - y1, height - y0, size, ch))
    finally:
        tp.close()
    chars.sort()
    rows: list[list[tuple]] = []
    for c in chars:
        if rows and c[0] - rows[-1][0][0] <= 0.5 * c[5]:
            rows[-1].append(c)
        else:
            rows.append([c])
    return [_line(sorted(row, key=lambda c: c[1]), number) for row in rows]


def _line(row: list[tuple], number: int) -> Line:
    text = row[0][6]
    for prev, c in zip(row, row[1:]):
        if c[1] - prev[2] > 0.25 * c[5] and prev[6].isascii() and c[6].isascii() and prev[6].isalnum() and c[6].isalnum():
            text += " "
        text += c[6]
    return Line(text, number, row[0][1], max(c[2] for c in row), min(c[3] for c in row), max(c[4] for c in row),
                sorted(c[5] for c in row)[len(row) // 2])
