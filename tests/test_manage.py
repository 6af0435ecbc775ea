"""Adding and removing notices (qa add / qa remove, Service.add / Service.remove, the web
interface's handlers): real files, a real index on disk, the real embedder.

What gets embedded is counted with an embedding cache that starts empty at the change
(:func:`empty_cache`), so that re-embedding an indexed notice would show.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import faiss
import numpy as np
import pytest
from filelock import FileLock
from typer.testing import CliRunner

from qa.cli import app
from qa.index.build import BuildBusy
from qa.index.layout import BuildLayout, IndexLayout
from qa.index.lexical import bm25
from qa.ingest.readers import MAX_BYTES
from qa.query.retrieval import QueryError
from qa.service import Service
from tests.conftest import current_build, make_settings, notice_path, share_cache, write_notice

DOC_003, DOC_004 = notice_path("003").name, notice_path("004").name
ZHOUSHAN_QUERY = "非警务类警情分流"  # found in 004 (舟山市公安局) only


def open_service(corpus: Path, index: Path) -> Service:
    return Service.open(make_settings(corpus, index), progress=False, log=lambda s: None)


def empty_cache(service: Service) -> None:
    """From now on the index folder's embedding cache is its own and empty."""
    cache = IndexLayout(service.settings.index_dir).root / "cache"
    cache.unlink()
    cache.mkdir()


def docs_found(service: Service, query: str, k: int = 10) -> list[str]:
    return [h.chunk.doc for h in service.search(query, k=k)]


@pytest.fixture
def service(small_corpus, tmp_path) -> Service:
    return open_service(small_corpus, tmp_path / "index")


def test_add_a_notice_embeds_only_its_chunks_and_is_found(service, tmp_path):
    new = write_notice(tmp_path / "鹦鹉分局通报.txt", "鹦鹉分局", "鹦鹉螺")
    assert "鹦鹉分局通报.txt" not in docs_found(service, "鹦鹉螺登记台账")
    empty_cache(service)
    change = service.add([new])
    [result] = change.files
    assert result.ok and not result.replaced and result.doc == new.name
    assert (service.settings.corpus_dir / new.name).read_bytes() == new.read_bytes()
    chunks = [c for c in service.index.chunks if c.doc == new.name]
    assert result.chunks == len(chunks) > 0 and f"已索引 {new.name}：{len(chunks)} 个分块" in change.lines()[0]
    report = change.report
    assert report is not None and report.appended and report.reused_docs == 2 and report.parsed_docs == 1
    assert report.embedded_chunks == len(chunks)  # none of the notices already indexed
    # the service serves the new index: search, the notices list, the bureaus
    assert docs_found(service, "鹦鹉螺登记台账")[0] == new.name
    assert [r["doc"] for r in service.notice_list()] == sorted([DOC_003, DOC_004, new.name])
    assert "测试市公安局鹦鹉分局" in service.bureaus()
    assert service.index.manifest["counts"]["notices"] == 3
    assert any("鹦鹉螺" in c.quote for c in service.ask("鹦鹉分局怎样整改鹦鹉螺登记不规范问题？").citations)


def test_a_new_version_replaces_the_old_one(service, tmp_path):
    old_text = notice_path("004").read_text(encoding="utf-8")
    old_sentence = next(s for s in old_text.split("。") if "非警务类警情分流" in s)
    new_sentence = "建立鹦鹉螺警情分流台账，由指挥中心每日核对"
    assert old_sentence in old_text and docs_found(service, ZHOUSHAN_QUERY)[0] == DOC_004
    (tmp_path / "upload").mkdir()
    version2 = tmp_path / "upload" / DOC_004
    version2.write_text(old_text.replace(old_sentence, new_sentence), encoding="utf-8")
    change = service.add([version2])
    [result] = change.files
    assert result.ok and result.replaced and result.doc == DOC_004 and "旧版本" in result.line()
    assert (service.settings.corpus_dir / DOC_004).read_text(encoding="utf-8") == version2.read_text(encoding="utf-8")
    assert len(service.notice_list()) == 2
    assert not any(old_sentence in c.text for c in service.index.chunks)
    assert any(new_sentence in c.text for c in service.index.chunks if c.doc == DOC_004)
    top = service.search("鹦鹉螺警情分流台账", k=1)[0]
    assert top.chunk.doc == DOC_004 and new_sentence in top.chunk.text
    # the same file again: nothing to do
    again = service.add([version2])
    assert again.files[0].unchanged and again.report is None and again.ok


def build_parts(build: BuildLayout) -> dict:
    """A build's tables in comparable form (BM25 by chunk row and token: column numbers
    depend on the order tokens were first seen)."""
    index = bm25.load(build / build.BM25, mmap=False)
    names = {i: t for t, i in index.vocab.items()}
    cols = np.repeat(np.arange(len(index.indptr) - 1), np.diff(index.indptr))
    dense = faiss.read_index(str(build / build.DENSE))
    manifest = json.loads((build / build.MANIFEST).read_text(encoding="utf-8"))
    return {
        **{part: (build / part).read_bytes() for part in (build.NOTICES, build.CHUNKS, build.PROBLEMS)},
        **{part: np.load(build / part).tolist() for part in (build.VECTORS, build.SENTENCES, build.SENTENCE_OFFSETS,
                                                              build.SENTENCE_VECTORS)},
        **{part: json.loads((build / part).read_text(encoding="utf-8")) for part in (build.IDF, build.CROSSLINGUAL)},
        "bm25": sorted((int(r), names[int(c)], float(tf), float(s))
                       for r, c, tf, s in zip(index.indices, cols, index.tf, index.data)),
        "doc_len": np.asarray(index.doc_len).tolist(),
        "dense": dense.reconstruct_n(0, dense.ntotal).tolist(),
        "counts": manifest["counts"], "corpus": list(manifest["corpus"]),
    }


def test_remove_copies_the_rest_without_embedding(service, small_corpus, tmp_path):
    side = small_corpus / (Path(DOC_004).stem + ".meta.json")
    side.write_text(json.dumps({"publication_date": "2025-01-01"}), encoding="utf-8")
    service = open_service(small_corpus, service.settings.index_dir)  # updated for the sidecar
    assert docs_found(service, ZHOUSHAN_QUERY)[0] == DOC_004
    n_004 = sum(1 for c in service.index.chunks if c.doc == DOC_004)
    empty_cache(service)
    change = service.remove("舟山")  # a part of the bureau's name
    assert change.removed == DOC_004 and change.chunks == n_004
    assert "已删除 004" in change.lines()[0] and "舟山市公安局" in change.lines()[0]
    assert not (small_corpus / DOC_004).exists() and not side.exists()
    report = change.report
    assert report is not None and report.removed_docs == 1 and report.reused_docs == 1
    assert report.parsed_docs == 0 and report.embedded_chunks == 0 and report.embedded_sentences == 0
    assert DOC_004 not in docs_found(service, ZHOUSHAN_QUERY, k=50)
    assert [r["doc"] for r in service.notice_list()] == [DOC_003]
    assert service.bureaus() == ["东营市公安局东营经济技术开发区分局"]
    # the rest is what a fresh build of the remaining corpus gives
    fresh = tmp_path / "fresh"
    shutil.copytree(small_corpus, fresh / "notices")
    share_cache(fresh / "index")
    open_service(fresh / "notices", fresh / "index")
    got = build_parts(BuildLayout(current_build(service.settings.index_dir)))
    want = build_parts(BuildLayout(current_build(fresh / "index")))
    assert got.keys() == want.keys()
    for part in got:
        assert got[part] == want[part], part


def run_cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_bad_files_are_refused_and_the_rest_added(service, small_corpus, tmp_path):
    where = ["--corpus", str(small_corpus), "--index", str(service.settings.index_dir)]
    before = sorted(p.name for p in small_corpus.iterdir())
    build = current_build(service.settings.index_dir)
    (tmp_path / "table.xls").write_bytes(b"\xd0\xcf\x11\xe0 not a notice")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "garbage.txt").write_bytes(bytes(range(256)) * 20)
    with open(tmp_path / "huge.txt", "wb") as fh:
        fh.truncate(MAX_BYTES + 1)
    shutil.copy(notice_path("003"), tmp_path / "copy-of-003.txt")
    write_notice(tmp_path / "good.txt", "鹦鹉分局", "鹦鹉螺")
    names = ["table.xls", "empty.txt", "garbage.txt", "missing.txt", "huge.txt", "copy-of-003.txt", "good.txt"]
    result = run_cli("add", *[str(tmp_path / n) for n in names], *where)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("未添加 table.xls：不支持的文件类型 .xls，可添加的类型：.txt、.md")
    assert lines[1] == "未添加 empty.txt：文件为空"
    assert lines[2].startswith("未添加 garbage.txt：") and "二进制" in lines[2]
    assert lines[3] == "未添加 missing.txt：文件不存在"
    assert lines[4].startswith("未添加 huge.txt：文件过大") and f"上限 {MAX_BYTES // 2**20} MB" in lines[4]
    assert lines[5] == f"未添加 copy-of-003.txt：与已收录的 {DOC_003} 内容完全相同"
    assert lines[6].startswith("已索引 good.txt：") and "索引现有 3 份通报" in lines[7]
    assert sorted(p.name for p in small_corpus.iterdir()) == sorted(before + ["good.txt"])
    assert current_build(service.settings.index_dir) != build  # updated for good.txt
    # removal: unknown, ambiguous, outside the corpus folder
    for name, message in (("小榄分局", "没有找到与“小榄分局”对应的通报"),
                          ("分局", "“分局”对应 2 份通报"),
                          ("/etc/passwd", "只能删除通报目录"),
                          ("../notices/../../x.txt", "只能删除通报目录")):
        result = run_cli("remove", name, *where)
        assert result.exit_code == 2 and message in result.stderr, (name, result.stderr)
    assert "good.txt（测试市公安局鹦鹉分局）" in run_cli("remove", "分局", *where).stderr
    result = run_cli("remove", "good", *where)
    assert result.exit_code == 0 and result.stdout.startswith("已删除 good.txt（测试市公安局鹦鹉分局）")
    assert sorted(p.name for p in small_corpus.iterdir()) == before


def test_a_failed_update_leaves_corpus_and_index_as_they_were(service, small_corpus, tmp_path, monkeypatch):
    import qa.index.build

    build = current_build(service.settings.index_dir)
    old_004 = (small_corpus / DOC_004).read_bytes()
    (tmp_path / "up").mkdir()
    (tmp_path / "up" / DOC_004).write_bytes(old_004.replace("舟山".encode(), "鹦鹉".encode()))
    good = write_notice(tmp_path / "good.txt", "鹦鹉分局", "鹦鹉螺")

    def broken(*args, **kw):
        raise RuntimeError("embedder crashed")

    monkeypatch.setattr(qa.index.build, "_embed", broken)
    with pytest.raises(RuntimeError, match="embedder crashed"):
        service.add([good, tmp_path / "up" / DOC_004])
    assert sorted(p.name for p in small_corpus.iterdir()) == sorted([DOC_003, DOC_004])
    assert (small_corpus / DOC_004).read_bytes() == old_004
    assert current_build(service.settings.index_dir) == build
    monkeypatch.setattr(qa.index.build, "_remove", broken)
    with pytest.raises(RuntimeError, match="embedder crashed"):
        service.remove(DOC_004)
    assert (small_corpus / DOC_004).read_bytes() == old_004
    assert current_build(service.settings.index_dir) == build
    # another build holds the lock: refused, nothing touched
    monkeypatch.undo()
    with FileLock(str(IndexLayout(service.settings.index_dir).lock)):
        with pytest.raises(BuildBusy, match="另一个索引构建正在进行"):
            service.add([good], lock_timeout=0.2)
        with pytest.raises(BuildBusy):
            service.remove(DOC_004, lock_timeout=0.2)
    assert sorted(p.name for p in small_corpus.iterdir()) == sorted([DOC_003, DOC_004])
    # still serving, and a fresh process loads the same index without updating it
    assert docs_found(service, ZHOUSHAN_QUERY)[0] == DOC_004
    assert open_service(small_corpus, service.settings.index_dir).build_report is None


def test_handlers_add_confirm_and_remove(service, tmp_path):
    from ui import handlers

    with pytest.raises(QueryError, match="请先选择"):
        handlers.add_notices(service, [])
    new = write_notice(tmp_path / "鹦鹉分局通报.txt", "鹦鹉分局", "鹦鹉螺")
    (tmp_path / "x.xls").write_bytes(b"xls")
    (tmp_path / "up").mkdir()  # uploads arrive in folders of their own: the sidecar is not beside its notice
    side = tmp_path / "up" / "鹦鹉分局通报.meta.json"
    side.write_text(json.dumps({"publication_date": "2025-03-01"}), encoding="utf-8")
    (tmp_path / "up" / "other.meta.json").write_text("{}", encoding="utf-8")
    page = handlers.add_notices(service, [str(new), str(tmp_path / "x.xls"), str(side),
                                          str(tmp_path / "up" / "other.meta.json")])
    # the notice, its sidecar and the index line; the .xls and the sidecar without its notice
    assert page.count("qa-change-ok") == 3 and page.count("qa-change-fail") == 2
    assert f"已索引 {new.name}" in page and "未添加 x.xls：不支持的文件类型 .xls" in page
    assert "鹦鹉分局通报.meta.json：作为 鹦鹉分局通报.txt 的元数据一并添加" in page
    assert "未添加 other.meta.json：元数据文件须与其通报" in page
    corpus = service.settings.corpus_dir
    assert (corpus / side.name).read_bytes() == side.read_bytes() and not (corpus / "other.meta.json").exists()
    assert {r["doc"]: r for r in service.notice_list()}[new.name]["publication_date"] == "2025-03-01"
    assert ("测试市公安局鹦鹉分局 — " + new.name, new.name) in handlers.remove_choices(service)
    assert new.name in handlers.notices_overview(service)
    assert "测试市公安局鹦鹉分局" in handlers.confirm_remove(service, new.name)
    assert "确认删除" in handlers.confirm_remove(service, new.name)
    with pytest.raises(QueryError, match="请先选择"):
        handlers.confirm_remove(service, None)
    page = handlers.remove_notice(service, new.name)
    assert f"已删除 {new.name}" in page and "新嵌入 0 个分块" in page
    assert not (corpus / new.name).exists() and not (corpus / side.name).exists()
    assert new.name not in handlers.notices_overview(service)
    assert [doc for _, doc in handlers.remove_choices(service)] == [DOC_003, DOC_004]
    assert f"{MAX_BYTES // 2**20} MB" in handlers.upload_label()
