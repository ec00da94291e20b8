"""The notifications section of the regulation: defaults, switches and template checks."""

from __future__ import annotations

import pytest
import yaml

from config.notifications import Notifications
from config.regulation import default_regulation_path, load_regulation
from sla import ConfigError


def _with(tmp_path, **closure_email):
    data = yaml.safe_load(default_regulation_path().read_text(encoding="utf-8"))
    data["notifications"]["closure_email"].update(closure_email)
    path = tmp_path / "regulation.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_regulation_turns_both_notifications_on_with_russian_texts():
    n = load_regulation().notifications
    assert n.acknowledgement.enabled and n.closure_email.enabled
    assert n.acknowledgement.max_age_hours == 24
    assert n.closure_email.subject == "Заявка {number} закрыта: {resolution}"
    assert "Срок решения: {outcome}" in n.closure_email.body


def test_a_regulation_without_the_section_gets_the_same_defaults(tmp_path):
    data = yaml.safe_load(default_regulation_path().read_text(encoding="utf-8"))
    shipped = data.pop("notifications")
    path = tmp_path / "regulation.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_regulation(path).notifications == Notifications.model_validate(shipped)


def test_an_unknown_placeholder_names_the_file_and_the_key(tmp_path):
    path = _with(tmp_path, subject="Заявка {nomer} закрыта")
    with pytest.raises(ConfigError) as exc:
        load_regulation(path)
    assert "notifications.closure_email.subject" in str(exc.value)
    assert "nomer" in str(exc.value)


def test_an_unbalanced_brace_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"notifications\.closure_email\.body"):
        load_regulation(_with(tmp_path, body="Заявка {number"))
