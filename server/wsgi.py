"""WSGI entry point for gunicorn: ``gunicorn --chdir server wsgi:app``."""
from liaison import create_app

app = create_app()
