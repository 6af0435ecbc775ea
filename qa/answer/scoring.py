"""How relevant a passage or sentence is to a question: shared by answers (which
sentences to quote, whether to abstain) and the precedent finder (which problems match).

A sentence scores its cosine similarity to the question plus a share of the question's
words it contains (IDF-weighted; words the notices never use weigh most).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qa.index.store import LoadedIndex
from qa.ingest.structure import heading_only
from qa.query.glossary import SAME_THING
from qa.query.intent import MUST_STATE, counted_phrase, counted_units, question_type
from qa.query.retrieval import Hit, PreparedQuery
from qa.text import PHRASING, Tokenizer, normalize, tokenize

HAS_TYPE = {
    "person": re.compile(r"(?!习近平)[\u4e00-\u9fff]{2,3}(?<!负责)(?<!领导)(?<!有关)(?<!相关)(?<!全体)同志(?!为核心)"),  # not 主要负责同志
    "money": re.compile(r"[\d*]+(\.\d+)?\s*(万|亿)?元"),
    "date": re.compile(r"\d{1,4}年\d{1,2}月(\d{1,2}日)?|\d{1,2}月\d{1,2}日|\d{4}年|[*]+年|[*]+月"),
    "figure": re.compile(r"\d|[*]+[个次名人份场项处件宗辆%张路盏台套集部块间座]|"
                        r"[一二三四五六七八九十百千万两]+[个次名人份场项处件宗辆本期轮笔张盏台套座]|"
                        r"(?<![千万])[一二两三四五六七八九十]+家"),  # not 统一部署, 一路, 一块, 警进千万家
    "frequency": re.compile(r"每[一二两三四五六七八九十半\d]*(个)?(天|日|周|星期|月|季度?|半年|年)|定期|按(月|季度?|年|周)|"
                            r"逐(月|季|周)|(?<![本今上下去明当该\d])(月|季|年)度|[一二两三四五六七八九十半\d]+(天|日|周|个月|季度?|年)(一次|一轮)"),
    "name": re.compile(r"《[^》]+》|“[^”]+”|(?<![*＊])同志|巡察组|委员会|[A-Za-z0-9._-]+@|"
                       # a bank, or a product with a model name (工商银行, 用友U8财务系统), not 第三方公司
                       r"(工商|建设|农业|中国|交通|招商|邮政|农商|[\u4e00-\u9fff]{2}商业)银行|[A-Za-z]+\d*[\u4e00-\u9fff]{0,4}(系统|软件)"),
}
_LABEL = re.compile(r"^\s*([（(]\s*\d{1,3}\s*[)）]|\d{1,3}\s*[.、．](?!\d))")
_SLOGAN = re.compile(r"“[^”]{2,8}”|“[^”\d]{9,40}”")  # “解决一个问题,堵塞一个制度漏洞…”: a slogan counts nothing
_MASKED = re.compile(r"[*＊]+(?:\.[*＊]+)?(?=\s*(?:[%万亿元]|[^\x00-\x7f*＊]))")  # a figure the notice masks
# an amount asked (花了多少, 追回了多少钱, how much did it cost to build), not a limit (超过多少要审批):
# an amount stated as a limit (超5000元, 5000元以上) does not answer it
_ASKS_LIMIT = re.compile(r"超过|超出|以上|最多|上限|限额|标准|门槛|\blimit\b|\bthreshold\b|\bmore than\b|\babove\b|\bover\b|"
                         r"\bmaximum\b|\bup to\b", re.I)
_LIMIT_AMOUNT = re.compile(r"(超过|超出|超|不超过|低于|高于)\s*[\d.]+\s*(万|亿)?元|[\d.]+\s*(万|亿)?元(以上|以下|以内)")
_POSTCODE = re.compile(r"邮编|邮政编码|\bpost ?code\b|\bzip ?code\b", re.I)
_GRADE = re.compile(r"(?<![上下同高低])[一二三四五六][级等](?=[\u4e00-\u9fff])")  # 一级嘉奖, 三等功: a grade asked
_COUNT_WORD = re.compile(r"^[\d一二两三四五六七八九十]+[个家份项条]$")  # 三家, 五个: how many are asked about
# a word glossed in brackets (食堂（饭堂）, 智慧安防小区（社区）): its last word, the gloss
_ALTERNATIVE = re.compile(r"([\u4e00-\u9fff]{2,8})[（(]([\u4e00-\u9fff]{2,4})[）)]")
_MASKED_DATE = re.compile(r"[*＊]+\s*[年月日]")  # a year, month or day the notice masks
_CLAUSE = re.compile(r"[^，,；;。：:]+")
_ASKS_DAY = re.compile(r"哪一?天|哪几天|几号|哪日|具体日期|\b(which|what|exact(ly)?( what)?) (day|date)\b|on what date", re.I)
_DAY = re.compile(r"\d{1,2}\s*日|[*]+日|\d{4}-\d{1,2}-\d{1,2}")
TYPE_WINDOW = 6  # the answer type must appear among this many best sentences
# ... in a sentence covering at least this share of the question's words. Measured on the
# development questions that ask for a figure, date or name (12 unanswerable, 31
# answerable): 0.1 declines 2 more unanswerable ones but 3 more answerable ones, 0.2 8
# more answerable; a false "not stated" costs more than a missed one, so 0.
TYPED_MIN_COVERAGE = 0.0

# Scoring of candidate sentences: cosine similarity to the question, plus the
# IDF-weighted share of the question's words the sentence contains.
LEXICAL_WEIGHT = 0.15
HEADING_PENALTY = 0.03
TYPE_BONUS = 0.02
# ... and this more for a figure stated of what the question counts (How many rules…:
# 各类制度、方案共17项 names 制度). Development part: 0.02 and 0.05 drop an off-gold quote of
# two figure questions (b076, e007), 0.1 answers an unanswerable one (n008) and loses
# b3p003; 0.05 is the least that finds Henglan's 17 rules asked as "draw up" or "establish".
COUNTED_BONUS = 0.05


def states_type(qtype: str, sentence: str, question: str, masked: bool = True) -> bool:
    """Whether ``sentence`` states what a question of type ``qtype`` asks for; a number
    the question itself contains (110, 2024) does not count as the answer, nor one counting
    other things than asked (多少个问题: not 7次); nor, unless ``masked``, a figure the
    notice masks (观看警示教育片*部) or a date it masks (*月**日)."""
    if qtype in ("figure", "money"):
        sentence = _LABEL.sub("", sentence)  # (6) of an item's label states nothing
        if qtype == "figure":  # nor does a date (截至2025年3月), or a slogan (“四个意识”, “两个维护”)
            sentence = _SLOGAN.sub("", HAS_TYPE["date"].sub("", sentence))
        if not masked:
            sentence = _MASKED.sub("", sentence)
        if qtype == "money" and not _ASKS_LIMIT.search(question):
            sentence = _LIMIT_AMOUNT.sub("", sentence)  # an amount, not a limit (开支超5000元事项)
        if _POSTCODE.search(question) and not re.search(r"(?<!\d)\d{6}(?!\d)", sentence):
            return False  # a postcode asked: six digits, not 大渡河路255号
        grades = _GRADE.findall(question)
        if grades and not any(g in sentence for g in grades):
            return False  # 一级嘉奖 is not answered by 26名辅警获二级嘉奖
        units = counted_units(question) if qtype == "figure" else ""
        if units and not re.search(rf"[\d*一二两三四五六七八九十百千]\s*[万千百亿]?\s*[余多]?\s*[{units}]", sentence):  # 9.7万余人
            return False  # 多少个问题 is not answered by 7次
        asked = set(re.findall(r"\d+(?:\.\d+)?", question))
        for m in HAS_TYPE[qtype].finditer(sentence):
            nums = re.findall(r"\d+(?:\.\d+)?", m.group(0))
            if not nums or not set(nums) <= asked:
                return True
        return False
    if qtype == "date" and not masked:  # ****年*月*日至*月**日 states no date
        sentence = _MASKED_DATE.sub("", sentence)
    if qtype == "date" and _ASKS_DAY.search(question):  # 哪一天: a month does not say
        return bool(_DAY.search(sentence))
    return bool(HAS_TYPE[qtype].search(sentence))


_ASKED_PART = re.compile(r"[^？?]+[？?]")


@lru_cache(maxsize=4096)
def _typed_parts(question: str) -> tuple[tuple[str, str], ...]:
    """(type, part) of each sentence of a question that asks for a figure, date, name…; once per question."""
    return tuple((t, p) for p in _ASKED_PART.findall(question) if (t := question_type(p)) in MUST_STATE)


def states_asked(qtype: str, sentence: str, question: str, masked: bool = True) -> bool:
    """states_type, for a question asking two things in two sentences (信访件办结了多少？追责问责了
    多少人？) of either part that asks for a type: a sentence stating the first part's figure
    answers it, though it counts no person."""
    parts = _typed_parts(question)
    if len(parts) < 2:
        return states_type(qtype, sentence, question, masked)
    return any(states_type(t, sentence, p, masked) for t, p in parts)


def counts(counted: tuple[tuple[str, ...], ...], sentence: str, question: str) -> bool:
    """Whether a clause of ``sentence`` states a figure together with a term of every
    word of what the question counts (``counted``: Scorer.counted_terms): 各类制度、方案共17项
    counts rules; 目前已招录民警3名 does not count auxiliary police officers."""
    return bool(counted) and any(states_type("figure", c, question) and all(any(t in c for t in ts) for ts in counted)
                                 for c in _CLAUSE.findall(sentence))


@lru_cache(maxsize=65536)
def _normalized(text: str) -> str:
    """A sentence or passage as matching sees it, computed once per text."""
    return normalize(text)


@lru_cache(maxsize=65536)
def _token_set(tokenizer: Tokenizer, text: str) -> frozenset[str]:
    """The tokens of a sentence or passage, computed once per text (sentences are scored
    again and again: for every question that retrieves their section)."""
    return frozenset(tokenizer(text))


@lru_cache(maxsize=4096)
def _question_words(tokenizer: Tokenizer, text: str) -> frozenset[str]:
    """Scorer.question_tokens, once per question (it is asked for again and again)."""
    toks = {t for t in _token_set(tokenizer, text) - PHRASING if not _COUNT_WORD.match(t)}
    glossed = [(words[-1], b) for a, b in _ALTERNATIVE.findall(text) if (words := tokenizer(a))]
    pairs = [(a, b) for a, b in glossed if a != b and {a, b} <= toks]
    pairs += [(a, b) for a, b in SAME_THING if a in toks or b in toks]  # either spelling covers it
    for a, b in pairs:
        toks -= {a, b}
        toks.add(f"{a}|{b}")
    return frozenset(toks)


@dataclass
class Candidate:
    hit_rank: int
    row: int
    start: int
    end: int
    score: float
    idx: int  # sentence index within its chunk


@dataclass(frozen=True)
class Confidence:
    """How well the best passages match: dense similarity of the best chunk; the share of
    the question's words (IDF-weighted; words the notices never use count fully) that the
    best-covering chunk contains (None when the question has no such words); and, for a
    question asking for a person, sum, figure, date or name, whether one of the best
    sentences states one (None for other questions)."""
    dense: float
    coverage: float | None
    typed: bool | None = None
    typed_coverage: float | None = None  # of the best sentence stating the type asked for
    asked_coverage: float | None = None  # of the last sentence, after a story (Scorer._asking_tokens)

    def sufficient(self, min_dense: float, min_coverage: float, story: bool = False) -> bool:
        """Whether enough was found to answer; ``story``: what the last sentence after a story
        asks counts as the question too (the answer as a whole, not a comparison's rows)."""
        if self.dense < min_dense or self.typed is False:
            return False
        asked = self.asked_coverage if story and self.asked_coverage is not None else 0.0
        return self.coverage is None or max(self.coverage, asked) >= min_coverage


class Scorer:
    def __init__(self, index: LoadedIndex, tokenizer: Tokenizer = tokenize):
        self.index = index
        self.tokenize = tokenizer
        self.unit_rows: dict[tuple[str, int], list[int]] = {}
        for i, c in enumerate(index.chunks):
            self.unit_rows.setdefault((c.doc, c.section_idx), []).append(i)
        self._max_idf = max(index.idf.values(), default=1.0)
        # per chunk row, its heading lines and their roles (derived once, not per question)
        self._headings: dict[int, list[tuple[int, int, bool, bool]]] = {}

    def _tokens(self, text: str) -> frozenset[str]:
        return _token_set(self.tokenize, text)

    def headings(self, row: int) -> list[tuple[int, int, bool, bool]]:
        """(start, heading end, bare, has children) of the headings that start in chunk ``row``."""
        out = self._headings.get(row)
        if out is None:
            chunk = self.index.chunks[row]
            notice = self.index.notices[chunk.doc]
            out = [(x.start, x.heading_end, heading_only(x, notice.text), bool(x.children)) for x in notice.sections
                   if chunk.start <= x.start < chunk.end and x.heading_end > x.start]
            self._headings[row] = out
        return out

    def is_heading(self, cand: Candidate) -> bool:
        """Whether a candidate sentence is a heading line (二、巡察反馈重点问题整改落实情况)."""
        return any(hs <= cand.start and cand.end <= he + 1 for hs, he, _, _ in self.headings(cand.row))

    def question_tokens(self, prepared: PreparedQuery) -> frozenset[str]:
        """The words a passage answering a Chinese question should contain; a count of the
        bureaus or things asked about (三家, 五个) is none; a word the question glosses in
        brackets (食堂（饭堂）) is one word with two spellings, ``A|B``."""
        return _question_words(self.tokenize, prepared.coverage_text)

    def idf(self, token: str) -> float:
        if "|" in token:  # either spelling (question_tokens)
            return max(self.idf(t) for t in token.split("|"))
        return self.index.idf.get(token, self._max_idf)

    def coverage(self, qtoks: set[str] | frozenset[str], text: str) -> float | None:
        total = sum(self.idf(t) for t in qtoks)
        if not total:
            return None
        return self.matched(qtoks, text) / total

    def matched(self, qtoks: set[str] | frozenset[str], text: str) -> float:
        """The IDF weight of the question's words that ``text`` contains: as a word, or,
        for a word of two or more characters, anywhere in it (jieba cuts 压降涉治安警情 into
        压降涉 / 治安警 / 情, so 压降 and 治安 are found only as parts of other words). A
        token of the text is a part of its normalised form, so that test covers both."""
        norm = _normalized(text)
        toks = self._tokens(text)
        found = 0.0
        for t in qtoks:  # the hot path: every sentence of every retrieved section
            if "|" in t:
                if any((x in norm if len(x) >= 2 else x in toks) for x in t.split("|")):
                    found += self.idf(t)
            elif t in norm if len(t) >= 2 else t in toks:
                found += self.idf(t)
        return found

    def _asking_tokens(self, prepared: PreparedQuery, qtoks: set[str]) -> set[str]:
        """The words of a Chinese question's last sentence when sentences before it tell a story
        (我们所里的辅警…工资低…。别的单位有没有在留住辅警上想过办法？), else none."""
        parts = [x for x in re.split(r"(?<=[。！!？?])", prepared.content or prepared.text) if x.strip()]
        if len(parts) < 2:
            return set()
        last = self._tokens(normalize(parts[-1]))
        return {t for t in qtoks if any(x in last for x in t.split("|"))}

    def question_coverage(self, prepared: PreparedQuery):
        """A function: text -> the share of the question's words it contains (None when
        the question has no such words)."""
        if prepared.lang == "en":
            return lambda text: self.group_coverage(prepared.groups, text)
        qtoks = set(self.question_tokens(prepared))
        return lambda text: self.coverage(qtoks, text)

    def confidence(self, prepared: PreparedQuery, hits: list[Hit], cands: list[Candidate]) -> Confidence:
        dense = max((h.dense_score for h in hits if h.dense_score is not None), default=0.0)
        asked_coverage = None
        if prepared.lang == "en":
            covs = [c for c in (self.group_coverage(prepared.groups, h.chunk.text) for h in hits) if c is not None]
            coverage = max(covs, default=None)
        else:
            qtoks = set(self.question_tokens(prepared))
            covs = [c for c in (self.coverage(qtoks, h.chunk.text) for h in hits) if c is not None]
            coverage = max(covs, default=None)
            asked = self._asking_tokens(prepared, qtoks)
            if asked:  # a story, then the question: how much of what it asks a passage holds
                asked_coverage = max((c for c in (self.coverage(asked, h.chunk.text) for h in hits) if c is not None),
                                     default=None)
        qtype = prepared.qtype
        typed = typed_coverage = None
        if qtype in MUST_STATE:
            # the best sentence that states a figure, date or name: how much of the question it covers
            best = sorted(cands, key=lambda c: -c.score)[:TYPE_WINDOW]
            qtoks = set(self.question_tokens(prepared))
            covs = []
            for c in best:
                sentence = self.index.notices[self.index.chunks[c.row].doc].text[c.start:c.end]
                if states_type(qtype, sentence, prepared.text):
                    cov = (self.group_coverage(prepared.groups, sentence) if prepared.lang == "en"
                           else self.coverage(qtoks, sentence))
                    covs.append(1.0 if cov is None else cov)
            typed_coverage = max(covs, default=0.0)
            typed = bool(covs) and typed_coverage >= TYPED_MIN_COVERAGE
        return Confidence(dense, coverage, typed, typed_coverage, asked_coverage)

    def counted_words(self, prepared: PreparedQuery) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """What a figure question counts: each word of its counted phrase with its terms, as the
        notices would write it (How many rules: (rules, (制度, 规定)); 多少项制度: (制度, (制度,)))."""
        phrase = counted_phrase(prepared.text) if prepared.qtype == "figure" else ""
        if not phrase:
            return ()
        if prepared.lang == "en":
            return tuple((w, ts) for w, ts in prepared.groups  # a whole word (punish is not in punished)
                         if ts and re.search(rf"\b{re.escape(w.lower())}\b", phrase.lower()))
        return tuple((t, (t,)) for t in tokenize(phrase)
                     if len(t) >= 2 and t not in PHRASING and not re.search(r"[几多少\d]", t))

    def counted_terms(self, prepared: PreparedQuery) -> tuple[tuple[str, ...], ...]:
        """The terms of each word a figure question counts (counted_words)."""
        return tuple(ts for _, ts in self.counted_words(prepared))

    def group_coverage(self, groups: tuple[tuple[str, tuple[str, ...]], ...], text: str,
                       numbers: bool = False) -> float | None:
        """English questions: the share of translated words (weighted by the rarest of their
        translations) with at least one translation in ``text``; untranslatable words count
        as missing; numbers count only with ``numbers`` (they help to pick a sentence but
        prove little about whether the notices answer the question)."""
        if not groups:
            return None
        toks = self._tokens(text)
        total = found = 0.0
        for word, terms in groups:
            if word.replace(".", "").isdigit() and not numbers:
                continue
            w = max((self.idf(t) for t in terms), default=self._max_idf)
            total += w
            if any(t in toks or t in text for t in terms):
                found += w
        return found / total if total else None

    def sentences(self, prepared: PreparedQuery, qvec: np.ndarray, hits: list[Hit],
                  headings: bool = False) -> list[Candidate]:
        """Every quotable sentence of the sections the hits belong to (a long section is
        split into several chunks: all of them count), scored; ``qvec`` may hold several
        query vectors (rows), a sentence takes its best similarity. With ``headings`` the
        headings (the problems as the notices state them) count fully too."""
        qtoks = set(self.question_tokens(prepared))
        weight = sum(self.idf(t) for t in qtoks)
        qtype = prepared.qtype
        counted = self.counted_terms(prepared)
        qmat = np.atleast_2d(qvec).T
        cands: list[Candidate] = []
        done: set[int] = set()
        for h in hits:
            for row in self.unit_rows[(h.chunk.doc, h.chunk.section_idx)]:
                if row not in done:
                    done.add(row)
                    cands.extend(self._row_sentences(row, h.rank, prepared, qtoks, weight, qtype, qmat, headings,
                                                       counted))
        return cands

    def _row_sentences(self, row: int, rank: int, prepared: PreparedQuery, qtoks: set[str], weight: float,
                       qtype: str | None, qmat: np.ndarray, with_headings: bool,
                       counted: tuple[tuple[str, ...], ...] = ()) -> list[Candidate]:
        chunk = self.index.chunks[row]
        spans, vecs = self.index.chunk_sentences(row)
        if len(spans) == 0:
            return []
        cos = (np.asarray(vecs, dtype=np.float32) @ qmat).max(axis=1)  # best over the query vectors
        notice = self.index.notices[chunk.doc]
        text = notice.text
        # heading lines in this chunk: a container's bare heading (（一）聚焦…方面) is no
        # evidence; a leaf that is one line (003's "(4)…共检查接处警登记簿365本") is content;
        # the heading of a section with body text ranks a little lower
        headings = [(hs, he, "content" if with_headings else
                     ("skip" if bare and children else ("content" if bare else "heading")))
                    for hs, he, bare, children in self.headings(row)]
        out = []
        for j, ((s, e), c) in enumerate(zip(spans.tolist(), cos.tolist())):
            inside = [role for hs, he, role in headings if hs <= s and e <= he + 1]
            if inside and inside[0] == "skip":
                continue
            sentence = text[s:e]
            lex = 0.0
            if prepared.lang == "en":
                lex = self.group_coverage(prepared.groups, sentence, numbers=True) or 0.0
            elif weight > 0:
                lex = self.matched(qtoks, sentence) / weight
            score = c + LEXICAL_WEIGHT * lex
            if inside and inside[0] == "heading":
                score -= HEADING_PENALTY
            if qtype and states_type(qtype, sentence, prepared.text):
                score += TYPE_BONUS + (COUNTED_BONUS if counts(counted, sentence, prepared.text) else 0.0)
            out.append(Candidate(rank, row, s, e, score, j))
        return out
