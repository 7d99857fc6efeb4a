"""Rendering a page: the template, the person's navigation, the language and the labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import HTMLResponse

from dashboard.access import Page
from dashboard.errors import NotYours
from dashboard.i18n import Translator, language_of
from dashboard.sessions import Session
from dashboard.views import organisation_names

TEMPLATES = Jinja2Templates(directory=Path(__file__).with_name("templates"))
LANGUAGE_COOKIE = "lang"


def translator(request: Request) -> Translator:
    default: str = request.app.state.settings.default_language
    return Translator(language_of(request.cookies.get(LANGUAGE_COOKIE), default))


def here(request: Request) -> str:
    """This page's path and query, to come back to (after sign-in, a language switch)."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def allowed(session: Session, page: Page) -> Session:
    """The session, if its person may open ``page``; otherwise the page is refused."""
    if not session.person.may_open(page):
        raise NotYours
    return session


def render(  # noqa: PLR0913 - the parts of every page
    request: Request,
    template: str,
    *,
    session: Session | None,
    page: Page | None,
    title: str,
    status: int = 200,
    live: bool = False,
    live_district: str | None = None,
    **context: Any,
) -> HTMLResponse:
    t = translator(request)
    person = session.person if session else None
    values = {
        "t": t,
        "title": t(title),
        "person": person,
        "nav": person.pages() if person else [],
        "page": page,
        "csrf": session.csrf if session else "",
        "org_names": organisation_names(),
        "here": here(request),
        "live": live and person is not None and person.may_open(Page.OVERVIEW),
        "live_district": live_district,
        **context,
    }
    return TEMPLATES.TemplateResponse(request, template, values, status_code=status)
