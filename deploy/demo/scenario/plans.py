"""The districts' action plans: every area covered somewhere, gaps elsewhere.

Kungsholmen has an adopted plan in every area; Rinkeby drafts its outreach plan and
adopts it during the month; Kista's prevention plan is past its review date; Farsta's
prevention plan is still a draft; Skärholmen has plans in two areas only.
"""

from __future__ import annotations

from deploy.demo.scenario.kit import FARSTA, KISTA, KUNGSHOLMEN, RINKEBY, SKARHOLMEN, Month
from samverkan_contracts.base import ProgrammeArea
from samverkan_contracts.events import plans as p
from samverkan_contracts.organisations import load_organisations

_A = ProgrammeArea
_S = p.PlanStatus
_MODELS: dict[ProgrammeArea, type[p.PlanUpdated]] = {
    _A.HOLISTIC: p.HolisticPlanUpdated,
    _A.PREVENTION: p.PreventionPlanUpdated,
    _A.OUTREACH: p.OutreachPlanUpdated,
    _A.TREATMENT: p.TreatmentPlanUpdated,
    _A.TRAFFICKING: p.TraffickingPlanUpdated,
}

#: (title, owner) of the measures of each area's plans.
_MEASURES: dict[ProgrammeArea, tuple[tuple[str, str], ...]] = {
    _A.HOLISTIC: (
        ("Name a contact person for the programme in every unit", "District director"),
        ("Report the programme's indicators to the council twice a year", "Planning unit"),
    ),
    _A.PREVENTION: (
        ("Train all youth-unit staff in grooming signs", "Head of the youth unit"),
        ("Offer every school a parents' evening on life online", "Prevention coordinator"),
        ("Add sex as self-harm to the youth clinic's intake questions", "Youth clinic manager"),
    ),
    _A.OUTREACH: (
        ("Evening field work with the central unit once a month", "Field team leader"),
        ("Monitor local escort ads every week", "Field team leader"),
    ),
    _A.TREATMENT: (
        ("Refer to the central exit programme within a week of a request", "Head of adult care"),
        ("Agree a housing route with the housing companies", "Head of adult care"),
    ),
    _A.TRAFFICKING: (
        ("Use the national indicator checklist in every assessment", "Head of social services"),
    ),
}

_M = p.MeasureStatus
_MEASURE_STATUS = (_M.DONE, _M.IN_PROGRESS, _M.PLANNED)

#: The plans as they stand at the end of the month:
#: (district, area, status, adopted: days before the epoch or None, review: days after it).
PlanRow = tuple[str, ProgrammeArea, p.PlanStatus, int | None, int]
PLANS: tuple[PlanRow, ...] = (
    (KUNGSHOLMEN, _A.HOLISTIC, _S.ADOPTED, 380, 350),
    (KUNGSHOLMEN, _A.PREVENTION, _S.ADOPTED, 380, 350),
    (KUNGSHOLMEN, _A.OUTREACH, _S.ADOPTED, 200, 165),
    (KUNGSHOLMEN, _A.TREATMENT, _S.ADOPTED, 200, 165),
    (KUNGSHOLMEN, _A.TRAFFICKING, _S.ADOPTED, 90, 270),
    (RINKEBY, _A.HOLISTIC, _S.ADOPTED, 300, 60),
    (RINKEBY, _A.PREVENTION, _S.ADOPTED, 300, 60),
    (RINKEBY, _A.TREATMENT, _S.ADOPTED, 150, 210),
    (KISTA, _A.HOLISTIC, _S.ADOPTED, 250, 110),
    (KISTA, _A.PREVENTION, _S.ADOPTED, 410, -12),  # past its review date
    (KISTA, _A.OUTREACH, _S.ADOPTED, 120, 240),
    (FARSTA, _A.HOLISTIC, _S.UNDER_REVIEW, 370, 20),
    (FARSTA, _A.PREVENTION, _S.DRAFT, None, 45),
    (FARSTA, _A.TREATMENT, _S.ADOPTED, 180, 185),
    (SKARHOLMEN, _A.HOLISTIC, _S.ADOPTED, 330, 30),
    (SKARHOLMEN, _A.PREVENTION, _S.ADOPTED, 330, 30),
)


def _plan(month: Month, row: PlanRow, revision: int = 1) -> p.PlanUpdated:
    district, area, status, adopted, review = row
    orgs = load_organisations()
    name = orgs.get(district)
    title = f"{name.name if name else district}: handlingsplan, {orgs.programme_areas[area]}"
    measures = tuple(
        p.Measure(
            title=title_,
            owner=owner,
            due_on=month.date(30 + 60 * (i + 1)),
            status=_M.PLANNED if status is _S.DRAFT else _MEASURE_STATUS[i % 3],
        )
        for i, (title_, owner) in enumerate(_MEASURES[area])
    )
    return _MODELS[area](
        plan_id=month.id(f"plan/{district}/{area}"),
        revision=revision,
        title=title,
        status=status,
        adopted_on=None if adopted is None else month.date(31 - adopted),
        next_review_on=month.date(31 + review),
        measures=measures,
    )


def add_plans(month: Month) -> None:
    """Each district's system publishes its plans in the first days of the month."""
    for i, row in enumerate(PLANS):
        district, area = row[0], row[1]
        month.add(
            _plan(month, row),
            key=f"plan/{district}/{area}/1",
            by=district,
            about=district,
            when=month.at(month.workday(1 + i % 3), 8, 30 + i),
        )
    # Rinkeby's outreach plan: drafted early in the month, adopted by the council on day 19.
    flow = month.flow(f"plan/{RINKEBY}/outreach")
    draft = _plan(month, (RINKEBY, _A.OUTREACH, _S.DRAFT, None, 30))
    flow.then("1", draft, by=RINKEBY, about=RINKEBY, when=month.at(4, 14))
    final = _plan(month, (RINKEBY, _A.OUTREACH, _S.ADOPTED, 12, 365), revision=2)
    flow.then("2", final, by=RINKEBY, about=RINKEBY, when=month.at(20, 9, 15))
