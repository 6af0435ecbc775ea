"""Rendering: the domain returns data, the renderers turn it into text, one module per format.

The domain (:class:`qa.answer.result.Answer`, :class:`qa.answer.precedents.PrecedentResult`,
:class:`qa.query.retrieval.Hit`, :class:`qa.ingest.notices.Notice`) holds no presentation and
keeps only ``to_dict()`` (JSON is data). Each module here formats it for one audience:

- ``markdown``: answers and precedents as Markdown (exports, the JSON ``answer`` field)
- ``terminal``: plain text for the CLI (answers, precedents, search hits, notices)
- ``csv``: precedent and feedback tables as CSV
- ``html``: the web interface, Jinja2 templates in ``templates/`` with autoescaping on
"""
