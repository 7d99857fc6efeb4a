"""Rendering the Kubernetes manifests with the pinned kustomize, and what the tests ask of them.

kustomize comes from ``var/tools/bin`` (``make bootstrap`` builds it, see
deploy/local/bootstrap.sh); without it the tests fail, they never skip.
"""

from __future__ import annotations

import functools
import importlib
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parents[2]
KUSTOMIZE = ROOT / "var" / "tools" / "bin" / "kustomize"
OVERLAYS = ("development", "production")
#: Kustomizations that render the base with one component each (kept under tests/k8s).
COMPONENT_TESTS = (
    "base-only",
    "strimzi-kafka",
    "keycloak-operator",
    "postgres-operator",
    "tracing",
)
NAMESPACE = "samverkan"

Manifest = dict[str, Any]
WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"})


def versions() -> dict[str, str]:
    """deploy/versions.env as a mapping."""
    pairs = (
        line.split("=", 1)
        for line in (ROOT / "deploy" / "versions.env").read_text(encoding="utf-8").splitlines()
        if re.match(r"^[A-Z0-9_]+=", line)
    )
    return {key: value.strip() for key, value in pairs}


def repo_services() -> list[str]:
    """Every service of the repository: a package with ``python -m <name>``."""
    return sorted(path.parent.name for path in ROOT.glob("services/*/src/*/__main__.py"))


def settings_of(service: str) -> type[BaseSettings]:
    """The service's settings class (``<service>.settings.Settings``)."""
    settings: type[BaseSettings] = importlib.import_module(f"{service}.settings").Settings
    return settings


def has_database(service: str) -> bool:
    return "database_name" in settings_of(service).model_fields


def env_prefix(service: str) -> str:
    return str(settings_of(service).model_config.get("env_prefix", ""))


@functools.cache
def _development_realm() -> None:
    """The development overlay patches in the generated realm; generate it first."""
    script = ROOT / "k8s" / "overlays" / "development" / "realm.py"
    result = subprocess.run(  # noqa: S603 - our own script, run by this Python
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    if result.returncode:
        pytest.fail(f"{script.relative_to(ROOT)} failed:\n{result.stderr}")


@functools.cache
def render(kustomization: str) -> tuple[Manifest, ...]:
    """``kustomize build`` of a directory relative to the repository root, parsed."""
    if not KUSTOMIZE.is_file():
        pytest.fail(
            f"{KUSTOMIZE.relative_to(ROOT)} is missing: run `make bootstrap` (it builds it)"
        )
    if kustomization == "k8s/overlays/development":
        _development_realm()
    result = subprocess.run(  # noqa: S603 - the pinned kustomize on our own files
        [str(KUSTOMIZE), "build", str(ROOT / kustomization)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        pytest.fail(f"kustomize build {kustomization} failed:\n{result.stderr}")
    docs = tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)
    assert docs, f"kustomize build {kustomization} rendered nothing"
    return docs


def overlay(name: str) -> tuple[Manifest, ...]:
    return render(f"k8s/overlays/{name}")


def of_kind(docs: tuple[Manifest, ...], kind: str) -> list[Manifest]:
    return [doc for doc in docs if doc["kind"] == kind]


def named(docs: tuple[Manifest, ...], kind: str, name: str) -> Manifest:
    found = [doc for doc in of_kind(docs, kind) if doc["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def pod_specs(docs: tuple[Manifest, ...]) -> Iterator[tuple[str, Manifest]]:
    """(``Kind/name``, pod spec) of every workload."""
    for doc in docs:
        if doc["kind"] in WORKLOADS:
            yield f"{doc['kind']}/{doc['metadata']['name']}", doc["spec"]["template"]["spec"]
        elif doc["kind"] == "CronJob":
            spec = doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
            yield f"CronJob/{doc['metadata']['name']}", spec


def service_deployments(docs: tuple[Manifest, ...]) -> dict[str, Manifest]:
    """The platform's own services (component api or web), by name."""
    return {
        doc["metadata"]["name"]: doc
        for doc in of_kind(docs, "Deployment")
        if doc["metadata"]["labels"].get("app.kubernetes.io/component") in {"api", "web"}
    }


def container(deployment: Manifest) -> Manifest:
    containers: list[Manifest] = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, "one container per service pod"
    return containers[0]


def platform_config(docs: tuple[Manifest, ...]) -> dict[str, str]:
    """The data of the ConfigMap samverkan-platform (its name carries a hash suffix)."""
    found = [
        doc
        for doc in of_kind(docs, "ConfigMap")
        if doc["metadata"]["name"].startswith("samverkan-platform-")
    ]
    assert len(found) == 1, "one platform ConfigMap"
    data: dict[str, str] = found[0]["data"]
    return data


def env_value(docs: tuple[Manifest, ...], entry: Manifest) -> str | None:
    """An env entry's value: literal or from the platform ConfigMap (None for a Secret)."""
    if "value" in entry:
        return str(entry["value"])
    ref = entry.get("valueFrom", {}).get("configMapKeyRef")
    if ref is None:
        return None
    return platform_config(docs)[ref["key"]]


def container_env(docs: tuple[Manifest, ...], deployment: Manifest) -> dict[str, str | None]:
    return {entry["name"]: env_value(docs, entry) for entry in container(deployment)["env"]}
