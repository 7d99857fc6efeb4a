"""``python -m outreach``: serve the outreach API."""

import uvicorn

from outreach.app import create_app
from outreach.settings import Settings

settings = Settings()
uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port)
