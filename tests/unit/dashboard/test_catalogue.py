"""One catalogue, two languages: every label the pages and the data can ask for is there in
Swedish and English, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from dashboard import errors, views
from dashboard.access import Page
from dashboard.handlers.cases import PLAN_STATES
from dashboard.handlers.oversight import FAMILIES
from dashboard.i18n import LANGUAGES, Translator, catalogue

from samverkan_contracts.events import treatment as t

TEMPLATES = Path(views.__file__).with_name("templates")
CODES = {
    "plan": PLAN_STATES,
    "plan.help": PLAN_STATES,
    "area": views.AREAS,
    "status": views.BOARD_STATUSES,
    "waits": ("incomplete", "sent", "received", "accepted"),
    "service": tuple(t.ReferralService),
    "urgency": tuple(t.Urgency),
    "decline": tuple(t.DeclineReason),
    "outcome": tuple(t.ReferralOutcome),
    "question": tuple(t.ConsultationQuestion),
    "event": tuple(FAMILIES),
    "alert": (
        "referral_unacknowledged",
        "consultation_unanswered",
        "plan_missing",
        "plan_past_review",
        "repeated_contacts_no_referral",
        "housing_signals",
    ),
    "alerts.link": ("referral", "consultation", "overview", "journey"),
    "nav": tuple(p.value for p in Page),
}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_label_has_both_languages_with_the_same_placeholders() -> None:
    for key, entry in catalogue().items():
        assert set(entry) == set(LANGUAGES), key
        assert all(isinstance(text, str) and text for text in entry.values()), key
        assert placeholders(entry["sv"]) == placeholders(entry["en"]), key


def test_every_label_the_templates_use_is_in_the_catalogue() -> None:
    used = {
        key
        for path in TEMPLATES.glob("*.html")
        for key in re.findall(r"\bt\('([a-z_.]+)'", path.read_text("utf-8"))
        if not key.endswith(".")
    }
    assert used
    assert used <= set(catalogue()), used - set(catalogue())


@pytest.mark.parametrize("prefix", sorted(CODES))
def test_every_code_of_the_data_has_a_label(prefix: str) -> None:
    missing = [code for code in CODES[prefix] if f"{prefix}.{code}" not in catalogue()]
    assert missing == []


def test_every_error_page_has_a_title_and_a_text() -> None:
    kinds: list[type[errors.PageError]] = [errors.PageError, *errors.PageError.__subclasses__()]
    for kind in kinds:
        assert f"{kind.message}.title" in catalogue()
        assert f"{kind.message}.text" in catalogue()


def test_numbers_and_times_follow_the_language() -> None:
    sv, en = Translator("sv"), Translator("en")
    assert sv.number(1234.5, 1) == "1\u00a0234,5"
    assert en.number(1234.5, 1) == "1,234.5"
    assert sv.when("2026-11-28T11:00:00Z") == "2026-11-28 12:00"  # Stockholm, winter time
    assert sv.when("2026-07-01T11:00:00Z") == "2026-07-01 13:00"  # summer time
    assert sv.when(None) == "\u2013"
    assert sv.maybe("plan", "adopted") == "Antagen"
    assert en.maybe("plan", "adopted") == "Adopted"
    assert sv.maybe("plan", "a_state_from_the_future") == "a_state_from_the_future"
    assert Translator("fi").language == "sv"
