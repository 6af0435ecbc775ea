"""Answer: a question and its hits in, a cited answer out (data; rendering is qa.render).

In: a prepared question and retrieval hits. Out: :class:`qa.answer.result.Answer` with
verbatim citations, or :class:`qa.answer.precedents.PrecedentResult`.

- ``compose.py``: the answerer: retrieval, and which kind of answer a question gets (by intent)
- ``context.py``: what every answer builder shares (index, scorer, the bureaus in scope)
- ``topic.py``: the words of a question that name what it is about
- ``passages.py``: which sentences of the retrieved passages to quote
- ``decline.py``: the reasons to decline, stated in the answer
- ``whole.py``: a notice as a whole: its list of problems, how the rectification went
- ``measures.py``: how a problem was rectified: the matching problems with their measures
- ``compare.py``: a comparison across bureaus, a row per bureau
- ``metadata.py``: who inspected, when, disclosure, where to send comments
- ``result.py``: the answer object and its citations, each quote checked verbatim
- ``scoring.py``: sentence relevance and confidence (shared with precedents)
- ``verify.py``: the verbatim check every quote passes
- ``parts.py``: the answers to a question's parts joined into one
- ``precedents.py``: matching problems in other bureaus' notices, with their measures
- ``summary.py``: the optional model-written summary (OpenAI-compatible endpoint)
"""
