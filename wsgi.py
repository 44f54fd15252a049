"""Entry point for `flask` and gunicorn: `gunicorn wsgi:app`."""

from plm import create_app

app = create_app()
