"""The rendered NetworkPolicies, evaluated: each service reaches what it needs and nothing
else, and only those who need it reach each service and server.

The evaluation follows Kubernetes' rules (a pod selected by no policy of a direction is open
in that direction; otherwise some rule of some selecting policy must allow the peer and port)
over pods described by their labels. The servers' pods carry the labels their operators give
them (CloudNativePG, Strimzi, the Keycloak operator), written out below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.k8s.manifests import (
    NAMESPACE,
    OVERLAYS,
    Manifest,
    has_database,
    of_kind,
    overlay,
    repo_services,
)


@dataclass(frozen=True)
class Pod:
    labels: dict[str, str]
    namespace: str = NAMESPACE
    namespace_labels: dict[str, str] = field(default_factory=dict)

    @property
    def all_namespace_labels(self) -> dict[str, str]:
        return {"kubernetes.io/metadata.name": self.namespace, **self.namespace_labels}


def _service(name: str) -> Pod:
    return Pod({"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "samverkan"})


POSTGRES = Pod({"cnpg.io/cluster": "samverkan-postgres", "cnpg.io/instanceRole": "primary"})
KAFKA_BROKER = Pod(
    {
        "strimzi.io/cluster": "samverkan-kafka",
        "strimzi.io/name": "samverkan-kafka-kafka",
        "strimzi.io/kind": "Kafka",
        "strimzi.io/broker-role": "true",
        "strimzi.io/controller-role": "true",
    }
)
KEYCLOAK = Pod(
    {
        "app": "keycloak",
        "app.kubernetes.io/instance": "keycloak",
        "app.kubernetes.io/managed-by": "keycloak-operator",
    }
)
REALM_IMPORT = Pod({**KEYCLOAK.labels, "app": "keycloak-realm-import"})
ZIPKIN = _service("zipkin")
KEYCLOAK_OPERATOR = Pod({"app.kubernetes.io/name": "keycloak-operator"})
API_SERVER = Pod({"component": "apiserver"}, namespace="default")
DNS = Pod({"k8s-app": "kube-dns"}, namespace="kube-system")
INGRESS = Pod(
    {"app.kubernetes.io/name": "ingress-controller"},
    namespace="ingress",
    namespace_labels={"samverkan.stockholm.se/ingress": "allowed"},
)
PROMETHEUS = Pod(
    {"app.kubernetes.io/name": "prometheus"},
    namespace="monitoring",
    namespace_labels={"samverkan.stockholm.se/metrics": "allowed"},
)
STRANGER = Pod({"app": "stranger"}, namespace="elsewhere")
INTRUDER = Pod({"app": "intruder"})

PORTS = {
    "prevention": 8101,
    "outreach": 8102,
    "treatment": 8103,
    "trafficking": 8104,
    "coordination": 8100,
    "dashboard": 8110,
}


def _selects(selector: Manifest, labels: dict[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values")
        present = key in labels
        if not {
            "In": present and labels.get(key) in (values or []),
            "NotIn": not present or labels.get(key) not in (values or []),
            "Exists": present,
            "DoesNotExist": not present,
        }[operator]:
            return False
    return True


def _peer_matches(peer: Manifest, pod: Pod) -> bool:
    if "ipBlock" in peer:
        return False  # no addresses are modelled here
    namespace_ok = (
        _selects(peer["namespaceSelector"], pod.all_namespace_labels)
        if "namespaceSelector" in peer
        else pod.namespace == NAMESPACE
    )
    return namespace_ok and _selects(peer.get("podSelector", {}), pod.labels)


@dataclass(frozen=True)
class Port:
    number: int
    name: str | None = None  # the container port's name, which ingress rules may use
    protocol: str = "TCP"


def _port_matches(rule: Manifest, port: Port) -> bool:
    ports = rule.get("ports")
    if not ports:
        return True
    return any(
        p.get("protocol", "TCP") == port.protocol
        and p.get("port") in (None, port.number, port.name)
        for p in ports
    )


def _direction_allows(
    policies: list[Manifest], direction: str, own: Pod, peer: Pod, port: Port
) -> bool:
    kind, key = ("Ingress", "from") if direction == "ingress" else ("Egress", "to")
    selecting = [
        p
        for p in policies
        if own.namespace == NAMESPACE
        and kind in p["spec"]["policyTypes"]
        and _selects(p["spec"]["podSelector"], own.labels)
    ]
    if not selecting:
        return True  # outside our namespace, or a pod no policy restricts
    return any(
        _port_matches(rule, port)
        and (not rule.get(key) or any(_peer_matches(q, peer) for q in rule[key]))
        for policy in selecting
        for rule in policy["spec"].get(direction, []) or []
    )


def can_reach(
    docs: tuple[Manifest, ...], source: Pod, target: Pod, port: Port, *, egress_only: bool = False
) -> bool:
    """Whether ``source`` may open a connection to ``target`` on ``port``."""
    policies = of_kind(docs, "NetworkPolicy")
    out = _direction_allows(policies, "egress", source, target, port)
    return out and (egress_only or _direction_allows(policies, "ingress", target, source, port))


HTTP = {service: Port(number, "http") for service, number in PORTS.items()}
POSTGRES_PORT = Port(5432)
KAFKA_PORT = Port(9092)
KEYCLOAK_PORT = Port(8080)
ZIPKIN_PORT = Port(9411, "http")
DNS_PORT = Port(53, protocol="UDP")


@pytest.fixture(params=OVERLAYS)
def docs(request: pytest.FixtureRequest) -> tuple[Manifest, ...]:
    return overlay(str(request.param))


def test_services_reach_their_servers_and_dns(docs: tuple[Manifest, ...]) -> None:
    for service in repo_services():
        pod = _service(service)
        assert can_reach(docs, pod, KEYCLOAK, KEYCLOAK_PORT), service
        assert can_reach(docs, pod, ZIPKIN, ZIPKIN_PORT), service
        assert can_reach(docs, pod, DNS, DNS_PORT), service
        database, kafka = has_database(service), service != "dashboard"
        assert can_reach(docs, pod, POSTGRES, POSTGRES_PORT) is database, service
        # The brokers' ingress policy is generated by Strimzi: only the egress is ours.
        assert can_reach(docs, pod, KAFKA_BROKER, KAFKA_PORT, egress_only=True) is kafka, service


def test_only_the_dashboard_calls_coordination_and_no_service_calls_another(
    docs: tuple[Manifest, ...],
) -> None:
    coordination = _service("coordination")
    assert can_reach(docs, _service("dashboard"), coordination, HTTP["coordination"])
    for source in repo_services():
        for target in repo_services():
            if source == target or (source, target) == ("dashboard", "coordination"):
                continue
            assert not can_reach(docs, _service(source), _service(target), HTTP[target]), (
                f"{source} -> {target}"
            )


def test_services_are_reached_through_the_ingress_and_scraped(docs: tuple[Manifest, ...]) -> None:
    for service in repo_services():
        target, port = _service(service), HTTP[service]
        assert can_reach(docs, INGRESS, target, port), service
        assert can_reach(docs, PROMETHEUS, target, port), service
        assert not can_reach(docs, STRANGER, target, port), service
        assert not can_reach(docs, INTRUDER, target, port), service


def test_the_servers_admit_only_their_clients(docs: tuple[Manifest, ...]) -> None:
    assert can_reach(docs, KEYCLOAK, POSTGRES, POSTGRES_PORT)
    assert can_reach(docs, REALM_IMPORT, POSTGRES, POSTGRES_PORT)
    assert can_reach(docs, INGRESS, KEYCLOAK, KEYCLOAK_PORT)
    for outsider in (INTRUDER, STRANGER, INGRESS, ZIPKIN):
        assert not can_reach(docs, outsider, POSTGRES, POSTGRES_PORT)
    for outsider in (INTRUDER, STRANGER):
        assert not can_reach(docs, outsider, KEYCLOAK, KEYCLOAK_PORT)
        assert not can_reach(docs, outsider, ZIPKIN, ZIPKIN_PORT)
    assert not can_reach(docs, ZIPKIN, DNS, DNS_PORT), "Zipkin reaches nothing"


def test_the_keycloak_operator_reaches_only_the_api_and_dns(docs: tuple[Manifest, ...]) -> None:
    assert can_reach(docs, KEYCLOAK_OPERATOR, API_SERVER, Port(443))
    assert can_reach(docs, KEYCLOAK_OPERATOR, DNS, DNS_PORT)
    assert not can_reach(docs, KEYCLOAK_OPERATOR, POSTGRES, POSTGRES_PORT)
    assert not can_reach(docs, INTRUDER, KEYCLOAK_OPERATOR, Port(8080, "http"))


def test_production_services_reach_the_public_issuer() -> None:
    docs = overlay("production")
    for service in repo_services():
        assert can_reach(docs, _service(service), INGRESS, Port(443), egress_only=True), service
