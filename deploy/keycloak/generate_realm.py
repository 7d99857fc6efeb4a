"""Generate the `samverkan` Keycloak realm for `kc.sh start --import-realm`.

Organisations are data (contracts/src/samverkan_contracts/organisations.yaml):
this script derives from them one group, one Keycloak organization and one
machine client per organisation, so a change of districts is a change of that
file, never of this script. Demo people come from demo-people.yaml beside it.

Usage (from the repository root):

    var/tools/bin/uv run python deploy/keycloak/generate_realm.py --out realm.json

DEVELOPMENT ONLY: the realm carries well-known client secrets
(`dev-<code>-secret`), demo people with passwords `demo-<username>` and a
public client that allows the password grant. Never import it anywhere real.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

JSON = dict[str, Any]

REALM: Final = "samverkan"
HERE: Final = Path(__file__).resolve().parent
REPO_ROOT: Final = HERE.parents[1]
DEFAULT_ORGANISATIONS: Final = (
    REPO_ROOT / "contracts" / "src" / "samverkan_contracts" / "organisations.yaml"
)
DEFAULT_PEOPLE: Final = HERE / "demo-people.yaml"

# Audiences of our services; every token issued to our clients carries all of them.
SERVICE_AUDIENCES: Final = (
    "samverkan-prevention",
    "samverkan-outreach",
    "samverkan-treatment",
    "samverkan-trafficking",
    "samverkan-coordination",
)

# Claim that carries the organisation code, for machines and people alike.
ORG_CLAIM: Final = "org"

ACCESS_TOKEN_LIFESPAN_S: Final = 300
SSO_SESSION_IDLE_S: Final = 30 * 60
SSO_SESSION_MAX_S: Final = 10 * 60 * 60  # one working day

REALM_ROLES: Final[dict[str, str]] = {
    "caseworker": "District caseworker: writes and reads its own organisation's cases",
    "district-manager": "District manager: action plans and the district's overview",
    "specialist": "Central specialist (socialtjänst): reads across districts, consultations",
    "trafficking-specialist": "Sees trafficking case detail (restricted)",
    "school-staff": "School staff: prevention activities",
    "housing-reporter": "Housing company: signals of suspected prostitution in a property",
    "operator": "Operates the platform: traces, metrics, lag, dead letters; no case data",
    "auditor": "Reads the audit log",
    "system": "Machine client (a district system, a service or a tool), not a person",
}

# Section of organisations.yaml -> kind recorded on the group and organization.
SECTION_KINDS: Final[dict[str, str]] = {
    "districts": "district",
    "central": "central",
    "companies": "company",
}

# Roles of an organisation's machine client (besides `system`): by kind, and for
# the central committees by code, because each of them has a different remit.
KIND_ROLES: Final[dict[str, tuple[str, ...]]] = {
    "district": ("caseworker", "district-manager"),
    "company": ("housing-reporter",),
}
CENTRAL_ROLES: Final[dict[str, tuple[str, ...]]] = {
    "socialtjanst": ("specialist", "trafficking-specialist"),
    "utbildning": ("school-staff",),
}

CODE_PATTERN: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# The organisation of the platform's own tools (ops-monitor, audit-reader).
PLATFORM_ORG: Final = "socialtjanst"


class DataError(ValueError):
    """The organisations or people data is inconsistent."""


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    org: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class MachineClient:
    client_id: str
    org: str
    roles: tuple[str, ...]
    description: str


def load_organisations(path: Path) -> list[Organisation]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected a mapping at the top level")
    organisations: list[Organisation] = []
    for section, kind in SECTION_KINDS.items():
        entries = data.get(section) or []
        if not isinstance(entries, list):
            raise DataError(f"{path}: {section} must be a list")
        for entry in entries:
            if not isinstance(entry, dict) or "code" not in entry or "name" not in entry:
                raise DataError(f"{path}: {section}: every entry needs code and name: {entry!r}")
            organisations.append(Organisation(str(entry["code"]), str(entry["name"]), kind))
    codes = [o.code for o in organisations]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise DataError(f"{path}: duplicate organisation codes: {', '.join(duplicates)}")
    for org in organisations:
        if not CODE_PATTERN.fullmatch(org.code):
            raise DataError(f"{path}: organisation code {org.code!r} is not lower-case ASCII")
    if not organisations:
        raise DataError(f"{path}: no organisations")
    return organisations


def load_people(path: Path, organisations: list[Organisation]) -> list[Person]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = data.get("people") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise DataError(f"{path}: expected a list under `people`")
    codes = {o.code for o in organisations}
    people: list[Person] = []
    for entry in entries:
        person = Person(
            username=str(entry["username"]),
            first_name=str(entry["first_name"]),
            last_name=str(entry["last_name"]),
            org=str(entry["org"]),
            roles=tuple(str(r) for r in entry["roles"]),
        )
        if person.org not in codes:
            raise DataError(f"{path}: {person.username}: unknown organisation {person.org!r}")
        unknown = [r for r in person.roles if r not in REALM_ROLES]
        if unknown:
            raise DataError(f"{path}: {person.username}: unknown roles {unknown}")
        people.append(person)
    usernames = [p.username for p in people]
    if len(set(usernames)) != len(usernames):
        raise DataError(f"{path}: duplicate usernames")
    return people


def machine_roles(org: Organisation) -> tuple[str, ...]:
    if org.kind == "central":
        if org.code not in CENTRAL_ROLES:
            raise DataError(
                f"central organisation {org.code!r} has no role set: add it to CENTRAL_ROLES"
            )
        return ("system", *CENTRAL_ROLES[org.code])
    return ("system", *KIND_ROLES[org.kind])


def machine_clients(organisations: list[Organisation]) -> list[MachineClient]:
    clients = [
        MachineClient(
            client_id=f"org-{org.code}",
            org=org.code,
            roles=machine_roles(org),
            description=f"System of {org.name} ({org.kind}); client-credentials only",
        )
        for org in organisations
    ]
    if PLATFORM_ORG not in {o.code for o in organisations}:
        raise DataError(f"the platform organisation {PLATFORM_ORG!r} is missing")
    clients += [
        MachineClient(
            "ops-monitor", PLATFORM_ORG, ("system", "operator"), "Platform monitoring (operators)"
        ),
        MachineClient(
            "audit-reader", PLATFORM_ORG, ("system", "auditor"), "Reads the audit log (auditors)"
        ),
    ]
    return clients


def dev_secret(client_id: str) -> str:
    """Development-only secret: `org-kungsholmen` -> `dev-kungsholmen-secret`."""
    return f"dev-{client_id.removeprefix('org-')}-secret"


def dev_password(username: str) -> str:
    """Development-only password of a demo person."""
    return f"demo-{username}"


# --- protocol mappers ---------------------------------------------------------


def _token_claim_config(*, id_token: bool) -> dict[str, str]:
    return {
        "access.token.claim": "true",
        "id.token.claim": str(id_token).lower(),
        "userinfo.token.claim": str(id_token).lower(),
        "introspection.token.claim": "true",
    }


def audience_mappers() -> list[JSON]:
    return [
        {
            "name": f"audience {audience}",
            "protocol": "openid-connect",
            "protocolMapper": "oidc-audience-mapper",
            "consentRequired": False,
            "config": {
                "included.custom.audience": audience,
                "access.token.claim": "true",
                "id.token.claim": "false",
                "introspection.token.claim": "true",
            },
        }
        for audience in SERVICE_AUDIENCES
    ]


def hardcoded_org_mapper(code: str) -> JSON:
    return {
        "name": f"{ORG_CLAIM} claim",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "consentRequired": False,
        "config": {
            "claim.name": ORG_CLAIM,
            "claim.value": code,
            "jsonType.label": "String",
            **_token_claim_config(id_token=True),
        },
    }


def user_org_mapper() -> JSON:
    return {
        "name": f"{ORG_CLAIM} from user attribute",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-attribute-mapper",
        "consentRequired": False,
        "config": {
            "user.attribute": ORG_CLAIM,
            "claim.name": ORG_CLAIM,
            "jsonType.label": "String",
            "multivalued": "false",
            "aggregate.attrs": "false",
            **_token_claim_config(id_token=True),
        },
    }


# --- realm parts --------------------------------------------------------------


def group(org: Organisation) -> JSON:
    return {
        "name": org.code,
        "path": f"/{org.code}",
        "attributes": {"code": [org.code], "name": [org.name], "kind": [org.kind]},
        "realmRoles": [],
        "clientRoles": {},
        "subGroups": [],
    }


def organization(org: Organisation, members: list[str]) -> JSON:
    return {
        "name": org.name,
        "alias": org.code,
        "enabled": True,
        "description": f"{org.name} ({org.kind})",
        "attributes": {"code": [org.code], "kind": [org.kind]},
        # Keycloak wants at least one domain per organization; these are
        # placeholders under the reserved .example TLD, not real mail domains.
        "domains": [{"name": f"{org.code}.samverkan.example", "verified": False}],
        "members": [{"username": m, "membershipType": "UNMANAGED"} for m in members],
    }


def machine_client(client: MachineClient) -> JSON:
    return {
        "clientId": client.client_id,
        "name": client.client_id,
        "description": f"{client.description}. DEVELOPMENT secret {dev_secret(client.client_id)}",
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": False,
        "bearerOnly": False,
        "clientAuthenticatorType": "client-secret",
        "secret": dev_secret(client.client_id),
        "serviceAccountsEnabled": True,
        "standardFlowEnabled": False,
        "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": False,
        "frontchannelLogout": False,
        "fullScopeAllowed": True,
        "attributes": {
            "client_credentials.use_refresh_token": "false",
            "oauth2.device.authorization.grant.enabled": "false",
            "oidc.ciba.grant.enabled": "false",
        },
        "defaultClientScopes": ["basic", "roles", "service_account"],
        "optionalClientScopes": [],
        "protocolMappers": [hardcoded_org_mapper(client.org), *audience_mappers()],
    }


def dashboard_client(web_origins: tuple[str, ...] = ()) -> JSON:
    # Keycloak has no wildcard for ports. For loopback hosts it ignores the port
    # of the requested redirect URI (RFC 8252, 7.3), so these two entries allow
    # http://127.0.0.1:<any port>/<any path> and http://localhost:<any port>/...
    redirect_uris = ["http://127.0.0.1/*", "http://localhost/*"]
    return {
        "clientId": "samverkan-dashboard",
        "name": "Samverkan dashboard",
        "description": (
            "Web dashboard (public, PKCE S256). Direct access grants are enabled in this "
            "DEVELOPMENT realm only, so tests can get people's tokens with the password grant"
        ),
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": True,
        "bearerOnly": False,
        "standardFlowEnabled": True,
        "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": True,
        "serviceAccountsEnabled": False,
        "frontchannelLogout": True,
        "fullScopeAllowed": True,
        "redirectUris": redirect_uris,
        # "+" = the origins of the redirect URIs, i.e. http://127.0.0.1 and
        # http://localhost on their default port only: a browser app on another
        # port that calls Keycloak directly (CORS) needs its origin listed
        # (--web-origin http://127.0.0.1:8000). Server-side code exchange needs none.
        "webOrigins": ["+", *web_origins],
        "attributes": {
            "pkce.code.challenge.method": "S256",
            "post.logout.redirect.uris": "+",
            "oauth2.device.authorization.grant.enabled": "false",
            "oidc.ciba.grant.enabled": "false",
        },
        "defaultClientScopes": ["basic", "roles", "profile", "email", "web-origins", "acr"],
        "optionalClientScopes": ["offline_access", "organization"],
        "protocolMappers": [user_org_mapper(), *audience_mappers()],
    }


def user_profile(organisations: list[Organisation]) -> str:
    """Keycloak's default user profile plus the admin-managed `org` attribute."""

    def person_attribute(name: str, validations: JSON, *, required: bool) -> JSON:
        attribute: JSON = {
            "name": name,
            "displayName": "${" + name + "}",
            "permissions": {"view": ["admin", "user"], "edit": ["admin", "user"]},
            "validations": validations,
            "multivalued": False,
        }
        if required:
            attribute["required"] = {"roles": ["user"]}
        return attribute

    name_validations: JSON = {"length": {"max": 255}, "person-name-prohibited-characters": {}}
    config: JSON = {
        "attributes": [
            person_attribute(
                "username",
                {
                    "length": {"min": 3, "max": 255},
                    "username-prohibited-characters": {},
                    "up-username-not-idn-homograph": {},
                },
                required=False,
            ),
            person_attribute("email", {"email": {}, "length": {"max": 255}}, required=True),
            person_attribute("firstName", name_validations, required=True),
            person_attribute("lastName", name_validations, required=True),
            {
                "name": ORG_CLAIM,
                "displayName": "Organisation",
                # Only administrators set a person's organisation; a person must
                # never be able to move themselves to another organisation.
                "permissions": {"view": ["admin", "user"], "edit": ["admin"]},
                "validations": {
                    "options": {"options": [o.code for o in organisations]},
                },
                "annotations": {"inputType": "select"},
                "multivalued": False,
                "group": "samverkan",
            },
        ],
        "groups": [
            {
                "name": "user-metadata",
                "displayHeader": "User metadata",
                "displayDescription": "Attributes, which refer to user metadata",
            },
            {
                "name": "samverkan",
                "displayHeader": "Samverkan",
                "displayDescription": "Organisation of the person in the Samverkan platform",
            },
        ],
    }
    return json.dumps(config, ensure_ascii=False, sort_keys=False)


def person_user(person: Person) -> JSON:
    return {
        "username": person.username,
        "enabled": True,
        "email": f"{person.username}@samverkan.example",
        "emailVerified": True,
        "firstName": person.first_name,
        "lastName": person.last_name,
        "attributes": {ORG_CLAIM: [person.org]},
        "credentials": [
            {"type": "password", "value": dev_password(person.username), "temporary": False}
        ],
        "requiredActions": [],
        "realmRoles": [f"default-roles-{REALM}", *person.roles],
        "groups": [f"/{person.org}"],
    }


def service_account_user(client: MachineClient) -> JSON:
    return {
        "username": f"service-account-{client.client_id}",
        "enabled": True,
        "serviceAccountClientId": client.client_id,
        "attributes": {ORG_CLAIM: [client.org]},
        "requiredActions": [],
        # Not the realm's default roles (account console, offline access): a
        # machine needs only its own roles, and its tokens stay small.
        "realmRoles": list(client.roles),
        "groups": [f"/{client.org}"],
    }


def build_realm(
    organisations: list[Organisation],
    people: list[Person],
    web_origins: tuple[str, ...] = (),
) -> JSON:
    clients = machine_clients(organisations)
    members: dict[str, list[str]] = {o.code: [] for o in organisations}
    for person in people:
        members[person.org].append(person.username)
    return {
        "realm": REALM,
        "displayName": "Samverkan — Stockholms stad (DEVELOPMENT)",
        "enabled": True,
        "sslRequired": "external",
        "registrationAllowed": False,
        "loginWithEmailAllowed": True,
        "duplicateEmailsAllowed": False,
        "resetPasswordAllowed": False,
        "editUsernameAllowed": False,
        "rememberMe": False,
        "verifyEmail": False,
        "internationalizationEnabled": True,
        "supportedLocales": ["sv", "en"],
        "defaultLocale": "sv",
        # Tokens: short-lived access tokens; services verify them locally.
        "accessTokenLifespan": ACCESS_TOKEN_LIFESPAN_S,
        "accessTokenLifespanForImplicitFlow": ACCESS_TOKEN_LIFESPAN_S,
        "accessCodeLifespan": 60,
        "ssoSessionIdleTimeout": SSO_SESSION_IDLE_S,
        "ssoSessionMaxLifespan": SSO_SESSION_MAX_S,
        "offlineSessionIdleTimeout": 30 * 24 * 60 * 60,
        "offlineSessionMaxLifespanEnabled": True,
        "offlineSessionMaxLifespan": 60 * 24 * 60 * 60,
        "revokeRefreshToken": True,
        "refreshTokenMaxReuse": 0,
        "defaultSignatureAlgorithm": "RS256",
        "passwordPolicy": "length(12) and notUsername and notEmail",
        "bruteForceProtected": True,
        "permanentLockout": False,
        "failureFactor": 30,
        "eventsEnabled": False,
        "adminEventsEnabled": False,
        "organizationsEnabled": True,
        "roles": {
            "realm": [
                {"name": name, "description": description, "composite": False}
                for name, description in REALM_ROLES.items()
            ]
        },
        "groups": [group(org) for org in organisations],
        "organizations": [organization(org, members[org.code]) for org in organisations],
        "clients": [*(machine_client(c) for c in clients), dashboard_client(web_origins)],
        "users": [
            *(person_user(p) for p in people),
            *(service_account_user(c) for c in clients),
        ],
        "components": {
            "org.keycloak.userprofile.UserProfileProvider": [
                {
                    "providerId": "declarative-user-profile",
                    "subComponents": {},
                    "config": {"kc.user.profile.config": [user_profile(organisations)]},
                }
            ]
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", required=True, help="file to write, or - for stdout")
    parser.add_argument("--organisations", type=Path, default=DEFAULT_ORGANISATIONS)
    parser.add_argument("--people", type=Path, default=DEFAULT_PEOPLE)
    parser.add_argument(
        "--web-origin",
        action="append",
        default=[],
        help="extra CORS origin of samverkan-dashboard, e.g. http://127.0.0.1:8000 (repeatable)",
    )
    args = parser.parse_args(argv)
    try:
        organisations = load_organisations(args.organisations)
        people = load_people(args.people, organisations)
        realm = build_realm(organisations, people, tuple(args.web_origin))
    except (OSError, DataError, KeyError, TypeError) as exc:
        sys.stderr.write(f"generate_realm: {exc}\n")
        return 1
    text = json.dumps(realm, ensure_ascii=False, indent=2) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
