"""OCR of scanned PDFs: each page rendered by pypdfium2, its text found and read by
rapidocr-onnxruntime (Chinese models inside the wheel, no download), the boxes of one
line merged left to right, then joined into paragraphs like a text layer
(:mod:`qa.ingest.readers.pagelayout`) by the PDF reader, which decides which pages are
scans. A progress bar per page on stderr when asked."""
from __future__ import annotations

import sys
from functools import lru_cache

from qa.ingest.readers.pagelayout import Line

RENDER_SCALE = 2.0  # 144 dpi: 12 pt text is about 24 px high
MIN_SCORE = 0.5  # recognitions below this confidence are dropped


@lru_cache(maxsize=1)
def engine():
    from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped]

    return RapidOCR()


def ocr_lines(pdf, pages: list[int], name: str, progress: bool = False) -> dict[int, list[Line]]:
    """The recognised lines of some pages (1-based numbers) of an open pypdfium2
    document, in page points."""
    import numpy as np
    from tqdm import tqdm

    out = {}
    for n in tqdm(pages, desc=f"OCR 识别 {name}", unit="页", file=sys.stderr, disable=not progress):
        image = pdf[n - 1].render(scale=RENDER_SCALE, grayscale=False).to_numpy()
        result, _ = engine()(np.ascontiguousarray(image[:, :, :3]), use_cls=False)  # scans are upright
        out[n] = box_lines(result or [], n, RENDER_SCALE)
    return out


def box_lines(result: list, page: int, scale: float) -> list[Line]:
    """OCR boxes (rapidocr: ``[[corners], text, score]``) → lines in page points: boxes whose
    vertical centres lie within half a box height are one line, read left to right."""
    boxes = []
    for corners, text, score in result:
        if float(score) < MIN_SCORE or not str(text).strip():
            continue
        xs, ys = [p[0] / scale for p in corners], [p[1] / scale for p in corners]
        boxes.append((min(xs), max(xs), min(ys), max(ys), str(text).strip()))
    boxes.sort(key=lambda b: (b[2] + b[3]) / 2)
    rows: list[list[tuple]] = []
    for b in boxes:
        mid, h = (b[2] + b[3]) / 2, b[3] - b[2]
        if rows and abs(mid - (rows[-1][0][2] + rows[-1][0][3]) / 2) <= 0.5 * h:
            rows[-1].append(b)
        else:
            rows.append([b])
    out = []
    for row in rows:
        row.sort(key=lambda b: b[0])
        height = sorted(b[3] - b[2] for b in row)[len(row) // 2]
        out.append(Line("".join(b[4] for b in row), page, row[0][0], max(b[1] for b in row),
                        min(b[2] for b in row), max(b[3] for b in row), height * 0.85))
    return out
