"""Notice metadata inferred from the text, and the sidecar file for what it does not say."""
from __future__ import annotations

import json
import shutil

from qa.ingest.notices import load_notice
from tests.conftest import notice_path


def meta(prefix):
    return load_notice(notice_path(prefix)).meta


def test_000_gangkou():
    m = meta("000")
    assert m.bureau == "中山市公安局港口分局" and m.city == "中山市" and not m.anonymised
    assert m.inspection_round == "十五届市委公安系统专项巡察"
    assert m.inspection_group == "市委第八巡察组"
    assert m.inspection_period == "2024年4月1日至2024年6月28日"
    assert m.feedback_date == "2024-07-25"
    assert m.publication_date == "2025-04-27"
    assert m.disclosure_period == "2025年4月27日至5月11日"
    assert m.title.startswith("中共中山市公安局港口分局委员会关于十五届市委公安系统专项巡察")


def test_001_henglan():
    m = meta("001")
    assert (m.bureau, m.inspection_group, m.feedback_date) == ("中山市公安局横栏分局", "市委第三巡察组", "2024-07-26")
    assert m.inspection_period == "2024年3月29日至6月28日"


def test_002_is_anonymised_not_guessed():
    m = meta("002")
    assert m.anonymised and m.bureau == "**市公安局**分局"
    assert m.bureau_label == "**市公安局**分局（已匿名）"
    assert m.inspection_group == "市委第六巡察组"
    assert m.title is None and m.publication_date is None
    assert m.feedback_date == "*月**日"  # masked as stated


def test_003_dongying():
    m = meta("003")
    assert m.bureau == "东营市公安局东营经济技术开发区分局" and m.city == "东营市"
    assert (m.inspection_group, m.feedback_date, m.publication_date) == ("市委第五巡察组", "2025-02-14", "2025-07-17")


def test_004_zhoushan_from_the_signature():
    n = load_notice(notice_path("004"))
    m = n.meta
    assert m.bureau == "舟山市公安局" and m.city == "舟山市"
    assert m.title is None and "原文无标题" in n.title
    assert (m.inspection_group, m.feedback_date, m.publication_date) == ("市委第一巡察组", "2025-01-08", "2025-08-28")


def test_sidecar_supplies_what_the_text_does_not(tmp_path):
    p = tmp_path / notice_path("002").name
    shutil.copy(notice_path("002"), p)
    p.with_name(p.stem + ".meta.json").write_text(json.dumps(
        {"title": "某分局巡察整改情况通报", "publication_date": "2021-09-01"}, ensure_ascii=False), encoding="utf-8")
    m = load_notice(p).meta
    assert m.title == "某分局巡察整改情况通报" and m.publication_date == "2021-09-01"
    assert m.anonymised  # the bureau stays as stated


def test_broken_sidecar_is_reported_and_the_notice_still_indexed(tmp_path):
    p = tmp_path / notice_path("003").name
    shutil.copy(notice_path("003"), p)
    p.with_name(p.stem + ".meta.json").write_text('{"bureau": "X", "colour": "red"}', encoding="utf-8")
    n = load_notice(p)
    assert n.meta.bureau == "东营市公安局东营经济技术开发区分局"
    assert any("未知字段" in w and "colour" in w for w in n.warnings)


def test_fax_postcode_and_web_address_are_read_from_the_closing_paragraph(tmp_path):
    text = notice_path("000").read_text(encoding="utf-8").replace(
        "邮政编码：528447；", "邮政编码：528447；传真：0760-7654321；网址：https://www.example.gov.cn/notice；")
    (tmp_path / "000.txt").write_text(text, encoding="utf-8")
    m = load_notice(tmp_path / "000.txt").meta
    assert (m.fax, m.postcode, m.website) == ("0760-7654321", "528447", "https://www.example.gov.cn/notice")
    assert (meta("003").postcode, meta("003").fax, meta("004").postcode) == (None, None, "316021")
