"""The database connection dropped in the middle of a request (PostgreSQL: the server
terminates the app's backend while the request waits on WeChat with its transaction
open): the answer is a 503 with a Chinese message, nothing is half-written, and the
resident's retry with the same Idempotency-Key makes exactly one opinion."""
from __future__ import annotations

from fault_helpers import require_postgres, terminate_app_connections, when_called

from liaison.core.db import db
from liaison.opinions.models import IdempotencyRecord, Opinion

MSG_SEC_CHECK = "/wxa/msg_sec_check"


def test_a_submit_whose_connection_is_killed_answers_503_and_its_retry_makes_one_opinion(
        app, database_url, submit, phone):
    require_postgres(database_url)
    submit(key="warm-up")  # logged in, pool warm: the next request reuses a pooled connection
    phone.fault(MSG_SEC_CHECK, 1, delay=1.0)
    killed = []
    watcher = when_called(phone.base, MSG_SEC_CHECK,
                          lambda: killed.append(terminate_app_connections(database_url)))
    first = submit(key="k-dropped")
    watcher.join(10)
    assert killed and killed[0] >= 1
    assert first.status_code == 503, first.get_json()
    body = first.get_json()
    assert body["error"]["code"] == "unavailable" and "稍后" in body["error"]["message"]
    with app.app_context():
        assert db.session.query(IdempotencyRecord).filter_by(key="k-dropped").count() == 0
        assert db.session.query(Opinion).count() == 1  # only the warm-up
    again = submit(key="k-dropped")
    assert again.status_code == 201, again.get_json()
    assert submit(key="k-dropped").get_json()["opinion"]["id"] == again.get_json()["opinion"]["id"]
    with app.app_context():
        assert db.session.query(Opinion).count() == 2
