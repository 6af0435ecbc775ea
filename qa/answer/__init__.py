"""Answer: a question and its hits in, a cited answer out (data; rendering is qa.render).

In: a prepared question and retrieval hits. Out: :class:`qa.answer.compose.Answer` with
verbatim citations, or :class:`qa.answer.precedents.PrecedentResult`.

- ``compose.py``: which sentences to quote, abstention, the answer object
- ``scoring.py``: sentence relevance and confidence (shared with precedents)
- ``verify.py``: the verbatim check every quote passes
- ``parts.py``: the answers to a question's parts joined into one
- ``precedents.py``: matching problems in other bureaus' notices, with their measures
- ``summary.py``: the optional model-written summary (OpenAI-compatible endpoint)
"""
