"""A question that mixes the two languages (港口分局的feedback date是哪天, Which 巡察组 did
the 开发区分局 inspection?): the words that say *what kind* of thing is asked (a field of the
notice, its next steps, its measures) put in the question's own language, so that the
question is read like one written in a single language. Words naming a topic (接处警) are
left as written: retrieval finds them in either language."""
from __future__ import annotations

import re

# English words in a Chinese question → Chinese (longest first)
_TO_ZH = (
    ("feedback date", "反馈日期"), ("feedback", "反馈意见"), ("inspection team", "巡察组"),
    ("inspection group", "巡察组"), ("inspection period", "巡察时间"), ("inspection dates", "巡察时间"),
    ("disclosure period", "公开期限"), ("publicity period", "公示期"), ("postal address", "通信地址"),
    ("mailing address", "通信地址"), ("address", "地址"), ("phone number", "电话"), ("telephone", "电话"),
    ("phone", "电话"), ("e-mail", "电子邮箱"), ("email", "电子邮箱"), ("next steps", "下一步打算"),
    ("next step", "下一步打算"), ("measures", "整改措施"), ("deadline", "期限"), ("full name", "全称"),
    ("name", "名字"), ("date", "日期"),
)
# Chinese words in an English question → English
_TO_EN = (
    ("下一步工作打算", "next steps"), ("下一步工作", "next steps"), ("下一步", "next steps"),
    ("今后打算", "plans from now on"), ("整改措施", "rectification measures"),
    ("巡察组", "inspection team"), ("反馈意见", "feedback"), ("反馈", "feedback"),
    ("监督电话", "phone number"), ("联系电话", "phone number"), ("电话", "phone number"),
    ("公开期限", "disclosure period"), ("公示期", "disclosure period"), ("电子邮箱", "e-mail"),
    ("邮箱", "e-mail"), ("通信地址", "postal address"), ("地址", "address"),
    ("巡察整改", "inspection rectification"), ("巡察", "inspection"), ("通报", "notice"),
    ("措施", "measures"),
)
_EN_OF = dict(_TO_EN)
_ZH_OF = {a.lower(): b for a, b in _TO_ZH}
_ZH_PATTERN = re.compile("|".join(re.escape(a) for a, _ in _TO_EN))
_EN_PATTERN = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(a) for a, _ in _TO_ZH) + r")(?![A-Za-z])", re.I)


def in_one_language(question: str, lang: str) -> str:
    """``question`` with the other language's question words put in ``lang``."""
    if lang == "en":
        return _ZH_PATTERN.sub(lambda m: f" {_EN_OF[m.group(0)]} ", question).replace("  ", " ")
    return _EN_PATTERN.sub(lambda m: _ZH_OF[m.group(0).lower()], question)
