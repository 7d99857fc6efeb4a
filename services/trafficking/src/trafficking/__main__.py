"""``python -m trafficking``: serve the trafficking API."""

import uvicorn

from trafficking.app import create_app
from trafficking.settings import Settings

settings = Settings()
uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port)
