"""Old Word .doc notices: converted to .docx by LibreOffice (headless, a private profile,
a temporary folder, a time limit), then read as .docx. LibreOffice is a system package
(Debian: libreoffice-writer-nogui); without it a .doc is refused with that name and the
rest of the corpus is indexed."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from qa.ingest.readers.docx import read_docx
from qa.ingest.source import NoticeError, SourceText

TIMEOUT_S = 120
SOFFICE = ("soffice", "libreoffice")


class DocReader:
    suffixes: tuple[str, ...] = (".doc",)

    def read(self, path: Path, progress: bool = False) -> SourceText:
        return read_doc(path)


def soffice() -> str:
    found = next((p for p in map(shutil.which, SOFFICE) if p), None)
    if found is None:
        raise NoticeError("读取 .doc 需要 LibreOffice，但系统中没有 soffice：请安装 libreoffice-writer-nogui"
                          "（Debian/Ubuntu：apt-get install libreoffice-writer-nogui），或把文件另存为 .docx")
    return found


def read_doc(path: Path) -> SourceText:
    exe = soffice()
    with tempfile.TemporaryDirectory(prefix="qa-doc-") as tmp:
        out = Path(tmp) / "out"
        src = Path(tmp) / "in.doc"  # a plain name: LibreOffice names its output after the input
        shutil.copyfile(path, src)
        cmd = [exe, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless", "--norestore",
               "--convert-to", "docx", "--outdir", str(out), str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise NoticeError(f"LibreOffice 转换 .doc 超时（{TIMEOUT_S} 秒），文件可能已损坏") from None
        converted = out / "in.docx"
        if not converted.exists() or converted.stat().st_size == 0:
            raise NoticeError("LibreOffice 无法转换此 .doc 文件，文件可能已损坏或不是 Word 文档")
        source = read_docx(converted, encoding="doc")
    return source
