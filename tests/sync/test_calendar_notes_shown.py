"""The production calendar explains itself in `explain`: day notes and coverage warnings."""

from __future__ import annotations

import json

from sync.cli.main import main
from tests.helpers import msk


def saved_issue(tmp_path, created: str):
    issue = {
        "key": "SUP-3",
        "id": "3",
        "fields": {
            "status": {"id": "1", "name": "В работе"},
            "priority": {"id": "2", "name": "Средний"},
            "resolution": None,
            "issuetype": {"id": "1", "name": "Запрос"},
            "created": created,
            "updated": created,
        },
        "changelog": {"histories": []},
    }
    path = tmp_path / "SUP-3.json"
    path.write_text(json.dumps(issue, ensure_ascii=False), encoding="utf-8")
    return path


def test_explain_says_the_pre_holiday_day_ended_at_17(tmp_path, capsys):
    path = saved_issue(tmp_path, "2026-11-02T09:00:00.000+0300")
    now = "2026-11-05T12:00:00+03:00"
    assert main(["explain", "--file", str(path), "--now", now]) == 0
    out = capsys.readouterr().out
    assert "note: 2026-11-03: shortened pre-holiday day (ТК РФ ст. 95)" in out
    assert "ends 17:00 instead of 18:00" in out
    assert "2026-11-04" in out  # the holiday itself is noted too
    # 2 Nov 9 h + 3 Nov 8 h (shortened) + 4 Nov holiday + 5 Nov 3 h = 20 h
    assert "elapsed 20.00 h" in out


def test_explain_warns_when_the_clock_runs_past_the_official_data(tmp_path, capsys):
    path = saved_issue(tmp_path, "2028-03-01T09:00:00.000+0300")
    assert main(["explain", "--file", str(path), "--now", "2028-03-02T12:00:00+03:00"]) == 0
    out = capsys.readouterr().out
    assert "warning: the official RU production calendar shipped covers 2013–2027" in out


def test_check_lists_the_years_the_official_calendar_covers():
    from config.regulation import load_regulation
    from sync.preflight import calendar_rows

    policies = load_regulation().policies
    assert calendar_rows(policies, msk(2026, 12, 2)) == [
        ["ok", "calendar regulation", "official calendar covers 2013–2027"]
    ]
    ((severity, _, detail),) = calendar_rows(policies, msk(2027, 6, 1))  # a year ahead: 2028
    assert severity == "warning" and "2028" in detail
