"""Templates are checked with the real formatter when the file loads, not at the first notice.

Before: `{number!x}` passed the placeholder parse, and every pass with an acknowledgement due
then crashed in `str.format` ("Unknown conversion specifier x").
"""

from __future__ import annotations

import pytest
import yaml

from config.regulation import default_regulation_path, load_regulation
from mappings.profile import DEFAULT_JIRA_PROFILE, load_profile
from sla import ConfigError

BAD = ["{number!x}", "{number:d}", "{elapsed:.1f} ч", "{number.real}", "{number[0]}", "{number"]
GOOD = ["Заявка {number!r}", "{number:>12} до {due}", "{{literal}} {number}"]


def _regulation(tmp_path, template: str):
    doc = yaml.safe_load(default_regulation_path().read_text("utf-8"))
    doc.setdefault("notifications", {}).setdefault("acknowledgement", {})["template"] = template
    path = tmp_path / "regulation.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return path


@pytest.mark.parametrize("template", BAD)
def test_a_notification_template_that_cannot_be_filled_is_refused_at_load(tmp_path, template):
    path = _regulation(tmp_path, template)
    with pytest.raises(ConfigError) as exc:
        load_regulation(path)
    assert str(path) in str(exc.value) and "template" in str(exc.value)


@pytest.mark.parametrize("template", GOOD)
def test_templates_str_format_accepts_still_load(tmp_path, template):
    regulation = load_regulation(_regulation(tmp_path, template))
    assert regulation.notifications.acknowledgement.template == template


@pytest.mark.parametrize("template", ["{key!x}", "{elapsed:.1f}", "{key:d}"])
def test_a_breach_comment_template_that_cannot_be_filled_is_refused_at_load(tmp_path, template):
    doc = yaml.safe_load(DEFAULT_JIRA_PROFILE.read_text("utf-8"))
    doc["write"]["breach_comment"]["template"] = template
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    with pytest.raises(ConfigError, match=r"write\.breach_comment\.template"):
        load_profile(path)
