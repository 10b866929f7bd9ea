"""gunicorn for a real deployment: deploy/systemd/liaison-web.service runs
``gunicorn -c /srv/liaison/deploy/gunicorn.conf.py --chdir /srv/liaison/server wsgi:app``.
Command-line options still win (a second web process on one machine: ``--bind 127.0.0.1:8001``)."""
import multiprocessing

# The access log masks signed photo links, OAuth codes and invitation codes.
logger_class = "liaison.core.accesslog.GunicornLogger"
accesslog = "-"  # to journald through stdout
errorlog = "-"

bind = "127.0.0.1:8000"  # nginx's upstream (deploy/nginx/liaison.conf); never exposed directly
worker_class = "gthread"  # threads: requests mostly wait on PostgreSQL, Redis and WeChat
workers = max(2, min(multiprocessing.cpu_count(), 8))
threads = 4
timeout = 30  # no request does long work: posters, exports and messages are rq jobs
graceful_timeout = 20  # a deploy lets running requests finish
keepalive = 5  # nginx keeps upstream connections open (keepalive 32)
max_requests = 5000  # recycle workers now and then (Pillow and fpdf2 hold memory)
max_requests_jitter = 500
forwarded_allow_ips = "127.0.0.1"  # X-Forwarded-Proto only from the local nginx
# No gunicornc control socket: nothing here uses it, and two gunicorns on one machine would
# share its default path ($HOME/.gunicorn/gunicorn.ctl), the second taking over the first's.
control_socket_disable = True


def child_exit(server, worker):
    """A dead worker's metrics files are retired (prometheus-client's multiprocess mode)."""
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
