# ruff: noqa: INP001 - a stand-alone script, run by path
"""Write the development realm as a patch of the KeycloakRealmImport ``samverkan``.

The development overlay imports the realm that ``deploy/keycloak/generate_realm.py`` builds
from the organisations data; the realm is generated, never committed. From the repository root:

    var/tools/bin/uv run --no-sync python k8s/overlays/development/realm.py

writes ``k8s/overlays/development/generated/realm-patch.json`` (ignored by git). Run it again
after the organisations or the demo people change. DEVELOPMENT ONLY: the realm carries the
well-known demo secrets and passwords of deploy/keycloak/README.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GENERATOR = HERE.parents[2] / "deploy" / "keycloak" / "generate_realm.py"
DEFAULT_OUT = HERE / "generated" / "realm-patch.json"


def realm_patch() -> dict[str, object]:
    """The KeycloakRealmImport patch whose ``spec.realm`` is the generated realm."""
    generated = subprocess.run(  # noqa: S603 - our own script, run by this Python
        [sys.executable, str(GENERATOR), "--out", "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return {
        "apiVersion": "k8s.keycloak.org/v2alpha1",
        "kind": "KeycloakRealmImport",
        "metadata": {"name": "samverkan"},
        "spec": {"realm": json.loads(generated.stdout)},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="file to write")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(realm_patch(), ensure_ascii=False, indent=1) + "\n", "utf-8")
    sys.stdout.write(f"wrote {args.out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
