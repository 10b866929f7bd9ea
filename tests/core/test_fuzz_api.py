"""Schemathesis against /api/openapi.json, in the suite: a fixed seed, a few cases per
operation, as anonymous, resident, staff and office. Zero 5xx, every refusal in the one
error shape with a Chinese message, every answer matching its documented schema.

Runs once, on SQLite (``fuzz`` marker; scripts/test leaves it out of the PostgreSQL
run): the cases are generated from the document, which does not depend on the engine,
and the engine-specific paths are proven by the rest of the suite on both databases.
scripts/fuzz_api.py runs the same harness longer, and on either engine."""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from fuzz_harness import IDENTITIES, Fuzzer, Tracebacks, login, real_ids, seed  # noqa: E402

pytestmark = pytest.mark.fuzz
SEED = 20261231
CASES = 3  # per operation, identity and plan: the whole run stays near a minute here
BUDGET = 150.0  # seconds, a bound that is never the expected path


@pytest.fixture
def fuzz_target(app, demo, live_server, fake_wechat, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("fuzzed once, on SQLite: the generated cases do not depend on the engine")
    from liaison.core.db import db
    from liaison.demo.opinions import load_demo_opinions

    # One busy client: the abuse limits would answer 429 to most cases instead of the route.
    app.config.update(RATE_LIMIT_OPINIONS_PER_HOUR=1_000_000, RATE_LIMIT_IP_PER_MINUTE=1_000_000)
    with app.app_context():
        load_demo_opinions()
        db.session.commit()
    headers = {"anonymous": {}}
    for who in IDENTITIES[1:]:
        headers[who] = login(live_server, fake_wechat, who)
    seed(live_server, headers, real_ids(app))
    return live_server, headers, real_ids(app)


def _operations(base: str):
    import schemathesis

    schema = schemathesis.openapi.from_url(f"{base}/api/openapi.json")
    ops = [r.ok() for r in schema.get_all_operations()]
    return schema, [op for op in ops if op.path.startswith("/api/v1/")]


def test_every_operation_as_every_identity_answers_without_5xx_and_to_its_schema(fuzz_target):
    base, headers, ids = fuzz_target
    traces = Tracebacks()
    logging.getLogger("liaison").addHandler(traces)
    try:
        _, ops = _operations(base)
        assert len(ops) > 50  # the whole API, not an empty document
        fuzzer = Fuzzer(base, traces, CASES, time.monotonic() + BUDGET, seed=SEED, check_schemas=True)
        for op in ops:
            for who in IDENTITIES:
                fuzzer.run(op, who, headers[who], ids, fuzzer.deadline)
    finally:
        logging.getLogger("liaison").removeHandler(traces)
    assert fuzzer.sent > len(ops) * len(IDENTITIES)
    assert not fuzzer.failures, "\n".join(
        f"{' | '.join(map(str, key))}: {items[0]}" for key, items in fuzzer.failures.items())


STATEFUL_SCENARIOS = 12  # per identity; each a chain of up to STATEFUL_STEPS linked calls
STATEFUL_STEPS = 6


def test_linked_operations_chained_statefully_as_every_identity_answer_without_5xx_and_to_schema(fuzz_target):
    """Schemathesis's stateful phase: it infers the links between operations from the
    document (an answer's ids feed the next call's parameters: POST /appointments →
    cancel it, a scan → its deputy, staff login → their station's days…) and runs
    chains of them with the ids real answers gave."""
    from hypothesis import HealthCheck, Phase, settings

    base, headers, _ = fuzz_target
    traces = Tracebacks()
    logging.getLogger("liaison").addHandler(traces)
    try:
        schema, _ = _operations(base)
        machine = schema.as_state_machine()
        links = sum(len(resp.get("links") or {}) for item in schema.raw_schema["paths"].values()
                    for op in item.values() if isinstance(op, dict)
                    for resp in (op.get("responses") or {}).values())
        assert links > 50  # the chains exist: an empty set of links would test nothing
        fuzzer = Fuzzer(base, traces, 0, time.monotonic() + BUDGET, check_schemas=True)
        for who in IDENTITIES:
            fuzzer.run_stateful(machine, who, headers[who], settings(
                max_examples=STATEFUL_SCENARIOS, stateful_step_count=STATEFUL_STEPS, deadline=None,
                database=None, derandomize=True, phases=[Phase.generate],
                suppress_health_check=list(HealthCheck)))
    finally:
        logging.getLogger("liaison").removeHandler(traces)
    assert fuzzer.sent > STATEFUL_SCENARIOS * len(IDENTITIES)
    assert fuzzer.chained > 0  # some calls took their parameters from an earlier answer
    assert not fuzzer.failures, "\n".join(
        f"{' | '.join(map(str, key))}: {items[0]}" for key, items in fuzzer.failures.items())
