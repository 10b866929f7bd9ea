"""The environment of a real process the tests start (``flask worker``, ``flask scheduler``):
the session's database, Redis, fake WeChat and clock, nothing inherited that could
point it elsewhere."""
from __future__ import annotations

import os
from pathlib import Path

SERVER_DIR = Path(__import__("liaison").__file__).resolve().parents[1]


def app_env(base_config: dict, **extra: str) -> dict:
    from liaison.core import clock

    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTIFICATION_", "WECHAT_"))}
    env.update(
        DATABASE_URL=base_config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=base_config["REDIS_URL"],
        WECHAT_API_BASE=base_config["WECHAT_API_BASE"], WECHAT_OAUTH_BASE=base_config["WECHAT_OAUTH_BASE"],
        INSTANCE_PATH=base_config["INSTANCE_PATH"], SECRET_KEY=base_config["SECRET_KEY"],
        FLASK_APP="wsgi:app", PYTHONPATH=str(SERVER_DIR), SESSION_COOKIE_SECURE="0", LIAISON_TESTING="1")
    env.update(clock.environment())  # the process keeps the suite's time (--clock)
    env.update(extra)
    return env


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc), in its process group or not."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        children = [p for p, pp in parents.items() if pp in frontier]
        found += children
        frontier = children
    return found
