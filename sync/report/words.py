"""The words people read: the regulation's own names for codes, or English ones (`--lang en`).

Tables on the terminal, HTML reports and e-mails speak the regulation file's language by
default (Критический, Уточнение, «1, 2 линии»); JSON and CSV keep the stable codes
(`critical`, `clarification`, `1-2`) and carry the words beside them in `*_label` fields.
A `Words` is also a plain `name_of(kind, code)` callable, so every renderer that takes one
takes the other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["ENGLISH", "NameOf", "Words", "as_words", "reverse_lookup", "words_for"]

NameOf = Callable[[str, str], str]

# English words for every code of the regulation (and the clock's states).
ENGLISH: Mapping[str, Mapping[str, str]] = {
    "priorities": {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low"},
    "statuses": {
        "created": "Created",
        "in_progress": "In progress",
        "clarification": "Clarification",
        "done": "Done",
    },
    "resolutions": {
        "resolved": "Resolved",
        "not_reproducible": "Not reproducible",
        "user_error": "User error",
        "infrastructure": "Infrastructure",
        "withdrawn": "Withdrawn by the user",
    },
    "request_types": {"defect": "Defect", "query": "Query"},
    "channels": {"email": "E-mail", "phone": "Phone", "messenger": "Messenger"},
    "lines": {"1-2": "lines 1, 2", "3": "line 3"},
    "states": {"running": "running", "paused": "paused", "stopped": "stopped"},
}
# The clock's states are not regulation terms; these are their Russian words.
_RU_STATES = {"running": "идёт", "paused": "на паузе", "stopped": "остановлен"}

# Headings and fixed phrases, per language; a language missing here reads English.
HEADINGS: Mapping[str, Mapping[str, str]] = {
    "en": {},
    "ru": {
        "key": "заявка",
        "tracker": "трекер",
        "customer": "заказчик",
        "assignee": "исполнитель",
        "priority": "приоритет",
        "line": "линия",
        "month": "месяц",
        "status": "статус",
        "closed": "закрыто",
        "withdrawn": "отозвано",
        "met": "в срок",
        "breached": "нарушено",
        "compliance %": "соблюдение %",
        "median h": "медиана ч",
        "p90 h": "p90 ч",
        "clarification %": "уточнение %",
        "defects met/n": "дефекты в срок/n",
        "queries met/n": "запросы в срок/n",
        "elapsed/target h": "затрачено/норматив ч",
        "due": "срок",
        "state": "часы",
        "at risk": "под угрозой",
        "from": "с",
        "to": "по",
        "clock": "часы",
        "business h": "рабочих ч",
        "counted h": "учтено ч",
        "outcome": "итог",
        "counted/target h (base → other)": "учтено/норматив ч (базовый → другой)",
        "met/n": "в срок/n",
        "all": "всего",
        "yes": "да",
        "no": "нет",
        "met → breached": "в срок → нарушено",
        "breached → met": "нарушено → в срок",
        "SLA compliance, closed": "Соблюдение SLA, закрытые",
        "trackers combined": "трекеры вместе",
        "No request changes outcome.": "Ни одна заявка не меняет итог.",
        "Outcome flips": "Меняют итог",
        "Compliance by priority and month": "Соблюдение по приоритетам и месяцам",
        "Compliance by customer, priority, line and month": (
            "Соблюдение по заказчикам, приоритетам, линиям и месяцам"
        ),
        "Compliance side by side": "Соблюдение: сравнение",
        "Breached requests": "Нарушенные заявки",
        "None.": "Нет.",
        "requests closed in the window": "заявок закрыто в периоде",
        "report note": (
            "соблюдение = в срок / (в срок + нарушено), отозванные заявки не учитываются; "
            "время в рабочих часах."
        ),
        "Withdrawn by the user, not in compliance": "Отозваны пользователем, не учитываются",
        "counted": "учтено",
        "counted over target": "учтено сверх норматива",
        "clarification (paused)": "уточнение (пауза)",
        "non-working time": "нерабочее время",
        "target": "норматив",
        "paused": "на паузе",
        "of": "из",
        "closed at": "закрыта",
        "SLA at": "SLA на",
        "policy": "политика",
        "metric": "метрика",
    },
}


@dataclass(frozen=True)
class Words:
    """The words of one language: `words(kind, code)` for values, `words.h(text)` for headings."""

    lang: str = "en"
    names: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: ENGLISH)

    def __call__(self, kind: str, code: str) -> str:
        """The word for a code, e.g. ("priorities", "critical") -> "Критический"."""
        return self.names.get(kind, {}).get(code) or ENGLISH.get(kind, {}).get(code) or code

    def h(self, text: str) -> str:
        """A heading or fixed phrase in this language (English when it has no translation)."""
        return HEADINGS.get(self.lang, {}).get(text, text)


def words_for(regulation: object, lang: str | None = None) -> Words:
    """The regulation's words (its `language`), or English with `lang="en"`."""
    own = getattr(regulation, "language", "en")
    if lang in (None, "", "regulation", own) and own != "en":
        names = dict(getattr(regulation, "names", {}))
        if own == "ru":
            names["states"] = _RU_STATES
        return Words(own, names)
    return Words("en", ENGLISH)


def as_words(name_of: NameOf | None) -> Words:
    """A `Words` from a plain `name_of` callable (values its way, headings in English)."""
    if isinstance(name_of, Words):
        return name_of
    if name_of is None:
        return Words()
    kinds = ENGLISH.keys()
    names = {k: {c: name_of(k, c) for c in ENGLISH[k]} for k in kinds}
    return Words("en", names)


def reverse_lookup(kind: str, text: object, *word_sets: Words) -> str | None:
    """The code whose word (in any of `word_sets`, or English) is `text`, case-insensitively."""
    wanted = " ".join(str(text).split()).casefold()
    for words in (*word_sets, Words()):
        for code in ENGLISH.get(kind, {}):
            if " ".join(words(kind, code).split()).casefold() == wanted:
                return code
    return None
