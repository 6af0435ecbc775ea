"""Adding and removing notices: files into and out of the corpus folder, then an index
update, all under the index's build lock (used through ``Service.add`` / ``Service.remove``,
so the CLI and the web interface do it one way).

A file is checked before it is copied (a reader for its type, its size, readable and
parsable as a notice, not a duplicate); a file that fails is not copied and the rest are
added. A file whose name is already in the corpus with other content is a new version:
it replaces the old one. If the update fails, every file is put back as it was, so the
corpus and the current index stay as they were. Removal takes the file (and its sidecar)
out and updates the index by the build's removal path: nothing is re-parsed or
re-embedded.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from qa.config import Settings
from qa.index.build import BuildReport, build_lock, build_locked
from qa.index.embedders import Embedder
from qa.ingest.metadata import sidecar_path
from qa.ingest.notices import doc_name, load_notice, scan_corpus
from qa.ingest.readers import MAX_BYTES, reader_for, suffixes
from qa.ingest.source import NoticeError
from qa.query.retrieval import QueryError

LOCK_TIMEOUT = 60.0  # seconds to wait for another build


@dataclass
class FileResult:
    """What became of one file given to :func:`add_notices`."""
    name: str  # the file name as given
    ok: bool
    reason: str = ""  # why it was not added (Chinese)
    doc: str = ""  # its corpus name, when added
    replaced: bool = False  # a new version of a notice already in the corpus
    unchanged: bool = False  # the same content as the notice already there
    chunks: int = 0  # its chunks in the updated index
    sidecar_of: str = ""  # a metadata file given with its notice: that notice's file name

    def line(self) -> str:
        if not self.ok:
            return f"未添加 {self.name}：{self.reason}"
        if self.sidecar_of:
            return f"{self.name}：作为 {self.sidecar_of} 的元数据一并添加"
        if self.unchanged:
            return f"{self.name}：与已收录的版本内容相同，未改动"
        if self.replaced:
            return f"已替换 {self.doc} 的旧版本并索引：{self.chunks} 个分块"
        return f"已索引 {self.doc}：{self.chunks} 个分块"


@dataclass
class _Staged:
    """A file written into the corpus, and how to undo it."""
    result: FileResult
    path: Path
    old: bytes | None  # the previous version's bytes (None: the file is new)
    side: Path
    side_old: bytes | None
    side_written: bool

    def undo(self) -> None:
        _restore(self.path, self.old)
        if self.side_written:
            _restore(self.side, self.side_old)


def _restore(path: Path, data: bytes | None) -> None:
    if data is None:
        path.unlink(missing_ok=True)
    else:
        _write(path, data)


def _write(path: Path, data: bytes) -> None:
    """Write atomically (a hidden temporary file, which the corpus scan skips, then a rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def accepted_types() -> str:
    return "、".join(suffixes())


def size_limit() -> str:
    return f"{MAX_BYTES / 2**20:.0f} MB"


def check_file(path: Path) -> str:
    """Why ``path`` cannot be added as a notice ("" when it can): reads and parses it."""
    if not path.exists():
        return "文件不存在"
    if not path.is_file():
        return "不是文件"
    if path.name.startswith("."):
        return "文件名不能以“.”开头"
    if reader_for(path) is None:
        return f"不支持的文件类型 {path.suffix or '（无扩展名）'}，可添加的类型：{accepted_types()}"
    size = path.stat().st_size
    if size > MAX_BYTES:
        return f"文件过大（{size / 2**20:.1f} MB），单个文件上限 {size_limit()}"
    try:
        load_notice(path)
    except NoticeError as exc:
        return str(exc)
    except OSError as exc:
        return f"无法读取：{exc.strerror or exc}"
    return ""


def _target(corpus: Path, name: str, docs: list[str]) -> Path:
    """Where a file called ``name`` goes: the notice of that name already in the corpus
    (at the top, else the only one in a subfolder), else the top of the corpus folder."""
    if name in docs:
        return corpus / name
    same = [d for d in docs if Path(d).name == name]
    return corpus / same[0] if len(same) == 1 else corpus / name


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


SIDECAR_SUFFIX = ".meta.json"


def _sidecars(paths: list[Path]) -> tuple[dict[str, Path], dict[Path, FileResult]]:
    """Metadata files given among the files: notice stem -> sidecar, and a result for each
    (added with its notice, or refused when its notice is not given too)."""
    notices = {p.stem: p.name for p in paths if not p.name.endswith(SIDECAR_SUFFIX)}
    by_stem, results = {}, {}
    for p in paths:
        if p.name.endswith(SIDECAR_SUFFIX):
            stem = p.name.removesuffix(SIDECAR_SUFFIX)
            if stem in notices and p.is_file():
                by_stem[stem] = p
                results[p] = FileResult(p.name, ok=True, sidecar_of=notices[stem])
            else:
                results[p] = FileResult(p.name, ok=False, reason=f"元数据文件须与其通报（{stem}.txt 等）一起添加")
    return by_stem, results


def _stage(path: Path, corpus: Path, docs: list[str], digests: dict[bytes, str],
           side_src: Path | None = None) -> _Staged | FileResult:
    """Copy one checked file into the corpus (its sidecar too: ``side_src``, else the one
    next to it), or say why not."""
    result = FileResult(path.name, ok=False)
    reason = check_file(path)
    if reason:
        result.reason = reason
        return result
    data = path.read_bytes()
    target = _target(corpus, path.name, docs)
    doc = target.relative_to(corpus).as_posix()
    old = _read(target)
    side_src, side = side_src or sidecar_path(path), sidecar_path(target)
    side_data = _read(side_src) if side_src.resolve() != side.resolve() else None
    if old == data and (side_data is None or side_data == _read(side)):
        return FileResult(path.name, ok=True, doc=doc, unchanged=True)
    digest = _digest(data)
    if digests.get(digest, doc) != doc:
        result.reason = f"与已收录的 {digests[digest]} 内容完全相同"
        return result
    staged = _Staged(FileResult(path.name, ok=True, doc=doc, replaced=old is not None), target, old, side,
                     _read(side), side_data is not None)
    target.parent.mkdir(parents=True, exist_ok=True)
    _write(target, data)
    if side_data is not None:
        _write(side, side_data)
    digests[digest] = doc
    return staged


def add_notices(settings: Settings, embedder: Embedder, paths: list[Path], progress: bool = False,
                lock_timeout: float = LOCK_TIMEOUT) -> tuple[list[FileResult], BuildReport | None]:
    """Copy the files into the corpus folder and update the index; a result per file (in
    the order given) and the build's report (None when nothing changed)."""
    corpus = settings.corpus_dir
    corpus.mkdir(parents=True, exist_ok=True)
    with build_lock(settings.index_dir, lock_timeout):
        files = scan_corpus(corpus)
        docs = [doc_name(p, corpus) for p in files]
        digests = {_digest(p.read_bytes()): d for p, d in zip(files, docs)}
        out: list[FileResult] = []
        staged: list[_Staged] = []
        paths = [Path(p) for p in paths]
        sidecars, side_results = _sidecars(paths)
        for path in paths:
            if path in side_results:
                out.append(side_results[path])
                continue
            s = _stage(path, corpus, docs, digests, sidecars.get(path.stem))
            if isinstance(s, _Staged):
                staged.append(s)
                docs.append(s.result.doc)
                out.append(s.result)
            else:
                out.append(s)
        if not staged:
            return _settle(out), None
        try:
            report = build_locked(settings, embedder, progress=progress)
            rejected = dict(report.rejected)
            bad = [s for s in staged if s.result.doc in rejected]
            if bad:  # refused by the build after all (e.g. a duplicate by its sidecar): undo those
                for s in bad:
                    s.undo()
                    s.result.ok, s.result.reason = False, rejected[s.result.doc]
                report = build_locked(settings, embedder, progress=progress)
        except BaseException:
            for s in staged:
                s.undo()
            raise
        return _settle(out), report


def _settle(results: list[FileResult]) -> list[FileResult]:
    """A metadata file counts as added only when its notice was."""
    notices = {r.name: r for r in results if not r.name.endswith(SIDECAR_SUFFIX)}
    for r in results:
        n = notices.get(r.sidecar_of)
        if r.sidecar_of and (n is None or not n.ok or n.unchanged):
            r.ok, r.reason = False, f"其通报 {r.sidecar_of} 未添加或未改动"
            r.sidecar_of = ""
    return results


def resolve_notice(name: str, corpus: Path, labels: dict[str, str]) -> str:
    """The corpus file ``name`` means: a corpus file name or path, or a part of exactly one
    file name or bureau (``labels``: doc -> bureau). Raises QueryError naming the
    candidates when it is ambiguous, or what is there when nothing matches."""
    name = (name or "").strip()
    if not name:
        raise QueryError("请给出要删除的通报（文件名或单位名称）")
    docs = [doc_name(p, corpus) for p in scan_corpus(corpus)]
    shown = lambda ds: "、".join(f"{d}（{labels[d]}）" if d in labels else d for d in ds)  # noqa: E731
    if name in docs:
        return name
    as_path = Path(name)
    if as_path.is_absolute() or len(as_path.parts) > 1:  # a path: from here, else in the corpus folder
        full = (as_path if as_path.is_absolute() or as_path.exists() else corpus / as_path).resolve()
        if not full.is_relative_to(corpus.resolve()):
            raise QueryError(f"只能删除通报目录（{corpus}）中的通报，{name} 不在其中")
        rel = full.relative_to(corpus.resolve()).as_posix()
        if rel in docs:
            return rel
        raise QueryError(f"通报目录中没有 {rel}")
    exact = [d for d in docs if name in (d, Path(d).name, Path(d).stem)]
    if len(exact) == 1:
        return exact[0]
    found = exact or [d for d in docs if name in d or name in labels.get(d, "")]
    if len(found) == 1:
        return found[0]
    if not found:
        raise QueryError(f"没有找到与“{name}”对应的通报。已收录：{shown(docs) or '（无）'}")
    raise QueryError(f"“{name}”对应 {len(found)} 份通报，请写得更具体（写出文件名）：{shown(found)}")


def remove_notice(settings: Settings, embedder: Embedder, doc: str, indexed: set[str],
                  lock_timeout: float = LOCK_TIMEOUT) -> BuildReport:
    """Take corpus file ``doc`` (and its sidecar) out of the corpus and the index
    (``indexed``: the docs of the current index); put back if the update fails."""
    if indexed == {doc}:
        raise QueryError(f"{doc} 是索引中唯一的通报，不能删除（可先添加其他通报）")
    corpus = settings.corpus_dir
    with build_lock(settings.index_dir, lock_timeout):
        path = corpus / doc
        if not path.is_file():
            raise QueryError(f"通报目录中没有 {doc}")
        side = sidecar_path(path)
        data, side_data = path.read_bytes(), _read(side)
        path.unlink()
        side.unlink(missing_ok=True)
        try:
            return build_locked(settings, embedder, progress=False)
        except BaseException:
            _write(path, data)
            if side_data is not None:
                _write(side, side_data)
            raise
