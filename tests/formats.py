"""Fixtures in other formats made from the bundled .txt notices (written only to the
folders the tests give): a Word .docx with automatic numbering and 公文 fonts, .pdf and
.doc made from it with LibreOffice, government-style web pages, a scanned (image-only)
PDF, and broken files."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

CN = "一二三四五六七八九十"
LEVEL_RES = (re.compile(rf"^([{CN}]{{1,3}})、"), re.compile(rf"^（([{CN}]{{1,3}})）"))
LEVEL_TEXTS = ("%1、", "（%2）")
FONTS = {"title": "方正小标宋简体", 0: "黑体", 1: "楷体_GB2312", "body": "仿宋_GB2312"}
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NUM_ID = 90


def _cn(n: int) -> str:
    from qa.ingest.readers.numbering import chinese_count

    return chinese_count(n)


def w_element(tag: str, **attrs: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(f"w:{tag}")
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)
    return el


def add_numbering(doc) -> None:
    """A two-level chineseCounting list: 一、 and （一）, no suffix after the label."""
    numbering = doc.part.numbering_part.element
    absn = w_element("abstractNum", abstractNumId=str(NUM_ID))
    absn.append(w_element("multiLevelType", val="multilevel"))
    for ilvl, text in enumerate(LEVEL_TEXTS):
        lvl = w_element("lvl", ilvl=str(ilvl))
        for child in (w_element("start", val="1"), w_element("numFmt", val="chineseCounting"), w_element("suff", val="nothing"),
                      w_element("lvlText", val=text), w_element("lvlJc", val="left")):
            lvl.append(child)
        absn.append(lvl)
    first_num = numbering.find(f"{{{W_NS}}}num")
    if first_num is not None:
        first_num.addprevious(absn)
    else:
        numbering.append(absn)
    num = w_element("num", numId=str(NUM_ID))
    num.append(w_element("abstractNumId", val=str(NUM_ID)))
    numbering.append(num)


def _font(run, name: str) -> None:
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set("{%s}eastAsia" % W_NS, name)


def _footer_page_field(section) -> None:
    par = section.footer.paragraphs[0]
    par.alignment = 1
    par.add_run("- ")
    run = par.add_run()
    for el in (w_element("fldChar", fldCharType="begin"), w_element("instrText"), w_element("fldChar", fldCharType="separate")):
        if el.tag.endswith("instrText"):
            el.text = " PAGE "
        run._element.append(el)
    par.add_run("1")
    end = par.add_run()
    end._element.append(w_element("fldChar", fldCharType="end"))
    par.add_run(" -")


def make_docx(txt: Path, out: Path, numbered: bool = True) -> Path:
    """The notice as Word writes it: a paragraph per line, 一、 and （一） headings numbered
    automatically (the label removed from the text) where the text's numbering is what
    Word would generate, 公文 fonts, first-line indent, a footer with a PAGE field."""
    import docx
    from docx.shared import Pt

    doc = docx.Document()
    add_numbering(doc)
    _footer_page_field(doc.sections[0])
    counts: list[int] = [0, 0]
    lines = txt.read_text(encoding="utf-8").splitlines()
    in_title = True
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if re.match(r"^(根据|按照)", stripped):
            in_title = False
        par = doc.add_paragraph()
        par.paragraph_format.first_line_indent = Pt(24)
        par.paragraph_format.space_after = Pt(0)
        level, text = None, stripped
        for lv, pat in enumerate(LEVEL_RES):
            m = pat.match(stripped)
            if m and numbered:
                expect = counts[lv] + 1
                if m.group(1) == _cn(expect) and (lv == 0 or counts[0] > 0):
                    level, text = lv, stripped[m.end():]
                    counts[lv] = expect
                    if lv == 0:
                        counts[1] = 0
                break
        if level is not None:
            numpr = w_element("numPr")
            numpr.append(w_element("ilvl", val=str(level)))
            numpr.append(w_element("numId", val=str(NUM_ID)))
            par._p.get_or_add_pPr().append(numpr)
        if in_title and level is None and len(stripped) < 40:
            par.alignment = 1
            par.paragraph_format.first_line_indent = Pt(0)
        run = par.add_run(text)
        run.font.size = Pt(12)
        _font(run, FONTS["title"] if in_title else FONTS[level] if level is not None else FONTS["body"])
    doc.save(out)
    return out


def soffice_convert(inputs: list[Path], target: str, outdir: Path, profile: Path) -> list[Path]:
    """Convert several files in one LibreOffice run, with a private profile."""
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [shutil.which("soffice") or "soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
           "--convert-to", target, "--outdir", str(outdir), *map(str, inputs)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    ext = target.split(":")[0]
    outs = [outdir / (p.stem + "." + ext) for p in inputs]
    missing = [p for p in outs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}")
    return outs


NAV = """<div class="header"><div class="logo">中山市公安局</div><div class="search">站内搜索</div></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/jwzx/">警务资讯</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 通知公告</div>"""
FOOTER = """<div class="related"><h3>相关链接</h3><ul><li><a href="/a1.html">关于开展夏季治安打击整治行动的通告</a></li>
<li><a href="/a2.html">2024年度政府信息公开工作年度报告</a></li><li><a href="/a3.html">关于调整户籍业务办理时间的公告</a></li></ul></div>
<div class="footer"><p>主办单位：中山市公安局　地址：中山市东区</p><p>粤ICP备05012345号　网站标识码：4420000012</p>
<p>粤公网安备 44200002000123号</p></div>"""


def make_html(txt: Path, out: Path, encoding: str = "utf-8", date: str = "2025-04-27") -> Path:
    """The notice on a government web page: header, navigation, breadcrumb, the article
    (title, 发布时间 / 来源 line, a <p> per line), related links and a footer."""
    from html import escape

    lines = [ln.strip() for ln in txt.read_text(encoding="utf-8").splitlines() if ln.strip()]
    title_lines = []
    for ln in lines:
        if re.match(r"^(根据|按照)", ln) or len(ln) > 60:
            break
        title_lines.append(ln)
    title = "".join(title_lines) or "巡察整改进展情况的通报"
    body = "\n".join(f"<p>{escape(ln)}</p>" for ln in lines[len(title_lines):])
    charset = {"utf-8": "utf-8", "gbk": "gbk"}[encoding]
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{escape(title)}_通知公告_中山市公安局</title></head>
<body>{NAV}
<div class="article"><h1 class="title">{escape(title)}</h1>
<div class="info">发布时间：{date} 10:30　来源：中山市公安局　浏览次数：1024</div>
<div class="content">{body}</div></div>
{FOOTER}</body></html>"""
    out.write_bytes(page.encode(encoding))
    return out


def make_scan(pdf: Path, out: Path, scale: float = 2.0) -> Path:
    """An image-only PDF: each page of ``pdf`` rasterised (pypdfium2 → PIL)."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(pdf))
    try:
        images = [src[i].render(scale=scale, grayscale=True).to_pil() for i in range(len(src))]
    finally:
        src.close()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=72 * scale)
    return out


def make_blank_pdf(out: Path, pages: int) -> Path:
    """A PDF of ``pages`` empty pages (no text, no images)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    for _ in range(pages):
        doc.new_page(595, 842)
    doc.save(str(out))
    doc.close()
    return out


def make_encrypted_pdf(out: Path) -> Path:
    """A PDF protected by a user password (standard security handler, RC4 40-bit)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /Filter /Standard /V 1 /R 2 /O <" + b"7a" * 32 + b"> /U <" + b"5b" * 32 + b"> /P -44 >>"]
    data, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(data))
        data += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(data)
    data += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    data += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    data += (f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<{'ab' * 16}> <{'ab' * 16}>] >>\n"
             f"startxref\n{xref}\n%%EOF\n").encode()
    out.write_bytes(data)
    return out


def make_zip_bomb(docx: Path, out: Path, size: int = 200 * 1024 * 1024) -> Path:
    """A .docx with an extra member that unpacks to ``size`` bytes of zeros (about 200 KB
    compressed), written in chunks so the test never holds it in memory."""
    shutil.copy(docx, out)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as zf, zf.open("word/media/bomb.bin", "w",
                                                                                    force_zip64=True) as f:
        block = bytes(1024 * 1024)
        for _ in range(size // len(block)):
            f.write(block)
    return out


def with_table(docx: Path, out: Path, rows: list[list[str]]) -> Path:
    """A copy of ``docx`` with a table appended to the body."""
    import docx as python_docx

    doc = python_docx.Document(str(docx))
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    doc.save(out)
    return out



def make_all(txts: list[Path], root: Path) -> dict[str, dict[str, Path]]:
    """Every bundled notice as .docx, .pdf, .doc and .html (003's page in GBK), one
    LibreOffice run per target format; ``{format: {txt name: path}}``."""
    out: dict[str, dict[str, Path]] = {"docx": {}, "html": {}, "pdf": {}, "doc": {}}
    (root / "docx").mkdir(parents=True, exist_ok=True)
    (root / "html").mkdir(exist_ok=True)
    for txt in txts:
        out["docx"][txt.name] = make_docx(txt, root / "docx" / f"{txt.stem}.docx")
        enc = "gbk" if txt.name.startswith("003") else "utf-8"
        out["html"][txt.name] = make_html(txt, root / "html" / f"{txt.stem}.html", enc)
    if shutil.which("soffice"):
        profile = root / "lo-profile"
        docxs = list(out["docx"].values())
        for fmt in ("pdf", "doc"):
            paths = soffice_convert(docxs, fmt, root / fmt, profile)
            out[fmt] = {txt.name: p for txt, p in zip(txts, paths)}
    return out
