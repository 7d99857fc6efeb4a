"""The dashboard in headless Chromium against the running platform with the demo month:
what a central specialist, a district caseworker and an operator each see, live updates,
the language switch, keyboard use, a tablet's width, signing out and an ended session."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.async_api import Page, expect

from deploy.demo.scenario.kit import Planned
from samverkan_contracts.envelope import STRUCTURED_CONTENT_TYPE, new_event, wire_dict
from samverkan_contracts.events import treatment as t
from samverkan_contracts.organisations import OrganisationKind, load_organisations
from tests.e2e.conftest import SCREENSHOTS, TABLET, Platform, SignIn, keycloak_form
from tests.stack import STACK
from tests.support.tokens import org_token

pytestmark = pytest.mark.integration

DISTRICTS = [o for o in load_organisations().of_kind(OrganisationKind.DISTRICT) if not o.retired_on]
STEPS = {t.ReferralSent: "sent", t.ReferralReceived: "received", t.ReferralAccepted: "accepted"}
CLOSING = (t.ReferralDeclined, t.ReferralCompleted, t.ReferralWithdrawn)


def overdue_demo_referral(demo: tuple[Planned, ...], epoch: datetime) -> str:
    """A referral of the demo month still waiting for its receiver past its respond-by."""
    state: dict[str, str] = {}
    respond_by: dict[str, datetime] = {}
    for x in demo:
        data = x.event.data
        if isinstance(data, t.ReferralSent):
            respond_by[str(data.referral_id)] = data.respond_by
        if type(data) in STEPS:
            state[x.event.subject] = STEPS[type(data)]
        elif isinstance(data, CLOSING):
            state[x.event.subject] = "closed"
    late = [r for r, s in state.items() if s in {"sent", "received"} and respond_by[r] < epoch]
    assert late, "the demo month has overdue referrals"
    return min(late)


async def post_referral(platform: Platform) -> str:
    """Kungsholmen's case system sends a new referral to the central unit (machine client)."""
    referral = t.ReferralSent(
        referral_id=uuid.uuid4(),
        subject_ref="subj_"
        + "".join(uuid.uuid4().hex for _ in range(2))[:52].translate(str.maketrans("0189", "abcd")),
        from_organisation="kungsholmen",
        to_organisation="socialtjanst",
        service=t.ReferralService.EXIT_SUPPORT,
        urgency=t.Urgency.URGENT,
        respond_by=datetime.now(UTC) + timedelta(days=2),
        legal_basis=t.LegalBasis.OSL_10_2,
    )
    event = wire_dict(
        new_event(
            referral, source="/e2e/kungsholmen", district="kungsholmen", actororg="kungsholmen"
        )
    )
    del event["actororg"]  # the platform sets it from the token
    async with httpx.AsyncClient(timeout=30) as http:
        token = await org_token(http, "kungsholmen")
        response = await http.post(
            f"{platform.services['treatment'].url}/events",
            content=json.dumps(event),
            headers={"content-type": STRUCTURED_CONTENT_TYPE, "authorization": f"Bearer {token}"},
        )
    assert response.status_code == 202, response.text
    return str(referral.referral_id)


async def nav_labels(page: Page) -> list[str]:
    return [
        text.strip()
        for text in await page.get_by_role("navigation").get_by_role("link").all_inner_texts()
    ]


async def test_a_specialist_sees_the_city_opens_a_district_and_an_overdue_referral(
    platform: Platform, sign_in: SignIn
) -> None:
    page = await sign_in("anna.specialist")
    await expect(page).to_have_url(f"{platform.url}/overview")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Stadsöversikt")
    matrix = page.locator("table.matrix")
    await expect(matrix.locator("tbody tr")).to_have_count(len(DISTRICTS))
    for district in DISTRICTS:
        await expect(
            matrix.get_by_role("rowheader", name=district.name, exact=True)
        ).to_be_visible()
    await expect(matrix.locator("tbody tr").first.locator("td.cell")).to_have_count(5)
    await page.screenshot(path=SCREENSHOTS / "overview.png", full_page=True)

    await matrix.get_by_role(
        "link", name=re.compile(r"^Kungsholmen, Förebyggande: Antagen")
    ).click()
    await expect(page).to_have_url(f"{platform.url}/districts/kungsholmen#area-prevention")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Kungsholmen")
    await expect(page.locator("#area-prevention")).to_contain_text("Antagen")

    await page.get_by_role("navigation").get_by_role("link", name="Remisser").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Remisstavla")
    await page.get_by_label("Bara försenade").check()
    await page.get_by_role("button", name="Filtrera").click()
    await expect(page).to_have_url(re.compile(r"/referrals\?.*overdue=1"))
    rows = page.locator("table.board-table tbody tr")
    assert await rows.count() > 0
    await expect(rows.filter(has_not_text="Försenad")).to_have_count(0)
    await page.screenshot(path=SCREENSHOTS / "referrals.png", full_page=False)

    late = overdue_demo_referral(
        platform.demo, datetime.combine(platform.epoch, datetime.min.time(), UTC)
    )
    await page.get_by_role("link", name=f"Öppna remiss {late[:8]}").click()
    await expect(page).to_have_url(f"{platform.url}/referrals/{late}")
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Remiss {late[:8]}")
    await expect(page.locator(".banner.overdue")).to_contain_text("Försenad")
    await expect(page.locator("dl.facts")).to_contain_text(late)


async def test_the_board_changes_without_a_reload_when_an_event_is_posted(
    platform: Platform, sign_in: SignIn
) -> None:
    page = await sign_in("anna.specialist")
    await page.goto(f"{platform.url}/referrals?district=kungsholmen")
    await expect(page.locator("body")).to_have_attribute("data-live", "connected")
    await page.evaluate("window.notReloaded = true")

    referral_id = await post_referral(platform)

    link = page.get_by_role("link", name=f"Öppna remiss {referral_id[:8]}")
    # Through treatment's outbox, Kafka and the projections: generous on a busy machine.
    await expect(link).to_be_visible(timeout=120_000)
    assert await page.evaluate("window.notReloaded === true"), "the page was reloaded"
    await expect(page.locator("#live-status")).to_contain_text("Senast uppdaterad")
    await expect(page.locator("tr", has=link)).to_contain_text("Brådskande")


async def test_a_specialist_reads_a_journey_with_a_purpose(sign_in: SignIn) -> None:
    page = await sign_in("anna.specialist")
    await page.get_by_role("navigation").get_by_role("link", name="Larm").click()
    group = page.locator(
        "section.alerts", has=page.get_by_role("heading", name=re.compile("Upprepade kontakter"))
    )
    await group.get_by_role("link", name="Visa förloppet").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("En persons förlopp")
    await expect(page.get_by_label("Personreferens")).to_have_value(re.compile(r"^subj_"))
    await page.get_by_label("Syfte").fill("Uppföljning av upprepade kontakter")
    await page.get_by_role("button", name="Visa förloppet").click()
    steps = page.locator("ol.timeline > li")
    await expect(steps.filter(has_text="Uppsökande kontakt")).to_have_count(4)
    await expect(page.locator(".note")).to_contain_text("Uppföljning av upprepade kontakter")
    await page.screenshot(path=SCREENSHOTS / "journey.png", full_page=False)


async def test_a_district_caseworker_sees_only_her_district(
    platform: Platform, sign_in: SignIn
) -> None:
    page = await sign_in("karin.kungsholmen")
    await expect(page).to_have_url(f"{platform.url}/overview")
    rows = page.locator("table.matrix tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first.get_by_role("rowheader")).to_have_text("Kungsholmen")
    assert "Förlopp" not in await nav_labels(page)

    await page.goto(f"{platform.url}/referrals")
    await expect(page.locator("#f-district")).to_have_count(0)
    board = page.locator("table.board-table tbody tr")
    assert await board.count() > 0
    # Every referral on her board was sent by Kungsholmen or to it.
    parties = await board.locator("td:nth-child(3)").all_inner_texts()
    assert all("Kungsholmen" in text for text in parties), parties

    response = await page.goto(f"{platform.url}/districts/kista")
    assert response is not None
    assert response.status == 403
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ingen behörighet")
    response = await page.goto(f"{platform.url}/journey")
    assert response is not None
    assert response.status == 403


async def test_an_operator_sees_lag_and_dead_letters_and_no_subject_data(
    platform: Platform, sign_in: SignIn
) -> None:
    page = await sign_in("olle.operator")
    await expect(page).to_have_url(f"{platform.url}/operations")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Drift")
    await expect(page.get_by_role("heading", name="Eftersläpning")).to_be_visible()
    await expect(
        page.locator("table code", has_text="samverkan.treatment.v1").first
    ).to_be_visible()
    await expect(page.get_by_role("heading", name=re.compile("Döda brev"))).to_be_visible()
    assert await nav_labels(page) == ["Indikatorer", "Drift"]
    for path in ("/overview", "/referrals", "/consultations", "/alerts", "/journey", "/audit"):
        response = await page.goto(f"{platform.url}{path}")
        assert response is not None
        assert response.status == 403, path
        await expect(page.get_by_role("heading", level=1)).to_have_text("Ingen behörighet")
    for path in ("/operations", "/indicators"):
        await page.goto(f"{platform.url}{path}")
        assert "subj_" not in await page.content()


async def test_the_language_switches_to_english_and_back(
    platform: Platform, sign_in: SignIn
) -> None:
    page = await sign_in("anna.specialist")
    await expect(page.locator("html")).to_have_attribute("lang", "sv")
    await page.get_by_role("link", name="English").click()
    await expect(page).to_have_url(f"{platform.url}/overview")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_role("heading", level=1)).to_have_text("City overview")
    assert await nav_labels(page) == [
        "Overview",
        "Referrals",
        "Consultations",
        "Alerts",
        "Journey",
        "Indicators",
    ]
    await expect(page.locator("table.matrix thead")).to_contain_text("Care and treatment")
    await page.goto(f"{platform.url}/referrals")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Referrals board")
    await page.get_by_role("link", name="Svenska").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Remisstavla")
    await expect(page.locator("html")).to_have_attribute("lang", "sv")


async def test_keyboard_and_tablet_width(platform: Platform, sign_in: SignIn) -> None:
    page = await sign_in("anna.specialist", viewport=TABLET)
    await page.keyboard.press("Tab")
    await expect(page.locator(":focus")).to_have_text("Hoppa till innehållet")
    await page.keyboard.press("Enter")
    await expect(page.locator("#content")).to_be_focused()
    # The page itself never scrolls sideways; the wide matrix scrolls in its own region.
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    region = page.get_by_role("region", name=re.compile("Handlingsplaner och aktivitet"))
    await region.focus()
    await expect(region).to_be_focused()
    cell = page.get_by_role("link", name=re.compile(r"^Rinkeby, Uppsökande"))
    await cell.focus()
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(f"{platform.url}/districts/rinkeby#area-outreach")
    for image in await page.locator("img").all():
        assert await image.get_attribute("alt")
    for control in await page.locator("input:not([type=hidden]), select").all():
        control_id = await control.get_attribute("id")
        assert control_id
        assert await page.locator(f"label[for='{control_id}']").count() == 1


async def test_signing_out_ends_the_keycloak_session_too(
    platform: Platform, sign_in: SignIn
) -> None:
    page = await sign_in("david.kungsholmen")
    await page.get_by_role("button", name="Logga ut").click()
    await expect(page).to_have_url(f"{platform.url}/signed-out")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Du är utloggad")
    await page.goto(f"{platform.url}/overview")
    await expect(page.locator("#username")).to_be_visible()


async def test_a_session_ended_in_keycloak_leads_to_sign_in_not_an_error(
    platform: Platform, sign_in: SignIn
) -> None:
    page = await sign_in("maja.rinkeby")
    await page.goto(f"{platform.url}/consultations")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Konsultationskö")
    await end_keycloak_sessions("maja.rinkeby")

    await page.reload()
    await expect(page.locator("#username")).to_be_visible()
    assert "Traceback" not in await page.content()
    await keycloak_form(page, "maja.rinkeby")
    await expect(page).to_have_url(f"{platform.url}/consultations")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Konsultationskö")


async def end_keycloak_sessions(username: str) -> None:
    """What an administrator (or Keycloak's idle timeout) does: end every session of a person.
    Uses the local realm's development-only admin account (deploy/keycloak/README.md)."""
    base = STACK.issuer.rsplit("/realms/", 1)[0]
    async with httpx.AsyncClient(timeout=30) as http:
        form = {
            "grant_type": "password",
            "client_id": "admin-cli",
            "username": "admin",
            "password": "admin",
        }
        token = (
            await http.post(f"{base}/realms/master/protocol/openid-connect/token", data=form)
        ).json()["access_token"]
        headers = {"authorization": f"Bearer {token}"}
        users = await http.get(
            f"{base}/admin/realms/samverkan/users",
            params={"username": username, "exact": "true"},
            headers=headers,
        )
        user_id = users.json()[0]["id"]
        ended = await http.post(
            f"{base}/admin/realms/samverkan/users/{user_id}/logout", headers=headers
        )
        assert ended.status_code == 204, ended.text
