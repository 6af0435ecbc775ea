"""Query expansion: plain words -> the official terms the notices use.

Users describe problems in their own words (民警下班后的行为管不住) while the notices use
set phrases (八小时以外). The glossary (``data/glossary.tsv``, user-editable) adds the
official terms to a question before retrieval; the question itself is kept, so an
expansion can only add candidates. Its effect is measured on the question set (README).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from qa.text import normalize


@lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> tuple[tuple[str, tuple[str, ...]], ...]:
    entries = []
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "\t" not in line:
            continue
        key, _, terms = line.partition("\t")
        key = normalize(key.strip())
        vals = tuple(t.strip() for t in terms.replace("，", ",").split(",") if t.strip())
        if key and vals:
            entries.append((key, vals))
    # longest keys first, so that 下班以后 wins over a shorter overlapping key
    return tuple(sorted(entries, key=lambda kv: -len(kv[0])))


def load_glossary(path: Path | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if path is None or not path.is_file():
        return ()
    return _load(str(path), path.stat().st_mtime)


# words the notices use for the same thing (港口 writes 饭堂, 舟山 食堂): a question saying one
# is searched with the other too, and either spelling covers it (qa.answer.scoring); not a
# glossary line, which would replace the word the question says by the other
SAME_THING = (("食堂", "饭堂"),)
# what a count of rules may be a count of (新建了多少项制度: 制定办法规定6个, 建章立制、制定相关工作规范34项)
COUNTED_KIN = {"制度": ("制度", "规定", "办法", "规范", "机制", "方案", "细则")}


def expand(query: str, glossary) -> tuple[list[str], list[str]]:
    """(official terms, plain words they replace) for the glossary words in ``query``, and
    the other spelling of a word the notices spell two ways (SAME_THING), replacing none;
    terms already in the query are not repeated."""
    q = normalize(query)
    terms: list[str] = [b if a in q else a for a, b in SAME_THING if (a in q) != (b in q)]
    keys: list[str] = []
    for key, vals in glossary:
        if key in q and not any(key in k for k in keys):
            keys.append(key)
            for t in vals:
                if normalize(t) not in q and t not in terms:
                    terms.append(t)
    return terms, keys


def english_glossary(path: Path | None) -> dict[str, tuple[str, ...]]:
    """The glossary's English lines (police officer -> 民警): words of the field in the
    notices' own terms, used by the translation of English questions before CC-CEDICT;
    "-" maps a word to nothing (bureau: it names no topic)."""
    return _english(load_glossary(path))


@lru_cache(maxsize=8)
def _english(entries: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, tuple[str, ...]]:
    return {key: () if vals == ("-",) else vals for key, vals in entries if key.isascii()}
