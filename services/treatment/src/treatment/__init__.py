"""Treatment service: closed-loop referrals, consultations, treatment episodes, housing offers
and consent, with the state machines that keep them honest."""
