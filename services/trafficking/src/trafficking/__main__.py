"""``python -m trafficking``: serve the trafficking API."""

from samverkan_common.serve import serve
from trafficking.app import create_app
from trafficking.settings import Settings

settings = Settings()
serve("trafficking", lambda: create_app(settings), settings.http_host, settings.http_port)
