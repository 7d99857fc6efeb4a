"""Load a realistic demo month into the running platform: ``python deploy/demo/load.py -h``.

Run from anywhere; the repository root is put on the import path so that the loader's
modules import as ``deploy.demo.*`` (the same names the tests use).
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path[0] = str(Path(__file__).resolve().parents[2])
    from deploy.demo.cli import main

    sys.exit(main())
