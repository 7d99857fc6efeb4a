"""The Kubernetes manifests, rendered by kustomize and read back: hardened by default, every
service present and configured the way its settings expect, no literal secret anywhere."""

from __future__ import annotations

import re

import pytest

from samverkan_common.telemetry import TelemetrySettings
from tests.k8s.manifests import (
    COMPONENT_TESTS,
    NAMESPACE,
    OVERLAYS,
    Manifest,
    container,
    container_env,
    env_prefix,
    has_database,
    of_kind,
    overlay,
    pod_specs,
    render,
    repo_services,
    service_deployments,
    settings_of,
)

#: Environment variable names that carry secrets: only ever from a Secret.
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY")


@pytest.mark.parametrize("name", COMPONENT_TESTS)
def test_base_renders_with_each_component_alone(name: str) -> None:
    docs = render(f"tests/k8s/kustomizations/{name}")
    assert of_kind(docs, "Deployment")


@pytest.mark.parametrize("name", OVERLAYS)
def test_the_services_are_those_of_the_repository(name: str) -> None:
    assert sorted(service_deployments(overlay(name))) == repo_services()


@pytest.mark.parametrize("name", OVERLAYS)
def test_everything_lives_in_the_restricted_namespace(name: str) -> None:
    docs = overlay(name)
    (namespace,) = of_kind(docs, "Namespace")
    labels = namespace["metadata"]["labels"]
    assert namespace["metadata"]["name"] == NAMESPACE
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"} == {NAMESPACE}


def _effective(pod: Manifest, box: Manifest, key: str) -> object:
    """A security setting of a container, falling back to the pod's."""
    return box.get("securityContext", {}).get(key, pod.get("securityContext", {}).get(key))


@pytest.mark.parametrize("name", [*OVERLAYS, *(f"component:{c}" for c in COMPONENT_TESTS)])
def test_every_container_is_hardened(name: str) -> None:
    docs = (
        render(f"tests/k8s/kustomizations/{name.split(':')[1]}")
        if name.startswith("component:")
        else overlay(name)
    )
    specs = list(pod_specs(docs))
    assert specs
    for workload, pod in specs:
        assert pod.get("automountServiceAccountToken") is False, workload
        assert not {"hostNetwork", "hostPID", "hostIPC"} & {k for k, v in pod.items() if v}
        assert not [v for v in pod.get("volumes", []) if "hostPath" in v], workload
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        for box in pod.get("initContainers", []) + pod["containers"]:
            where = f"{workload} container {box['name']}"
            security = box.get("securityContext", {})
            assert _effective(pod, box, "runAsNonRoot") is True, where
            assert int(str(_effective(pod, box, "runAsUser"))) > 0, where
            assert int(str(_effective(pod, box, "runAsGroup"))) > 0, where
            assert security.get("readOnlyRootFilesystem") is True, where
            assert security.get("allowPrivilegeEscalation") is False, where
            assert security.get("privileged", False) is False, where
            assert security.get("capabilities", {}).get("drop") == ["ALL"], where
            assert not security.get("capabilities", {}).get("add"), where
            assert _effective(pod, box, "seccompProfile") == {"type": "RuntimeDefault"}, where
            tmp = [m for m in box.get("volumeMounts", []) if m["mountPath"] == "/tmp"]  # noqa: S108
            assert tmp, f"{where}: /tmp must be a writable emptyDir"
            assert "emptyDir" in volumes[tmp[0]["name"]], where


@pytest.mark.parametrize("name", OVERLAYS)
def test_every_container_has_probes_and_limits(name: str) -> None:
    docs = overlay(name)
    for workload, pod in pod_specs(docs):
        for box in pod["containers"]:
            where = f"{workload} container {box['name']}"
            for probe in ("livenessProbe", "readinessProbe"):
                assert box.get(probe), f"{where} has no {probe}"
            resources = box["resources"]
            for kind in ("cpu", "memory"):
                assert kind in resources["requests"], f"{where}: no {kind} request"
                assert kind in resources["limits"], f"{where}: no {kind} limit"
    for service, deployment in service_deployments(docs).items():
        box = container(deployment)
        assert box["livenessProbe"]["httpGet"]["path"] == "/health/live", service
        assert box["readinessProbe"]["httpGet"]["path"] == "/health/ready", service


@pytest.mark.parametrize("name", OVERLAYS)
def test_no_secret_is_written_into_a_container(name: str) -> None:
    docs = overlay(name)
    for workload, pod in pod_specs(docs):
        for box in pod["containers"]:
            for entry in box.get("env", []):
                if SECRET_NAME.search(entry["name"]):
                    assert "value" not in entry, f"{workload}: {entry['name']} is literal"
                    assert "secretKeyRef" in entry["valueFrom"], f"{workload}: {entry['name']}"
            assert not box.get("envFrom"), f"{workload}: envFrom hides what a container gets"


@pytest.mark.parametrize("name", OVERLAYS)
def test_every_deployment_has_its_own_network_policy(name: str) -> None:
    docs = overlay(name)
    policies = of_kind(docs, "NetworkPolicy")
    deny = [p for p in policies if p["spec"]["podSelector"] == {}]
    assert [sorted(p["spec"]["policyTypes"]) for p in deny] == [["Egress", "Ingress"]]
    assert not any(p["spec"].get("ingress") or p["spec"].get("egress") for p in deny)
    for deployment in of_kind(docs, "Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        selecting = [
            p
            for p in policies
            if p["spec"]["podSelector"].get("matchLabels")
            and p["spec"]["podSelector"]["matchLabels"].items() <= labels.items()
        ]
        assert selecting, f"no NetworkPolicy selects Deployment {deployment['metadata']['name']}"


@pytest.mark.parametrize("name", OVERLAYS)
def test_service_accounts_have_no_token(name: str) -> None:
    docs = overlay(name)
    accounts = {a["metadata"]["name"]: a for a in of_kind(docs, "ServiceAccount")}
    for deployment in of_kind(docs, "Deployment"):
        account = deployment["spec"]["template"]["spec"]["serviceAccountName"]
        assert accounts[account]["automountServiceAccountToken"] is False


@pytest.mark.parametrize("name", OVERLAYS)
def test_images_are_set_by_the_overlay_and_pinned(name: str) -> None:
    docs = overlay(name)
    for workload, pod in pod_specs(docs):
        for box in pod["containers"]:
            image = box["image"]
            assert "@sha256:" in image or re.search(r":[\w.-]+$", image), f"{workload}: {image}"
            assert not image.endswith(":latest"), workload
    for service, deployment in service_deployments(docs).items():
        assert re.search(rf"(^|/)samverkan/{service}[:@]", container(deployment)["image"])


@pytest.mark.parametrize("name", OVERLAYS)
def test_every_variable_is_a_setting_of_the_service(name: str) -> None:
    """A mistyped variable would be ignored silently (extra="ignore"); here it fails."""
    docs = overlay(name)
    telemetry = {field.upper() for field in TelemetrySettings.model_fields}
    for service, deployment in service_deployments(docs).items():
        settings, prefix = settings_of(service), env_prefix(service)
        fields = {prefix + field.upper() for field in settings.model_fields}
        env = container_env(docs, deployment)
        assert set(env) <= fields | telemetry, f"{service}: {set(env) - fields - telemetry}"
        port = container(deployment)["ports"][0]["containerPort"]
        assert env[f"{prefix}HTTP_PORT"] == str(port)
        assert port == settings.model_fields["http_port"].default
        assert env[f"{prefix}HTTP_HOST"] == "0.0.0.0"  # noqa: S104 - the pod's own address
        assert env["OTEL_SERVICE_NAME"] == service
        assert env["OTEL_TRACES_EXPORTER"] == "zipkin"
        assert env[f"{prefix}ENVIRONMENT"] == name
        if has_database(service):
            assert env[f"{prefix}DATABASE_NAME"] == settings.model_fields["database_name"].default
            assert f"{prefix}KAFKA_BOOTSTRAP" in env


@pytest.mark.parametrize("name", OVERLAYS)
def test_coordination_serves_and_the_others_run_their_module(name: str) -> None:
    for service, deployment in service_deployments(overlay(name)).items():
        expected = ["python", "-m", service] + (["serve"] if service == "coordination" else [])
        assert container(deployment)["command"] == expected


def test_production_carries_no_development_secret() -> None:
    docs = overlay("production")
    assert not of_kind(docs, "Secret"), "production Secrets are created out of band"
    text = repr(docs)
    for development_only in ("samverkan-dev", "dev-dashboard-session-secret", "-secret-change-me"):
        assert development_only not in text
    assert not re.search(r"dev-[a-z-]+-secret", text)
    dashboard = container_env(docs, service_deployments(docs)["dashboard"])
    assert dashboard["DASHBOARD_SECURE_COOKIES"] == "true"
    assert str(dashboard["DASHBOARD_PUBLIC_URL"]).startswith("https://")


def test_production_is_highly_available() -> None:
    docs = overlay("production")
    budgets = {
        p["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]: p
        for p in of_kind(docs, "PodDisruptionBudget")
    }
    for service, deployment in service_deployments(docs).items():
        spec = deployment["spec"]
        assert spec["replicas"] >= 2, service
        assert spec["template"]["spec"]["topologySpreadConstraints"], service
        assert budgets[service]["spec"]["maxUnavailable"] == 1
        resources = container(deployment)["resources"]
        assert resources["limits"]["memory"] == resources["requests"]["memory"], service
    assert of_kind(docs, "KafkaNodePool")[0]["spec"]["replicas"] >= 3
    assert of_kind(docs, "Cluster")[0]["spec"]["instances"] >= 3
    assert of_kind(docs, "Keycloak")[0]["spec"]["instances"] >= 2
    assert {t["spec"]["replicas"] for t in of_kind(docs, "KafkaTopic")} == {3}


def test_development_imports_the_generated_realm() -> None:
    docs = overlay("development")
    (realm_import,) = of_kind(docs, "KeycloakRealmImport")
    realm = realm_import["spec"]["realm"]
    assert realm["realm"] == "samverkan"
    assert {c["clientId"] for c in realm["clients"]} >= {"samverkan-dashboard"}
    secrets = {s["metadata"]["name"] for s in of_kind(docs, "Secret")}
    for service in repo_services():
        if has_database(service):
            assert f"samverkan-{service}-db" in secrets
