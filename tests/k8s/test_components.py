"""The servers the components bring agree with the rest of the repository: the topics with
deploy/kafka/topics.yaml, the databases with the services, the versions with
deploy/versions.env, and the platform ConfigMap with the names the operators give."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import yaml

from tests.k8s.manifests import (
    NAMESPACE,
    OVERLAYS,
    ROOT,
    container_env,
    has_database,
    named,
    of_kind,
    overlay,
    platform_config,
    repo_services,
    service_deployments,
    versions,
)

TOPICS_FILE = ROOT / "deploy" / "kafka" / "topics.yaml"


def _declared_topics(path: Path) -> dict[str, tuple[int, dict[str, str]]]:
    topics = yaml.safe_load(path.read_text(encoding="utf-8"))["topics"]
    return {
        t["name"]: (int(t["partitions"]), {k: str(v) for k, v in t.get("config", {}).items()})
        for t in topics
    }


@pytest.mark.parametrize("name", OVERLAYS)
def test_kafka_topics_are_those_of_deploy_kafka(name: str) -> None:
    docs = overlay(name)
    (kafka,) = of_kind(docs, "Kafka")
    rendered = {}
    for topic in of_kind(docs, "KafkaTopic"):
        spec = topic["spec"]
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == kafka["metadata"]["name"]
        config = {k: str(v) for k, v in spec.get("config", {}).items()}
        rendered[spec.get("topicName", topic["metadata"]["name"])] = (spec["partitions"], config)
    assert rendered == _declared_topics(TOPICS_FILE)


@pytest.mark.parametrize("name", OVERLAYS)
def test_kafka_runs_in_kraft_mode_without_auto_created_topics(name: str) -> None:
    docs = overlay(name)
    (kafka,) = of_kind(docs, "Kafka")
    assert "zookeeper" not in kafka["spec"]
    (pool,) = of_kind(docs, "KafkaNodePool")
    assert set(pool["spec"]["roles"]) == {"controller", "broker"}
    assert pool["metadata"]["labels"]["strimzi.io/cluster"] == kafka["metadata"]["name"]
    assert kafka["spec"]["kafka"]["config"]["auto.create.topics.enable"] is False


@pytest.mark.parametrize("name", OVERLAYS)
def test_every_service_with_a_database_has_its_own(name: str) -> None:
    docs = overlay(name)
    (cluster,) = of_kind(docs, "Cluster")
    roles = {r["name"]: r for r in cluster["spec"]["managed"]["roles"]}
    databases = {d["spec"]["name"]: d["spec"] for d in of_kind(docs, "Database")}
    with_database = [s for s in repo_services() if has_database(s)]
    assert set(databases) == {f"samverkan_{s}" for s in with_database} | {"keycloak"}
    for service in with_database:
        database = databases[f"samverkan_{service}"]
        assert database["cluster"]["name"] == cluster["metadata"]["name"]
        assert database["owner"] == f"samverkan_{service}"
        role = roles[f"samverkan_{service}"]
        assert role["login"] is True
        assert not role.get("superuser")
        secret = role["passwordSecret"]["name"]
        env = service_deployments(docs)[service]["spec"]["template"]["spec"]["containers"][0]
        refs = {
            e["name"]: e["valueFrom"]["secretKeyRef"]["name"]
            for e in env["env"]
            if "secretKeyRef" in e.get("valueFrom", {})
        }
        prefix = service.upper() + "_"
        assert refs == {f"{prefix}DATABASE_USER": secret, f"{prefix}DATABASE_PASSWORD": secret}


def test_development_secrets_name_the_roles_they_log_in_as() -> None:
    docs = overlay("development")
    (cluster,) = of_kind(docs, "Cluster")
    for role in cluster["spec"]["managed"]["roles"]:
        secret = named(docs, "Secret", role["passwordSecret"]["name"])
        assert secret["type"] == "kubernetes.io/basic-auth"
        assert base64.b64decode(secret["data"]["username"]).decode() == role["name"]


@pytest.mark.parametrize("name", OVERLAYS)
def test_the_platform_config_names_what_the_components_create(name: str) -> None:
    docs = overlay(name)
    config = platform_config(docs)
    (cluster,) = of_kind(docs, "Cluster")
    (kafka,) = of_kind(docs, "Kafka")
    (keycloak,) = of_kind(docs, "Keycloak")
    assert config["environment"] == name
    assert config["database-host"] == f"{cluster['metadata']['name']}-rw"
    assert config["database-port"] == "5432"
    listener = kafka["spec"]["kafka"]["listeners"][0]
    assert config["kafka-bootstrap"] == f"{kafka['metadata']['name']}-kafka-bootstrap:9092"
    assert listener["port"] == 9092
    assert listener["tls"] is False
    assert (
        config["keycloak-issuer"] == keycloak["spec"]["hostname"]["hostname"] + "/realms/samverkan"
    )
    assert (
        named(docs, "KeycloakRealmImport", "samverkan")["spec"]["keycloakCRName"]
        == (keycloak["metadata"]["name"])
    )
    zipkin = named(docs, "Service", "zipkin")
    assert config["otel-exporter-zipkin-endpoint"] == (
        f"http://zipkin:{zipkin['spec']['ports'][0]['port']}/api/v2/spans"
    )
    dashboard = container_env(docs, service_deployments(docs)["dashboard"])
    coordination = named(docs, "Service", "coordination")
    assert dashboard["DASHBOARD_COORDINATION_URL"] == (
        f"http://coordination:{coordination['spec']['ports'][0]['port']}"
    )
    if name == "development":
        host = keycloak["spec"]["hostname"]["hostname"]
        assert host == f"http://keycloak-service.{NAMESPACE}.svc:8080"


@pytest.mark.parametrize("name", OVERLAYS)
def test_server_versions_are_those_of_the_local_stack(name: str) -> None:
    pinned = versions()
    docs = overlay(name)
    (kafka,) = of_kind(docs, "Kafka")
    (keycloak,) = of_kind(docs, "Keycloak")
    (cluster,) = of_kind(docs, "Cluster")
    zipkin = named(docs, "Deployment", "zipkin")["spec"]["template"]["spec"]["containers"][0]
    assert kafka["spec"]["kafka"]["version"] == pinned["KAFKA_VERSION"]
    assert keycloak["spec"]["image"] == f"quay.io/keycloak/keycloak:{pinned['KEYCLOAK_VERSION']}"
    assert zipkin["image"] == f"openzipkin/zipkin:{pinned['ZIPKIN_VERSION']}"
    tag = cluster["spec"]["imageName"].rsplit(":", 1)[1]
    assert tag.split(".")[0] == pinned["POSTGRES_MAJOR"]
