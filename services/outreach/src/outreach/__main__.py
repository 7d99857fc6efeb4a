"""``python -m outreach``: serve the outreach API."""

from outreach.app import create_app
from outreach.settings import Settings
from samverkan_common.serve import serve

settings = Settings()
serve("outreach", lambda: create_app(settings), settings.http_host, settings.http_port)
