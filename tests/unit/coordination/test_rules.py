"""Pure rules: referral status whatever the arrival order, waiting steps and deadlines,
consultation escalation, plan states, the audit chain, dead-letter redaction."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from itertools import permutations

from coordination.domain import rules
from coordination.domain.audit import GENESIS, AuditRecord, link, verify
from coordination.domain.deadletters import DeadLetter, redact
from coordination.domain.records import Record
from hypothesis import given
from hypothesis import strategies as st

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
DEADLINES = rules.Deadlines(
    referral_ack_hours={"urgent": 24, "routine": 72},
    referral_completion_days={"default": 180},
    consultation_escalation_hours=(0, 48),
)


def referral(**moments: datetime) -> rules.Referral:
    base = dict.fromkeys(
        ["district", "service", "respond_by", "sent_at", "received_at", "accepted_at",
         "declined_at", "completed_at", "withdrawn_at"]
    )  # fmt: skip
    values = {**base, "from_org": "kista", "to_org": "socialtjanst", "urgency": "routine"}
    return rules.Referral(referral_id="r", **{**values, **moments})  # type: ignore[arg-type]


def test_status_is_the_furthest_step_in_any_arrival_order() -> None:
    steps = {"sent_at": NOW, "received_at": NOW, "accepted_at": NOW}
    for order in permutations(steps):
        r = referral()
        for name in order:
            r = dataclasses.replace(r, **{name: steps[name]})  # type: ignore[arg-type]
        assert r.status is rules.ReferralStatus.ACCEPTED
    assert referral(accepted_at=NOW).status is rules.ReferralStatus.ACCEPTED
    assert referral(accepted_at=NOW, withdrawn_at=NOW).status is rules.ReferralStatus.WITHDRAWN


def test_a_sent_referral_waits_for_the_receiver_to_acknowledge() -> None:
    r = referral(sent_at=NOW - timedelta(hours=73))
    waiting = rules.referral_waiting(r, DEADLINES, NOW)
    assert waiting is not None
    assert (waiting.step, waiting.waiting_for, waiting.overdue) == (
        "acknowledge receipt", "socialtjanst", True)  # fmt: skip
    assert rules.unacknowledged(r, DEADLINES, NOW)
    assert not rules.unacknowledged(referral(sent_at=NOW - timedelta(hours=71)), DEADLINES, NOW)
    assert rules.referral_waiting(referral(sent_at=NOW, declined_at=NOW), DEADLINES, NOW) is None


def test_consultation_escalates_a_level_at_each_step_past_due() -> None:
    c = rules.Consultation("c", "kista", "kista", "socialtjanst", "assessment",
                           respond_by=NOW, requested_at=NOW - timedelta(days=3),
                           answered_at=None, closed_at=None)  # fmt: skip
    assert rules.escalation_level(c, DEADLINES, NOW - timedelta(hours=1)) == 0
    assert rules.escalation_level(c, DEADLINES, NOW + timedelta(hours=1)) == 1
    assert rules.escalation_level(c, DEADLINES, NOW + timedelta(hours=49)) == 2
    answered = dataclasses.replace(c, answered_at=NOW - timedelta(days=2))
    assert rules.escalation_level(answered, DEADLINES, NOW + timedelta(days=9)) == 0
    assert rules.median_response_hours([answered]) == 24.0


def test_plan_states() -> None:
    today = date(2026, 3, 1)
    assert rules.plan_state(None, None, today) is rules.PlanState.NONE
    assert rules.plan_state("adopted", date(2026, 2, 1), today) is rules.PlanState.PAST_REVIEW_DATE
    assert rules.plan_state("adopted", date(2026, 4, 1), today) is rules.PlanState.ADOPTED
    assert rules.plan_state("draft", date(2026, 2, 1), today) is rules.PlanState.DRAFT
    assert rules.plan_state("expired", date(2026, 4, 1), today) is rules.PlanState.EXPIRED


def _chain(n: int) -> list[tuple[AuditRecord, bytes, bytes]]:
    out, prev = [], GENESIS
    for seq in range(1, n + 1):
        record = AuditRecord(seq, NOW, "anna", "socialtjanst", ("specialist",), "journey.read",
                             "subj_x", "care planning")  # fmt: skip
        out.append((record, prev, link(prev, record)))
        prev = out[-1][2]
    return out


def test_the_audit_chain_names_the_first_broken_link() -> None:
    chain = _chain(5)
    assert verify(chain) == (5, None)
    record, prev, stored = chain[2]
    chain[2] = (dataclasses.replace(record, purpose="curiosity"), prev, stored)
    checked, broken = verify(chain)
    assert checked == 2
    assert broken is not None
    assert broken.seq == 3
    assert verify(_chain(5)[:2] + _chain(5)[3:])[1] is not None  # a removed record


def test_dead_letter_messages_are_redacted_and_headers_kept() -> None:
    message = redact(
        "bad subj_dtoldk24wx3gj4ius6liju6lz2vhvmeepfv4ns5mz3kdmyrbwana 19811218-9876 a@b.se"
    )
    assert "subj_dtold" not in message
    assert "9876" not in message
    assert "a@b.se" not in message
    record = Record(
        "samverkan.treatment.v1", 2, 41, 1700000000000, b"k", b"v", (("ce_type", b"x"),)
    )
    headers = dict(DeadLetter.of(record, ValueError("boom")).headers("group"))
    assert headers["ce_type"] == b"x"
    assert headers["dlt_original_offset"] == b"41"
    assert headers["dlt_error_class"] == b"ValueError"


@given(st.lists(st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=400))))
def test_the_median_from_the_two_middle_responses_is_the_median_of_all(
    responses: list[timedelta],
) -> None:
    answered = [
        rules.Consultation(str(i), "kista", "kista", "socialtjanst", "assessment",
                           respond_by=None, requested_at=NOW, answered_at=NOW + response,
                           closed_at=None)
        for i, response in enumerate(responses)
    ]  # fmt: skip
    ordered = sorted(responses)
    n = len(ordered)
    lower, upper = (ordered[(n - 1) // 2], ordered[n // 2]) if ordered else (None, None)
    assert rules.median_of_middles(lower, upper) == rules.median_response_hours(answered)
    assert rules.median_of_middles(None, None) is None
