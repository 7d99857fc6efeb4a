"""``python -m treatment``: serve the treatment API."""

import uvicorn

from treatment.app import create_app
from treatment.settings import Settings

settings = Settings()
uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port)
