"""Which bureaus a question names: 港口分局, 开发区分局, 舟山市公安局, 匿名分局 … .

A question that names indexed bureaus is answered from their notices; a question that
names a bureau the corpus does not have (小榄分局) is not answered from someone else's.
"""
from __future__ import annotations

import re
from collections import defaultdict

from qa.ingest.notices import Notice
from qa.text import normalize, word_tag

# 分局 preceded by a place-like name (2-4 characters, no function words) that starts the
# question, follows punctuation, or follows 公安局 / 市 / 县 / 区
_FUNCTION_CHARS = set("的了是在有没如何需要报化解对给把被将让和与及等哪各这那该本其所每几多些个向从为由里中内外上下怎么谁")
_BOUNDARY = set(" ，。、；：？！,.;:?!“”\"'（）()《》")
_JOINING = "和与跟及同比"  # 港口分局和小榄分局
# ... nor do words that start with a preposition, a time word, an adverb, a conjunction or a
# pronoun, nor a verb (后来分局, 借着市局, 按照分局, 制定分局)
_NOT_A_NAME = ("p", "t", "d", "c", "r", "u")
# a city's bureau: 东莞市公安局, or 东莞市局 starting a clause
_CITY_BUREAU = re.compile(r"([\u4e00-\u9fff]{2,4}市)公安局(?![\u4e00-\u9fff]{0,8}分局)|"
                          r"(?:^|(?<=[ ，。、；：？！,.;:?!“”（）" + _JOINING + r"]))((?:(?![" + _JOINING
                          + r"])[\u4e00-\u9fff]){2,4}?市)局")
# words before 分局 that do not name one
_GENERIC = re.compile(r"^(各|哪|其他|其它|这|那|该|本|兄弟|有的|有些|多|几|所有|全部|每|公安|县|区|市|"
                      r"[一二两三四五六七八九十0-9]+个|同一|不同|上级|下属|基层)")
# the city's own bureau, not its branches (中山市公安局（市局本级）, the city-level bureau)
CITY_LEVEL = re.compile(r"本级|(市公安局|市局)(自身|本身)|city[- ]level|bureau itself|"
                        r"(as opposed to|rather than|not) (to )?(its|the) (sub-)?(branches|sub-bureaus)", re.I)
ANONYMISED_WORDS = ("匿名", "隐去", "未具名", "星号", "打码", "打星")  # 星号那个分局, 打码的分局, 打星那个分局
_ANONYMISED_EN_WORDS = r"anonymi[sz]ed|unnamed|redacted|asterisked"
# ... in an English question ("masked" only before a bureau noun: not the masked figure)
ANONYMISED_EN = re.compile(rf"\b(?:{_ANONYMISED_EN_WORDS})\b|"
                           # the sub-bureau whose name is masked with asterisks, the branch with the masked name
                           r"\b(?:sub-bureau|subbureau|branch|bureau|unit)\s+(?:whose\s+name\s+is|with\s+(?:the|a|its)(?:\s+name)?)\s+"
                           r"(?:masked|hidden|blanked|starred|asterisked)|"
                           r"\b(?:masked|anonymous|nameless)\b(?=(?:[\s-]+[\w*-]+){0,2}[\s-]+(?:branch|bureau|sub-bureau|subbureau|unit|notice)\b)", re.I)
# ... any of its words, "masked" too, within a phrase already taken for a bureau's name
ANONYMISED_EN_WORD = re.compile(rf"\b(?:{_ANONYMISED_EN_WORDS}|masked|anonymous|nameless)\b", re.I)


def alias_table(notices: dict[str, Notice]) -> dict[str, tuple[set[str], bool]]:
    """Map alias (normalised) -> (bureau labels, names a city only). Aliases: the full name,
    the sub-bureau name (港口分局, 港口), its short form (开发区分局), a city bureau's 市局
    (舟山市局), and the city."""
    out: dict[str, set[str]] = defaultdict(set)
    by_city: dict[str, set[str]] = defaultdict(set)
    for n in notices.values():
        m, label = n.meta, n.meta.bureau_label
        if not m.bureau:
            continue
        if m.anonymised:  # also its masked sub-bureau name (**分局)
            sub = re.search(r"公安局(.+)分局$", m.bureau)
            for w in (*ANONYMISED_WORDS, normalize(m.bureau), *([normalize(sub.group(1) + "分局")] if sub else [])):
                out[w].add(label)
            continue
        out[normalize(m.bureau)].add(label)
        sub = re.search(r"公安局(.+)分局$", m.bureau)
        if sub:
            district = sub.group(1)
            short = re.sub(r"^.{2,6}?(经济技术|高新技术)?开发区", "开发区", district)
            for name in {district, short}:
                out[normalize(name + "分局")].add(label)
                out[normalize(name)].add(label)
        elif m.city and m.bureau.endswith("公安局"):  # the city's own bureau: 舟山市局
            out[normalize(m.city.removesuffix("市") + "市局")].add(label)
        if m.city:
            by_city[m.city].add(label)
    strong = dict(out)
    weak: dict[str, set[str]] = defaultdict(set)
    for city, labels in by_city.items():
        for name in (normalize(city), normalize(city.removesuffix("市"))):
            if name not in strong:
                weak[name].update(labels)
    return {**{a: (v, False) for a, v in strong.items()}, **{a: (v, True) for a, v in weak.items()}}


_NAMED_TAIL = ("分局", "市局", "公安局")
_SEVERAL_BEFORE = set("各些他它别个家两几")  # 各分居, 其他分据: 分局 typed with a character of its sound


def correct_names(text: str, table: dict[str, tuple[set[str], bool]], sounds: dict[str, str]) -> tuple[str, list[tuple[str, str]]]:
    """A bureau's name typed with characters of the same reading (横拦分局, 港口分居, 各分居:
    a pinyin input method's wrong pick) as the name; (the text, (as typed, as read) each).
    ``sounds``: a character's toneless reading, for the characters that sound like a name's."""
    if not sounds:
        return text, []
    fixes: list[tuple[str, str]] = []
    ju = sounds.get("局")
    chars = list(text)
    for i in range(1, len(chars) - 1):  # 各分居 -> 各分局
        if chars[i] == "分" and chars[i - 1] in _SEVERAL_BEFORE and chars[i + 1] != "局" and sounds.get(chars[i + 1]) == ju:
            fixes.append((chars[i] + chars[i + 1], "分局"))
            chars[i + 1] = "局"
    text = "".join(chars)
    # a name ends in 局 (分局, 市局, 公安局): only a window ending in a character of its sound may be one
    ends = [e for e, ch in enumerate(text) if sounds.get(ch) == ju]
    if not ends:
        return text, list(dict.fromkeys(fixes))
    names = sorted({a for a, (_, city_only) in table.items() if not city_only and a.endswith(_NAMED_TAIL)
                    and all("\u4e00" <= ch <= "\u9fff" for ch in a)}, key=len, reverse=True)
    for name in names:
        n, free = len(name), 0  # free: where the next window may start (past a name just read)
        for e in ends:
            i = e - n + 1
            if i < free:
                continue
            window = text[i:e + 1]
            diff = [j for j in range(n) if window[j] != name[j]]
            if diff and len(diff) <= max(1, (n - 2) // 2) and all(
                    sounds.get(window[j]) is not None and sounds.get(window[j]) == sounds.get(name[j]) for j in diff):
                fixes.append((window, name))
                text = text[:i] + name + text[e + 1:]
                free = e + 1
    return text, list(dict.fromkeys(fixes))


def mentions(question: str, table: dict[str, tuple[set[str], bool]],
             known_unknown: tuple[str, ...] = (), city_level: bool = False) -> tuple[list[str], list[str], list[str]]:
    """(indexed bureaus the question names, bureau names it uses that the corpus lacks,
    the words that named them). A city alone (中山) counts only when no unknown bureau of
    that city is named; ``known_unknown``: unknown bureaus found otherwise (in English);
    ``city_level``: the question asks about the city's own bureau (CITY_LEVEL), which is
    unknown when only the city's branches are indexed."""
    q = normalize(question)
    strong: list[str] = []
    cities: list[set[str]] = []
    words: list[str] = []
    weak_words: list[str] = []
    for alias in sorted(table, key=len, reverse=True):
        if alias and alias in q:
            labels, city_only = table[alias]
            if city_only:
                cities.append(labels)
                weak_words.append(alias)
            else:
                strong.extend(lb for lb in sorted(labels) if lb not in strong)
                words.append(alias)
                q = q.replace(alias, " ")
    # a city names its bureaus unless a bureau of that city is named (中山的港口分局: not 横栏)
    weak = list(dict.fromkeys(lb for labels in cities if not labels & set(strong) for lb in sorted(labels)
                              if lb not in strong))  # 中山市 and 中山 name the same bureaus
    unknown = list(known_unknown)
    city_aliases = tuple(a for a, (_, city_only) in table.items() if city_only)
    if city_level:  # 中山市公安局（市局本级）: not its branches
        for alias in dict.fromkeys(a.removesuffix("市") for a in weak_words):
            if alias in table and not table[alias][0] & set(strong):
                unknown.append(f"{alias}市公安局（市局本级）")
    for m in re.finditer("分局", q):
        i = m.start()
        for n in (2, 3, 4):
            name, before = q[i - n:i], q[:i - n]
            if i - n < 0 or _FUNCTION_CHARS & set(name) or _BOUNDARY & set(name) or _GENERIC.match(name) \
                    or not _names_a_place(name):
                continue
            if (not before or before[-1] in _BOUNDARY or before[-1] in _JOINING
                    or before.endswith(("公安局", "市", "县", "区"))
                    or before.endswith(city_aliases)):  # 中山东区分局
                unknown.append(name + "分局")
                break
    for m in _CITY_BUREAU.finditer(q):
        city = m.group(1) or m.group(2)
        if normalize(city) not in table and _names_a_place(city):
            unknown.append(m.group(0))
    found = strong + ([lb for lb in weak if lb not in strong] if not unknown else [])
    return found, unknown, words + (weak_words if not unknown else [])


def _names_a_place(name: str) -> bool:
    """Whether the words before 分局 or 市局 may name a place (小榄, 东莞市; not 后来, 借着市)."""
    if word_tag(name) == "v":
        return False
    return not any(word_tag(name[:n]).startswith(_NOT_A_NAME) for n in (2, 3) if n <= len(name))


def spans(text: str, table: dict[str, tuple[set[str], bool]]) -> list[tuple[int, int, list[str]]]:
    """Where ``text`` names bureaus: (start, end, indexed bureau labels) in document order;
    labels are empty for a bureau the corpus lacks (小榄分局). Longest names first, no
    overlaps. Offsets refer to ``text`` (normalisation keeps its length)."""
    q = normalize(text)
    if len(q) != len(text):
        return []
    taken = [False] * len(q)
    out: list[tuple[int, int, list[str]]] = []
    for alias in sorted(table, key=len, reverse=True):
        for m in re.finditer(re.escape(alias), q):
            if not any(taken[m.start():m.end()]):
                taken[m.start():m.end()] = [True] * (m.end() - m.start())
                out.append((m.start(), m.end(), sorted(table[alias][0])))
    _, unknown, _ = mentions(text, table)
    for name in unknown:
        at = q.find(normalize(name))
        if at >= 0 and not any(taken[at:at + len(name)]):
            out.append((at, at + len(name), []))
    return sorted(out)


# "apart from X, which others…": X is left out of the bureaus asked about (除了横栏，还有哪家写了？)
_EXCEPT = re.compile(r"除了?(?P<x>[^，,。？?！!]{2,30}?)(?:以外|之外|外)?[，,、]?\s*(?=还有|另外|其他|其它|别的|哪|谁|有没有|有哪)|"
                     r"\b(?:apart from|besides|other than|aside from|except(?: for)?)\s+(?P<y>[^,?.;]{2,80}?)\s*,?\s*"
                     r"(?=\b(?:which|what|did|does|do|who|has|have|are|is|were|was|any)\b)", re.I)


def except_clause(text: str) -> tuple[int, int, int, int] | None:
    """(clause start, clause end, named part start, named part end) of a clause leaving
    bureaus out (除了横栏，; apart from Henglan,), or None."""
    m = _EXCEPT.search(text)
    if m is None:
        return None
    g = "x" if m.group("x") is not None else "y"
    return m.start(), m.end(), m.start(g), m.end(g)
