"""Tracker value parsing and comparison (mappings.values)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from mappings.values import (
    display_value,
    format_jira_datetime,
    norm_key,
    option_value,
    parse_datetime,
    same_value,
)

MSK = timezone(timedelta(hours=3))


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-18T18:00:00.000+0300",
        "2026-11-18T18:00:00+03:00",
        "2026-11-18T15:00:00Z",
        "2026-11-18T10:00:00.000-0500",
        "2026-11-18T15:00:00.000000+0000",
    ],
)
def test_timestamps_with_any_utc_offset_are_the_same_instant(text):
    assert parse_datetime(text) == datetime(2026, 11, 18, 18, tzinfo=MSK)


def test_epoch_seconds_and_milliseconds_are_both_understood():
    # The bulkfetch docs example shows seconds; webhooks carry milliseconds.
    assert parse_datetime(1492070429) == datetime(2017, 4, 13, 8, 0, 29, tzinfo=UTC)
    assert parse_datetime(1492070429000) == parse_datetime(1492070429)
    assert parse_datetime("1485797534721").year == 2017


@pytest.mark.parametrize("bad", ["2026-11-18", "2026-11-18T18:00:00", "soon", None, True])
def test_naive_or_garbage_timestamp_is_rejected(bad):
    with pytest.raises(ValueError):
        parse_datetime(bad)


def test_jira_datetime_format_keeps_the_offset_and_millis():
    at = datetime(2026, 11, 18, 18, 0, 0, 123456, tzinfo=MSK)
    assert format_jira_datetime(at) == "2026-11-18T18:00:00.123+0300"


def test_names_match_trimmed_case_insensitive_with_inner_whitespace_collapsed():
    assert norm_key("  Waiting   for\tCustomer ") == norm_key("waiting for customer")
    assert norm_key("В РАБОТЕ") == norm_key("в работе")


def test_option_value_reads_selects_strings_and_numbers():
    assert option_value({"value": "3", "id": "10020"}) == "3"
    assert option_value(3.0) == "3"
    assert option_value(" ACME ") == "ACME"
    assert option_value([{"value": "Yes"}]) == "Yes"
    assert option_value(None) is None


@pytest.mark.parametrize(
    ("current", "desired"),
    [
        ("2026-11-18T15:00:00.000+0000", "2026-11-18T18:00:00.000+0300"),
        ("2026-11-18T18:00:00+0300", "2026-11-18T18:00:00.000+0300"),
        (
            {"value": "Yes", "id": "10001", "self": "https://x/rest/api/2/customFieldOption/10001"},
            {"value": "Yes"},
        ),
        ([{"value": "Yes", "id": "10005"}], [{"value": "Yes"}]),
        (12.344, 12.34),
        (None, None),
        ([], None),
        (None, []),
    ],
)
def test_equal_after_normalisation_is_not_a_change(current, desired):
    assert same_value(current, desired)


@pytest.mark.parametrize(
    ("current", "desired"),
    [
        ("2026-11-18T18:00:00.000+0300", "2026-11-18T18:01:00.000+0300"),
        ({"value": "No"}, {"value": "Yes"}),
        (12.3, 12.34),
        (None, {"value": "No"}),
        (None, 0.0),
    ],
)
def test_different_after_normalisation_is_a_change(current, desired):
    assert not same_value(current, desired)


def test_display_shows_old_time_in_the_new_values_offset():
    new = parse_datetime("2026-11-19T12:00:00.000+0300")
    assert display_value("2026-11-18T15:00:00.000+0000", new) == "2026-11-18 18:00"
    assert display_value(None) == "—"
    assert display_value(12.5) == "12.5"


def test_select_option_equals_the_same_text_in_a_text_field():
    assert same_value("running", {"value": "running"})
