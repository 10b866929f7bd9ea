"""Gunicorn settings, read by itself when started in server/ (``gunicorn --chdir server
wsgi:app``, and ``scripts/run``). Command-line options still win."""

# The access log masks signed photo links, OAuth codes and invitation codes.
logger_class = "liaison.core.accesslog.GunicornLogger"


def child_exit(server, worker):
    """A dead worker's metrics files are retired (prometheus-client's multiprocess mode)."""
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
