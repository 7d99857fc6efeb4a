"""The consent rule: which consent lets a sender refer a person to a receiver, on which day."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from treatment.domain.consent import (
    Consent,
    ConsentRefusedError,
    ConsentStatus,
    Validity,
    after_record,
    after_revoke,
    check_covers,
)
from treatment.domain.steps import ImpossibleStepError

from samverkan_contracts.events.treatment import ConsentPurpose

SUBJECT = "subj_" + "d" * 52
CONSENT = Consent(
    district="kungsholmen",
    subject_ref=SUBJECT,
    granting_organisation="kungsholmen",
    recipients=frozenset({"socialtjanst", "familjebostader"}),
    purpose=ConsentPurpose.REFERRAL,
    given_on=date(2026, 2, 28),
    valid_until=date(2026, 8, 31),
    status=ConsentStatus.RECORDED,
)
DAY = date(2026, 3, 2)


def check(consent: Consent | None, **changes: object) -> None:
    args: dict[str, object] = {
        "subject_ref": SUBJECT,
        "sender": "kungsholmen",
        "receiver": "socialtjanst",
        "day": DAY,
    }
    check_covers(consent, **{**args, **changes})  # type: ignore[arg-type]


def refusal(consent: Consent | None, **changes: object) -> ConsentRefusedError:
    with pytest.raises(ConsentRefusedError) as refused:
        check(consent, **changes)
    return refused.value


def test_an_active_consent_for_the_receiver_covers_the_referral() -> None:
    check(CONSENT)
    check(CONSENT, receiver="familjebostader")
    check(CONSENT, day=CONSENT.given_on)
    check(CONSENT, day=CONSENT.valid_until)


def test_no_consent_is_unknown() -> None:
    assert refusal(None).state == "unknown"


def test_another_organisations_consent_is_unknown_to_the_sender() -> None:
    assert refusal(CONSENT, sender="rinkeby").state == "unknown"


def test_a_receiver_not_among_the_recipients_is_refused() -> None:
    refused = refusal(CONSENT, receiver="rinkeby")
    assert refused.state == Validity.ACTIVE
    assert "rinkeby is not among" in str(refused)


def test_a_consent_about_another_person_is_refused() -> None:
    assert "another person" in str(refusal(CONSENT, subject_ref="subj_" + "e" * 52))


def test_a_revoked_consent_is_refused_whatever_the_day() -> None:
    revoked = dataclasses.replace(CONSENT, status=ConsentStatus.REVOKED)
    assert refusal(revoked).state == Validity.REVOKED


def test_an_expired_consent_is_refused_from_the_day_after_its_last_day() -> None:
    assert refusal(CONSENT, day=date(2026, 9, 1)).state == Validity.EXPIRED


def test_a_consent_is_not_valid_before_it_was_given() -> None:
    assert refusal(CONSENT, day=date(2026, 2, 27)).state == Validity.NOT_YET_VALID


@pytest.mark.parametrize("purpose", [p for p in ConsentPurpose if p is not ConsentPurpose.REFERRAL])
def test_a_consent_for_another_purpose_is_refused(purpose: ConsentPurpose) -> None:
    refused = refusal(dataclasses.replace(CONSENT, purpose=purpose))
    assert f"for {purpose}" in str(refused)


def test_recorded_once() -> None:
    assert after_record(None) is ConsentStatus.RECORDED
    for current in ConsentStatus:
        with pytest.raises(ImpossibleStepError):
            after_record(current)


def test_revoked_once_for_its_own_subject() -> None:
    assert after_revoke(CONSENT, subject_ref=SUBJECT) is ConsentStatus.REVOKED
    with pytest.raises(ImpossibleStepError) as refused:
        after_revoke(None, subject_ref=SUBJECT)
    assert refused.value.current == "unknown"
    revoked = dataclasses.replace(CONSENT, status=ConsentStatus.REVOKED)
    with pytest.raises(ImpossibleStepError) as refused:
        after_revoke(revoked, subject_ref=SUBJECT)
    assert refused.value.current == "revoked"
    with pytest.raises(ImpossibleStepError, match="another person"):
        after_revoke(CONSENT, subject_ref="subj_" + "f" * 52)
