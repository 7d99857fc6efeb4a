"""Prevention service: activities, staff trainings, prevention and holistic plans."""
