"""Any sentence-transformers model: a hub name (needs the hub or its local cache) or a
local folder. Uses the model's own ``query``/``passage`` prompts if it has them."""
from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import cached_property

import numpy as np

from qa.index.embedders import Embedder, EmbedderError, Role


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, name_or_path: str, device: str = "cpu"):
        self.name_or_path = name_or_path
        self.device = device
        self.id = f"st:{name_or_path}"
        self._lock = threading.Lock()

    @cached_property
    def _model(self):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - installed by the set-up
            raise EmbedderError("需要 sentence-transformers：pip install sentence-transformers") from exc
        path = os.path.expanduser(self.name_or_path)
        local = os.path.isdir(path)
        try:
            with self._lock:
                return SentenceTransformer(path, device=self.device,
                                           local_files_only=local or os.environ.get("HF_HUB_OFFLINE") == "1")
        except Exception as exc:
            raise EmbedderError(f"无法加载 sentence-transformers 模型 {self.name_or_path!r}：{exc}") from exc

    def load(self) -> SentenceTransformerEmbedder:
        """Load the model now (raises EmbedderError when it cannot be loaded)."""
        self._model  # noqa: B018
        return self

    @property
    def dim(self) -> int:
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(getter())

    @property
    def max_tokens(self) -> int:  # type: ignore[override]
        return int(self._model.max_seq_length or 512)

    def _prompt(self, role: Role) -> str | None:
        prompts = getattr(self._model, "prompts", {}) or {}
        if role == "query":
            return "query" if "query" in prompts else None
        return next((p for p in ("passage", "document") if p in prompts), None)

    def embed_batch(self, texts: Sequence[str], role: Role) -> np.ndarray:
        return self._model.encode(list(texts), prompt_name=self._prompt(role), batch_size=32,
                                  normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"])
