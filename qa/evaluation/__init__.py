"""Evaluation: the question set in, retrieval and answer figures out (``qa eval``).

In: the question file (``eval/questions.jsonl``) and an opened index. Out: per-question
results, their figures and a report.

- ``questions.py``: loading and validation of the question set, dev/test splits
- ``metrics.py``: span-based retrieval metrics (Recall@k, MRR, nDCG)
- ``answers.py``: answer figures (completeness, quote precision, abstention), precedents
- ``baseline.py``: the naive LangChain baseline, for comparison
- ``runner.py``: the question set through the retrievers and the answerer
- ``evaluate.py``: ``qa eval``, our retrievers and the baseline side by side
- ``compare.py``: ``qa eval --compare``, the questions that got better or worse
- ``report.py``: ``qa eval --report``, a Markdown report and a plot
"""
