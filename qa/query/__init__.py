"""Query: a question in, ranked chunks out.

In: the question text (and the conversation so far). Out: a prepared question (cleaned
text, language, official terms, translation, bureaus it names) and hybrid search hits.

- ``retrieval.py``: preparing a question, hybrid search (dense + BM25) and fusion, filters
- ``glossary.py``: plain words → the notices' official terms
- ``translation.py``: English questions → Chinese terms (CC-CEDICT, pinyin for names)
- ``bureaus.py``: bureau names in a question (focus and unknown bureaus)
- ``followup.py``: a follow-up question resolved against the previous one
- ``parts.py``: a question asking for metadata and something else, split into its parts
"""
