"""Signing in (PKCE), token refresh, ended sessions and refused answers, each a page and never
a stack trace; the language switch; what each role is offered. Fake Keycloak and API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from dashboard.app import create_app
from dashboard.settings import Settings
from fastapi import FastAPI

from tests.unit.dashboard.fakes import COORDINATION, ISSUER, FakeNetwork, FakeVerifier


@pytest.fixture
def network() -> FakeNetwork:
    return FakeNetwork()


@pytest.fixture
async def app(network: FakeNetwork) -> AsyncIterator[FastAPI]:
    settings = Settings(
        keycloak_issuer=ISSUER,
        coordination_url=COORDINATION,
        refresh_margin_seconds=30,
    )
    application = create_app(settings, transport=network.transport(), verifier=FakeVerifier())
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def browser(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://dashboard.test") as client:
        yield client


async def sign_in(browser: httpx.AsyncClient, next_page: str = "/overview") -> httpx.Response:
    """What the browser does: /login, Keycloak (faked: it hands back a code), the callback."""
    to_keycloak = await browser.get("/login", params={"next": next_page})
    assert to_keycloak.status_code == 302
    query = parse_qs(urlsplit(to_keycloak.headers["location"]).query)
    callback = await browser.get(
        "/auth/callback", params={"code": "c0de", "state": query["state"][0]}
    )
    assert callback.status_code == 303
    return to_keycloak


async def test_pages_ask_for_sign_in_and_the_script_gets_a_status(
    browser: httpx.AsyncClient,
) -> None:
    page = await browser.get("/referrals?overdue=1")
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Freferrals%3Foverdue%3D1"
    assert (await browser.get("/live")).status_code == 401
    assert (await browser.get("/session")).status_code == 401


async def test_sign_in_uses_pkce_and_calls_the_api_with_the_persons_token(
    browser: httpx.AsyncClient, network: FakeNetwork
) -> None:
    to_keycloak = await sign_in(browser)
    query = parse_qs(urlsplit(to_keycloak.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["redirect_uri"] == ["http://dashboard.test/auth/callback"]
    exchange = network.token_requests[0]
    assert exchange["grant_type"] == ["authorization_code"]
    assert len(exchange["code_verifier"][0]) >= 43

    page = await browser.get("/overview")
    assert page.status_code == 200
    assert "Stadsöversikt" in page.text
    assert 'lang="sv"' in page.text
    assert network.api_calls[-1].headers["authorization"] == "Bearer anna-1"
    assert "anna-1" not in page.text
    assert "refresh-1" not in page.text
    assert "anna-1" not in (browser.cookies.get("samverkan_session") or "")


async def test_a_token_near_its_end_is_refreshed_first(
    browser: httpx.AsyncClient, network: FakeNetwork
) -> None:
    network.expires_in = 20  # under the 30 s margin: every request refreshes
    await sign_in(browser)
    assert (await browser.get("/overview")).status_code == 200
    assert network.token_requests[-1]["grant_type"] == ["refresh_token"]
    assert network.token_requests[-1]["refresh_token"] == ["refresh-1"]
    assert network.api_calls[-1].headers["authorization"] == "Bearer anna-2"


async def test_a_refresh_keycloak_refuses_means_signing_in_again(
    app: FastAPI, browser: httpx.AsyncClient, network: FakeNetwork
) -> None:
    network.expires_in = 20
    await sign_in(browser)
    network.refresh_allowed = False
    page = await browser.get("/consultations")
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Fconsultations"
    assert len(app.state.sessions) == 0
    assert (await browser.get("/session")).status_code == 401


async def test_the_api_refusing_the_token_means_signing_in_again(
    browser: httpx.AsyncClient, network: FakeNetwork
) -> None:
    await sign_in(browser)
    network.coordination_status = 401
    page = await browser.get("/overview")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


@pytest.mark.parametrize(
    ("status", "shown", "title"),
    [(403, 403, "Ingen behörighet"), (404, 404, "Hittades inte"), (500, 502, "Tillfälligt")],
)
async def test_refusals_and_failures_are_pages_in_the_persons_language(
    browser: httpx.AsyncClient, network: FakeNetwork, status: int, shown: int, title: str
) -> None:
    await sign_in(browser)
    network.coordination_status = status
    page = await browser.get("/overview")
    assert page.status_code == shown
    assert title in page.text
    assert "Traceback" not in page.text


async def test_an_unreachable_api_is_a_page_too(
    browser: httpx.AsyncClient, network: FakeNetwork
) -> None:
    await sign_in(browser)
    network.coordination_down = True
    page = await browser.get("/referrals")
    assert page.status_code == 502
    assert "Tillfälligt otillgänglig" in page.text


async def test_a_bad_address_is_a_page(browser: httpx.AsyncClient) -> None:
    await sign_in(browser)
    page = await browser.get("/referrals/not-a-uuid")
    assert page.status_code == 400
    assert "Felaktig begäran" in page.text
    assert (await browser.get("/no/such/page")).status_code == 404


async def test_an_operator_is_offered_no_case_pages_and_the_api_is_not_asked(
    browser: httpx.AsyncClient, network: FakeNetwork
) -> None:
    network.person = "olle"
    await sign_in(browser, "/")
    home = await browser.get("/")
    assert home.headers["location"] == "/operations"
    for path in ("/overview", "/referrals", "/journey", "/audit", "/districts/kista"):
        page = await browser.get(path)
        assert page.status_code == 403, path
        assert "Ingen behörighet" in page.text
    assert network.api_calls == []
    operations = await browser.get("/operations")
    assert [c.url.path for c in network.api_calls] == ["/dead-letters", "/metrics"]
    assert 'href="/overview"' not in operations.text
    assert 'href="/operations"' in operations.text


async def test_the_language_switch_keeps_the_page_and_refuses_other_sites(
    browser: httpx.AsyncClient,
) -> None:
    await sign_in(browser)
    switch = await browser.get("/language/en", params={"next": "/overview"})
    assert switch.headers["location"] == "/overview"
    page = await browser.get("/overview")
    assert 'lang="en"' in page.text
    assert "City overview" in page.text
    away = await browser.get("/language/sv", params={"next": "//elsewhere.example/"})
    assert away.headers["location"] == "/"


async def test_signing_out_needs_the_form_token_and_ends_keycloaks_session(
    app: FastAPI, browser: httpx.AsyncClient
) -> None:
    await sign_in(browser)
    assert (await browser.post("/logout", data={"csrf": "forged"})).status_code == 400
    page = await browser.get("/overview")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    out = await browser.post("/logout", data={"csrf": csrf})
    assert out.status_code == 303
    location = urlsplit(out.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{ISSUER}/protocol/openid-connect/logout"
    )
    assert parse_qs(location.query)["post_logout_redirect_uri"] == [
        "http://dashboard.test/signed-out"
    ]
    assert len(app.state.sessions) == 0
    assert (await browser.get("/overview")).status_code == 303


async def test_pages_carry_security_headers(browser: httpx.AsyncClient) -> None:
    page = await browser.get("/signed-out")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
