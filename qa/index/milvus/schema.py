"""Collections, fields and filter expressions.

A build is two collections: ``<alias>_<stamp>`` holds a row per chunk (its fields, its
dense vector, its lexical representation) and ``<alias>_<stamp>_files`` the build's
tables (notices, chunks, problems, sentences and their vectors, idf, the manifest) as
numbered pieces, one version per update. The alias (``[index] milvus_collection``) names
the serving chunk collection; its property ``qa.version`` the version of the tables.
"""
from __future__ import annotations

import hashlib
import json

from qa.index.filters import Filter

SCHEMA_VERSION = 1
VERSION_PROPERTY = "qa.version"
FILES_SUFFIX = "_files"
PIECE_BYTES = 48_000  # raw bytes a table piece holds (base64: 64,000 characters < VARCHAR's 65,535)
LEXICAL_MODES = ("bm25", "sparse")
# the project's BM25 (qa.index.lexical.bm25) parameters, also given to Milvus's BM25
BM25_K1, BM25_B = 1.5, 0.75
# Milvus's index for the dense field, by the project's [index] type
DENSE_INDEX = {"flat": ("FLAT", {}), "ivf_fp16": ("IVF_FLAT", {"nlist": 1024}),
               "ivf_sq8": ("IVF_SQ8", {"nlist": 1024}), "hnsw": ("HNSW", {"M": 32, "efConstruction": 200})}
DENSE_SEARCH = {"FLAT": {}, "IVF_FLAT": {"nprobe": 64}, "IVF_SQ8": {"nprobe": 64}, "HNSW": {"ef": 128}}


def files_collection(name: str) -> str:
    return name + FILES_SUFFIX


def token_id(token: str) -> int:
    """A token's dimension in the sparse vectors (stable across builds: a hash, 31 bits)."""
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=4).digest(), "little") & 0x7FFFFFFF


def row_key(doc_sha: str, chunk: dict) -> str:
    """A chunk row's primary key: changes whenever the notice file or anything Milvus
    stores of the chunk changes, so that an update is a set difference of keys."""
    basis = json.dumps([doc_sha, chunk["id"], chunk["bureau"], chunk["kind"], chunk["start"], chunk["end"],
                        chunk["section"]], ensure_ascii=False)
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


def _quote_list(values: tuple[str, ...] | list[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)  # Milvus string literals: JSON's escapes


def expression(flt: Filter) -> str:
    """The Milvus filter expression for a filter in the project's terms ("" for none)."""
    parts = [f"{field} in {_quote_list(values)}" for field, values in
             (("bureau", flt.bureaus), ("kind", flt.kinds), ("doc", flt.docs)) if values]
    return " and ".join(parts)


def keys_expression(keys: list[str]) -> str:
    return f"pk in {_quote_list(keys)}"


def create_chunks(db, name: str, dim: int, lexical: str, index_type: str = "flat") -> None:
    """The chunk collection: fields, dense vector, lexical field (Milvus's BM25 over the
    ``lex`` text with the jieba analyzer, or the project's BM25 weights as given sparse
    vectors), indexes."""
    from pymilvus import DataType, Function, FunctionType, MilvusClient  # type: ignore[import-untyped]

    if lexical not in LEXICAL_MODES:
        raise ValueError(f"unknown lexical mode {lexical!r}")
    s = MilvusClient.create_schema(auto_id=False)
    s.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=64)
    s.add_field("doc", DataType.VARCHAR, max_length=1024)
    s.add_field("bureau", DataType.VARCHAR, max_length=512)
    s.add_field("kind", DataType.VARCHAR, max_length=64)
    s.add_field("section", DataType.VARCHAR, max_length=8192)  # heading path, a JSON list
    s.add_field("start", DataType.INT64)
    s.add_field("end", DataType.INT64)
    s.add_field("text", DataType.VARCHAR, max_length=65535)
    s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    params = db.client.prepare_index_params()
    kind, kparams = DENSE_INDEX[index_type]
    params.add_index("dense", index_type=kind, metric_type="IP", params=kparams)
    if lexical == "bm25":
        # the chunk's tokens (the project's jieba tokenizer, normalised), space-separated;
        # Milvus's jieba analyzer in exact mode keeps them as they are and scores BM25
        s.add_field("lex", DataType.VARCHAR, max_length=65535, enable_analyzer=True,
                    analyzer_params={"tokenizer": {"type": "jieba", "mode": "exact"}})
        s.add_field("lexical", DataType.SPARSE_FLOAT_VECTOR)
        s.add_function(Function(name="lex_bm25", function_type=FunctionType.BM25, input_field_names=["lex"],
                                output_field_names=["lexical"]))
        params.add_index("lexical", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                         params={"bm25_k1": BM25_K1, "bm25_b": BM25_B})
    else:
        s.add_field("lex", DataType.VARCHAR, max_length=65535)  # the tokens, for term_stats
        s.add_field("lexical", DataType.SPARSE_FLOAT_VECTOR)
        params.add_index("lexical", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    db.call("create_collection", name, schema=s, index_params=params, consistency_level="Strong",
            properties={"qa.lexical": lexical, "qa.schema": str(SCHEMA_VERSION)})


def create_files(db, name: str) -> None:
    """The tables collection (Milvus wants a vector field in every collection: a dummy)."""
    from pymilvus import DataType, MilvusClient

    s = MilvusClient.create_schema(auto_id=False)
    s.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=256)
    s.add_field("version", DataType.INT64)
    s.add_field("part", DataType.VARCHAR, max_length=128)
    s.add_field("seq", DataType.INT64)
    s.add_field("data", DataType.VARCHAR, max_length=65535)
    s.add_field("dummy", DataType.FLOAT_VECTOR, dim=2)
    params = db.client.prepare_index_params()
    params.add_index("dummy", index_type="FLAT", metric_type="L2")
    db.call("create_collection", files_collection(name), schema=s, index_params=params, consistency_level="Strong")
