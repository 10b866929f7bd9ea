"""One transaction mechanism: operations flush, core/transaction.py commits.

A request commits when it answers below 400 and leaves nothing when it raises or
refuses; a lost race at the commit is the one 409; after-commit hooks run only after
a commit; a job is one unit of work."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.fresh_app  # the tests add routes to their app

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "liaison"
TRANSACTION = PACKAGE / "core" / "transaction.py"
FAKE_WECHAT = PACKAGE / "wechat" / "fake"  # a separate program with its own store
SQLITE_GATE = PACKAGE / "core" / "sqlite_gate.py"  # the driver's connection: wraps its commit


def _commit_calls(path: Path) -> list[int]:
    """Lines of every ``<anything>.commit()`` call in the module's code (not comments)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "commit"]


def test_commit_is_called_only_in_the_transaction_module():
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in (TRANSACTION, SQLITE_GATE) or FAKE_WECHAT in path.parents:
            continue
        lines = _commit_calls(path)
        if lines:
            found[str(path.relative_to(PACKAGE))] = lines
    assert found == {}
    assert _commit_calls(TRANSACTION)  # the check itself sees a commit where there is one


def _blocks(app) -> list[str]:
    from liaison.core.db import db
    from liaison.opinions.models import Block

    with app.app_context():
        return sorted(db.session.scalars(db.select(Block.value)))


def _add_block(value: str, flush: bool = True):
    from liaison.core.db import db
    from liaison.opinions.models import Block

    db.session.add(Block(kind="ip", value=value, reason="测试"))
    if flush:
        db.session.flush()


@pytest.fixture
def routes(app):
    """Routes that write a block row and then answer in different ways; ``ran`` lists
    the after-commit hooks that ran."""
    from liaison.core import transaction
    from liaison.core.errors import ApiError

    ran = []

    def write(how):
        _add_block(how, flush=how != "unflushed-duplicate")
        transaction.after_commit(lambda: ran.append(how))
        if how == "raise":
            raise RuntimeError("half-way")
        if how == "refuse":
            raise ApiError(422, "validation_error", "填写的内容有误")
        if how == "answer-400":
            return {"error": {"code": "bad_request", "message": "请求格式不正确"}}, 400
        if how == "discard":
            transaction.rollback_request()
        return {"ok": True}

    app.add_url_rule("/api/v1/_txn/<how>", "_txn_write", write, methods=["POST"])
    app.add_url_rule("/api/v1/_txn/duplicate/<how>", "_txn_duplicate",
                     lambda how: write("unflushed-duplicate"), methods=["POST"])
    return ran


def test_a_request_that_answers_below_400_commits_and_runs_its_hooks(app, client, routes):
    r = client.post("/api/v1/_txn/ok")
    assert r.status_code == 200
    assert _blocks(app) == ["ok"]
    assert routes == ["ok"]


@pytest.mark.parametrize("how, status", [("raise", 500), ("refuse", 422), ("answer-400", 400),
                                         ("discard", 200)])
def test_a_request_that_fails_or_refuses_after_writing_leaves_nothing(app, client, routes, how, status):
    r = client.post(f"/api/v1/_txn/{how}")
    assert r.status_code == status
    assert _blocks(app) == []
    assert routes == []  # the hook was discarded with the rollback
    client.post("/api/v1/_txn/ok")  # a later commit does not run a discarded hook
    assert routes == ["ok"]


def test_a_request_that_touched_nothing_skips_the_commit_and_one_that_read_commits(app, client):
    """A scan answered from Redis begins no transaction: the request's end has nothing to
    commit (the commit was a measurable part of such a request). One that read still ends its
    transaction with the commit."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from liaison.core.db import db

    app.add_url_rule("/api/v1/_txn/nothing", "_txn_nothing", lambda: {"ok": True})
    app.add_url_rule("/api/v1/_txn/read", "_txn_read",
                     lambda: {"ok": db.session.execute(db.text("SELECT 1")).scalar() == 1})
    commits = []
    listener = lambda session: commits.append(session)  # noqa: E731
    event.listen(Session, "after_commit", listener)
    try:
        assert client.get("/api/v1/_txn/nothing").status_code == 200
        assert commits == []
        assert client.get("/api/v1/_txn/read").get_json() == {"ok": True}
        assert len(commits) == 1
    finally:
        event.remove(Session, "after_commit", listener)


def test_a_unique_violation_at_the_commit_answers_the_one_409(app, client, routes):
    from liaison.core.db import db

    with app.app_context():
        _add_block("unflushed-duplicate")
        db.session.flush()
    assert _blocks(app) == ["unflushed-duplicate"]  # the test block's end committed it
    r = client.post("/api/v1/_txn/duplicate/x")  # the INSERT only runs at the request's commit
    assert r.status_code == 409
    assert r.get_json()["error"] == {"code": "conflict", "message": "操作冲突，请刷新后重试"}
    assert routes == []
    assert _blocks(app) == ["unflushed-duplicate"]


def test_unit_of_work_commits_at_its_end_and_a_failing_one_leaves_nothing(app):
    from liaison.core import transaction

    ran = []
    with app.app_context():
        with transaction.unit_of_work():
            _add_block("kept")
            transaction.after_commit(lambda: ran.append("kept"))
            assert ran == []  # not before the commit
        assert ran == ["kept"]
        with pytest.raises(RuntimeError):
            with transaction.unit_of_work():
                _add_block("lost")
                transaction.after_commit(lambda: ran.append("lost"))
                raise RuntimeError("half-way")
        transaction.checkpoint()
    assert ran == ["kept"]
    assert _blocks(app) == ["kept"]


def test_a_job_that_fails_half_way_leaves_nothing_and_one_that_ends_commits(app):
    from liaison.core.jobs import with_app

    @with_app
    def job(values, fail_after):
        for i, value in enumerate(values):
            if i == fail_after:
                raise RuntimeError("worker failed half-way")
            _add_block(value)

    with app.app_context():
        with pytest.raises(RuntimeError):
            job(["a", "b", "c"], 2)
    assert _blocks(app) == []
    with app.app_context():
        job(["d", "e"], None)
    assert _blocks(app) == ["d", "e"]


def test_retry_on_race_keeps_the_earlier_writes_of_the_unit(app):
    """A write that loses a race to a row made meanwhile runs once more; what the unit
    wrote before it stays (the retry undoes only the write itself)."""
    from liaison.core import transaction
    from liaison.core.db import db
    from liaison.opinions.models import Block

    attempts = []

    def write():
        attempts.append(1)
        if len(attempts) == 1:
            with db.engine.begin() as other:  # another request creates the row first
                other.execute(Block.__table__.insert().values(kind="ip", value="raced", reason="别处"))
            _add_block("raced")
        row = db.session.scalar(db.select(Block).filter_by(kind="ip", value="raced"))
        row.reason = "更新"
        return row

    with app.app_context():
        # On SQLite another writer waits for ours, so only PostgreSQL can race a unit
        # that has written already.
        earlier = db.engine.dialect.name == "postgresql"
        if earlier:
            _add_block("earlier")  # this unit's write before the race
        with transaction.unit_of_work():
            row = transaction.retry_on_race(write)
        assert (len(attempts), row.reason) == (2, "更新")
    assert _blocks(app) == (["earlier", "raced"] if earlier else ["raced"])
