"""``python -m dashboard``: serve the dashboard (JSON logs without personal data, traces)."""

from dashboard.app import create_app
from dashboard.settings import Settings
from samverkan_common.serve import serve

settings = Settings()
serve("dashboard", lambda: create_app(settings), settings.http_host, settings.http_port)
