"""Prometheus metrics at ``GET /metrics``: requests, latencies, scans (counted as they
are answered) and, read at scrape time, queue lengths and notification outcomes.

Under gunicorn every worker process counts on its own; with ``PROMETHEUS_MULTIPROC_DIR``
set (deploy/systemd/liaison-web.service, scripts/run) prometheus-client's multiprocess
mode adds them up on each scrape, and deploy/gunicorn.conf.py's ``child_exit`` hook
retires a dead worker's files. ``/metrics`` answers loopback (a Prometheus on the same
machine, or through nginx, which refuses it from outside) or a request bearing
``METRICS_TOKEN``; anyone else gets a 404.
"""
from __future__ import annotations

import hmac
import ipaddress
import time

from apiflask import APIBlueprint
from flask import Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

bp = APIBlueprint("metrics", __name__, enable_openapi=False)  # for Prometheus, not the API document

REQUESTS = Counter("liaison_http_requests_total", "HTTP requests answered", ["method", "endpoint", "status"])
LATENCY = Histogram("liaison_http_request_duration_seconds", "Time to answer a request", ["endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
SCANS = Counter("liaison_scans_total", "Station and deputy code scans answered", ["result"])
SCAN_ENDPOINT = "codes.resolve_code"
SCAN_RESULTS = {200: "ok", 404: "unknown", 410: "replaced"}


def init_app(app) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def _start_clock():
        g._metrics_started = time.perf_counter()

    # The labelled children, looked up once each (``labels()`` takes a lock every call).
    latency, counters, scans = {}, {}, {}

    @app.after_request
    def _count(response):
        started = g.pop("_metrics_started", None)
        endpoint = request.endpoint or "unmatched"  # one label per route, never per URL
        if started is not None and endpoint != "metrics.metrics":
            status = response.status_code
            timer = latency.get(endpoint) or latency.setdefault(endpoint, LATENCY.labels(endpoint))
            timer.observe(time.perf_counter() - started)
            key = (request.method, endpoint, status)
            counter = counters.get(key) or counters.setdefault(key, REQUESTS.labels(key[0], endpoint, str(status)))
            counter.inc()
            if endpoint == SCAN_ENDPOINT:
                scan = scans.get(status) or scans.setdefault(
                    status, SCANS.labels(SCAN_RESULTS.get(status, "refused")))
                scan.inc()
        return response


class _StateCollector:
    """Read at scrape time: rq's queue lengths, the outbox's notifications by status."""

    def __init__(self, app):
        self.app = app

    def collect(self):
        from sqlalchemy import func, select

        from .db import db
        from .extensions import get_queue

        queue = GaugeMetricFamily("liaison_queue_jobs", "rq jobs by state", labels=["queue", "state"])
        outbox = GaugeMetricFamily("liaison_notifications", "Outbox notifications by status", labels=["status"])
        with self.app.app_context():
            try:
                q = get_queue()
                queue.add_metric([q.name, "queued"], q.count)
                queue.add_metric([q.name, "started"], q.started_job_registry.count)
                queue.add_metric([q.name, "failed"], q.failed_job_registry.count)
            except Exception:  # Redis down: the metric is missing, /readyz says why
                pass
            table = db.metadata.tables["notifications"]  # the outbox (notifications.models), by name:
            try:                                          # core imports no capability
                for status, count in db.session.execute(
                        select(table.c.status, func.count()).group_by(table.c.status)):
                    outbox.add_metric([status], count)
            except Exception:  # database down: the metric is missing, /readyz says why
                pass
            finally:
                db.session.remove()
        yield queue
        yield outbox


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given, f"Bearer {token}"):
        return True
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.get("/metrics")
@bp.doc(hide=True)
def metrics():
    if not _allowed():
        return Response(status=404)
    registry = CollectorRegistry()
    if current_app.config["PROMETHEUS_MULTIPROC_DIR"]:  # prometheus-client reads the same variable
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(_state_registry())
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


def _state_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(_StateCollector(current_app._get_current_object()))
    return registry
