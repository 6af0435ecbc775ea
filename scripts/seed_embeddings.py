"""Writes the embedding seed (``make seed``): the vectors of the bundled notices' chunks
and sentences and of the naive baseline's chunks, embedded from scratch into a temporary
index folder, as ``data/embeddings/<embedder id>.npz``. Run it after a change to chunking,
sentence splitting or the bundled notices; the suite says when the seed lacks a text
(tests/test_index.py)."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from qa.config import load_settings
from qa.evaluation.baseline import build_baseline
from qa.evaluation.evaluate import corpus_texts
from qa.index.embed_cache import open_cache, seed_path, write_seed
from qa.service import Service


def main() -> int:
    default = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(index_dir=Path(tmp) / "index", data_dir=Path(tmp) / "data", embedding_seed=None)
        service = Service.open(settings, progress=True, log=print)
        cache = open_cache(settings, service.embedder.id)  # no seed: everything embedded
        try:
            build_baseline(corpus_texts(service), service.embedder, cache, progress=True)
        finally:
            cache.close()
        out = seed_path(default.embedding_seed, service.embedder.id)
        if out is None:
            print("没有配置 embedding_seed 目录", file=sys.stderr)
            return 1
        n = write_seed(cache.path, out)
    print(f"{out}: {n} 个向量")
    return 0


if __name__ == "__main__":
    sys.exit(main())
