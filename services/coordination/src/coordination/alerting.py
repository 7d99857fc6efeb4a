"""The alert rules, each with its reason and links; thresholds come from settings."""

from __future__ import annotations

from datetime import datetime

from coordination.domain import rules
from coordination.models import Alert
from coordination.reads import (
    AREAS,
    _consultation,
    _referral,
    deadlines,
    districts,
    today,
)
from coordination.settings import Settings
from coordination.store import queries
from samverkan_common.db import Connection


async def collect(
    conn: Connection, schema: str, settings: Settings, scope: list[str] | None, now: datetime
) -> list[Alert]:
    rules_ = deadlines(settings)
    found: list[Alert] = []
    for row in await queries.unacknowledged_referrals(
        conn, schema, scope, ack_hours=rules_.referral_ack_hours, now=now
    ):
        r = _referral(row)
        if rules.unacknowledged(r, rules_, now):
            hours = rules_.referral_ack_hours.get(r.urgency or "routine")
            found.append(
                Alert(
                    kind="referral_unacknowledged",
                    district=r.district,
                    area="treatment",
                    reason=f"sent to {r.to_org} and not acknowledged within {hours} h",
                    since=r.sent_at,
                    links={"referral": f"/referrals/{r.referral_id}"},
                )
            )
    for row in await queries.consultations(conn, schema, scope, waiting_only=True, due_before=now):
        c = _consultation(row)
        if c.respond_by is not None and now > c.respond_by:
            level = rules.escalation_level(c, rules_, now)
            found.append(
                Alert(
                    kind="consultation_unanswered",
                    district=c.district,
                    area="treatment",
                    reason=f"{c.requested_of} has not answered by the requested time "
                    f"(escalation level {level})",
                    since=c.respond_by,
                    links={"consultation": f"/consultations/{c.consultation_id}"},
                )
            )
    found += await _plans(conn, schema, scope, now)
    found += await _contacts(conn, schema, settings, scope, now)
    for row in await queries.housing_signal_clusters(
        conn,
        schema,
        scope,
        at_least=settings.housing_signals,
        days=settings.housing_signals_days,
        today=today(now),
    ):
        found.append(
            Alert(
                kind="housing_signals",
                district=row["district"],
                area="outreach",
                reason=f"{row['signals']} housing signals in {settings.housing_signals_days} days",
                since=row["first_on"],
                links={"overview": f"/overview?district={row['district']}"},
            )
        )
    return found


async def _plans(
    conn: Connection, schema: str, scope: list[str] | None, now: datetime
) -> list[Alert]:
    plans = {(r["district"], r["area"]): r for r in await queries.plans(conn, schema, scope)}
    found = []
    for district in districts(scope):
        for area in AREAS:
            plan = plans.get((district, area))
            state = rules.plan_state_of(plan, today(now))
            link = {"overview": f"/overview?district={district}"}
            if state in (rules.PlanState.NONE, rules.PlanState.EXPIRED):
                reason = "no action plan" if plan is None else "the action plan has expired"
                found.append(
                    Alert(
                        kind="plan_missing",
                        district=district,
                        area=area,
                        reason=reason,
                        since=None,
                        links=link,
                    )
                )
            elif state is rules.PlanState.PAST_REVIEW_DATE and plan is not None:
                found.append(
                    Alert(
                        kind="plan_past_review",
                        district=district,
                        area=area,
                        reason=f"the plan was due for review on {plan['next_review_on']}",
                        since=plan["next_review_on"],
                        links=link,
                    )
                )
    return found


async def _contacts(
    conn: Connection, schema: str, settings: Settings, scope: list[str] | None, now: datetime
) -> list[Alert]:
    rows = await queries.repeated_contacts(
        conn,
        schema,
        scope,
        at_least=settings.repeated_contacts,
        days=settings.repeated_contacts_days,
        today=today(now),
    )
    return [
        Alert(
            kind="repeated_contacts_no_referral",
            district=row["districts"][-1],
            area="outreach",
            reason=f"{row['contacts']} outreach contacts in {settings.repeated_contacts_days} "
            "days and no referral",
            since=row["first_at"],
            links={"journey": f"/subjects/{row['subject_ref']}/journey"},
            subject_ref=row["subject_ref"],
        )
        for row in rows
    ]
