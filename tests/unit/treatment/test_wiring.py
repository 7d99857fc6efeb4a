"""The service takes exactly the treatment events and treatment plans; building the app
connects to nothing; the district rule of follow-up events."""

from __future__ import annotations

import pytest
from treatment.app import SERVICE, create_app
from treatment.domain.steps import district_fits
from treatment.settings import Settings

from samverkan_contracts.base import ProgrammeArea
from samverkan_contracts.registry import EVENT_TYPES


def test_every_treatment_event_type_has_a_use_case() -> None:
    treatment = {t for t, spec in EVENT_TYPES.items() if spec.area is ProgrammeArea.TREATMENT}
    assert set(SERVICE.use_cases) == treatment
    assert len(treatment) == 15


def test_the_app_is_built_without_connecting() -> None:
    settings = Settings(database_host="192.0.2.1", kafka_bootstrap="192.0.2.1:9")
    app = create_app(settings)
    paths = set(app.openapi()["paths"])
    assert {"/events", "/referrals", "/referrals/{referral_id}", "/consultations"} <= paths
    assert {"/episodes", "/plans"} <= paths


def test_settings_are_prefixed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TREATMENT_HTTP_PORT", "9103")
    assert Settings().http_port == 9103
    assert Settings().database_name == "samverkan_treatment"


def test_a_follow_up_names_the_cases_district_or_the_actors_own() -> None:
    assert district_fits("kungsholmen", "kungsholmen", "socialtjanst")
    assert district_fits("kungsholmen", "rinkeby", "rinkeby")
    assert not district_fits("kungsholmen", "bromma", "socialtjanst")
