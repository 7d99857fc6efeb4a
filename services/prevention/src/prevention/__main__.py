"""``python -m prevention``: serve the prevention API."""

from prevention.app import create_app
from prevention.settings import Settings
from samverkan_common.serve import serve

settings = Settings()
serve("prevention", lambda: create_app(settings), settings.http_host, settings.http_port)
