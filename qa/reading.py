"""Decode notice files into source text.

The decoded text is the reference for every offset in the project: a section,
chunk or quote is ``text[start:end]`` of what :func:`decode` returns. Nothing is
normalised here (line endings and full-width characters stay as they are); only a
leading byte-order mark is dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer

SUFFIXES = (".txt", ".md")
MAX_BYTES = 20 * 1024 * 1024
# Conversion artefacts from Word exports: kept in the text (offsets stay exact) but
# never indexed, embedded or quoted.
ARTEFACT_RE = re.compile(r"\[bookmark:[^\]\n]{0,80}\]")
# A UTF-8 file with a few broken bytes is still read as UTF-8, up to this share.
MAX_REPLACED_SHARE = 0.01
_CJK_RE = re.compile(r"[\u3400-\u9fff]")


class NoticeError(ValueError):
    """A file that cannot be read as a notice; the message names the reason (in Chinese)."""


@dataclass(frozen=True)
class SourceText:
    text: str
    encoding: str
    warnings: tuple[str, ...] = field(default=())


def decode(data: bytes) -> SourceText:
    """Decode notice bytes: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK and
    whatever else charset-normalizer recognises. Raises :class:`NoticeError`."""
    if not data.strip():
        raise NoticeError("文件为空")
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _checked(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            raise NoticeError(f"UTF-16 解码失败：{exc.reason}") from None
    else:
        encoding = "utf-8"
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if bad == 0:
        return _checked(text, encoding)
    if bad <= max(3, MAX_REPLACED_SHARE * len(text)) and _CJK_RE.search(text):
        return _checked(text, encoding, (f"含 {bad} 处无效字节，已替换为 U+FFFD",))
    if b"\x00" in data and not _looks_utf16(data):
        raise NoticeError("二进制文件，不是文本通报")
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        decoded = str(best)
        if _CJK_RE.search(decoded) and _printable_share(decoded) > 0.95:
            return _checked(decoded, best.encoding)
    raise NoticeError("无法识别文件编码（不是 UTF-8、GB18030/GBK 或 UTF-16 文本），可能是二进制文件")


def _checked(text: str, encoding: str, warnings: tuple[str, ...] = ()) -> SourceText:
    if not text.strip():
        raise NoticeError("文件为空")
    if "\x00" in text or _printable_share(text) < 0.9:
        raise NoticeError("文本中控制字符过多，可能是二进制文件")
    return SourceText(text, encoding, warnings)


def _looks_utf16(data: bytes) -> bool:
    sample = data[:2000]
    return sample[1::2].count(0) > 0.3 * len(sample) // 2 or sample[0::2].count(0) > 0.3 * len(sample) // 2


def _printable_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    ok = sum(1 for ch in sample if ch.isprintable() or ch in "\r\n\t")
    return ok / len(sample)


def read_notice_file(path: Path) -> SourceText:
    """Read and decode one notice file; errors name the reason, the caller names the file."""
    if path.suffix.lower() not in SUFFIXES:
        raise NoticeError(f"不支持的文件类型 {path.suffix or '（无扩展名）'}，只接受 .txt 和 .md")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise NoticeError(f"文件过大（{size / 1e6:.1f} MB，上限 {MAX_BYTES / 1e6:.0f} MB）")
    return decode(path.read_bytes())


def artefact_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in ARTEFACT_RE.finditer(text)]


def strip_artefacts(text: str) -> str:
    """Text for indexing (embedding, BM25): artefacts removed, offsets no longer exact."""
    return ARTEFACT_RE.sub("", text)


def blank_artefacts(text: str) -> str:
    """Same length as ``text`` with artefacts replaced by spaces (offsets stay exact)."""
    return ARTEFACT_RE.sub(lambda m: " " * (m.end() - m.start()), text)
