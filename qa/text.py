"""Normalisation and word segmentation for matching (BM25, sentence scoring).

Matching sees traditional characters as simplified (OpenCC) and full-width digits,
letters and punctuation as half-width (NFKC); what is shown and quoted is always the
source text itself.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Function words and question words: frequent in questions, no help in finding passages.
STOPWORDS = frozenset("""
的 了 和 与 及 或 是 在 对 把 被 将 为 以 于 等 也 都 而 并 其 之 这 那 有 个 些 中 上 下 后 前 又 就 还 着 过 给
什么 怎么 怎样 如何 哪些 哪个 哪里 哪 谁 多少 几 吗 呢 吧 啊 么 请问 请 一下 是否 有没有 没有 可以 能够 能 会 要 需要
我们 我 你 他 她 它 他们 其中 方面 情况 问题 进行 开展 相关 采取 采用 通过 做 做了 哪些方面 分别 具体
the a an of to in on for and or is are was were be by with what which who how when where did does do
that this these those from as at it its about any
""".split())


# How people phrase a question in speech (后来是咋弄的, 那边, 这块, 各自有何不同): no topic. Left out of
# the words a passage must contain (qa.answer.scoring), not of the search (collected from
# the development questions' Chinese restatements, words no notice uses; the last line: a
# question asking which notices mention something, 哪些单位的通报涉及扫黑除恶, asks about
# 扫黑除恶, not about 涉及: development comparisons 0.877 / 0.883 → 0.881 / 0.882; 由 of 由谁负责
# is a preposition: 整改工作由谁负责 found 由…负责党委会议记录工作 first, development answers unchanged).
PHRASING = frozenset("""
后来 之后 接着 后面 当时 那阵子 阵子 一直 现在 这次 这回 上次 咋 啥 怎么弄 咋弄 弄 搞 这个 那个 这些 那些 这块 那块
这边 那边 这事 那事 事情 这份 那份 那种 里 里面 没 不了 出来 起来 上去 下来 去 完 想 要是 或者 自己 大家 知道 说 表示
承认 比较 到底 究竟 一共 总共 是从 能不能 有啥 都是 得怎么样
各自 各是 各有 各家 分别 区别 不同 有何不同 两个 两家 几家 哪几家 推出 眼下 属于 往前推
各地 各单位 单位 本级 公安 公安机关 机关 对于 这种 各种 应对 改进 纠正 办法 做法 招 借鉴 能学 一学 学一学
涉及 提到 提及 通报 由 对比 相比 异同 一下 几个 各 给我 我列 帮我
其他 其它 别的 别人 人家 兄弟 我们 咱们 我局 本局 局
哪几 哪几个 哪家 哪儿 一个 几项 几份 几条 整改措施
比一比 比比 比较一下 对比一下 看看 说说 讲讲 聊聊 这件 这件事 那件事 不能 作了 做了
白跑 一趟 白跑一趟 步步 一步步 总数 给出 手头 交代 有交代 写明 写了 给了
谈到 说到 讲到 写到 局里 百分比
""".split())


@lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")


_jieba_lock = threading.Lock()


@lru_cache(maxsize=1)
def _jieba():
    with _jieba_lock:
        import jieba

        jieba.setLogLevel(60)
        if not jieba.dt.initialized:
            _load_cached_dictionary(jieba)
        jieba.initialize()  # no-op once loaded; otherwise jieba builds (and caches) the dictionary
        return jieba


def _load_cached_dictionary(jieba) -> None:
    """Load jieba's own dictionary cache (the same file ``jieba.initialize`` reads) with
    one read and ``marshal.loads``: ``marshal.load`` on the open file, as jieba does it,
    reads it in small pieces and takes about three times as long (0.9 s against 0.3 s)."""
    import marshal
    import os
    import tempfile

    dt = jieba.dt
    if dt.dictionary != jieba.DEFAULT_DICT:  # a custom dictionary: leave it to jieba
        return
    path = os.path.join(dt.tmp_dir or tempfile.gettempdir(), dt.cache_file or "jieba.cache")
    try:
        with open(path, "rb") as fh:
            freq, total = marshal.loads(fh.read())
    except Exception:  # missing or unreadable: jieba rebuilds it
        return
    if isinstance(freq, dict) and freq and isinstance(total, int) and total > 0:
        with dt.lock:
            dt.FREQ, dt.total = freq, total
            dt.initialized = True


def warm_up() -> None:
    """Load the segmenter's dictionary now (0.2 s) rather than on the first query."""
    _jieba()
    _opencc()


def clean_query(text: str) -> str:
    """Control characters removed and whitespace collapsed; nothing else changes."""
    text = _CONTROL.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def normalize(text: str) -> str:
    """For matching only: NFKC (full/half width), traditional -> simplified, lower case."""
    return simplified(unicodedata.normalize("NFKC", text)).lower()


def simplified(text: str) -> str:
    """Traditional characters as simplified (會議紀要 → 会议纪要), nothing else changed."""
    return _opencc().convert(text) if _CJK.search(text) else text


# Cantonese as typed in Zhongshan (港口分局有冇…, 点样整改, 几多钱) read as the Mandarin the
# notices and the rules that read a question use; longer forms first
_CANTONESE = [(re.compile(p), r) for p, r in (
    (r"有冇", "有没有"), (r"冇", "没有"), (r"几多", "多少"), (r"点样", "怎样"), (r"点解", "为什么"),
    (r"点(?=搞|整改|处理|做|办|改|弄)", "怎么"), (r"乜嘢|乜|咩", "什么"), (r"(?<![这那旁身两一左右周外里前后东南西北上下])边(?=个|几|度|间|家|样|位)", "哪"),
    (r"边度", "哪里"), (r"佢哋", "他们"), (r"我哋", "我们"), (r"你哋", "你们"), (r"佢", "他"), (r"嘅", "的"),
    (r"咗", "了"), (r"唔该", "请"), (r"唔", "不"), (r"嗰度", "那里"), (r"嗰", "那"), (r"啲", "些"), (r"嚟", "来"), (r"喺", "在"),
    (r"入面", "里面"), (r"搞掂", "搞定"), (r"睇", "看"), (r"揾", "找"), (r"攞", "拿"), (r"做嘢", "做事"),
    (r"嘢", "东西"), (r"系咪", "是不是"), (r"系(?=几时|哪|什么|怎|多少|俾|不是|唔)", "是"), (r"咁", "这么"), (r"噉", "这样"),
    (r"而家", "现在"), (r"食晏", "午饭"), (r"呃", "骗"), (r"后尾", "后来"), (r"俾", "被"), (r"几时", "什么时候"),
)]
_CANTONESE_MARK = re.compile(r"[冇咩佢哋嘅咗唔嗰啲嚟喺睇揾攞嘢乜咁噉]|几多|点样|点解|边个|边几|边度|而家|食晏|后尾")


def mandarin(text: str) -> str:
    """Cantonese words of a question as Mandarin (有冇 → 有没有, 点样 → 怎样); other text unchanged."""
    if not _CANTONESE_MARK.search(text):
        return text
    for pattern, repl in _CANTONESE:
        text = pattern.sub(repl, text)
    return text


_EN_WORD = re.compile(r"[A-Za-z]{2,}")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def is_chinese(text: str) -> bool:
    """A question counts as Chinese when CJK characters make up at least a fifth of its letters,
    unless it is English with Chinese terms in it: three or more English words, more than its
    runs of Chinese characters (What's the name of 港口分局's 党委书记?)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    if sum(1 for ch in letters if _CJK.match(ch)) / len(letters) < 0.2:
        return False
    english = len(_EN_WORD.findall(text))
    return not (english >= 3 and english > len(_CJK_RUN.findall(text)))


# The tokenizer seam: text in, tokens out (BM25, coverage and sentence scoring use it).
Tokenizer = Callable[[str], list[str]]


def is_word(token: str) -> bool:
    """Whether jieba's dictionary has ``token`` (not a fragment its HMM guessed)."""
    return _jieba().dt.FREQ.get(token, 0) > 0


def word_tag(token: str) -> str:
    """Jieba's dictionary part-of-speech tag of ``token`` ("" when it has none)."""
    _jieba()
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab.get(token, "")


def is_noun(token: str) -> bool:
    """Whether jieba's dictionary tags ``token`` as a noun (健身房, 子女; not 没法, 好好)."""
    tag = word_tag(token)
    return tag.startswith("n") or tag == "vn"


def is_verb(token: str) -> bool:
    """Whether jieba's dictionary tags ``token`` as a verb, not a verbal noun (拿到; not 管理)."""
    tag = word_tag(token)
    return tag.startswith("v") and tag != "vn"


# a one-character verb's result or direction (记下, 弄好, 拍出, 连进): a verb, whatever jieba's tag says
_COMPLEMENT = re.compile(r".[下上出来去好完到起掉住走进]")
_NOUN_TAGGED_VERBS = "记录挪连"  # one-character verbs jieba's dictionary tags as nouns (挪: a place)


def is_verb_complement(token: str) -> bool:
    """Whether ``token`` is a one-character verb with its complement (记下, 弄好; not 天下, 楼上)."""
    return bool(_COMPLEMENT.fullmatch(token)) and (is_verb(token[0]) or token[0] in _NOUN_TAGGED_VERBS)


def colloquial_stem(token: str) -> str:
    """A colloquial noun without its suffix (片子 -> 片, 活儿 -> 活); "" for any other token."""
    return token[:-1] if len(token) >= 2 and token[-1] in "子儿" else ""


def jieba_cut(text: str) -> list[str]:
    """Jieba's words of ``text`` in order, punctuation included (their lengths add up to it)."""
    return _jieba().lcut(text)


def tokenize(text: str, drop_stopwords: bool = True) -> list[str]:
    """Normalised jieba tokens (search mode), without punctuation and stop words."""
    toks = _jieba().lcut_for_search(normalize(text))
    out = []
    for t in toks:
        t = t.strip()
        if not t or not _WORD.search(t):
            continue
        if drop_stopwords and t in STOPWORDS:
            continue
        out.append(t)
    return out


def idf_table(token_lists: list[list[str]]) -> dict[str, float]:
    """Inverse document frequency (BM25's, floored at a small positive value) per token."""
    from collections import Counter

    df: Counter[str] = Counter()
    for toks in token_lists:
        df.update(set(toks))
    return idf_from_df(list(df), list(df.values()), len(token_lists))


def idf_from_df(tokens: list[str], df: list[int], n_docs: int) -> dict[str, float]:
    """:func:`idf_table` from document frequencies (the index stores them)."""
    import math

    n = max(n_docs, 1)
    return {t: max(0.05, math.log(1 + (n - c + 0.5) / (c + 0.5))) for t, c in zip(tokens, df)}
