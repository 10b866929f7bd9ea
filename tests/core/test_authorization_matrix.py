"""Authorization that holds across districts: every route of the app, called as each of
thirteen identities, answers what the rules say (the table is authorization_rows.py,
the world authorization_world.py).

The rules: residents see only their own opinions (others get 404, not 403); staff
see their stations; an NPC office sees its region's subtree only; a unit sees only
what is assigned to it; deputies see the opinions that summoned them and those of
the stations where they sit now; the anonymous get 401 from the API and the login
from the pages.

``KNOWN_LEAKS`` holds the cells where the code answers otherwise today, each with
why: they run as strict xfails, so a fix turns them red until the entry goes.
"""
from __future__ import annotations

import pytest
from authorization_cells import Got, call
from authorization_rows import ROWS
from authorization_world import IDENTITIES, build_world

# (row key, identity) -> why the current answer is wrong. Strict xfails: remove the entry with the fix.
# Empty: every leak the matrix found is closed; a new one goes here only with an issue note.
KNOWN_LEAKS: dict[tuple[str, str], str] = {}
SKIPPED_ENDPOINTS = {"static"}  # Flask's own static files; blueprints' static folders end in ".static"
# figures, counters and computed topics (topic_runs, topics) that reads may refresh
DERIVED_TABLES = ("stats_", "code_scans", "idempotency_records", "topic")
VOLATILE_COLUMNS = {"users": {"last_seen_at", "session_key_enc", "session_version"}, "codes": {"wxacode_key"},
                    "invitations": {"expires_at"}}  # wxacode cache; revoking a revoked invitation
RESULTS: dict[tuple[str, str, str], tuple[bool, str]] = {}


def _cells():
    for row in ROWS:
        for transport in row.transports:
            for identity in IDENTITIES:
                reason = KNOWN_LEAKS.get((row.key, identity))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(row, transport, identity, marks=marks,
                                   id=f"{row.key} · {transport} · {identity}")


def _digest(db) -> dict:
    """Every row of every table that records a decision (not derived figures)."""
    from sqlalchemy import select

    out = {}
    for table in db.metadata.sorted_tables:
        if table.name.startswith(DERIVED_TABLES):
            continue
        skip = VOLATILE_COLUMNS.get(table.name, set())
        columns = [c for c in table.columns if c.name not in skip]
        query = select(*columns).order_by(*table.primary_key.columns)
        if table.name == "audit_log":  # re-importing a station as it is still logs that an import ran
            query = query.where(table.c.action != "places.imported")
        out[table.name] = [tuple(r) for r in db.session.execute(query)]
    return out


def _summary() -> str:
    routes = {f"{row.method} {row.rule}" for row in ROWS}
    cells = sum(len(row.transports) for row in ROWS) * len(IDENTITIES)
    ran = [ok for ok, _ in RESULTS.values()]
    return (f"authorization matrix: {len(routes)} routes ({len(ROWS)} rows) × {len(IDENTITIES)} identities"
            f" = {cells} calls with the token or the cookie; {len(ran)} ran, {ran.count(True)} as expected,"
            f" {ran.count(False)} not ({len(KNOWN_LEAKS)} cells are known leaks)")


@pytest.fixture(scope="module")
def matrix(make_app, fake_wechat, request):
    from liaison.core.db import db

    app = make_app()
    world = build_world(app, fake_wechat)
    with app.app_context():
        world.digest = _digest(db)
    yield app, world
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and RESULTS:
        with capture.global_and_fixture_disabled():
            reporter.write_line("\n" + _summary())
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("row,transport,identity", list(_cells()))
def test_route_answers_each_identity_as_the_rules_say(matrix, row, transport, identity):
    app, world = matrix
    got: Got = call(app, world, row, transport, identity)
    expected = row.expect[identity]
    ok = expected.matches(got)
    RESULTS[(row.key, transport, identity)] = (ok, str(got))
    assert ok, f"{row.key} as {identity} ({transport}): got {got}, expected {expected}"


def test_every_route_of_the_app_has_a_row(base_config):
    from liaison import create_app

    app = create_app(dict(base_config))
    rules = {f"{m} {r.rule}" for r in app.url_map.iter_rules()
             if r.endpoint not in SKIPPED_ENDPOINTS and not r.endpoint.endswith(".static")
             for m in r.methods - {"HEAD", "OPTIONS"}}
    covered = {f"{row.method} {row.rule}" for row in ROWS}
    summary = _summary()
    print("\n" + summary)
    assert not rules - covered, f"routes without a row in authorization_rows.py: {sorted(rules - covered)}; {summary}"
    assert not covered - rules, f"rows for routes the app does not have: {sorted(covered - rules)}; {summary}"
    stale = [key for key in KNOWN_LEAKS if key[0] not in {row.key for row in ROWS}]
    assert not stale, f"KNOWN_LEAKS entries without a row: {stale}"


def test_no_call_of_the_matrix_changed_the_world(matrix):
    """Bodies pass the authorization and then fail or change nothing, so the order of
    the cells does not matter: the world after them is the world before."""
    from liaison.core.db import db

    app, world = matrix
    if len(RESULTS) < sum(len(row.transports) for row in ROWS) * len(IDENTITIES):
        pytest.skip("only part of the matrix ran")
    with app.app_context():
        after = _digest(db)
    changed = [name for name in world.digest if after[name] != world.digest[name]]
    assert not changed, f"tables changed by the matrix: {changed}"

