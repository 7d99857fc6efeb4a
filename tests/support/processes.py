"""Run a service as its own process (``python -m <service>``), to kill it for real."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.processes import free_ports
from tests.stack import STACK

#: The output of every service process the tests started (scanned by tests/zz_logs).
PROCESS_LOGS: list[Path] = []
#: Every service process the tests started (stopped at the end of the session if still up).
STARTED: list[ServiceProcess] = []


def free_port() -> int:
    """A free port no outgoing connection can take before the service binds it."""
    return free_ports(1)[0]


@dataclass
class ServiceProcess:
    name: str
    env: dict[str, str]
    port: int
    args: tuple[str, ...] = ()
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.log = Path(tempfile.mkstemp(prefix=f"{self.name}-", suffix=".log")[1])
        PROCESS_LOGS.append(self.log)
        STARTED.append(self)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603, ASYNC220 - our own module; Popen returns at once
                [sys.executable, "-m", self.name, *self.args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient() as http:
            while time.monotonic() < deadline:
                assert self.process.poll() is None, f"{self.name} exited at start"
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(f"{self.url}/health/ready")).status_code == 200:
                        return
                await asyncio.sleep(0.3)
        raise TimeoutError(f"{self.name} did not become ready")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def output(self) -> str:
        """What the process wrote to stdout and stderr so far."""
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log else ""

    def stop(self) -> None:
        """SIGTERM, and SIGKILL if the process has not ended 30 s later."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@contextlib.contextmanager
def service_process(
    name: str, *args: str, env: dict[str, str] | None = None, **settings: str
) -> Iterator[ServiceProcess]:
    """A service process on a free port, aimed at the test stack; stopped at the end.

    ``settings`` become the service's prefixed variables; ``env`` is added as it is.
    """
    prefix = name.upper()
    port = free_port()
    variables = dict(os.environ) | {
        f"{prefix}_HTTP_PORT": str(port),
        f"{prefix}_DATABASE_PORT": str(STACK.pg_port),
        f"{prefix}_KAFKA_BOOTSTRAP": STACK.kafka_bootstrap,
        f"{prefix}_KEYCLOAK_ISSUER": STACK.issuer,
    }
    variables |= {f"{prefix}_{key.upper()}": value for key, value in settings.items()}
    variables |= env or {}
    proc = ServiceProcess(name, variables, port, args)
    try:
        yield proc
    finally:
        proc.stop()
