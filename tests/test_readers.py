"""Notices as Word, PDF, old Word, web pages and scans: each parses like its .txt
original, retrieves like it, keeps exact offsets and says where a quote is; bad files
are refused one by one with a clear reason.

Fixtures are made from the five bundled notices in a session folder (tests/formats.py):
one LibreOffice run per target format. An index is built per format (.docx, .pdf,
.html) with the run's shared embedding cache: identical text is not embedded again.
The .doc notices are checked to read exactly as their .docx (LibreOffice converts
them back), so their retrieval is the .docx figures. OCR runs on one page of one
notice here (20-80 s on 2 cores, by load); the retrieval check on a scanned corpus
(003 scanned whole, six pages: 6-9 minutes of OCR on 2 shared cores) runs with
QA_TEST_OCR_CORPUS=1.
"""
from __future__ import annotations

import difflib
import os
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from qa.evaluation.metrics import Passage
from qa.evaluation.questions import Gold, Question, load_questions
from qa.evaluation.runner import run_retriever, score_run
from qa.ingest.notices import Notice, load_notice, parse_notice
from qa.ingest.problems import extract_problems
from qa.ingest.readers import MAX_BYTES, read_document, suffixes
from qa.ingest.source import NoticeError, location_at
from qa.render.terminal import source_where
from qa.service import Service
from tests import formats
from tests.conftest import NOTICES, QUESTIONS, make_settings, share_cache

TXTS = sorted(NOTICES.glob("*.txt"))
TOLERANCE = 0.02
SCAN_TOLERANCE = 0.1
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")


@pytest.fixture(scope="session")
def made(tmp_path_factory):
    return formats.make_all(TXTS, tmp_path_factory.mktemp("formats"))


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def signature(n: Notice) -> tuple:
    """What the structure parser and the problem extractor make of a notice, whitespace
    normalised: headings, kinds and levels; problems with their measures."""
    sections = [(_norm(s.heading), s.kind, s.level) for s in n.sections]
    problems = [(_norm(p.problem.text), p.kind, tuple(_norm(m.text) for m in p.measures))
                for p in extract_problems(n.doc, n.text, n.sections)]
    return sections, problems


@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_each_format_parses_like_the_txt(made, fmt):
    if not made[fmt]:
        pytest.skip("LibreOffice (soffice) not installed")
    for txt in TXTS:
        original = parse_notice(txt.read_text(encoding="utf-8"), txt.name)
        converted = load_notice(made[fmt][txt.name])
        assert signature(converted) == signature(original), f"{fmt} {txt.name}"
        assert converted.locations and converted.locations[0][0] == 0 and not converted.ocr
        starts = [a for a, _ in converted.locations]
        assert starts == sorted(starts) and starts[-1] < len(converted.text)


def test_word_numbering_is_part_of_the_headings(made):
    """The 一、 and （一） of the .docx come from numbering.xml, not from the text."""
    import zipfile

    path = made["docx"]["000_4fecc36893a9e169.txt"]
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    assert "一、党委履行巡察整改主体责任情况" not in xml and "党委履行巡察整改主体责任情况" in xml
    assert 'w:numId w:val="90"' in xml and "仿宋_GB2312" in xml
    n = load_notice(path)
    assert n.sections[1].heading == "一、党委履行巡察整改主体责任情况"
    assert n.sections[2].heading.startswith("（一）高度重视")
    assert location_at(n.locations, n.sections[1].start) == "第 5 段"


@needs_soffice
def test_doc_reads_as_its_docx(made):
    """LibreOffice converts a .doc back to .docx (about 5 s a file): two notices, one with
    both levels of Word numbering."""
    for txt in (TXTS[0], TXTS[3]):
        doc, docx = read_document(made["doc"][txt.name]), read_document(made["docx"][txt.name])
        assert doc.text == docx.text and doc.encoding == "doc", txt.name


@needs_soffice
def test_pdf_running_lines_are_removed_and_pages_located(made):
    src = read_document(made["pdf"]["003_54b7255f65526853.txt"])
    assert not re.search(r"^\s*-\s*\d+\s*-\s*$", src.text, re.M)  # the footer's page numbers
    pages = [label for _, label in src.locations]
    assert pages[0] == "第 1 页" and len(pages) >= 5 and len(set(pages)) == len(pages)
    i = src.text.index("(3)开展执法培训工作")  # on the last page
    assert location_at(src.locations, i) == pages[-1]


def test_html_article_only_and_metadata(made):
    src = read_document(made["html"]["003_54b7255f65526853.txt"])  # GBK, declared
    assert src.encoding == "html/gbk"
    for furniture in ("首页", "当前位置", "网站标识码", "ICP备", "相关链接", "浏览次数", "发布时间"):
        assert furniture not in src.text, furniture
    assert src.text.startswith("中共东营市公安局东营经济技术开发区分局委员会")
    untitled = load_notice(made["html"]["004_88630c09ca2b615c.txt"])
    assert untitled.meta.title == "巡察整改进展情况的通报"  # the page title, the text has none
    dated = load_notice(made["html"]["002_931a10b75dac8a42.txt"])
    assert dated.meta.publication_date == "2025-04-27"  # 发布时间, the text has no date
    assert location_at(dated.locations, len(dated.text) - 2).startswith("网页第")


def test_html_encoding_detected_without_declaration(tmp_path):
    page = formats.make_html(NOTICES / "003_54b7255f65526853.txt", tmp_path / "a.html", "gbk")
    data = page.read_bytes().replace(b' charset=gbk"', b'"')
    page.write_bytes(data)
    src = read_document(page)
    assert "市委第五巡察组" in src.text and src.encoding == "html/gb18030"


def test_docx_tables_rows_and_no_header_footer(made, tmp_path):
    import docx

    base = made["docx"]["004_88630c09ca2b615c.txt"]
    d = docx.Document(str(base))
    d.sections[0].header.paragraphs[0].text = "中山市公安局文件页眉"
    d.save(tmp_path / "h.docx")
    path = formats.with_table(tmp_path / "h.docx", tmp_path / "t.docx", [["问题", "措施"], ["会议纪要不规范", "建立审核制度"]])
    src = read_document(path)
    assert "页眉" not in src.text and not re.search(r"^-\s*\d+\s*-$", src.text, re.M)
    assert src.text.endswith("问题\t措施\n会议纪要不规范\t建立审核制度\n")
    assert location_at(src.locations, len(src.text) - 3).endswith("（表格）")


# ---------------------------------------------------------------- retrieval per format

def mapped_questions(questions: list[Question], texts: dict[str, str], names: dict[str, str]) -> list[Question]:
    """The questions with their gold spans carried from the .txt notices to the converted
    ones (``names``: txt name → converted name), by aligning the non-blank characters."""
    maps: dict[str, dict[int, int]] = {}
    for txt, new in names.items():
        a = [(i, ch) for i, ch in enumerate(txt_texts[txt]) if not ch.isspace()]
        b = [(i, ch) for i, ch in enumerate(texts[new]) if not ch.isspace()]
        sm = difflib.SequenceMatcher(None, "".join(c for _, c in a), "".join(c for _, c in b), autojunk=False)
        maps[txt] = {a[blk.a + k][0]: b[blk.b + k][0] for blk in sm.get_matching_blocks() for k in range(blk.size)}

    def carry(g: Gold) -> Gold:
        m = maps[g.doc]
        inside = [m[i] for i in range(g.start, g.end) if i in m]
        start, end = (min(inside), max(inside) + 1) if inside else (0, 0)
        return Gold(names[g.doc], texts[names[g.doc]][start:end], start, end)

    return [Question(q.id, q.question, q.lang, q.kind, tuple(carry(g) for g in q.gold), q.answer, q.split)
            for q in questions]


txt_texts = {p.name: p.read_text(encoding="utf-8") for p in TXTS}


def hybrid_figures(service: Service, questions: list[Question]) -> dict:
    passages = [Passage(c.doc, c.start, c.end) for c in service.index.chunks]

    def search(q: str) -> list[Passage]:
        return [Passage(h.chunk.doc, h.chunk.start, h.chunk.end) for h in service.search(q, k=10, mode="hybrid")]
    bureau_of = {doc: n.meta.bureau_label for doc, n in service.index.notices.items()}
    return score_run(questions, run_retriever(questions, search, passages), bureau_of, 10)["overall"]


@pytest.fixture(scope="module")
def test_questions():
    return [q for q in load_questions(QUESTIONS, txt_texts) if q.split == "test"]


@pytest.fixture(scope="module")
def txt_figures(service, test_questions):
    return hybrid_figures(service, test_questions)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


NAV_PAGE = f"<html><head><meta charset='utf-8'></head><body>{formats.NAV}{formats.FOOTER}</body></html>"
BAD = {  # name → (maker, the reason's words)
    "encrypted.pdf": (lambda d: formats.make_encrypted_pdf(d / "encrypted.pdf"), "密码"),
    "long.pdf": (lambda d: formats.make_blank_pdf(d / "long.pdf", 500), "页数过多（500 页，上限 300 页）"),
    "broken.docx": (lambda d: _write(d / "broken.docx", b"PK\x03\x04 not a zip"), "已损坏"),
    "nav.html": (lambda d: _write(d / "nav.html", NAV_PAGE.encode("utf-8")), "没有找到正文"),
    "table.xls": (lambda d: _write(d / "table.xls", b"\xd0\xcf\x11\xe0"), None),
}


def format_service(made, fmt: str, root: Path, bad: bool = False) -> Service:
    corpus = root / "notices"
    corpus.mkdir(parents=True)
    for path in made[fmt].values():
        shutil.copy(path, corpus)
    if bad:
        for make, _ in BAD.values():
            make(corpus)
    share_cache(root / "index")
    return Service.open(make_settings(corpus, root / "index"), progress=False, log=lambda s: None)


@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_retrieval_per_format_matches_txt(made, fmt, tmp_path, test_questions, txt_figures):
    if not made[fmt]:
        pytest.skip("LibreOffice (soffice) not installed")
    service = format_service(made, fmt, tmp_path, bad=(fmt == "docx"))
    names = {txt: path.name for txt, path in made[fmt].items()}
    texts = {doc: n.text for doc, n in service.index.notices.items()}
    assert sorted(texts) == sorted(names.values())
    got = hybrid_figures(service, mapped_questions(test_questions, texts, names))
    for metric in ("R@5", "MRR@10"):
        assert abs(got[metric] - txt_figures[metric]) <= TOLERANCE, (fmt, metric, got[metric], txt_figures[metric])
    # offsets stay exact, citations say where, notices.jsonl carries the map
    for c in service.index.chunks:
        assert service.index.notices[c.doc].text[c.start:c.end] == c.text
    answer = service.ask("港口分局怎样整改“第一议题”学习制度落实问题？")
    assert answer.citations and not [n for n in answer.notes if "未通过原文核对" in n]
    unit = "页" if fmt == "pdf" else "段"
    for c in answer.citations:
        assert re.fullmatch(rf"(网页)?第 \d+ {unit}(（表格）)?|网页标题", c.location), c.location
        assert c.location in source_where(c) and c.to_dict()["location"] == c.location
    again = Service.open(service.settings, progress=False, log=lambda s: None)  # loaded from notices.jsonl
    assert {d: n.locations for d, n in again.index.notices.items()} == {
        d: n.locations for d, n in service.index.notices.items()}
    if fmt == "docx":  # the bad files are refused each with its reason; the five notices indexed
        rejected = dict(service.rejected())
        for name, (_, reason) in BAD.items():
            if reason is None:  # an unsupported type is not a notice: not scanned
                assert name not in rejected and all(n != name for n in texts)
            else:
                assert reason in rejected[name], (name, rejected.get(name))


# ---------------------------------------------------------------- scans (OCR)

@needs_soffice
def test_scanned_page_is_read_by_ocr(made, tmp_path, capfd):
    import pypdfium2 as pdfium

    src_pdf = pdfium.PdfDocument(str(made["pdf"]["003_54b7255f65526853.txt"]))
    first = pdfium.PdfDocument.new()
    first.import_pages(src_pdf, [0])
    first.save(str(tmp_path / "p1.pdf"))
    scan = formats.make_scan(tmp_path / "p1.pdf", tmp_path / "scan.pdf")
    source = read_document(scan, progress=True)
    assert "OCR 识别" in capfd.readouterr().err  # the progress bar
    assert source.ocr and source.encoding == "ocr" and source.locations == ((0, "第 1 页"),)
    txt = (NOTICES / "003_54b7255f65526853.txt").read_text(encoding="utf-8")
    got, want = _fold(source.text), _fold(txt)[:len(_fold(source.text))]
    assert difflib.SequenceMatcher(None, got, want, autojunk=False).ratio() > 0.95
    notice = parse_notice(source.text, "scan.pdf", source=source)
    head = [h for h, _, _ in signature(parse_notice(txt, "003.txt"))[0]][:len(notice.sections)]
    same = sum(_fold(h) == _fold(g) for (h, _, _), g in zip(signature(notice)[0], head))
    assert same >= len(notice.sections) - 1  # the last may be cut by the page end
    from qa.answer.result import where_in_file

    assert notice.ocr and where_in_file(notice, 10) == "第 1 页（OCR 识别）"


def _fold(s: str) -> str:
    """Full- and half-width forms alike (OCR reads ``,`` as ``，``), no whitespace."""
    return _norm(unicodedata.normalize("NFKC", s))


@pytest.mark.skipif(not os.environ.get("QA_TEST_OCR_CORPUS"), reason="OCR of a whole notice: QA_TEST_OCR_CORPUS=1")
@needs_soffice
def test_retrieval_with_a_scanned_notice(made, tmp_path, test_questions, txt_figures):
    corpus = tmp_path / "notices"
    corpus.mkdir()
    names = {}
    for txt in TXTS:
        if txt.name.startswith("003"):
            names[txt.name] = formats.make_scan(made["pdf"][txt.name], corpus / "003_scan.pdf").name
        else:
            names[txt.name] = Path(shutil.copy(txt, corpus)).name
    share_cache(tmp_path / "index")
    service = Service.open(make_settings(corpus, tmp_path / "index"), progress=False, log=lambda s: None)
    assert service.index.notices["003_scan.pdf"].ocr
    texts = {doc: n.text for doc, n in service.index.notices.items()}
    got = hybrid_figures(service, mapped_questions(test_questions, texts, names))
    for metric in ("R@5", "MRR@10"):
        assert abs(got[metric] - txt_figures[metric]) <= SCAN_TOLERANCE, (metric, got[metric], txt_figures[metric])
    rows = {r["doc"]: r for r in service.notice_list()}
    assert rows["003_scan.pdf"]["read"] == "OCR 识别"


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("name", [n for n, (_, reason) in BAD.items() if reason])
def test_bad_files_are_refused_with_the_reason(name, tmp_path):
    make, reason = BAD[name]
    path = make(tmp_path)
    with pytest.raises(NoticeError, match=re.escape(reason)):
        read_document(path)


def test_zip_bomb_is_refused_before_extracting(made, tmp_path):
    bomb = formats.make_zip_bomb(made["docx"]["004_88630c09ca2b615c.txt"], tmp_path / "bomb.docx")
    assert bomb.stat().st_size < MAX_BYTES
    with pytest.raises(NoticeError, match=r"解压后过大（\d+ MB，上限 100 MB）"):
        read_document(bomb)


def test_image_only_pdf_without_text(tmp_path):
    from PIL import Image

    blank = Image.new("L", (600, 800), 255)
    blank.save(tmp_path / "blank.pdf", "PDF", save_all=True, append_images=[blank])
    with pytest.raises(NoticeError, match="没有识别出文字"):
        read_document(tmp_path / "blank.pdf")


@pytest.mark.parametrize("suffix", [".xls", ".ppt", ".wps"])
def test_unsupported_types_name_the_read_ones(suffix, tmp_path):
    path = tmp_path / f"notice{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    with pytest.raises(NoticeError, match="不支持的文件类型") as info:
        read_document(path)
    assert all(s in str(info.value) for s in suffixes()) and ".pdf" in str(info.value)


def test_file_over_the_size_limit(made, monkeypatch):
    import qa.ingest.readers as readers

    monkeypatch.setattr(readers, "MAX_BYTES", 20_000)
    with pytest.raises(NoticeError, match=r"文件过大（0\.\d+ MB，上限 0\.02 MB）"):
        read_document(made["docx"]["003_54b7255f65526853.txt"])


def test_doc_without_libreoffice_is_a_clear_message(tmp_path, monkeypatch):
    import qa.ingest.readers.doc as doc_reader

    monkeypatch.setattr(doc_reader.shutil, "which", lambda name: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    with pytest.raises(NoticeError, match="libreoffice-writer-nogui"):
        read_document(path)


@needs_soffice
def test_damaged_doc(tmp_path):
    path = tmp_path / "bad.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really a Word file" + bytes(64))
    with pytest.raises(NoticeError):
        read_document(path)


def test_numbering_from_a_heading_style(tmp_path):
    """A heading style linked to the list numbers its paragraphs (no numPr on them)."""
    import docx

    d = docx.Document()
    formats.add_numbering(d)
    numpr = formats.w_element("numPr")
    numpr.append(formats.w_element("ilvl", val="0"))
    numpr.append(formats.w_element("numId", val=str(formats.NUM_ID)))
    d.styles["Heading 1"].element.get_or_add_pPr().append(numpr)
    for text in ("党委履行巡察整改主体责任情况", "巡察反馈问题整改情况"):
        d.add_paragraph(text, style="Heading 1")
        d.add_paragraph("正文。")
    d.save(tmp_path / "styled.docx")
    assert read_document(tmp_path / "styled.docx").text == (
        "一、党委履行巡察整改主体责任情况\n正文。\n二、巡察反馈问题整改情况\n正文。\n")
