"""The page cache: pages kept per caller scope, forgotten on every change notice and after
their time, one rendering shared by the callers that wait for it."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from coordination.live import ViewChanges
from coordination.pages import Key, Page, PageCache, page_key

from samverkan_common.auth import Principal


@dataclass
class FakeClock:
    now: float = 100.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Renderer:
    """Renders numbered pages, counting how often it was asked; ``gate``: wait for it."""

    rendered: int = 0
    gate: asyncio.Event | None = None
    failing: bool = False
    started: asyncio.Event = field(default_factory=asyncio.Event)
    name: str = "page"

    async def __call__(self) -> Page:
        self.rendered += 1
        number = self.rendered
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.failing:
            raise RuntimeError("the view went away")
        return Page(f"{self.name} {number}".encode(), "application/json")


def caller(organisation: str, *roles: str) -> Principal:
    return Principal(
        subject="6f1c2a4e-0d7b-4c57-9a43-2f3e1c0b9d11",
        client_id=f"org-{organisation}",
        username=None,
        organisation=organisation,
        realm_roles=frozenset(roles),
        expires_at=datetime(2030, 1, 1, tzinfo=UTC),
    )


def board(
    principal: Principal, district: str | None = None, *, closed: bool = False, fmt: str = "json"
) -> Key:
    """The key of a referrals board page, as the route makes it."""
    return page_key(principal, "referrals", district, closed, fmt)


KISTA = caller("kista", "caseworker", "district-manager")
ROOMY = 1 << 20  # bytes: room for every page of a test
KEY = board(KISTA)


async def test_a_page_is_rendered_once_and_kept_for_at_most_its_seconds() -> None:
    clock, render = FakeClock(), Renderer()
    pages = PageCache(2.0, ROOMY, clock=clock)
    first = await pages.get(KEY, render)
    clock.now += 1.49  # kept for three quarters of its seconds at least
    assert await pages.get(KEY, render) == first
    assert render.rendered == 1
    clock.now += 0.51
    assert (await pages.get(KEY, render)).body == b"page 2"


async def test_pages_rendered_together_are_not_all_rendered_again_together() -> None:
    clock, render = FakeClock(), Renderer()
    pages = PageCache(2.0, ROOMY, clock=clock)
    keys = [page_key(caller(f"org-{i}", "caseworker"), "overview", None) for i in range(40)]
    for key in keys:
        await pages.get(key, render)
    clock.now += 1.75
    for key in keys:
        await pages.get(key, render)
    assert 40 < render.rendered < 80  # some were kept, some rendered again


async def test_a_change_notice_forgets_every_page() -> None:
    render = Renderer()
    pages = PageCache(60.0, ROOMY)
    rinkeby = page_key(caller("rinkeby", "caseworker"), "overview", None)
    await pages.get(KEY, render)
    await pages.get(rinkeby, render)
    pages.forget()
    assert len(pages) == 0
    assert (await pages.get(KEY, render)).body == b"page 3"


def test_pages_are_kept_apart_by_read_parameters_organisation_and_roles() -> None:
    keys = {
        KEY,
        board(KISTA, closed=True),
        board(KISTA, fmt="csv"),
        board(KISTA, "kista"),
        page_key(KISTA, "consultations", None, False, "json"),  # noqa: FBT003 - as the route
        board(caller("rinkeby", "caseworker", "district-manager")),
        board(caller("kista", "caseworker")),
    }
    assert len(keys) == 7
    # another caller of the same organisation and roles: the same page
    assert board(caller("kista", "district-manager", "caseworker")) == KEY


async def test_one_organisation_never_gets_anothers_page() -> None:
    pages = PageCache(60.0, ROOMY)
    for org in ("kista", "rinkeby", "kista", "rinkeby"):

        async def render(org: str = org) -> Page:
            return Page(json.dumps({"for": org}).encode(), "application/json")

        page = await pages.get(page_key(caller(org, "caseworker"), "overview", None), render)
        assert json.loads(page.body) == {"for": org}
    assert len(pages) == 2


async def test_callers_waiting_for_a_page_share_its_rendering() -> None:
    render = Renderer(gate=asyncio.Event())
    pages = PageCache(60.0, ROOMY)
    waiting = [asyncio.create_task(pages.get(KEY, render)) for _ in range(5)]
    await render.started.wait()
    render.gate.set()  # type: ignore[union-attr]
    assert {page.body for page in await asyncio.gather(*waiting)} == {b"page 1"}
    assert render.rendered == 1


async def test_a_rendering_begun_before_a_change_is_handed_out_but_not_kept() -> None:
    slow, fast = Renderer(gate=asyncio.Event(), name="before"), Renderer(name="after")
    pages = PageCache(60.0, ROOMY)
    early = asyncio.create_task(pages.get(KEY, slow))
    await slow.started.wait()
    pages.forget()  # the view changed while the page was being read
    assert (await pages.get(KEY, fast)).body == b"after 1"  # its own reading, not the early one
    slow.gate.set()  # type: ignore[union-attr]
    assert (await early).body == b"before 1"  # handed to the caller who asked before the change
    assert (await pages.get(KEY, Renderer())).body == b"after 1"  # but not kept


async def test_a_failed_rendering_reaches_its_waiters_and_is_not_kept() -> None:
    render = Renderer(gate=asyncio.Event(), failing=True)
    pages = PageCache(60.0, ROOMY)
    waiting = [asyncio.create_task(pages.get(KEY, render)) for _ in range(3)]
    await render.started.wait()
    render.gate.set()  # type: ignore[union-attr]
    results = await asyncio.gather(*waiting, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    render.failing = False
    assert (await pages.get(KEY, render)).body == b"page 2"


async def test_a_caller_that_goes_away_does_not_cancel_the_others() -> None:
    render = Renderer(gate=asyncio.Event())
    pages = PageCache(60.0, ROOMY)
    leaving = asyncio.create_task(pages.get(KEY, render))
    staying = asyncio.create_task(pages.get(KEY, render))
    await render.started.wait()
    leaving.cancel()
    render.gate.set()  # type: ignore[union-attr]
    assert (await staying).body == b"page 1"
    with pytest.raises(asyncio.CancelledError):
        await leaving


async def test_the_oldest_page_goes_first_when_full() -> None:
    render = Renderer()  # pages of 6 bytes: "page 1", ...
    pages = PageCache(60.0, 12)
    keys = [page_key(caller(org, "caseworker"), "overview", None) for org in ("a", "b", "c")]
    for key in keys:
        await pages.get(key, render)
    assert (len(pages), pages.bytes) == (2, 12)
    assert (await pages.get(keys[2], render)).body == b"page 3"
    assert (await pages.get(keys[0], render)).body == b"page 4"
    pages.forget()
    assert pages.bytes == 0


async def test_a_page_larger_than_the_room_is_not_kept() -> None:
    render = Renderer(name="a much longer page")
    pages = PageCache(60.0, 12)
    await pages.get(KEY, render)
    assert (len(pages), pages.bytes) == (0, 0)
    assert render.rendered == 1
    await pages.get(KEY, render)
    assert render.rendered == 2


@pytest.mark.parametrize(("seconds", "room"), [(0.0, ROOMY), (60.0, 0)])
async def test_nothing_is_kept_when_turned_off(seconds: float, room: int) -> None:
    render = Renderer()
    pages = PageCache(seconds, room)
    await pages.get(KEY, render)
    assert (await pages.get(KEY, render)).body == b"page 2"


async def test_every_change_notice_forgets_the_pages_even_a_malformed_one() -> None:
    pages = PageCache(60.0, ROOMY)
    changes = ViewChanges(pool=Any, pages=pages)  # type: ignore[arg-type] # no connection needed
    queue = changes.subscribe()
    for payload in ('{"districts": ["kista"], "areas": ["prevention"]}', "not json"):
        await pages.get(KEY, Renderer())
        changes._notified(None, 0, "coordination_view", payload)  # noqa: SLF001 - the listener
        assert len(pages) == 0
    assert queue.get_nowait() == {"districts": ["kista"], "areas": ["prevention"]}


async def test_a_fresh_page_is_rendered_for_the_caller_and_kept_for_the_others() -> None:
    pages = PageCache(60.0, ROOMY)
    await pages.get(KEY, Renderer(name="old"))
    slow = Renderer(gate=asyncio.Event(), name="slow")
    pages.forget()
    waiting = asyncio.create_task(pages.get(KEY, slow))
    await slow.started.wait()
    # neither the kept page nor one being rendered: its own (while the slow one still reads)
    assert (await pages.get(KEY, Renderer(name="fresh"), fresh=True)).body == b"fresh 1"
    assert (await pages.get(KEY, Renderer(name="next"))).body == b"fresh 1"
    slow.gate.set()  # type: ignore[union-attr]
    assert (await waiting).body == b"slow 1"
