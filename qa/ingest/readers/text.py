"""Plain text and Markdown notices: bytes decoded (UTF-8 with or without BOM, UTF-16,
GB18030/GBK and whatever charset-normalizer recognises). Nothing is normalised: line
endings and full-width characters stay; only a leading byte-order mark is dropped."""
from __future__ import annotations

import re
from pathlib import Path

import charset_normalizer

from qa.ingest.source import NoticeError, SourceText

# A UTF-8 file with a few broken bytes is still read as UTF-8, up to this share.
MAX_REPLACED_SHARE = 0.01
_CJK_RE = re.compile(r"[\u3400-\u9fff]")


class TextReader:
    suffixes: tuple[str, ...] = (".txt", ".md")

    def read(self, path: Path, progress: bool = False) -> SourceText:
        return decode(path.read_bytes())


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
