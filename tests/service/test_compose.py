"""deploy/compose.yaml's promises, checked by parsing it (Docker cannot run here): two
sla-sync instances on one PostgreSQL behind a balancer, every setting a real one."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from config.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text("utf-8"))


def env_file(path: Path) -> dict[str, str]:
    pairs = (line.partition("=") for line in path.read_text("utf-8").splitlines())
    return {k.strip(): v.strip() for k, _, v in pairs if k.strip() and not k.startswith("#")}


def instances(doc: dict) -> dict[str, dict]:
    return {name: s for name, s in doc["services"].items() if "sla-sync" in name}


def test_two_instances_built_from_the_repository_image_share_one_postgresql():
    doc = compose()
    sla = instances(doc)
    assert len(sla) == 2
    for service in sla.values():
        assert service["build"]["context"] == ".."
        assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).is_file()
        url = service["environment"]["SLA_SYNC_STATE_URL"]
        assert re.fullmatch(r"postgresql://sla@postgres:5432/sla", url), "no password in URL"
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    pg = doc["services"]["postgres"]
    assert re.fullmatch(r"postgres:1[5-9]", pg["image"])
    assert pg["environment"] == {"POSTGRES_USER": "sla", "POSTGRES_DB": "sla"}


def test_every_setting_passed_to_the_instances_exists(monkeypatch):
    doc = compose()
    shared = env_file(DEPLOY / "ha" / "ha.env.example")
    assert shared["PGPASSWORD"] == shared["POSTGRES_PASSWORD"], "one password, both sides"
    for service in instances(doc).values():
        env = {**shared, **service["environment"]}
        sla = {k: str(v) for k, v in env.items() if k.startswith("SLA_SYNC_")}
        for k, v in sla.items():
            monkeypatch.setenv(k, v)
        settings = load_settings(environ=sla)  # ConfigError on a misspelt variable
        assert settings.state_url is not None
        assert settings.service.host == "0.0.0.0" and settings.service.workers == 4


def test_the_balancer_spreads_webhooks_over_both_and_passes_on_a_dead_ones():
    doc = compose()
    lb = doc["services"]["lb"]
    assert set(lb["depends_on"]) == set(instances(doc))
    conf_path = lb["volumes"][0].split(":")[0]
    conf = (DEPLOY / conf_path).read_text("utf-8")
    port = instances(doc)["sla-sync-a"]["environment"]["SLA_SYNC_SERVICE__PORT"]
    for name in instances(doc):
        assert f"server {name}:{port}" in conf
    assert re.search(r"location /webhooks/ \{[^}]*proxy_pass http://sla_sync;", conf)
    assert re.search(r"proxy_next_upstream [^;]*\berror\b[^;]*\bnon_idempotent\b", conf)
