"""The live view's credentials: hashes, not passwords; never echoed; off unless configured."""

from __future__ import annotations

import os

import pytest
import yaml

from config.settings import ServiceSettings, load_settings
from sla import ConfigError
from sync.service import live_auth
from sync.service.live_auth import LiveAuth, hash_password, verify_password

CANARY = "CANARY-live-7f3a9e"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("SLA_SYNC_"):
            monkeypatch.delenv(name)


def load(tmp_path, service: dict, environ: dict | None = None):
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump({"service": service}, allow_unicode=True), "utf-8")
    return load_settings(path, environ=environ or {})


def test_the_view_is_off_by_default():
    assert not ServiceSettings().live_view_on


def test_a_password_instead_of_a_hash_is_refused_without_being_shown(tmp_path):
    with pytest.raises(ConfigError) as err:
        load(tmp_path, {"live_view_users": {"anna": CANARY}})
    text = str(err.value)
    assert "service.live_view_users" in text and "pbkdf2_sha256" in text
    assert CANARY not in text


def test_a_short_token_is_refused_without_being_shown(tmp_path):
    with pytest.raises(ConfigError) as err:
        load(tmp_path, {"live_view_token": "CANARY"})
    assert "service.live_view_token" in str(err.value) and "CANARY" not in str(err.value)


def test_users_come_from_the_environment_as_json_and_are_masked_like_every_secret(
    tmp_path, monkeypatch
):
    hashed = hash_password("a long password", iterations=1000)
    monkeypatch.setenv("SLA_SYNC_SERVICE__LIVE_VIEW_USERS", f'{{"anna": "{hashed}"}}')
    monkeypatch.setenv("SLA_SYNC_SERVICE__LIVE_VIEW_TOKEN", CANARY * 2)
    settings = load_settings(None)
    assert settings.service.live_view_on
    assert hashed in settings.secrets() and CANARY * 2 in settings.secrets()
    assert CANARY not in repr(settings.service)


def test_a_hash_verifies_its_password_only():
    hashed = hash_password("s3cret pass", iterations=1000)
    assert hashed.startswith("pbkdf2_sha256$1000$")
    assert verify_password("s3cret pass", hashed)
    assert not verify_password("s3cret pas", hashed)
    assert not verify_password("s3cret pass", "pbkdf2_sha256$1000$broken")
    assert not verify_password("s3cret pass", hashed.replace("sha256", "md5"))
    assert hash_password("x", iterations=1000) != hash_password("x", iterations=1000)  # salted


def test_the_hash_helper_prints_a_settings_line(monkeypatch, capsys, tmp_path):
    answers = iter(["a long password", "a long password"])
    monkeypatch.setattr(live_auth.getpass, "getpass", lambda prompt="": next(answers))
    monkeypatch.setattr(live_auth, "ITERATIONS", 1000)  # the scheme, not the cost
    assert live_auth.main(["anna"]) == 0
    line = capsys.readouterr().out.strip()
    name, _, hashed = line.partition(": ")
    assert name == "anna" and verify_password("a long password", hashed)
    settings = load(tmp_path, {"live_view_users": {"anna": hashed}})  # accepted as it is
    assert LiveAuth(None, settings.service.live_view_users).on
