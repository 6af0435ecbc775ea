"""Reading notices in the encodings users have, and refusing what is not a notice."""
from __future__ import annotations

import pytest

from qa.ingest.notices import load_notice
from qa.ingest.readers import read_document
from qa.ingest.readers.text import decode
from qa.ingest.source import NoticeError, strip_artefacts
from tests.conftest import DOCS, NOTICES, notice_path

SAMPLE = notice_path("003").read_text(encoding="utf-8")


@pytest.mark.parametrize("doc", DOCS)
def test_bundled_notices_read_as_utf8(doc):
    src = read_document(NOTICES / doc)
    assert src.encoding == "utf-8" and not src.warnings
    assert src.text == (NOTICES / doc).read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding,data", [
    ("utf-8-sig", b"\xef\xbb\xbf" + SAMPLE.encode("utf-8")),
    ("utf-16", SAMPLE.encode("utf-16")),
    ("gb18030", SAMPLE.encode("gb18030")),
    ("gbk", SAMPLE.encode("gbk")),
])
def test_encodings_detected(encoding, data):
    src = decode(data)
    assert src.text == SAMPLE, encoding


def test_utf8_with_a_few_invalid_bytes_is_read_with_a_warning():
    raw = SAMPLE.encode("utf-8")
    data = raw[:300] + b"\xff\xfe" + raw[300:]
    src = decode(data)
    assert src.warnings and "无效字节" in src.warnings[0]
    assert "市委第五巡察组" in src.text


@pytest.mark.parametrize("data,reason", [
    (b"", "文件为空"),
    (b"   \n\t\n", "文件为空"),
    (bytes(range(256)) * 40, "二进制"),
    (b"\x89PNG\r\n\x1a\n" + bytes(3000), "二进制"),
])
def test_rejected_with_reason(data, reason):
    with pytest.raises(NoticeError, match=reason):
        decode(data)


def test_unsupported_suffix(tmp_path):
    p = tmp_path / "notice.pptx"
    p.write_bytes(b"PK\x03\x04")
    with pytest.raises(NoticeError, match="不支持的文件类型"):
        read_document(p)


def test_markdown_notice(tmp_path):
    p = tmp_path / "notice.md"
    p.write_text("# 某分局巡察整改情况\n\n一、总体情况\n（一）高度重视。成立领导小组。\n", encoding="utf-8")
    n = load_notice(p)
    assert any(s.heading == "一、总体情况" for s in n.sections)


def test_artefacts_are_not_content():
    n = load_notice(notice_path("000"))
    assert "[bookmark: _GoBack]" in n.text  # offsets stay exact
    assert strip_artefacts("[bookmark: _GoBack]（二）正视问题") == "（二）正视问题"
