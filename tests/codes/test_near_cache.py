"""Each web process's own copy of the public answers (places.public_cache.Near) and the
scan count sent without waiting (codes.scans.send_scan): a repeated scan needs no Redis
round trip, a change anywhere is forgotten at once, and every scan still counts once."""
from __future__ import annotations

import time

from codes_helpers import WANGYUEHU, token_of


def _wait(condition, what, timeout=10.0):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.01)


def _copy(app):
    from liaison.places import public_cache

    return app.extensions[public_cache.NEAR]


def _flushed(app) -> int:
    from liaison.codes.scans import flush_scans

    with app.app_context():
        return flush_scans()


def _served(app, client, places):
    """(token, its answer's key, the process copy) after one scan of 望月湖's code."""
    from liaison.places import public_cache

    token = token_of(app, "station", places["station"][WANGYUEHU])
    client.get(f"/api/v1/codes/{token}")
    with app.app_context():
        key = public_cache.key_for("code", token)
    copy = _copy(app)
    assert copy.get(key) is not None
    return token, key, copy


def test_a_repeated_scan_comes_from_the_process_copy_and_still_counts(app, client, places):
    from liaison.core.extensions import get_redis
    from liaison.places import public_cache

    token = token_of(app, "station", places["station"][WANGYUEHU])
    assert client.get(f"/api/v1/codes/{token}").status_code == 200  # built: Redis and the copy
    with app.app_context():
        key = public_cache.key_for("code", token)
        assert _copy(app).subscribed and _copy(app).get(key) is not None
        get_redis().delete(key)  # gone from Redis: only the process copy can answer now
    for _ in range(5):
        answer = client.get(f"/api/v1/codes/{token}")
        assert answer.status_code == 200 and answer.get_json()["station"]["name"] == WANGYUEHU
    with app.app_context():
        assert get_redis().get(key) is None  # nobody went to Redis or rebuilt it
    assert _flushed(app) == 6  # every scan counted, the five sent without a wait too


def test_a_change_committed_by_another_app_reaches_this_process_copy(app, client, places, base_config):
    from liaison import create_app
    from liaison.core.db import db
    from liaison.places import public_cache
    from liaison.places.models import Station

    station_id = places["station"][WANGYUEHU]
    token = token_of(app, "station", station_id)
    client.get(f"/api/v1/codes/{token}")
    other = create_app(dict(base_config))  # another process's app: its own Redis client
    with other.app_context():
        station = db.session.get(Station, station_id)
        station.notice = "本周六停止接待"
        db.session.commit()
    assert client.get(f"/api/v1/codes/{token}").get_json()["station"]["notice"] == "本周六停止接待"


def test_an_invalidation_published_by_another_process_drops_the_copy(app, client, places, redis_server):
    from liaison.places import public_cache

    token, key, copy = _served(app, client, places)
    redis_server.publish(public_cache.CHANNEL, key)  # as invalidate() in another web process
    _wait(lambda: copy.get(key) is None, "the message to drop the answer")
    assert client.get(f"/api/v1/codes/{token}").status_code == 200  # from Redis, and kept again
    assert copy.get(key) is not None


def test_a_fill_read_before_an_invalidation_is_not_kept(app, client, places):
    client.get(f"/api/v1/codes/{token_of(app, 'station', places['station'][WANGYUEHU])}")
    copy = _copy(app)
    generation = copy.generation
    copy.drop(["liaison:pub:whatever"])  # an invalidation arrives between the read and the fill
    copy.put("liaison:pub:late", b"200\n{}", generation)
    assert copy.get("liaison:pub:late") is None
    copy.put("liaison:pub:late", b"200\n{}", copy.generation)
    assert copy.get("liaison:pub:late") == b"200\n{}"


def test_a_lost_subscription_empties_the_copy_until_it_is_back(app, client, places, redis_server):
    from liaison.core.extensions import get_redis
    from liaison.places import public_cache

    token, key, copy = _served(app, client, places)
    redis_server.execute_command("CLIENT", "KILL", "TYPE", "pubsub")  # as a Redis restart does
    _wait(lambda: not copy.subscribed, "the subscription to drop")
    assert copy.entries == {}
    with app.app_context():
        get_redis().delete(key)
    assert client.get(f"/api/v1/codes/{token}").status_code == 200  # from the database again
    with app.app_context():
        assert get_redis().get(key) is not None
    _wait(lambda: copy.subscribed, "the subscription to come back")
    assert client.get(f"/api/v1/codes/{token}").status_code == 200
    assert copy.get(key) is not None
    assert _flushed(app) == 3


def test_a_count_connection_closed_by_redis_counts_the_next_scan_the_answered_way(app, client, places,
                                                                                    redis_server):
    token = token_of(app, "station", places["station"][WANGYUEHU])
    for _ in range(3):
        assert client.get(f"/api/v1/codes/{token}").status_code == 200  # the last two sent without a wait
    _wait(lambda: any("cmd=hincrby" in line for line in _client_lines(redis_server)), "the count connection")
    senders = [line.split("id=")[1].split()[0] for line in _client_lines(redis_server)
               if "cmd=hincrby" in line]  # the count connection (and the pool's, which reconnects)
    assert senders
    for ident in senders:
        redis_server.execute_command("CLIENT", "KILL", "ID", ident)
    for _ in range(2):
        assert client.get(f"/api/v1/codes/{token}").status_code == 200
    assert _flushed(app) == 5  # none lost with the closed connection, none twice


def _client_lines(redis_server) -> list[str]:
    text = redis_server.execute_command("CLIENT", "LIST")
    return (text.decode() if isinstance(text, bytes) else text).splitlines()


def test_switched_off_the_answers_come_from_redis_every_time(app, client, places):
    from liaison.core.extensions import get_redis
    from liaison.places import public_cache

    app.config["PUBLIC_CACHE_LOCAL_SECONDS"] = 0
    token = token_of(app, "station", places["station"][WANGYUEHU])
    client.get(f"/api/v1/codes/{token}")
    assert public_cache.NEAR not in app.extensions
    with app.app_context():
        get_redis().delete(public_cache.key_for("code", token))
    client.get(f"/api/v1/codes/{token}")
    with app.app_context():
        assert get_redis().get(public_cache.key_for("code", token)) is not None  # rebuilt into Redis
    assert _flushed(app) == 2


EDIT = """
import sys
from liaison import create_app
from liaison.core.db import db
from liaison.places.models import Station

app = create_app()
with app.app_context():
    db.session.get(Station, int(sys.argv[1])).notice = sys.argv[2]
    db.session.commit()
"""


def test_a_change_committed_in_another_process_reaches_this_process_copy(app, client, places, base_config):
    """End to end across processes: the commit's invalidation goes out on the channel."""
    import subprocess
    import sys

    from processes import SERVER_DIR, app_env

    token, key, copy = _served(app, client, places)
    subprocess.run([sys.executable, "-c", EDIT, str(places["station"][WANGYUEHU]), "本月15日改在社区礼堂接待"],
                   env=app_env(base_config), cwd=str(SERVER_DIR), check=True, timeout=120)
    _wait(lambda: copy.get(key) is None, "the other process's invalidation")
    notice = client.get(f"/api/v1/codes/{token}").get_json()["station"]["notice"]
    assert notice == "本月15日改在社区礼堂接待"
