"""Hybrid retrieval: dense (FAISS) and BM25 (jieba tokens) fused, with filters by
bureau and by section kind."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.config import RetrievalSettings
from qa.index.chunking import Chunk
from qa.index.embedders import Embedder
from qa.index.filters import AllowedRows, Filter
from qa.index.store import LoadedIndex
from qa.ingest.structure import KIND_LABELS, KINDS
from qa.query.bureaus import (
    ANONYMISED_EN,
    ANONYMISED_EN_WORD,
    ANONYMISED_WORDS,
    CITY_LEVEL,
    correct_names,
    mentions,
    spans,
)
from qa.query.codeswitch import in_one_language
from qa.query.glossary import english_glossary, expand, load_glossary
from qa.query.intent import question_intent, question_type
from qa.query.translation import translate
from qa.text import PHRASING, Tokenizer, clean_query, is_chinese, mandarin, normalize, simplified, tokenize

MAX_QUERY_CHARS = 2000
_EN_BUREAU_NAME = re.compile(r"\b((?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+)(?:'s)? (?i:police )?(?:sub-bureau|district branch|branch|"
                             r"(?i:public security (?:sub-)?bureau)|bureau|Bureau|precinct)\b")
_EN_BUREAU_NOUN = r"(?:branch|bureau|police|precinct|sub-bureau|public security)\b"
_EN_GENERIC_NAME = frozenset("public security municipal city county district provincial police party".split())
_HAN_RUN = re.compile(r"[\u4e00-\u9fff*]{2,}")
MODES = ("hybrid", "dense", "bm25")


class QueryError(ValueError):
    """Bad user input; the message is meant for the user (Chinese)."""


@dataclass(frozen=True)
class PreparedQuery:
    """A question ready for retrieval. The bureau names in it become a filter (they say
    where to look, not what to look for) and are left out of the embedded question and of
    the words a passage is expected to contain (measured: README)."""
    text: str  # the question, cleaned
    lang: str  # zh / en
    content: str = ""  # what is matched: the question without the bureau names it uses
    terms: tuple[str, ...] = ()  # Chinese terms added: official terms (glossary) or translations
    keys: tuple[str, ...] = ()  # the plain words the glossary terms stand for
    dense_terms: bool = True  # whether the embedded text includes the terms
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()  # English: (word, its translations)
    bureaus: tuple[str, ...] = ()  # indexed bureaus the question names
    unknown_bureaus: tuple[str, ...] = ()  # bureau names in the question the corpus lacks
    intent: str = "passages"  # how the answer is built (qa.query.intent)
    qtype: str | None = None  # person / money / date / figure / name, or None
    read_as: tuple[tuple[str, str], ...] = ()  # a bureau's name typed wrong: (as typed, as read)

    @property
    def search_text(self) -> str:
        """What BM25 tokenises: the question (bureau names included: they help find the
        opening and closing paragraphs that name the bureau) plus the added terms."""
        return self.text if not self.terms else f"{self.text} {' '.join(self.terms)}"

    @property
    def dense_text(self) -> str:
        """What is embedded: the question without bureau names (plus terms, by setting)."""
        base = self.content or self.text
        return f"{base} {' '.join(self.terms)}" if self.dense_terms and self.terms else base

    @property
    def coverage_text(self) -> str:
        """The words a passage should contain: plain words replaced by the official terms
        (for an English question, its translation)."""
        if self.lang == "en":
            return " ".join(self.terms)
        q = normalize(self.content or self.text)
        for k in self.keys:
            q = q.replace(k, " ")
        return f"{q} {' '.join(self.terms)}"


@dataclass
class Hit:
    rank: int
    chunk: Chunk
    score: float
    dense_score: float | None = None
    bm25_score: float | None = None
    dense_rank: int | None = None
    bm25_rank: int | None = None

    def to_dict(self) -> dict:
        c = self.chunk
        return {"rank": self.rank, "score": round(float(self.score), 6), "chunk_id": c.id, "doc": c.doc,
                "bureau": c.bureau, "section": list(c.section), "kind": c.kind, "start": c.start, "end": c.end,
                "text": c.text,
                "dense_score": None if self.dense_score is None else round(float(self.dense_score), 6),
                "bm25_score": None if self.bm25_score is None else round(float(self.bm25_score), 6)}


def check_query(query: str) -> str:
    if not isinstance(query, str):
        raise QueryError("问题必须是文字")
    q = clean_query(query)
    if not q:
        raise QueryError("问题不能为空，请输入要查询的内容")
    if not re.search(r"\w", q):  # “？”, “-”, “...”: nothing to look up
        raise QueryError("问题中没有文字，请输入要查询的内容")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"问题过长（{len(q)} 字），请精简到 {MAX_QUERY_CHARS} 字以内")
    return q


def resolve_bureaus(index: LoadedIndex, wanted: list[str] | None) -> list[str] | None:
    """Map user-given bureau names to indexed ones: exact, or a unique part of the name
    (港口分局 -> 中山市公安局港口分局). Unknown or ambiguous names raise QueryError."""
    if not wanted:
        return None
    known = index.bureaus
    out = []
    for w in wanted:
        w = (w or "").strip()
        if not w:
            continue
        if w in known:
            out.append(w)
            continue
        nw = normalize(w)
        matches = [b for b in known if nw in normalize(b)]
        if len(matches) == 1:
            out.append(matches[0])
        elif not matches:
            raise QueryError(f"未找到单位“{w}”。已收录的单位：{'、'.join(known)}")
        else:
            raise QueryError(f"单位“{w}”不明确，可能是：{'、'.join(matches)}")
    return out or None


def resolve_kinds(kinds: list[str] | None) -> list[str] | None:
    if not kinds:
        return None
    by_label = {v: k for k, v in KIND_LABELS.items()}
    out = []
    for k in kinds:
        k = (k or "").strip()
        if not k:
            continue
        if k in KINDS:
            out.append(k)
        elif k in by_label:
            out.append(by_label[k])
        else:
            choices = "、".join(f"{k2}（{v}）" for k2, v in KIND_LABELS.items())
            raise QueryError(f"未知的章节类型“{k}”。可选：{choices}")
    return out or None


class Retriever:
    def __init__(self, index: LoadedIndex, embedder: Embedder, settings: RetrievalSettings,
                 glossary: Path | None = None, tokenizer: Tokenizer = tokenize):
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.glossary = glossary
        self.tokenize = tokenizer

    def prepare(self, query: str) -> PreparedQuery:
        q = check_query(query)
        lang = "zh" if is_chinese(q) else "en"
        read_as: list[tuple[str, str]] = []
        if lang == "zh":  # what it asks is read in simplified characters (會議紀要 → 会议纪要, 怎麼 → 怎么),
            q = mandarin(simplified(q))  # Cantonese as Mandarin (有冇 → 有没有)
            q, read_as = correct_names(q, self.index.bureau_aliases, self.index.crosslingual.get("sounds", {}))
        q = in_one_language(q, lang)  # 港口分局的feedback date, Which 巡察组: asked in one language
        terms: list[str] = []
        keys: list[str] = []
        groups: tuple = ()
        if lang == "en" and self.settings.translate:
            groups = tuple(translate(q, self.index.crosslingual, self.index.idf, english_glossary(self.glossary),
                                     read_as))
            groups += self._chinese_words(q)
            terms = list(dict.fromkeys(t for _, ts in groups for t in ts))
        elif lang == "zh" and self.settings.expand:
            terms, keys = expand(q, load_glossary(self.glossary))
        aliases = self.index.bureau_aliases
        said = q if lang == "zh" else " ".join(t for w, ts in groups for t in ts if normalize(t) not in aliases
                                               or self._may_name_bureau(w, q)) \
            + (f" {ANONYMISED_WORDS[0]}" if ANONYMISED_EN.search(q) else "") \
            + "".join(f"，{w}" for w in _HAN_RUN.findall(q))  # the Shiqi precinct (石岐分局): its name as written
        named, unknown, words = mentions(said, aliases,
                                         tuple(self._unknown_english_bureaus(q)) if lang == "en" else (),
                                         bool(CITY_LEVEL.search(q)))
        content = q
        if words and lang == "zh":
            content = normalize(q)
            for w in sorted(words, key=len, reverse=True):  # a city with its 局 (舟山市局)
                content = re.sub(re.escape(w) + (r"(?:公安局|局)?" if w.endswith("市") else ""), " ", content)
            content = re.sub(r"\s+", " ", content).strip() or q
        elif words:  # English: the translations that only name a bureau
            terms = [t for t in terms if normalize(t) not in words]
            groups = tuple((w, ts) for w, ts in groups if not (ANONYMISED_EN_WORD.fullmatch(w) and named)
                           and (not ts or any(normalize(t) not in words for t in ts)))
        dense_terms = self.settings.translate_dense if lang == "en" else self.settings.expand_dense
        return PreparedQuery(q, lang, content, tuple(terms), tuple(keys), dense_terms, groups, tuple(named),
                             tuple(unknown), question_intent(q, len(named)), question_type(q), tuple(read_as))

    def _chinese_words(self, question: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The Chinese words of an English question (How did 横栏分局 handle the 信访 backlog?),
        each its own term; not the words that name a bureau (横栏分局: qa.query.bureaus)."""
        aliases = self.index.bureau_aliases
        runs = []
        for run in _HAN_RUN.findall(question):
            for a, b, _ in reversed(spans(run, aliases)):
                run = run[:a] + " " + run[b:]
            runs.append(run)
        words = (t for run in runs for t in tokenize(run))
        return tuple((t, (t,)) for t in dict.fromkeys(words)
                     if len(t) >= 2 and t not in PHRASING and "*" not in t)

    def bureau_spans(self, text: str) -> list[tuple[int, int, list[str]]]:
        """Where ``text`` names bureaus (qa.query.bureaus.spans); in English, the words whose
        translation is a bureau's name (Gangkou, the Development Zone branch)."""
        if is_chinese(text) or not self.settings.translate:
            return spans(text, self.index.bureau_aliases)
        low, out = text.lower(), []
        for phrase, terms in translate(text, self.index.crosslingual, self.index.idf, english_glossary(self.glossary)):
            labels = mentions(" ".join(terms), self.index.bureau_aliases)[0]
            at = low.find(phrase)
            if labels and at >= 0:
                out.append((at, at + len(phrase), labels))
        for m in ANONYMISED_EN.finditer(text):  # the anonymised branch
            labels = mentions(ANONYMISED_WORDS[0], self.index.bureau_aliases)[0]
            if labels and not any(a < m.end() and m.start() < b for a, b, _ in out):
                out.append((m.start(), m.end(), labels))
        return sorted(out)

    def _may_name_bureau(self, word: str, question: str) -> bool:
        """Whether an English word may name a bureau through its translation: a name
        (Gangkou, zhoushan), or an everyday word (port: 港口) only before a bureau noun
        (the port branch, the development zone branch)."""
        if word[:1].upper() + word[1:] in question or " " in word or word.lower() not in self.index.crosslingual.get("en", {}):
            return True
        return bool(re.search(rf"\b{re.escape(word)}\b[\s-]+(?:[a-z]+[\s-]+)?{_EN_BUREAU_NOUN}", question, re.I))

    def _unknown_english_bureaus(self, question: str) -> list[str]:
        """Bureaus an English question names that the corpus lacks (the Shiqi branch): a
        capitalised name before branch / bureau whose translation names no indexed bureau
        (Gangkou, Development Zone and Zhoushan do), and that is not a term of the field
        (Party branch)."""
        glossary = english_glossary(self.glossary)
        out = []
        for m in _EN_BUREAU_NAME.finditer(question):
            name = " ".join(w for w in m.group(1).split() if w.lower() not in _EN_GENERIC_NAME)
            if not name:  # the Municipal Public Security Bureau: no place named
                continue
            if ANONYMISED_EN_WORD.search(name) or f"{name} branch".lower() in glossary:
                continue
            groups = translate(name, self.index.crosslingual, self.index.idf, glossary)
            if groups and not any(normalize(t) in self.index.bureau_aliases for _, ts in groups for t in ts):
                out.append(m.group(0).replace("'s ", " "))
        return out

    def embed(self, prepared: PreparedQuery) -> np.ndarray:
        return self.embedder.embed_query(prepared.dense_text)

    def dense_search(self, prepared: PreparedQuery, k: int, allowed: AllowedRows | None = None,
                     qvec: np.ndarray | None = None):
        if qvec is None:
            qvec = self.embed(prepared)
        return self.index.vector_index.search(qvec, k, allowed)

    def bm25_search(self, prepared: PreparedQuery, k: int, allowed: AllowedRows | None = None):
        return self.index.lexical_index.search(self.tokenize(prepared.search_text), k, allowed)

    def search(self, query: str | PreparedQuery, k: int = 10, mode: str = "hybrid", bureaus: list[str] | None = None,
               kinds: list[str] | None = None, qvec: np.ndarray | None = None, focus: bool = True) -> list[Hit]:
        """Ranked chunks. Without an explicit ``bureaus`` filter, a question that names
        indexed bureaus is searched in their notices (``focus``)."""
        prepared = query if isinstance(query, PreparedQuery) else self.prepare(query)
        if mode not in MODES:
            raise QueryError(f"未知的检索方式“{mode}”，可选：{'、'.join(MODES)}")
        if k < 1:
            raise QueryError("k 至少为 1")
        bureaus = resolve_bureaus(self.index, bureaus)
        if bureaus is None and focus and self.settings.focus_bureaus and prepared.bureaus:
            bureaus = list(prepared.bureaus)  # the question names them: answer from their notices
        kinds = resolve_kinds(kinds)
        allowed = self.index.allowed(Filter(tuple(bureaus or ()), tuple(kinds or ())))
        if allowed is not None and len(allowed) == 0:
            return []
        n_cand = max(k, self.settings.candidates)
        d_ids = d_sc = b_ids = b_sc = np.zeros(0)
        if mode in ("hybrid", "dense"):
            d_ids, d_sc = self.dense_search(prepared, n_cand if mode == "hybrid" else k, allowed, qvec)
        if mode in ("hybrid", "bm25"):
            b_ids, b_sc = self.bm25_search(prepared, n_cand if mode == "hybrid" else k, allowed)
        if mode == "dense":
            fused = [(int(i), float(s)) for i, s in zip(d_ids, d_sc)]
        elif mode == "bm25":
            fused = [(int(i), float(s)) for i, s in zip(b_ids, b_sc)]
        else:
            fused = fuse(d_ids, d_sc, b_ids, b_sc, self.settings)
        d_rank = {int(i): (r + 1, float(s)) for r, (i, s) in enumerate(zip(d_ids, d_sc))}
        b_rank = {int(i): (r + 1, float(s)) for r, (i, s) in enumerate(zip(b_ids, b_sc))}
        hits = []
        for r, (i, score) in enumerate(fused[:k]):
            dr, ds = d_rank.get(i, (None, None))
            br, bs = b_rank.get(i, (None, None))
            hits.append(Hit(r + 1, self.index.chunks[i], score, ds, bs, dr, br))
        return hits


def fuse(d_ids, d_sc, b_ids, b_sc, settings: RetrievalSettings) -> list[tuple[int, float]]:
    """Reciprocal rank fusion, or a convex combination of min-max normalised scores."""
    scores: dict[int, float] = {}
    if settings.fusion == "rrf":
        for ids in (d_ids, b_ids):
            for r, i in enumerate(ids):
                scores[int(i)] = scores.get(int(i), 0.0) + 1.0 / (settings.rrf_k + r + 1)
    else:
        w = settings.dense_weight
        for ids, sc, weight in ((d_ids, d_sc, w), (b_ids, b_sc, 1.0 - w)):
            if len(ids) == 0:
                continue
            lo, hi = float(np.min(sc)), float(np.max(sc))
            span = hi - lo if hi > lo else 1.0
            for i, s in zip(ids, sc):
                norm = (float(s) - lo) / span if hi > lo else 1.0
                scores[int(i)] = scores.get(int(i), 0.0) + weight * norm
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
