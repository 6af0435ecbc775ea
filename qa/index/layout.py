"""The index on disk: where every part lives, the format version, and a validity check.

::

    index/
      CURRENT                 name of the active build (replaced atomically)
      builds/<name>/          a build (see BuildLayout: its part files)
      cache/embeddings.sqlite3
      build.lock

A build is written into ``builds/.tmp-<name>`` and only then renamed and named in
CURRENT (:mod:`qa.index.writer`), so a crash mid-build leaves the previous index in use.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from qa.index.lexical import bm25

FORMAT_VERSION = 7  # 7: readings of the characters that sound like a bureau name's (crosslingual.json); 6: notices' fax, postcode and web address; 5: BM25 term counts stored (bm25/), tokens.jsonl dropped, manifest in index order
REBUILD_HINT = "请运行 `qa index --rebuild` 重建索引"


@dataclass(frozen=True)
class BuildLayout:
    """The part files of one build. Row-aligned parts hold a row per notice, chunk,
    problem or sentence in index order; new notices are appended."""
    root: Path

    MANIFEST = "manifest.json"
    NOTICES = "notices.jsonl"  # a row per notice: metadata, section tree, text
    CHUNKS = "chunks.jsonl"  # a row per chunk
    PROBLEMS = "problems.jsonl"  # a row per problem with its measures
    VECTORS = "vectors.npy"  # float16, a row per chunk
    DENSE = "dense.faiss"  # the vector index
    SENTENCES = "sentences.npy"  # (n, 2) start, end of every sentence, in chunk order
    SENTENCE_OFFSETS = "sentence_offsets.npy"  # chunk i has sentences[offsets[i]:offsets[i+1]]
    SENTENCE_VECTORS = "sentence_vectors.npy"  # float16, a row per sentence
    BM25 = "bm25"  # folder: bm25s's format plus term counts
    IDF = "idf.json"  # token -> idf (sentence scoring)
    CROSSLINGUAL = "crosslingual.json"  # English -> Chinese table (English questions)

    FILES = (MANIFEST, NOTICES, CHUNKS, PROBLEMS, VECTORS, DENSE, SENTENCES, SENTENCE_OFFSETS, SENTENCE_VECTORS,
             IDF, CROSSLINGUAL)

    def __truediv__(self, part: str) -> Path:
        return self.root / part

    @property
    def name(self) -> str:
        return self.root.name

    def missing(self) -> list[str]:
        """The parts this build lacks (empty when complete)."""
        out = [f for f in self.FILES if not (self.root / f).is_file()]
        out += [f"{self.BM25}/{f}" for f in bm25.FILES if not (self.root / self.BM25 / f).is_file()]
        return out

    def is_valid(self) -> bool:
        return self.root.is_dir() and not self.missing()


@dataclass(frozen=True)
class IndexLayout:
    """An index folder: its builds, the pointer to the current one, cache and lock."""
    root: Path

    @property
    def current_file(self) -> Path:
        return self.root / "CURRENT"

    @property
    def builds(self) -> Path:
        return self.root / "builds"

    @property
    def cache(self) -> Path:
        return self.root / "cache" / "embeddings.sqlite3"

    @property
    def lock(self) -> Path:
        return self.root / "build.lock"

    def current(self) -> BuildLayout | None:
        """The build CURRENT names, or None (no pointer, or a pointer that is not a plain name)."""
        if not self.current_file.exists():
            return None
        name = self.current_file.read_text(encoding="utf-8").strip()
        if not name or "/" in name or name.startswith("."):
            return None
        return BuildLayout(self.builds / name)

    def new_build(self) -> BuildLayout:
        """A fresh, empty temporary build folder (``.tmp-<time>-<pid>-<n>``)."""
        self.builds.mkdir(parents=True, exist_ok=True)
        name = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 100000:05d}"
        path = self.builds / f".tmp-{name}"
        path.mkdir()
        return BuildLayout(path)
