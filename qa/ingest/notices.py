"""A parsed notice (text, metadata, section tree) and the corpus folder it comes from."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from qa.ingest.metadata import NoticeMeta, apply_sidecar, infer_meta, read_sidecar, sidecar_path
from qa.ingest.readers import read_document, reader_for
from qa.ingest.source import Locations, NoticeError, SourceText, location_at
from qa.ingest.structure import Section, parse_sections


@dataclass
class Notice:
    doc: str  # corpus file name (path relative to the corpus folder, POSIX)
    sha256: str  # of the file bytes and its sidecar
    text: str  # decoded source: every offset refers to it
    encoding: str
    meta: NoticeMeta
    sections: list[Section]
    warnings: list[str] = field(default_factory=list)
    locations: Locations = ()  # offsets -> page / paragraph / element of the original file
    ocr: bool = False  # text recognised from page images (OCR 识别)

    @property
    def title(self) -> str:
        return self.meta.title or f"{self.meta.bureau_label}巡察整改情况通报（原文无标题）"

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return self.text.count("\n", 0, offset) + 1

    def location_of(self, offset: int) -> str | None:
        """Where an offset lies in the original file (第 3 页, 第 12 段, 网页第 5 段), or None
        for text files."""
        return location_at(self.locations, offset)

    def to_dict(self) -> dict:
        return {"doc": self.doc, "sha256": self.sha256, "encoding": self.encoding,
                "meta": self.meta.to_dict(), "warnings": self.warnings,
                "sections": [s.to_dict() for s in self.sections],
                "locations": [list(x) for x in self.locations], "ocr": self.ocr}

    @classmethod
    def from_dict(cls, d: dict, text: str) -> Notice:
        return cls(doc=d["doc"], sha256=d["sha256"], text=text, encoding=d["encoding"],
                   meta=NoticeMeta.from_dict(d["meta"]), warnings=list(d.get("warnings", [])),
                   sections=[Section.from_dict(s) for s in d["sections"]],
                   locations=tuple((int(a), str(b)) for a, b in d.get("locations", [])), ocr=bool(d.get("ocr")))


def file_digest(path: Path) -> str:
    h = hashlib.sha256(path.read_bytes())
    side = sidecar_path(path)
    if side.exists():
        h.update(b"\0sidecar\0" + side.read_bytes())
    return h.hexdigest()


def parse_notice(text: str, doc: str, sha256: str = "", encoding: str = "utf-8",
                 sidecar: dict | None = None, warnings: list[str] | None = None,
                 source: SourceText | None = None) -> Notice:
    """Parse a notice's text. ``source`` (what the reader returned) adds the location map,
    the OCR flag and the metadata the file states (used where the text says nothing;
    the sidecar overrides both)."""
    sections = parse_sections(text)
    if not sections:
        raise NoticeError("文件没有可索引的文字")
    meta = infer_meta(text, sections)
    if source is not None and source.meta:
        meta = apply_sidecar(meta, {k: v for k, v in source.meta.items() if getattr(meta, k, None) is None})
    if sidecar:
        meta = apply_sidecar(meta, sidecar)
    return Notice(doc=doc, sha256=sha256, text=text, encoding=encoding, meta=meta,
                  sections=sections, warnings=list(warnings or []),
                  locations=source.locations if source else (), ocr=source.ocr if source else False)


def load_notice(path: Path, doc: str | None = None, progress: bool = False) -> Notice:
    """Read, decode and parse one notice file. Raises NoticeError with the reason.
    ``progress``: show a progress bar where reading is slow (OCR, per page)."""
    source = read_document(path, progress=progress)
    warnings = list(source.warnings)
    try:
        sidecar = read_sidecar(path)
    except NoticeError as exc:  # a broken sidecar loses nothing: index with inferred metadata
        sidecar = {}
        warnings.append(f"{exc}；已改用从正文推断的元数据")
    return parse_notice(source.text, doc or path.name, file_digest(path), source.encoding, sidecar, warnings,
                        source)


def scan_corpus(corpus_dir: Path) -> list[Path]:
    """Notice files under the corpus folder (recursively), sorted; hidden files and
    sidecars are skipped, and symlinks leading outside the folder are refused."""
    root = corpus_dir.resolve()
    if not root.is_dir():
        raise NoticeError(f"通报目录不存在：{corpus_dir}")
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if reader_for(path) is None:
            continue
        if not path.resolve().is_relative_to(root):
            continue
        out.append(path)
    return out


def doc_name(path: Path, corpus_dir: Path) -> str:
    return path.resolve().relative_to(corpus_dir.resolve()).as_posix()
