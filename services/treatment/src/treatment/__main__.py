"""``python -m treatment``: serve the treatment API."""

from samverkan_common.serve import serve
from treatment.app import create_app
from treatment.settings import Settings

settings = Settings()
serve("treatment", lambda: create_app(settings), settings.http_host, settings.http_port)
