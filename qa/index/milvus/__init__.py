"""The Milvus backend (``[index] backend = "milvus"``): the chunk rows, their vectors and
their lexical representation in a Milvus collection behind an alias, the build's tables
beside them, so that any number of serving processes share one Milvus.

- :mod:`~qa.index.milvus.client`: connection, timeouts, errors → the project's index errors
- :mod:`~qa.index.milvus.schema`: collections, fields, filter expressions, row keys
- :mod:`~qa.index.milvus.indexes`: the vector and lexical seams over a collection
- :mod:`~qa.index.milvus.publish`: a local build → Milvus (in place or a new collection
  and an alias switch); loading the serving build
"""
