"""Ingest: notice files in, parsed notices out.

In: a file in the corpus folder. Out: :class:`qa.ingest.notices.Notice` — the source text
(every offset in the project refers to it), metadata, the section tree with kinds — and
the problems with their measures (:mod:`qa.ingest.problems`).

- ``readers/``: one reader per file format, chosen by suffix (the document reader seam;
  text, .docx, .doc, .pdf with OCR for scans, .html; a new format goes here)
- ``source.py``: the source text a reader returns; conversion artefacts
- ``structure.py``: headings → section tree and section kinds
- ``metadata.py``: bureau, inspection group, dates, contact (text and sidecar file)
- ``problems.py``: problem → measures, the unit answers and precedents are built from
- ``notices.py``: one notice read and parsed; the corpus folder
"""
