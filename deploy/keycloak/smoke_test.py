"""Smoke-test a running local Keycloak against the generated `samverkan` realm.

For every machine client and demo person in the realm file it gets a token
(client credentials / password grant via samverkan-dashboard) and checks the
claims `org`, `aud` and `realm_access.roles`; then it counts the organisation
groups through the admin API. Standard library only.

    var/tools/bin/uv run python deploy/keycloak/smoke_test.py \
        --realm-file var/state/keycloak/keycloak-<version>/data/import/samverkan-realm.json

DEVELOPMENT ONLY: uses the development secrets and passwords from the realm
file and the bootstrap admin admin/admin.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

JSON = dict[str, Any]


def post_form(url: str, form: dict[str, str]) -> JSON:
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310 (http on loopback)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        result: JSON = json.load(response)
        return result


def get_json(url: str, token: str) -> Any:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.load(response)


def claims(token: str) -> JSON:
    payload = token.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    result: JSON = json.loads(base64.urlsafe_b64decode(payload))
    return result


def audiences(realm: JSON, client_id: str) -> set[str]:
    client = next(c for c in realm["clients"] if c["clientId"] == client_id)
    return {
        m["config"]["included.custom.audience"]
        for m in client["protocolMappers"]
        if m["protocolMapper"] == "oidc-audience-mapper"
    }


def check(token: str, *, org: str, roles: list[str], aud: set[str]) -> list[str]:
    c = claims(token)
    problems = []
    if c.get("org") != org:
        problems.append(f"org={c.get('org')!r}, expected {org!r}")
    token_aud = c.get("aud", [])
    token_aud = {token_aud} if isinstance(token_aud, str) else set(token_aud)
    if not aud <= token_aud:
        problems.append(f"aud lacks {sorted(aud - token_aud)}")
    missing = set(roles) - set(c.get("realm_access", {}).get("roles", []))
    if missing:
        problems.append(f"realm_access.roles lacks {sorted(missing)}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--realm-file", type=Path, required=True)
    parser.add_argument("--base-url", default="http://127.0.0.1:18080")
    args = parser.parse_args()
    realm: JSON = json.loads(args.realm_file.read_text(encoding="utf-8"))
    token_url = f"{args.base_url}/realms/{realm['realm']}/protocol/openid-connect/token"
    failures = 0

    service_accounts = {
        u["serviceAccountClientId"]: u for u in realm["users"] if "serviceAccountClientId" in u
    }
    for client in realm["clients"]:
        if not client.get("serviceAccountsEnabled"):
            continue
        user = service_accounts[client["clientId"]]
        token = post_form(
            token_url,
            {
                "grant_type": "client_credentials",
                "client_id": client["clientId"],
                "client_secret": client["secret"],
            },
        )["access_token"]
        problems = check(
            token,
            org=user["attributes"]["org"][0],
            roles=user["realmRoles"],
            aud=audiences(realm, client["clientId"]),
        )
        failures += bool(problems)
        print(f"{'FAIL' if problems else 'ok  '} client {client['clientId']} {'; '.join(problems)}")

    dashboard_aud = audiences(realm, "samverkan-dashboard")
    for user in realm["users"]:
        if "serviceAccountClientId" in user:
            continue
        token = post_form(
            token_url,
            {
                "grant_type": "password",
                "client_id": "samverkan-dashboard",
                "username": user["username"],
                "password": user["credentials"][0]["value"],
            },
        )["access_token"]
        problems = check(
            token, org=user["attributes"]["org"][0], roles=user["realmRoles"], aud=dashboard_aud
        )
        failures += bool(problems)
        print(f"{'FAIL' if problems else 'ok  '} person {user['username']} {'; '.join(problems)}")

    admin = post_form(
        f"{args.base_url}/realms/master/protocol/openid-connect/token",
        {
            "grant_type": "password",
            "client_id": "admin-cli",
            "username": "admin",
            "password": "admin",
        },
    )["access_token"]
    groups = get_json(
        f"{args.base_url}/admin/realms/{realm['realm']}/groups?briefRepresentation=false&max=1000",
        admin,
    )
    codes = {g["attributes"]["code"][0] for g in groups if "code" in g.get("attributes", {})}
    expected = {g["name"] for g in realm["groups"]}
    ok = codes == expected
    failures += not ok
    print(f"{'ok  ' if ok else 'FAIL'} {len(codes)} organisation groups (expected {len(expected)})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
