"""The naive baseline a user would assemble from tutorials: LangChain's
RecursiveCharacterTextSplitter (500 characters, overlap 50) over the whole text, the
same embedder, a flat FAISS index; no BM25, no headings."""
from __future__ import annotations

from dataclasses import dataclass

import faiss
import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter

from qa.evaluation.metrics import Passage
from qa.index.embed_cache import EmbeddingCache, embed_passages_cached
from qa.index.embedders import Embedder

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50


@dataclass
class BaselineIndex:
    passages: list[Passage]
    texts: list[str]
    index: faiss.Index

    def search(self, qvec: np.ndarray, k: int) -> list[Passage]:
        _, ids = self.index.search(np.ascontiguousarray(qvec.reshape(1, -1), dtype=np.float32), k)
        return [self.passages[i] for i in ids[0] if i >= 0]


def build_baseline(texts: dict[str, str], embedder: Embedder, cache: EmbeddingCache | None,
                   progress: bool = False) -> BaselineIndex:
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP,
                                              add_start_index=True)
    passages, chunk_texts = [], []
    for doc in sorted(texts):
        for d in splitter.create_documents([texts[doc]]):
            start = d.metadata["start_index"]
            assert texts[doc][start:start + len(d.page_content)] == d.page_content
            passages.append(Passage(doc, start, start + len(d.page_content)))
            chunk_texts.append(d.page_content)
    vecs, _ = embed_passages_cached(embedder, chunk_texts, cache, progress=progress, desc="嵌入基线分块")
    index = faiss.IndexFlatIP(embedder.dim)
    index.add(vecs)
    return BaselineIndex(passages, chunk_texts, index)
