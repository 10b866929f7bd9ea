"""The API fuzzing harness shared by scripts/fuzz_api.py and the suite's
tests/core/test_fuzz_api.py: the identities, the demo's real ids, seeding through the
API, the per-operation schemathesis runs and the judgement of each answer."""
from __future__ import annotations

import json
import logging
import time
from collections import Counter, OrderedDict

import requests

IDENTITIES = ("anonymous", "demo-resident", "demo-liaison", "demo-office")
# Path parameter -> (table, column) of a real demo row to aim the fixed cases at.
REAL_IDS = {
    "station_id": ("stations", "id"), "deputy_id": ("deputies", "id"),
    "opinion_id": ("opinions", "id"), "region_id": ("regions", "id"),
    "day_id": ("reception_days", "id"), "appointment_id": ("appointments", "id"),
    "token": ("codes", "token"), "batch_id": ("poster_batches", "id"),
    "message_id": ("messages", "id"), "notification_id": ("notifications", "id"),
}


class Tracebacks(logging.Handler):
    """Keeps the app's 'unhandled error' tracebacks so a 500 can be explained."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.items: list[str] = []

    def emit(self, record):
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.items.append(text)


def real_ids(app) -> dict:
    from sqlalchemy import text

    from liaison.core.db import db
    from liaison.users.demo import DEMO_STATION
    from liaison.places.models import Deputy, Station

    found = {}
    with app.app_context():
        # The demo staff's own station, its deputy and district: the ids they may act on.
        station = db.session.query(Station).filter_by(name=DEMO_STATION).one()
        deputy = db.session.query(Deputy).filter_by(external_id="CS-WANGMING").one()
        district = db.session.execute(text(
            "SELECT id FROM regions WHERE name = '岳麓区' ORDER BY id LIMIT 1")).first()
        found.update(station_id=station.id, deputy_id=deputy.id)
        if district is not None:
            found["region_id"] = district[0]
        for param, (table, column) in REAL_IDS.items():
            if param in found:
                continue
            row = db.session.execute(text(f'SELECT "{column}" FROM "{table}" ORDER BY id LIMIT 1')).first()
            if row is not None:
                found[param] = row[0]
    return found


def login(base: str, fake: str, openid: str) -> dict:
    code = requests.post(f"{fake}/_fake/login-code", json={"openid": openid}, timeout=5).json()["code"]
    r = requests.post(f"{base}/api/v1/auth/wechat", json={"code": code}, timeout=10)
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def seed(base: str, headers: dict, ids: dict) -> None:
    """Through the API: a reception plan and days, one appointment, one poster batch."""
    from liaison.core import clock

    station, liaison = ids.get("station_id"), headers["demo-liaison"]
    if station is None:
        return
    today = clock.today()  # China's date, as the server counts it
    r = requests.put(f"{base}/api/v1/stations/{station}/reception-plan", headers=liaison, timeout=30,
                     json={"weekdays": [1, 2, 3, 4, 5], "capacity": 20, "rota": [ids.get("deputy_id")]})
    if not r.ok:
        print(f"seed: reception plan answered {r.status_code}")
    for year in (today.year, today.year + 1):
        requests.post(f"{base}/api/v1/stations/{station}/reception-days/generate", headers=liaison,
                      json={"year": year}, timeout=60)
    days = requests.get(f"{base}/api/v1/stations/{station}/reception-days", timeout=30).json()
    items = days.get("items", days) if isinstance(days, dict) else days
    for day in items if isinstance(items, list) else []:
        r = requests.post(f"{base}/api/v1/appointments", headers=headers["demo-resident"], timeout=30,
                          json={"station_id": station, "date": day["date"]})
        if r.ok:
            break
    if ids.get("region_id") is not None:
        requests.post(f"{base}/api/v1/regions/{ids['region_id']}/poster-batches",
                      headers=headers["demo-office"], json={}, timeout=60)


def judge(resp) -> str | None:
    """What is wrong with an answer, or None."""
    if resp.status_code >= 500:
        return "server_error"
    if resp.status_code < 400:
        return None
    try:
        body = resp.json()
    except ValueError:
        return "non_json_error"
    err = body.get("error") if isinstance(body, dict) else None
    if not (isinstance(err, dict) and isinstance(err.get("code"), str)
            and isinstance(err.get("message"), str)):
        return "error_shape"
    if not any("\u4e00" <= ch <= "\u9fff" for ch in err["message"]):
        return "non_chinese_message"
    return None


class Fuzzer:
    def __init__(self, base: str, traces: Tracebacks, max_examples: int, deadline: float,
                 seed: int | None = None, check_schemas: bool = False):
        """:param seed: a fixed hypothesis seed (the same cases every run);
        :param check_schemas: also hold every answer below 500 to its documented schema
            (schemathesis's response_schema_conformance)."""
        self.base, self.traces = base, traces
        self.max_examples, self.deadline = max_examples, deadline
        self.seed, self.check_schemas = seed, check_schemas
        self.failures: OrderedDict = OrderedDict()
        self.sent = 0
        self.chained = 0  # stateful calls whose parameters came from an earlier answer
        self.statuses: Counter = Counter()
        self.session = requests.Session()

    def run(self, op, identity: str, headers: dict, ids: dict, slice_end: float):
        from schemathesis import GenerationMode

        params = [p.name for p in op.path_parameters]
        fixed = {p: ids[p] for p in params if p in ids}
        plans = []
        if params:
            plans.append((GenerationMode.POSITIVE, None, 0.3))
        if not params or len(fixed) == len(params):
            plans += [(GenerationMode.POSITIVE, fixed or None, 0.4), (GenerationMode.NEGATIVE, fixed or None, 0.3)]
        total = sum(share for *_, share in plans)
        for mode, path_parameters, share in plans:
            n = max(1, round(self.max_examples * share / total))
            self._run_plan(op, identity, headers, mode, path_parameters, n, slice_end)

    def _run_plan(self, op, identity, headers, mode, path_parameters, n, slice_end):
        from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
        from hypothesis.errors import Unsatisfiable

        strategy = op.as_strategy(generation_mode=mode, path_parameters=path_parameters)

        @settings(max_examples=n, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet)
        @given(case=strategy)
        def test(case):
            if time.monotonic() > min(slice_end, self.deadline):
                return
            self.traces.items.clear()
            try:
                resp = case.call(base_url=self.base, session=self.session, headers=headers,
                                 timeout=60, allow_redirects=False)
            except (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL,
                    UnicodeEncodeError, ValueError):
                return  # the client itself refuses to send it
            self.sent += 1
            self.statuses[resp.status_code] += 1
            problem = judge(resp) or (self._schema_problem(case, resp) if self.check_schemas else None)
            if problem:
                self._record(op, identity, mode, case, resp, problem)

        if self.seed is not None:
            test = seed(self.seed)(test)
        try:
            test()
        except Unsatisfiable:
            return  # nothing left to vary (e.g. a negative case for a fixed path alone)
        except Exception as exc:  # a harness problem, not an API answer
            key = (op.label, "harness", type(exc).__name__)
            self.failures.setdefault(key, []).append({"identity": identity, "error": repr(exc)[:500]})

    def run_stateful(self, machine, identity: str, headers: dict, hypothesis_settings) -> None:
        """Schemathesis's stateful phase as ``identity``: chains of linked operations, each
        answer judged as in ``run`` (recorded, never raised, so one run reports them all)."""
        from schemathesis import GenerationMode

        fuzzer = self

        class Machine(machine):
            def get_call_kwargs(self, case):
                return {"base_url": fuzzer.base, "session": fuzzer.session, "headers": headers,
                        "timeout": 60, "allow_redirects": False}

            def call(self, case, **kwargs):
                fuzzer.traces.items.clear()
                return super().call(case, **kwargs)

            def step(self, input):
                if time.monotonic() > fuzzer.deadline:
                    return None
                if input.transition is not None:
                    fuzzer.chained += 1
                return super().step(input)

            def validate_response(self, response, case, additional_checks=None, **kwargs):
                fuzzer.sent += 1
                fuzzer.statuses[response.status_code] += 1
                problem = judge(response) or (fuzzer._schema_problem(case, response)
                                              if fuzzer.check_schemas else None)
                if problem:
                    fuzzer._record(case.operation, identity, GenerationMode.POSITIVE, case, response, problem)

        try:
            Machine.run(settings=hypothesis_settings)
        except Exception as exc:  # a harness problem, not an API answer
            key = ("stateful", "harness", type(exc).__name__)
            self.failures.setdefault(key, []).append({"identity": identity, "error": repr(exc)[:1500]})

    def _schema_problem(self, case, resp) -> str | None:
        from schemathesis.specs.openapi.checks import response_schema_conformance

        try:
            case.validate_response(resp, checks=[response_schema_conformance])
        except Exception as exc:  # a Failure, or a group of them
            self.traces.items.append(f"schema: {str(exc)[:1500]}")
            return "schema_mismatch"
        return None

    def _record(self, op, identity, mode, case, resp, problem):
        try:
            code = (resp.json().get("error") or {}).get("code")
        except (ValueError, AttributeError):
            code = None
        key = (op.label, problem, resp.status_code, code)
        items = self.failures.setdefault(key, [])
        if len(items) < 3:
            items.append({
                "identity": identity, "mode": mode.value,
                "path": case.formatted_path, "query": case.query, "body": short(case.body),
                "media_type": case.media_type, "status": resp.status_code,
                "answer": resp.text[:300], "traceback": "\n".join(self.traces.items)[-2500:],
            })


def short(value):
    if type(value).__name__ == "NotSet":
        return None
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 400 else text[:400] + "..."
