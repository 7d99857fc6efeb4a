"""Data models: frozen, closed, self-describing; rules that live in the models."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from samverkan_contracts.base import EventData, ProgrammeArea, WireModel
from samverkan_contracts.errors import IdentityNumberFoundError
from samverkan_contracts.events import outreach, plans
from samverkan_contracts.events.treatment import LegalBasis, ReferralDeclined, ReferralSent
from samverkan_contracts.organisations import (
    OrganisationKind,
    load_organisations,
    parse_organisations,
)
from samverkan_contracts.registry import EVENT_TYPES

REF = "subj_dtoldk24wx3gj4ius6liju6lz2vhvmeepfv4ns5mz3kdmyrbwana"


def _all_models() -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = [spec.model for spec in EVENT_TYPES.values()]
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.append(model)
        pending.extend(
            arg
            for field in model.model_fields.values()
            for arg in _types_in(field.annotation)
            if isinstance(arg, type) and issubclass(arg, BaseModel)
        )
    return seen


def _types_in(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", ())
    return [annotation, *(t for a in args for t in _types_in(a))]


MODELS = _all_models()


def test_nested_models_are_found() -> None:
    assert plans.Measure in MODELS


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_models_are_frozen_closed_wire_models(model: type[BaseModel]) -> None:
    assert issubclass(model, WireModel)
    assert model.model_config.get("frozen") is True
    assert model.model_config.get("extra") == "forbid"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_is_described_with_examples_that_validate(model: type[BaseModel]) -> None:
    assert model.__doc__
    for name, field in model.model_fields.items():
        assert field.description, f"{model.__name__}.{name} has no description"
        assert field.examples, f"{model.__name__}.{name} has no example"
        annotation: Any = field.annotation
        if field.metadata:
            annotation = Annotated[annotation, *field.metadata]
        adapter: TypeAdapter[Any] = TypeAdapter(annotation)
        for example in field.examples:
            adapter.validate_python(example)


def test_enums_are_closed_string_vocabularies() -> None:
    for model in MODELS:
        for field in model.model_fields.values():
            for kind in _types_in(field.annotation):
                if isinstance(kind, type) and issubclass(kind, enum.Enum):
                    assert issubclass(kind, enum.StrEnum)
                    assert all(v.value == v.value.lower() for v in kind)


def _referral(**changes: Any) -> dict[str, Any]:
    base = {
        "referral_id": str(uuid.uuid4()),
        "subject_ref": REF,
        "from_organisation": "kista",
        "to_organisation": "socialtjanst",
        "service": "exit_support",
        "urgency": "routine",
        "respond_by": datetime(2026, 3, 5, 16, tzinfo=UTC).isoformat(),
    }
    return {**base, **changes}


def test_a_referral_needs_exactly_one_of_consent_and_legal_basis() -> None:
    ReferralSent.model_validate(_referral(consent_id=str(uuid.uuid4())))
    ReferralSent.model_validate(_referral(legal_basis="lvu"))
    for bad in (_referral(), _referral(consent_id=str(uuid.uuid4()), legal_basis="lvu")):
        with pytest.raises(ValidationError, match="either consent_id or legal_basis"):
            ReferralSent.model_validate(bad)


def test_legal_basis_is_a_fixed_list() -> None:
    assert {b.value for b in LegalBasis} == {
        "sol-child-concern", "lvu", "lvm", "lpt", "osl-10-2", "osl-10-28",
    }  # fmt: skip
    with pytest.raises(ValidationError):
        ReferralSent.model_validate(_referral(legal_basis="because-i-said-so"))


def test_a_referral_goes_between_two_organisations() -> None:
    with pytest.raises(ValidationError, match="two different organisations"):
        ReferralSent.model_validate(_referral(legal_basis="lvu", to_organisation="kista"))


def test_a_decline_needs_a_reason() -> None:
    rid = str(uuid.uuid4())
    with pytest.raises(ValidationError, match="reason"):
        ReferralDeclined.model_validate({"referral_id": rid, "declined_by": "kista"})
    with pytest.raises(ValidationError, match="explanation is required"):
        ReferralDeclined.model_validate(
            {"referral_id": rid, "declined_by": "kista", "reason": "other"}
        )


def test_a_contact_is_either_anonymous_or_about_one_subject() -> None:
    base = {"contact_id": str(uuid.uuid4()), "contacted_at": "2026-02-14T22:40:00+01:00",
            "arena": "street", "age_band": "18-24"}  # fmt: skip
    outreach.ContactMade.model_validate({**base, "anonymous_count": 2})
    outreach.ContactMade.model_validate({**base, "subject_ref": REF})
    for bad in (base, {**base, "anonymous_count": 2, "subject_ref": REF}):
        with pytest.raises(ValidationError, match="either subject_ref or anonymous_count"):
            outreach.ContactMade.model_validate(bad)


def test_only_housing_companies_report_housing_signals() -> None:
    signal = {"signal_id": str(uuid.uuid4()), "property_ref": "SH-1", "observed_on": "2026-02-02",
              "indicators": ["neighbour_reports"]}  # fmt: skip
    outreach.HousingSignalReported.model_validate({**signal, "reported_by": "stockholmshem"})
    with pytest.raises(ValidationError, match="housing company"):
        outreach.HousingSignalReported.model_validate({**signal, "reported_by": "kista"})


def test_models_are_frozen_and_refuse_unknown_fields() -> None:
    event = ReferralSent.model_validate(_referral(legal_basis="lvu"))
    with pytest.raises(ValidationError):
        event.urgency = "urgent"  # type: ignore[assignment]
    with pytest.raises(ValidationError, match="Extra inputs"):
        ReferralSent.model_validate(_referral(legal_basis="lvu", personal_number="x"))


def test_validation_errors_never_echo_the_input() -> None:
    with pytest.raises(ValidationError) as info:
        ReferralSent.model_validate(_referral(legal_basis="lvu", urgency="Anna Andersson"))
    assert "Anna Andersson" not in str(info.value)


def test_organisations_are_data_with_kinds() -> None:
    orgs = load_organisations()
    assert len(orgs.of_kind(OrganisationKind.DISTRICT)) == 18
    assert {o.code for o in orgs.of_kind(OrganisationKind.CENTRAL)} == {
        "socialtjanst",
        "utbildning",
    }
    assert len(orgs.of_kind(OrganisationKind.COMPANY)) == 3
    assert set(orgs.programme_areas) == {a.value for a in ProgrammeArea}
    assert orgs.get("spanga-tensta") is not None
    assert orgs.get("spanga-tensta").name == "Spånga-Tensta"  # type: ignore[union-attr]


def test_organisation_codes_are_checked_against_the_data() -> None:
    received_model = EVENT_TYPES["se.stockholm.samverkan.treatment.referral.received.v1"].model
    for org in load_organisations():
        received = {"referral_id": str(uuid.uuid4()), "received_by": org.code}
        assert received_model.model_validate(received).received_by == org.code
    for code in ("vasastan", "kista-x", "stockholmshem-ab"):  # well-formed, not in the data
        received = {"referral_id": str(uuid.uuid4()), "received_by": code}
        with pytest.raises(ValidationError) as info:
            received_model.model_validate(received)
        assert info.value.errors(include_url=False, include_context=False) == [
            {
                "type": "value_error",
                "loc": ("received_by",),
                "msg": "Value error, unknown organisation code "
                "(see samverkan_contracts/organisations.yaml)",
                "input": code,
            }
        ]


def test_malformed_organisation_data_is_refused() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        parse_organisations({"districts": [{"code": "a", "name": "A"}, {"code": "a", "name": "B"}]})
    with pytest.raises(ValueError, match="no organisations"):
        parse_organisations({})


def test_event_data_is_the_base_of_every_registered_model() -> None:
    assert all(issubclass(spec.model, EventData) for spec in EVENT_TYPES.values())


def test_the_guard_is_part_of_model_validation_at_every_level() -> None:
    with pytest.raises(IdentityNumberFoundError) as info:
        ReferralSent.model_validate(_referral(legal_basis="lvu", reason="pnr 811218-9876"))
    assert info.value.paths == ("$.reason",)
    with pytest.raises(IdentityNumberFoundError):
        plans.Measure(title="x", owner="Anna 19811218 9876", due_on="2026-01-01", status="done")  # type: ignore[arg-type]
    measure = {"title": "x", "owner": "811218+9876", "due_on": "2026-01-01", "status": "done"}
    plan = {"plan_id": str(uuid.uuid4()), "revision": 1, "title": "t", "status": "draft",
            "next_review_on": "2027-01-01", "measures": [measure]}  # fmt: skip
    with pytest.raises(IdentityNumberFoundError) as info:
        plans.TreatmentPlanUpdated.model_validate(plan)
    assert info.value.paths == ("$.measures[0].owner",)
    assert "9876" not in str(info.value)
