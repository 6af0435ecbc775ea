"""PDF notices. The text layer is read with pypdfium2 (PDFium, BSD/Apache; the characters
with their boxes and font sizes, grouped into lines), then joined into paragraphs by
:mod:`qa.ingest.readers.pagelayout`. A page without a text layer but with an image (a
scan) is read by OCR (:mod:`qa.ingest.readers.ocr`), and the notice marked as OCR-read. Refused with a reason: more than :data:`MAX_PAGES`
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
    """The text layer; pages without one but with images (scanned) are read by OCR."""
    import pypdfium2.raw as raw

    pdf = open_pdf(path)
    try:
        heights = {i + 1: pdf[i].get_height() for i in range(len(pdf))}
        pages = {i + 1: page_lines(pdf[i], i + 1) for i in range(len(pdf))}
        scanned = [n for n, lines in pages.items() if sum(len(ln.text) for ln in lines) < MIN_CHARS_PER_PAGE
                   and any(True for _ in pdf[n - 1].get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=3))]
        if not scanned:
            return assemble([ln for lines in pages.values() for ln in lines], heights, "pdf")
        from qa.ingest.readers.ocr import ocr_lines

        pages.update(ocr_lines(pdf, scanned, path.name, progress))
    finally:
        pdf.close()
    lines = [ln for n in sorted(pages) for ln in pages[n]]
    if not any(pages[n] for n in scanned) and sum(len(ln.text) for ln in lines) < MIN_CHARS_PER_PAGE:
        raise NoticeError("PDF 只有图像，文字识别（OCR）也没有识别出文字：请检查扫描质量或提供文字版")
    what = "全部页面" if len(scanned) == len(pages) else "第 " + "、".join(map(str, scanned)) + " 页"
    return assemble(lines, heights, "ocr" if len(scanned) == len(pages) else "pdf+ocr", ocr=True,
                    warnings=(f"{what}由文字识别（OCR）得到，可能有识别错误",))


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
