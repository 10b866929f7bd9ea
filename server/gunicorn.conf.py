"""Gunicorn settings, read by itself when started in server/ (``gunicorn --chdir server
wsgi:app``, and ``scripts/run``). Command-line options still win."""

# The access log masks signed photo links, OAuth codes and invitation codes.
logger_class = "liaison.core.accesslog.GunicornLogger"
