"""deploy/compose, read statically (the development machine has no Docker): the same services,
servers, versions and settings as the local stack and the Kubernetes manifests."""

from __future__ import annotations

import re
from typing import Any

import yaml

from samverkan_common.telemetry import TelemetrySettings
from tests.k8s.manifests import (
    ROOT,
    env_prefix,
    has_database,
    repo_services,
    settings_of,
    versions,
)

COMPOSE = ROOT / "deploy" / "compose"
SERVERS = {"postgres", "kafka", "kafka-topics", "keycloak", "zipkin"}


def _compose() -> dict[str, Any]:
    compose: dict[str, Any] = yaml.safe_load((COMPOSE / "compose.yaml").read_text("utf-8"))
    return compose


def test_compose_runs_the_servers_and_every_service() -> None:
    assert set(_compose()["services"]) == SERVERS | set(repo_services())


def test_server_images_are_pinned_to_the_local_stack_versions() -> None:
    pinned, services = versions(), _compose()["services"]
    assert services["kafka"]["image"] == f"apache/kafka:{pinned['KAFKA_VERSION']}"
    assert (
        services["keycloak"]["image"] == f"quay.io/keycloak/keycloak:{pinned['KEYCLOAK_VERSION']}"
    )
    assert services["zipkin"]["image"] == f"openzipkin/zipkin:{pinned['ZIPKIN_VERSION']}"
    assert re.fullmatch(
        rf"postgres:{pinned['POSTGRES_MAJOR']}\.\d+-\w+", services["postgres"]["image"]
    )
    dockerfile = (COMPOSE / "Dockerfile").read_text("utf-8")
    assert f"FROM ghcr.io/astral-sh/uv:{pinned['UV_VERSION']} AS uv" in dockerfile


def test_services_are_built_from_the_one_dockerfile_and_hardened() -> None:
    services = _compose()["services"]
    for service in repo_services():
        spec = services[service]
        assert spec["build"]["dockerfile"] == "deploy/compose/Dockerfile"
        assert spec["build"]["args"]["SERVICE"] == service
        assert spec["image"] == f"samverkan/{service}:dev"
        expected = ["python", "-m", service] + (["serve"] if service == "coordination" else [])
        assert spec["command"] == expected
        assert spec["read_only"] is True
        assert spec["cap_drop"] == ["ALL"]
        assert "no-new-privileges:true" in spec["security_opt"]
        assert spec["healthcheck"]["test"][-1].endswith('/health/ready", timeout=3)'), service
        assert all(p.startswith("127.0.0.1:") for p in spec["ports"]), service


def test_service_variables_are_settings_and_point_at_the_servers() -> None:
    services = _compose()["services"]
    telemetry = {field.upper() for field in TelemetrySettings.model_fields}
    for service in repo_services():
        prefix, settings = env_prefix(service), settings_of(service)
        env = {k: str(v) for k, v in services[service]["environment"].items()}
        fields = {prefix + field.upper() for field in settings.model_fields}
        assert set(env) <= fields | telemetry, f"{service}: {set(env) - fields - telemetry}"
        assert env[f"{prefix}ENVIRONMENT"] == "development"
        assert env[f"{prefix}HTTP_PORT"] == str(settings.model_fields["http_port"].default)
        assert env[f"{prefix}KEYCLOAK_ISSUER"] == "http://keycloak:18080/realms/samverkan"
        assert env["OTEL_EXPORTER_ZIPKIN_ENDPOINT"] == "http://zipkin:9411/api/v2/spans"
        if has_database(service):
            assert env[f"{prefix}DATABASE_HOST"] == "postgres"
            assert env[f"{prefix}KAFKA_BOOTSTRAP"] == "kafka:9092"


def test_postgres_creates_one_database_per_service() -> None:
    script = (COMPOSE / "postgres-init.sql").read_text("utf-8")
    created = set(re.findall(r"CREATE DATABASE (\w+) OWNER samverkan;", script))
    assert created == {f"samverkan_{s}" for s in repo_services() if has_database(s)}


def test_keycloak_imports_the_generated_realm_under_the_services_issuer() -> None:
    keycloak = _compose()["services"]["keycloak"]
    assert keycloak["command"][:2] == ["start-dev", "--import-realm"]
    assert "--hostname=http://keycloak:18080" in keycloak["command"]
    (realm,) = keycloak["volumes"]
    assert realm["source"] == "./generated/samverkan-realm.json"
    assert realm["target"].startswith("/opt/keycloak/data/import/")
    assert "/generated/" in (COMPOSE / ".gitignore").read_text("utf-8")


def test_kafka_topics_come_from_deploy_kafka() -> None:
    job = _compose()["services"]["kafka-topics"]
    mounts = {v.split(":")[0] for v in job["volumes"]}
    assert mounts == {"../local/kafka_topics.py", "../kafka/topics.yaml"}
    assert (COMPOSE / "../local/kafka_topics.py").is_file()
    assert (COMPOSE / "../kafka/topics.yaml").is_file()
