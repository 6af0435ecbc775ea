"""The answerer: a question in, a cited answer out. What the question asks and the notices'
structure decide the kind of answer (qa.answer.whole, measures, compare, metadata); a
reason to decline is stated (qa.answer.decline); otherwise the most relevant sentences of
the retrieved sections are quoted verbatim (qa.answer.passages), grouped by bureau, each
with a citation (qa.answer.result).
"""
from __future__ import annotations

import numpy as np

from qa.answer import context, passages, whole
from qa.answer.blocks import BlockSpec, items_block
from qa.answer.compare import compare_rows
from qa.answer.context import Context, appended
from qa.answer.decline import (
    UNSEEN_MAX_COVERAGE,
    asks_problem_count,
    asks_whether,
    counted_only,
    document_text,
    masked_date,
    masked_lead,
    most_counted,
    not_indexed,
    not_stated,
    nothing_asked,
    other_bureau,
    other_round,
    problems_counted,
    summed_across,
    uncounted,
    unseen_lead,
    unseen_terms,
)
from qa.answer.measures import followup_problem, measure_specs, named_problem
from qa.answer.metadata import contact_answer, fields_answer, meta
from qa.answer.passages import pick
from qa.answer.result import Answer, finalize, finalize_blocks
from qa.answer.scoring import counts, states_asked
from qa.answer.topic import topic_coverage
from qa.answer.whole import EN_OVERALL_WORDS, OVERALL_WORDS, list_topic, overall_answer, problem_list
from qa.index.store import LoadedIndex
from qa.ingest.problems import Problem
from qa.query.bureaus import except_clause
from qa.query.intent import (
    MUST_STATE,
    asked_fields,
    asks_contact,
    asks_measures,
    asks_metadata,
    asks_most,
    asks_others,
    asks_overall,
    asks_problem_list,
    asks_sum_across,
)
from qa.query.retrieval import Retriever

# retrieved sections for a question naming no bureau (context.MAX_CHUNKS otherwise;
# qa.answer.blocks.UNSCOPED_BLOCK_MARGIN; make tune)
UNSCOPED_CHUNKS = 15
# a precedent sought (别的单位怎么整改的) that a table answers for at most this many bureaus: the
# matching problems instead, as for a problem no row covers
OTHERS_MAX_ROWS = 1
# a figure, date or name not in the quoted sentences may be stated this many sentences after one
NEXT_SENTENCES = 2
NEXT_STATED = ("figure", "money", "date")  # not a person or a name: a title in 《》 names no one asked


class Answerer:
    """Answers questions over one index: dispatches each to the module building its kind of
    answer, all of them sharing one :class:`~qa.answer.context.Context`."""

    def __init__(self, index: LoadedIndex, retriever: Retriever, min_dense: float = 0.0, min_coverage: float = 0.0):
        self.ctx = Context(index, retriever, min_dense, min_coverage)
        # what callers read (the service, the tests): the shared objects themselves
        self.index, self.retriever, self.scorer, self.problem_of = index, retriever, self.ctx.scorer, self.ctx.problem_of

    def ask(self, question: str, bureaus: list[str] | None = None, kinds: list[str] | None = None) -> Answer:
        left_out: list[str] = []
        if bureaus is None:  # 除了横栏，还有哪家写了: the other bureaus, asked without the clause
            question, bureaus, left_out = self._without_excepted(question)
        prepared = self.retriever.prepare(question)
        answer = self._ask(prepared, bureaus, kinds)
        if left_out:
            en = prepared.lang == "en"
            answer.lead = (f"Leaving out {', '.join(left_out)}: " if en else f"（不含{'、'.join(left_out)}）") + answer.lead
        if answer.abstained and asks_problem_count(prepared):  # 一共有多少个问题, not stated: what
            answer.lead += problems_counted(self.ctx, prepared, bureaus)  # the structure shows
        if prepared.unknown_bureaus and prepared.bureaus:  # 港口分局和小榄分局…: say which is not indexed
            answer.lead = not_indexed(self.ctx, prepared) + answer.lead
        if prepared.read_as:  # 横拦分局, Hengnan: a bureau's name typed wrong, and how it was read
            answer.lead = (" ".join(f"(Read “{a}” as {b.capitalize()}.)" for a, b in prepared.read_as) + " "
                           if prepared.lang == "en" else
                           "".join(f"（“{a}”按“{b}”理解）" for a, b in prepared.read_as)) + answer.lead
        return answer

    def _without_excepted(self, question: str) -> tuple[str, list[str] | None, list[str]]:
        """The question without a clause leaving bureaus out, the other bureaus, those left out;
        the question as it was when it leaves none out."""
        clause = except_clause(question)
        if clause is None:
            return question, None, []
        start, end, a, b = clause
        left_out = sorted({lb for s, e, labels in self.retriever.bureau_spans(question) if a <= s and e <= b
                           for lb in labels})
        others = [x for x in self.index.bureaus if x not in left_out]
        if not left_out or not others:
            return question, None, []
        return (question[:start] + question[end:]).strip(" ，,"), others, left_out

    def _ask(self, prepared, bureaus: list[str] | None, kinds: list[str] | None) -> Answer:
        q, lang = prepared.text, prepared.lang
        if not prepared.unknown_bureaus and prepared.intent not in ("meta", "next_steps") and \
                not self.scorer.question_tokens(prepared) and not any(ts for _, ts in prepared.groups) and \
                not asks_problem_list(q):  # 的, a, 什么？, 横栏分局？: nothing to look up
            return finalize(self.index, q, lang, True, [], lead=nothing_asked(self.ctx, prepared, bureaus))
        most = asks_most(q)
        if most and len(self.ctx.bureaus_in_scope(prepared, bureaus)) != 1:  # 哪个单位整改的问题最多
            return finalize(self.index, q, lang, True, [], lead=most_counted(self.ctx, prepared, bureaus, most))
        if asks_sum_across(q, len(prepared.bureaus)):  # 五家单位…加起来一共多少钱: no notice adds up others'
            return finalize(self.index, q, lang, True, [], lead=summed_across(lang))
        qvec = self.retriever.embed(prepared)
        unscoped = prepared.intent == "measures" and not (prepared.bureaus or bureaus)  # what did any bureau do
        hits = self.retriever.search(prepared, k=UNSCOPED_CHUNKS if unscoped else context.MAX_CHUNKS,
                                     bureaus=bureaus, kinds=kinds, qvec=qvec)
        if not kinds:
            hits = appended(hits, self.ctx.overall(prepared, bureaus, qvec))
        svec = qvec
        if lang == "en" and prepared.terms:  # sentences are Chinese: also compare with the translation
            svec = np.stack([qvec, self.retriever.embedder.embed_query(" ".join(prepared.terms))])
        cands = self.scorer.sentences(prepared, svec, hits)
        conf = self.scorer.confidence(prepared, hits, cands)
        if prepared.unknown_bureaus and not prepared.bureaus:  # asks about a bureau we do not have
            return finalize(self.index, q, lang, True, [], conf, lead=not_indexed(self.ctx, prepared))
        other = other_round(self.ctx, prepared, bureaus)
        if other:  # 港口分局上一轮（十四届）巡察的整改通报: not indexed
            return finalize(self.index, q, lang, True, [], conf, lead=other)
        if not kinds:
            found = self._by_structure_alone(prepared, qvec, svec, hits, cands, bureaus, conf)
            if found is not None:
                return found
        declined = self._declined(prepared, qvec, svec, hits, cands, bureaus, kinds, conf)
        if declined is not None:
            return declined
        unused = uncounted(self.ctx, prepared)
        if unused:  # 多少名在编民警: no notice says 在编, so none states how many
            return not_stated(self.ctx, prepared, cands, conf, unused)
        structured = self._structured(prepared, qvec, svec, hits, cands, bureaus, kinds, conf)
        if structured is not None:
            return structured
        return self._sentences(prepared, cands, bureaus, conf)

    def _declined(self, prepared, qvec, svec, hits, cands, bureaus, kinds, conf) -> Answer | None:
        """A reason to decline, stated first, or None: the text of a document the notices only
        name, words no notice uses, a topic only another bureau reports, too little found
        (a named bureau's next steps excepted: that part of its notice)."""
        q, lang = prepared.text, prepared.lang
        asked_text = document_text(self.ctx, prepared, cands, conf)
        if asked_text is not None:  # 《…》的原文条款: the notices only name it
            return asked_text
        only_counted = counted_only(self.ctx, prepared, cands, conf)
        if only_counted is not None:  # 七层把关，具体是哪七层: the notice counts them, lists none
            return only_counted
        whether = asks_whether(self.ctx, prepared)
        named = self.ctx.docs_in_scope(prepared, bureaus) if whether else []
        unseen = unseen_terms(self.ctx, prepared, whether, named)
        if unseen and (conf.coverage or 0.0) < UNSEEN_MAX_COVERAGE:  # “有没有…健身房”, “世界杯…冠军”: words no notice uses at all (the reason, whatever was retrieved)
            return finalize(self.index, q, lang, True, [], conf,
                            lead=unseen_lead(self.ctx, prepared, unseen, named, no_term=lang == "en" and not whether))
        elsewhere = other_bureau(self.ctx, prepared, hits, qvec, svec, conf) if not bureaus and not kinds else None
        if elsewhere is not None:  # 横栏分局…船舶油污水偷排: only 舟山 reports it
            return elsewhere
        if not hits or not cands or not conf.sufficient(self.ctx.min_dense, self.ctx.min_coverage, story=True):
            if prepared.intent == "next_steps" and not prepared.qtype and self.ctx.docs_in_scope(prepared, bureaus):
                found = self._structured(prepared, qvec, svec, hits, cands, bureaus, kinds, conf)
                if found is not None:  # a named bureau's plans in words of its own (长远打算): that part of its notice
                    return found
            if conf.typed is False and conf.coverage is not None and conf.coverage >= self.ctx.min_coverage:
                return not_stated(self.ctx, prepared, cands, conf)  # on topic, but what is asked is not stated
            return finalize(self.index, q, lang, True, [], conf)
        return None

    def _sentences(self, prepared, cands, bureaus, conf) -> Answer:
        """The best sentences: fewer for a figure or the like, one bureau, or whether any notice
        says something (有没有分局…; development: 有分局给企业专门配了联络民警吗 3 → 2 quotes, as
        complete); a figure, date or name only when a quoted sentence states one."""
        q, lang = prepared.text, prepared.lang
        whether = asks_whether(self.ctx, prepared)
        focused = bool(prepared.qtype) or len(self.ctx.bureaus_in_scope(prepared, bureaus)) == 1 or whether
        picked = pick(self.ctx, q, cands, prepared.qtype, self.scorer.question_coverage(prepared),
                      passages.FOCUSED_QUOTES if focused else passages.MAX_QUOTES)
        problems = asks_problem_count(prepared)  # held to a clause that counts problems (not 提醒20期)
        stating = [c for c, _ in picked if states_asked(prepared.qtype, self.ctx.sentence(c), q)
                   and (not problems or counts((("问题",),), self.ctx.sentence(c), q))] if prepared.qtype in MUST_STATE else []
        if prepared.qtype in MUST_STATE and not stating:
            after = self._stated_next(prepared, picked, cands) if prepared.qtype in NEXT_STATED else None
            if after is None:
                return not_stated(self.ctx, prepared, cands, conf)
            picked, stating = picked + [(after, "evidence")], [after]
        masked = bool(stating) and not any(states_asked(prepared.qtype, self.ctx.sentence(c), q, masked=False)
                                           for c in stating)
        if masked and prepared.qtype == "date":
            return masked_date(self.ctx, prepared, stating, conf)  # 具体是哪天: the notice writes *月**日
        masked = masked and prepared.qtype in ("figure", "money")  # quoted, the caveat first
        return finalize(self.index, q, lang, False, picked, conf, lead=masked_lead(lang) if masked else None)

    def _stated_next(self, prepared, picked, cands):
        """For a figure, date or name that no quoted sentence states: the sentence right after a
        quoted one, in the same paragraph, that states it (出台《…奖励办法》,明确…予以嘉奖表彰。 is
        followed by 2025年共有26名辅警获二级嘉奖…); None when none does."""
        for c, _ in picked:
            text = self.index.notices[self.index.chunks[c.row].doc].text
            for d in sorted((d for d in cands if d.row == c.row and c.idx < d.idx <= c.idx + NEXT_SENTENCES),
                            key=lambda d: d.idx):
                if "\n" in text[c.end:d.start]:
                    break  # another paragraph
                if states_asked(prepared.qtype, text[d.start:d.end], prepared.text):
                    return d
        return None

    def _by_structure_alone(self, prepared, qvec, svec, hits, cands, bureaus, conf) -> Answer | None:
        """What the notices' structure answers whatever the retrieved passages: metadata
        fields and where to write (no retrieval needed), and a named bureau's next steps
        asked about nothing in particular (舟山市局接下来要做什么: that part of its notice,
        whichever words it uses for it, 下一步 or 今后); None otherwise."""
        if asks_problem_list(prepared.text) and not prepared.qtype and not list_topic(prepared):
            return problem_list(self.ctx, prepared, bureaus, conf)
        if asks_overall(prepared.text) and prepared.intent != "next_steps" and \
                not list_topic(prepared, OVERALL_WORDS, EN_OVERALL_WORDS):
            return overall_answer(self.ctx, prepared, bureaus, conf)
        if prepared.intent in ("meta", "compare"):
            docs = (self.ctx.compare_docs(prepared, bureaus) if prepared.intent == "compare"
                    else self.ctx.docs_in_scope(prepared, bureaus))
            if not docs and prepared.intent == "meta" and asked_fields(prepared.text)[0]:
                docs = list(self.index.notices)  # 反馈日期是哪天？ naming no bureau: each notice's, not one's
            ans = fields_answer(self.ctx, prepared, docs, conf, len(docs) > 1) if docs else None
            if ans is None and docs and asks_contact(prepared.text) and not asked_fields(prepared.text)[0]:
                ans = contact_answer(self.ctx, prepared, docs, conf, len(docs) > 1)  # where to write: the clauses
            return ans
        if (prepared.intent == "next_steps" and not prepared.qtype and topic_coverage(self.scorer, prepared) is None
                and self.ctx.docs_in_scope(prepared, bureaus)):
            return self._structured(prepared, qvec, svec, hits, cands, bureaus, None, conf)
        return None

    def _structured(self, prepared, qvec, svec, hits, cands, bureaus, kinds, conf) -> Answer | None:
        """An answer built from the notices' structure for the question's intent, or None
        (then the most relevant sentences are quoted)."""
        lang, en = prepared.lang, prepared.lang == "en"
        specs: list[BlockSpec] = []
        intent = prepared.intent
        similar: list[Problem] = []  # the named bureau's problems close to the one answered
        if prepared.intent == "measures":
            specs, lead = measure_specs(self.ctx, prepared, hits, cands, bool(prepared.bureaus or bureaus), similar,
                                        named_problem(self.ctx, prepared, bureaus))
        elif prepared.intent == "next_steps":
            docs = self.ctx.docs_in_scope(prepared, bureaus) or [self.index.chunks[max(cands, key=lambda c: c.score).row].doc]
            covers = topic_coverage(self.scorer, prepared)
            specs = [b for b in (items_block(self.index, d, prepared.text, self.scorer.unit_rows, covers)
                                 for d in docs) if b]
            problem = followup_problem(self.ctx, prepared, hits, cands, specs, covers)
            if problem is not None:  # what remains of one problem: its measures say it
                specs = [problem]
                lead = (f"What {problem.bureau} still does about this problem is stated among its measures: the problem "
                        "and all its measures, quoted verbatim (in Chinese)." if en else
                        f"{problem.bureau}在该问题的整改措施中说明了后续工作，以下先引问题原文，再逐项引述全部措施。")
            elif specs and any(x.of for x in specs):  # only the items on the question's topic
                lead = ("The items on the question's topic of " + "; ".join(
                    f"{x.bureau}: {x.heading} ({len(x.quotes)} of {x.of or len(x.quotes)})" for x in specs)
                    + ", quoted verbatim (in Chinese)." if en else
                    "；".join(f"{x.bureau}通报“{x.heading}”部分共 {x.of or len(x.quotes)} 项，其中与所问相关的 {len(x.quotes)} 项"
                             for x in specs) + "逐项引述如下。")
            elif specs:
                n = sum(len(x.quotes) for x in specs)
                lead = (f"All {n} items of {'; '.join(f'{x.bureau}: {x.heading}' for x in specs)}, quoted verbatim "
                        "(in Chinese)." if en else
                        "；".join(f"{x.bureau}通报“{x.heading}”部分" for x in specs) + f"共 {n} 项，逐项引述如下。")
        elif prepared.intent == "meta" and not kinds:
            return meta(self.ctx, prepared, qvec, svec, hits, cands, bureaus, conf)
        elif prepared.intent == "compare" and not kinds and asks_metadata(prepared.text):
            # the same metadata of several notices (五个单位分别是由哪个巡察组巡察的)
            return meta(self.ctx, prepared, qvec, svec, hits, cands, bureaus, conf, self.ctx.compare_docs(prepared, bureaus))
        elif prepared.intent == "compare":
            specs = compare_rows(self.ctx, prepared, qvec, svec, bureaus, kinds)
            if specs:
                silent = [x.bureau for x in specs if x.missing]
                measures = any(q.role == "problem" for x in specs for q in x.quotes)
                lead = (f"By bureau ({len(specs)} in scope; {len(silent)} of their notices do not mention it)"
                        + ("; for each, the problem as its notice states it and all its measures." if measures else ".")
                        if en else f"按单位列出（共 {len(specs)} 个单位，其中 {len(silent)} 个单位的通报未提及）"
                        + ("；每个单位先引问题原文，再逐项引述全部整改措施。" if measures else "。"))
                few = len(specs) - len(silent) <= OTHERS_MAX_ROWS and asks_others(prepared.text) \
                    and not (prepared.bureaus or bureaus) and not prepared.qtype and asks_measures(prepared.text)
                if len(silent) == len(specs) or few:
                    named = self.ctx.compare_docs(prepared, bureaus) if prepared.bureaus or bureaus else []
                    unseen = unseen_terms(self.ctx, prepared, True, named) if named else []
                    if unseen:  # 舟山和开发区在干部轮岗上分别怎么做的: neither notice says 轮岗
                        return finalize(self.index, prepared.text, lang, True, [], conf,
                                        lead=unseen_lead(self.ctx, prepared, unseen, named))
                    if prepared.bureaus or bureaus or prepared.qtype or not asks_measures(prepared.text):
                        return None
                    # what bureaus did about it, but no bureau's passages cover the question well
                    # enough for a row (a problem described in plain words): the matching problems
                    hits = self.retriever.search(prepared, k=UNSCOPED_CHUNKS, kinds=kinds, qvec=qvec)
                    specs, lead = measure_specs(self.ctx, prepared, hits, self.scorer.sentences(prepared, svec, hits),
                                                scoped=False)
                    intent = "measures"
        if not specs:
            return None
        ans = finalize_blocks(self.index, prepared.text, lang, specs, lead, conf)
        ans.intent = intent
        if similar and intent == "measures":
            titles = [p.problem.text.strip() for p in similar]
            bureau = self.index.notices[similar[0].doc].meta.bureau_label
            ans.notes.append(f"{bureau}'s notice also has similar problems: " + "; ".join(f"“{t}”" for t in titles)
                             + ". If you meant one of them, ask about it by its title." if en else
                             f"{bureau}的通报中相近的问题还有：" + "".join(f"“{t}”" for t in titles)
                             + "。如问的是其中之一，请按其标题再问。")
        return ans


    def problem_item(self, answer: Answer, n: int) -> Answer:
        """“第八个问题是怎么整改的？” after a list of problems (qa.answer.whole.problem_item)."""
        return whole.problem_item(self.ctx, answer, n, self.ask)

    def counted_problems(self, question: str, bureaus: list[str] | None = None) -> Answer | None:
        """The list of problems a question counts (港口分局一共有多少个问题), so that 第十个问题
        after it is the tenth of them; None for any other question."""
        prepared = self.retriever.prepare(question)
        return problem_list(self.ctx, prepared, bureaus, None) if asks_problem_count(prepared) else None
