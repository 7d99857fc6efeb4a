"""A realistic month of the programme's work, as events: ``month(epoch)``.

Five named districts, the central unit, the schools and a housing company publish
their plans, activities, contacts, referrals, consultations and trafficking cases in
the 30 days before ``epoch``. The same epoch always gives the same events.
"""

from __future__ import annotations

from datetime import date

from deploy.demo.scenario import care, outreach, plans, prevention, referrals, trafficking
from deploy.demo.scenario.kit import Month, Planned, check_cast, unique


def month(epoch: date) -> tuple[Planned, ...]:
    """Every event of the month before ``epoch``, in posting order."""
    check_cast()
    m = Month(epoch)
    plans.add_plans(m)
    prevention.add_activities(m)
    prevention.add_trainings(m)
    outreach.add_contacts(m)
    outreach.add_observations(m)
    outreach.add_operations(m)
    outreach.add_housing_signals(m)
    referrals.add_referrals(m)
    care.add_consultations(m)
    care.add_care(m)
    trafficking.add_cases(m)
    planned = m.in_posting_order()
    unique(planned)
    return planned
