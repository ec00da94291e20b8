"""The live view's fixed words, in the regulation's language (Russian), in one place.

Codes (priorities, lines, statuses) are named by the regulation file (`Regulation.name_of`);
these are the page's own headings and phrases, kept apart so an English set (`--lang en`,
`sync.report.words`) can sit beside them later.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["MONTHS", "STRIP", "WORDS", "duration", "hours", "month_name", "strip_word", "w"]

WORDS: Mapping[str, str] = {
    "title": "Открытые заявки: SLA",
    "as of": "на",
    "times in": "время",
    "refresh": "страница обновляется каждые {n} с",
    "open": "открыто",
    "running": "идёт",
    "paused": "на паузе",
    "at_risk": "под угрозой",
    "breached": "просрочена",
    "breached many": "просрочено",
    "key": "заявка",
    "state": "состояние",
    "left": "осталось",
    "due": "срок",
    "priority": "приоритет",
    "line": "линия",
    "customer": "заказчик",
    "assignee": "исполнитель",
    "status": "статус",
    "tracker": "трекер",
    "policy": "политика",
    "computed": "рассчитано",
    "elapsed": "учтено ч",
    "target": "норматив ч",
    "filter": "Показать",
    "reset": "Сбросить",
    "all": "все",
    "none open": "Открытых заявок нет.",
    "none shown": "Под эти условия не подходит ни одна открытая заявка.",
    "no assignee": "не назначен",
    "overdue": "просрочено на",
    "details": "SLA",
    "in tracker": "открыть в трекере",
    "back": "← все открытые заявки",
    "compliance": "Соблюдение сроков по приоритетам и линиям",
    "compliance note": (
        "закрытые заявки; в срок / (в срок + просрочено), отозванные не учитываются"
    ),
    "met of": "в срок / всего",
    "trend": "к прошлому месяцу",
    "pp": "п.п.",
    "no closures": "В этом и прошлом месяце закрытых заявок нет.",
    "segments": "Отрезки времени",
    "from": "с",
    "to": "по",
    "clock": "часы",
    "business h": "рабочих ч",
    "counted h": "учтено ч",
    "stopped": "остановлены",
    "unknown request": "Такой заявки нет среди тех, что ведёт sla-sync.",
    "tracker failed": "Трекер не ответил: {error}",
    "group": "группировка",
    "by assignee": "по исполнителям",
    "count": "заявок",
}

# The timeline strip's own words (`render_svg.timeline_strip_svg(say=...)`) and its legend.
STRIP: Mapping[str, str] = {
    "target": "норматив",
    "h": "ч",
    "of": "из",
    "not reached": "не достигнут",
    "counted": "учтено",
    "over": "учтено сверх норматива",
    "paused": "уточнение (пауза)",
    "stopped": "выполнена",
    "off": "нерабочее время",
}

MONTHS = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip


def w(key: str, **values: object) -> str:
    """The page's word or phrase for `key` (the key itself when it has none)."""
    text = WORDS.get(key, key)
    return text.format(**values) if values else text


def strip_word(text: str) -> str:
    """The timeline strip's word for `text` (the text itself when it has none)."""
    return STRIP.get(text, text)


def hours(seconds: float) -> str:
    """Hours with two decimals and a decimal comma: "13,50"."""
    return f"{seconds / 3600:.2f}".replace(".", ",")


def month_name(year: int, month: int) -> str:
    """ "ноябрь 2026"."""
    return f"{MONTHS[month - 1]} {year}"


def duration(us: int) -> str:
    """Business time as people say it: "3 ч 05 мин", "45 мин"; negative: "−1 ч 10 мин"."""
    sign = "−" if us < 0 else ""
    minutes = abs(us) // 60_000_000
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{sign}{hours} ч {minutes:02d} мин"
    return f"{sign}{minutes} мин"
