"""``python -m prevention``: serve the prevention API."""

import uvicorn

from prevention.app import create_app
from prevention.settings import Settings

settings = Settings()
uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port)
