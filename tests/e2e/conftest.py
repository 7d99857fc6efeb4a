"""End-to-end: the whole platform started by the tests (domain services, coordination,
dashboard) on the real stack's servers, the demo month loaded through the ingestion API, and
headless Chromium (Debian's package, driven by Playwright) signing in through Keycloak.

Nothing here skips: a missing browser or server fails the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    async_playwright,
    expect,
)

from deploy.demo.keycloak import MachineTokens
from deploy.demo.post import Ledger, Poster
from deploy.demo.scenario import month
from deploy.demo.scenario.kit import STOCKHOLM, Planned
from samverkan_contracts.events import treatment as t
from tests.stack import STACK
from tests.support.db import drop_schema
from tests.support.processes import ServiceProcess, service_process
from tests.support.tokens import person_token

pytestmark = pytest.mark.integration

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Waiting for a page to show something (never a timing assertion): generous on a busy machine.
expect.set_options(timeout=20_000)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LAPTOP: ViewportSize = {"width": 1366, "height": 900}
TABLET: ViewportSize = {"width": 768, "height": 1024}


DOMAIN_SERVICES = ("prevention", "outreach", "treatment", "trafficking")


@dataclass(frozen=True)
class Platform:
    services: dict[str, ServiceProcess]
    dashboard: ServiceProcess
    epoch: date
    demo: tuple[Planned, ...]

    @property
    def url(self) -> str:
        return self.dashboard.url


async def _caught_up(
    coordination: ServiceProcess, referral_ids: set[str], seconds: float = 300
) -> None:
    """Wait until the coordination view shows every referral of the demo month."""
    deadline = asyncio.get_running_loop().time() + seconds
    async with httpx.AsyncClient(timeout=30) as http:
        token = await person_token(http, "anna.specialist")
        while True:
            assert coordination.process is not None
            if coordination.process.poll() is not None:
                pytest.fail(f"coordination exited:\n{coordination.output()[-3000:]}")
            try:
                response = await http.get(
                    f"{coordination.url}/referrals",
                    params={"include_closed": "true"},
                    headers={"authorization": f"Bearer {token}"},
                )
            except httpx.TransportError:
                await asyncio.sleep(0.5)
                continue
            shown = {r["referral_id"] for r in response.json()} if response.is_success else set()
            if referral_ids <= shown:
                return
            if asyncio.get_running_loop().time() > deadline:
                pytest.fail(f"the view did not catch up within {seconds} s")
            await asyncio.sleep(0.5)


async def _load_demo(services: dict[str, ServiceProcess], demo: tuple[Planned, ...]) -> None:
    """The demo month through the real ingestion API, with the organisations' own tokens."""
    async with contextlib.AsyncExitStack() as stack:
        http = await stack.enter_async_context(httpx.AsyncClient(timeout=60))
        clients = {
            name: await stack.enter_async_context(
                httpx.AsyncClient(base_url=services[name].url, timeout=60)
            )
            for name in DOMAIN_SERVICES
        }
        tokens = MachineTokens(http, STACK.token_url)
        report = await Poster(clients, tokens, Ledger.open(None), say=lambda _: None).post_all(demo)
    assert [r.describe() for r in report.refusals] == []


@pytest.fixture(scope="module")
async def platform() -> AsyncIterator[Platform]:
    """Domain services in a fresh schema of their own, coordination with its own consumer
    group, the demo month loaded and in the view, then the dashboard in front. Stopped after
    this module, so that no consumer of ours is left running beside later tests."""
    schema = f"e2e_{uuid.uuid4().hex[:12]}"
    group = f"e2e-coordination-{uuid.uuid4()}"
    epoch = datetime.now(STOCKHOLM).date()
    demo = month(epoch)
    with contextlib.ExitStack() as processes:
        services = {
            name: processes.enter_context(service_process(name, database_schema=schema))
            for name in DOMAIN_SERVICES
        }
        services["coordination"] = coordination = processes.enter_context(
            service_process("coordination", "serve", consumer_group=group, batch_wait_ms="50")
        )
        dashboard = processes.enter_context(
            service_process(
                "dashboard",
                coordination_url=coordination.url,
                # Refresh the access token on every request (the margin is longer than a
                # token lives), so that a session ended in Keycloak fails the very next page
                # (tested) and refreshing is exercised throughout.
                refresh_margin_seconds="3600",
            )
        )
        try:
            for server in services.values():  # one at a time: quicker each on a busy machine
                await server.start()
            await _load_demo(services, demo)
            sent = {
                str(x.event.data.referral_id)
                for x in demo
                if isinstance(x.event.data, t.ReferralSent)
            }
            await _caught_up(coordination, sent)
            await dashboard.start()
            yield Platform(services, dashboard, epoch, demo)
        finally:
            processes.close()
            for name in DOMAIN_SERVICES:
                await drop_schema(name, schema)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    assert await asyncio.to_thread(CHROMIUM.exists), (
        f"no Chromium at {CHROMIUM} (deploy/local/bootstrap.sh installs it)"
    )
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield chromium
        await chromium.close()


SignIn = Callable[..., Awaitable[Page]]


@pytest.fixture
async def sign_in(platform: Platform, browser: Browser) -> AsyncIterator[SignIn]:
    """A fresh browser (its own cookies) signed in as a demo person through Keycloak's form."""
    contexts: list[BrowserContext] = []

    async def as_person(username: str, viewport: ViewportSize | None = None) -> Page:
        context = await browser.new_context(viewport=viewport or LAPTOP, locale="sv-SE")
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = await context.new_page()
        await page.goto(f"{platform.url}/")
        await keycloak_form(page, username)
        await page.wait_for_url(f"{platform.url}/**")
        return page

    yield as_person
    for context in contexts:
        await context.close()


async def keycloak_form(page: Page, username: str) -> None:
    """Keycloak's sign-in form; with organisations on, it asks for the username first."""
    await page.fill("#username", username)
    if not await page.locator("#password").count():
        await page.click("#kc-login")
    await page.fill("#password", f"demo-{username}")
    await page.click("#kc-login")
