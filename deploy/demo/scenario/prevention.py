"""Prevention: the districts' youth care, parents' evenings and online work, the schools'
lessons in every demo district, the central unit's online sessions, and staff training
(Kista asks and is trained; Farsta asks and waits; Rinkeby is trained unasked)."""

from __future__ import annotations

from deploy.demo.scenario.kit import (
    CENTRAL,
    DISTRICTS,
    FARSTA,
    KISTA,
    RINKEBY,
    SCHOOL,
    Month,
)
from samverkan_contracts.base import AgeBand
from samverkan_contracts.events import prevention as pv

_S, _T, _B = pv.ActivitySetting, pv.PreventionTopic, AgeBand

#: What the districts' own staff hold: (setting, topic, age band, participants, description).
_DISTRICT_WORK = (
    (_S.YOUTH_CARE, _T.GROOMING, _B.AGE_13_15, 14, "Group session on grooming signs"),
    (_S.PARENTS, _T.ONLINE_EXPLOITATION, _B.MIXED, 32, "Parents' evening on life online"),
    (_S.ONLINE, _T.SEX_FOR_COMPENSATION, _B.AGE_16_17, 41, "Chat evening with the online team"),
    (_S.YOUTH_CARE, _T.RELATIONSHIPS_AND_CONSENT, _B.AGE_16_17, 11, "Talk on consent"),
    (_S.PARENTS, _T.GROOMING, _B.MIXED, 18, "Parents' group on grooming and gifts"),
    (_S.YOUTH_CARE, _T.SEX_AS_SELF_HARM, _B.AGE_16_17, 6, "Group on sex as self-harm"),
)

#: The schools' lessons: (topic, age band, pupils, description).
_LESSONS = (
    (_T.GROOMING, _B.AGE_13_15, 27, "Lesson on online grooming for year 8"),
    (_T.PORNOGRAPHY, _B.AGE_16_17, 29, "Lesson on pornography and norms, upper secondary"),
    (_T.RELATIONSHIPS_AND_CONSENT, _B.AGE_13_15, 25, "Theme day on consent for year 9"),
    (_T.HUMAN_TRAFFICKING, _B.AGE_16_17, 31, "Lesson on human trafficking, upper secondary"),
)


def add_activities(month: Month) -> None:
    for i, district in enumerate(DISTRICTS):
        for k in range(5 + i % 2):
            setting, topic, band, people, text = _DISTRICT_WORK[(i + k) % len(_DISTRICT_WORK)]
            day = 2 + (i * 3 + k * 6) % 27
            month.add(
                pv.ActivityHeld(
                    activity_id=month.id(f"activity/{district}/{k}"),
                    held_on=month.date(day),
                    setting=setting,
                    topic=topic,
                    participants=people + (i * 3 + k) % 7,
                    age_band=band,
                    description=text,
                ),
                key=f"activity/{district}/{k}",
                by=district,
                about=district,
                when=month.at(day, 18 if setting is _S.PARENTS else 15),
            )
        for k in range(3):
            topic, band, pupils, text = _LESSONS[(i + k) % len(_LESSONS)]
            day = month.workday(3 + (i * 4 + k * 9) % 26)
            month.add(
                pv.ActivityHeld(
                    activity_id=month.id(f"lesson/{district}/{k}"),
                    held_on=month.date(day),
                    setting=_S.SCHOOL,
                    topic=topic,
                    participants=pupils - (i + k) % 4,
                    age_band=band,
                    description=text,
                ),
                key=f"lesson/{district}/{k}",
                by=SCHOOL,
                about=district,
                when=month.at(day, 10 + k),
            )
    for k, district in enumerate(DISTRICTS[:3]):
        day = 7 + k * 8
        month.add(
            pv.ActivityHeld(
                activity_id=month.id(f"webinar/{district}"),
                held_on=month.date(day),
                setting=_S.ONLINE,
                topic=_T.ONLINE_EXPLOITATION if k % 2 else _T.SEX_FOR_COMPENSATION,
                participants=23 + 5 * k,
                age_band=_B.AGE_18_24,
                description="Live online session with the central unit's specialists",
            ),
            key=f"webinar/{district}",
            by=CENTRAL,
            about=district,
            when=month.at(day, 19),
        )


def add_trainings(month: Month) -> None:
    kista = month.flow(f"training/{KISTA}")
    kista.then(
        "requested",
        pv.TrainingRequested(
            request_id=month.id(f"training/{KISTA}"),
            requested_by=KISTA,
            topic=_T.SEX_FOR_COMPENSATION,
            audience=pv.StaffGroup.SOCIAL_SERVICES,
            expected_participants=15,
            wanted_by=month.date(26),
            note="New staff in the youth unit since last term",
        ),
        by=KISTA,
        about=KISTA,
        when=month.at(month.workday(3), 11),
    )
    kista.then(
        "delivered",
        pv.TrainingDelivered(
            training_id=month.id(f"training/{KISTA}/delivery"),
            request_id=month.id(f"training/{KISTA}"),
            delivered_by=CENTRAL,
            delivered_to=KISTA,
            delivered_on=month.date(month.workday(24)),
            topic=_T.SEX_FOR_COMPENSATION,
            audience=pv.StaffGroup.SOCIAL_SERVICES,
            participants=14,
        ),
        by=CENTRAL,
        about=KISTA,
        when=month.at(month.workday(24), 16),
    )
    month.add(
        pv.TrainingRequested(
            request_id=month.id(f"training/{FARSTA}"),
            requested_by=FARSTA,
            topic=_T.GROOMING,
            audience=pv.StaffGroup.YOUTH_CARE,
            expected_participants=12,
            wanted_by=month.date(60),
        ),
        key=f"training/{FARSTA}/requested",
        by=FARSTA,
        about=FARSTA,
        when=month.at(month.workday(18), 13),
    )
    month.add(
        pv.TrainingDelivered(
            training_id=month.id(f"training/{RINKEBY}/delivery"),
            delivered_by=CENTRAL,
            delivered_to=RINKEBY,
            delivered_on=month.date(month.workday(10)),
            topic=_T.HUMAN_TRAFFICKING,
            audience=pv.StaffGroup.OUTREACH,
            participants=9,
        ),
        key=f"training/{RINKEBY}/delivered",
        by=CENTRAL,
        about=RINKEBY,
        when=month.at(month.workday(10), 15),
    )
