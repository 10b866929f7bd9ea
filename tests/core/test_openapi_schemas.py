"""Every answer the API gives is described in the OpenAPI document, truly.

The document describes a success answer of every operation (JSON with its fields, or a
file with its content type), every refusal with the one error shape, and the demo's
real answers, read as its users, fit what the document says."""
from __future__ import annotations

from datetime import timedelta

import factories
import pytest
import requests

from openapi_check import is_described, problems, resolve, success_schema

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def world(make_app, fake_wechat):
    """The demo (places, reception days, sample opinions), a booking and a check-in."""
    from liaison.codes.models import Code
    from liaison.core import clock
    from liaison.core.db import db
    from liaison.opinions.models import Assignment, Opinion
    from liaison.reception.models import ReceptionRecord

    app = make_app()
    runner = app.test_cli_runner()
    for command in (["demo", "load"], ["demo", "opinions"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    client = app.test_client()
    with app.app_context():
        ids = {k: v for k, v in factories.demo_ids(db.session).items()
               if k in ("station_id", "region_id", "deputy_id")}
        ids["opinion_id"] = db.session.query(Opinion).order_by(Opinion.id).first().id
        ids["assigned_id"] = db.session.query(Assignment).order_by(Assignment.id).first().opinion_id
        ids["token"] = db.session.query(Code).filter_by(station_id=ids["station_id"], kind="station").first().token
        from liaison.opinions.models import Suggestion

        suggestion = Suggestion(opinion_id=ids["opinion_id"], deputy_id=ids["deputy_id"], title="关于完善照明设施的建议")
        db.session.add(suggestion)
        db.session.commit()
        ids["suggestion_id"] = suggestion.id
        held = {r.date for r in db.session.query(ReceptionRecord).filter_by(station_id=ids["station_id"])}
        unrecorded = next(d for d in (clock.today() - timedelta(days=k) for k in range(60)) if d not in held)
    tokens = {}
    for who in ("resident", "deputy", "liaison", "office", "unit"):
        code = requests.post(f"{fake_wechat}/_fake/login-code", json={"openid": f"demo-{who}"},
                             timeout=5).json()["code"]
        r = client.post("/api/v1/auth/wechat", json={"code": code})
        assert r.status_code == 200, r.get_json()
        tokens[who] = {"Authorization": f"Bearer {r.get_json()['token']}"}
    days = client.get(f"/api/v1/stations/{ids['station_id']}/reception-days").get_json()["items"]
    ids["day_id"] = days[0]["id"]
    writes = [
        ("resident", "post", "/api/v1/appointments", {"station_id": ids["station_id"], "date": days[0]["date"]}),
        ("deputy", "post", "/api/v1/check-ins", {"token": ids["token"]}),
        ("liaison", "post", "/api/v1/stations/{station_id}/reception-records",
         {"date": unrecorded.isoformat(), "residents": 3, "deputy_ids": [ids["deputy_id"]]}),
        ("resident", "put", "/api/v1/stations/{station_id}/follow", None),
        ("office", "post", "/api/v1/stats/regions/{region_id}/refresh", None),
        ("liaison", "post", "/api/v1/suggestions/{suggestion_id}/outcome",
         {"unit_name": "岳麓区住房和城乡建设局", "outcome": "已纳入改造计划。"}),
    ]
    answers = []
    for who, method, path, body in writes:
        r = getattr(client, method)(path.format(**ids), json=body, headers=tokens[who])
        answers.append((method, path, r))
    return {"app": app, "client": client, "ids": ids, "tokens": tokens, "writes": answers,
            "spec": client.get("/api/openapi.json").get_json()}


def operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield path, method, op


def test_every_operation_describes_a_success_answer(world):
    spec = world["spec"]
    missing = []
    for path, method, op in operations(spec):
        codes = [c for c in op["responses"] if c.startswith("2")]
        if not codes and not any(c.startswith("3") for c in op["responses"]):
            missing.append(f"{method.upper()} {path}: no success answer")
        for code in codes:
            content = op["responses"][code].get("content")
            if code == "204":
                missing += [f"{method.upper()} {path}: a 204 has no body"] if content else []
                continue
            if not content:
                missing.append(f"{method.upper()} {path} {code}: no content")
            for content_type, media in (content or {}).items():
                if not is_described(spec, content_type, media.get("schema")):
                    missing.append(f"{method.upper()} {path} {code} {content_type}: {media.get('schema')}")
        for code in op["responses"]:
            if code.startswith("3") and op["responses"][code].get("content"):
                missing.append(f"{method.upper()} {path} {code}: a redirect has no body")
    assert not missing, "\n".join(missing)


def test_every_refusal_is_the_one_error_shape(world):
    spec = world["spec"]
    refs = {op["responses"][c]["content"]["application/json"]["schema"]["$ref"]
            for _, _, op in operations(spec) for c in op["responses"] if c[0] in "45"}
    assert len(refs) == 1, refs
    error = resolve(spec, {"$ref": refs.pop()})
    assert error["required"] == ["error"]
    body = resolve(spec, error["properties"]["error"])
    assert {"code", "message"} <= set(body["required"])
    r = world["client"].get("/api/v1/opinions/999999", headers=world["tokens"]["resident"])
    assert r.status_code == 404
    assert problems(spec, error, r.get_json()) == []
    r = world["client"].get("/api/v1/stations?per_page=-1")
    assert r.status_code == 422 and problems(spec, error, r.get_json()) == []


def test_the_checker_finds_what_breaks_a_schema(world):
    spec = world["spec"]
    error = {"$ref": spec["paths"]["/api/v1/me"]["get"]["responses"]["401"]["content"]
             ["application/json"]["schema"]["$ref"]}
    assert problems(spec, error, {"error": {"code": "x", "message": "y"}}) == []
    assert problems(spec, error, {"error": {"code": 1, "message": "y"}}) == ["$.error.code: 1 is not string"]
    assert problems(spec, error, {}) == ["$: required 'error' is missing"]


READS = [
    (None, "/api/v1/stations"), (None, "/api/v1/stations/{station_id}"),
    (None, "/api/v1/deputies/{deputy_id}"), (None, "/api/v1/codes/{token}"),
    (None, "/api/v1/opinion-categories"), (None, "/api/v1/notifications/templates"),
    (None, "/api/v1/stations/{station_id}/reception-days"),
    (None, "/api/v1/stations/{station_id}/reception-plan"),
    ("resident", "/api/v1/me"), ("resident", "/api/v1/opinions"), ("resident", "/api/v1/messages"),
    ("resident", "/api/v1/appointments"), ("liaison", "/api/v1/opinions/{opinion_id}"),
    ("deputy", "/api/v1/me"), ("deputy", "/api/v1/check-ins"), ("deputy", "/api/v1/opinions"),
    ("liaison", "/api/v1/opinions"), ("liaison", "/api/v1/handling-units"),
    ("liaison", "/api/v1/stations/{station_id}/check-ins"),
    ("liaison", "/api/v1/stations/{station_id}/reception-records"),
    ("liaison", "/api/v1/reception-days/{day_id}/appointments"), ("liaison", "/api/v1/notifications"),
    ("unit", "/api/v1/opinions"), ("office", "/api/v1/stats/regions"),
    ("office", "/api/v1/stats/regions/{region_id}/report"),
    ("office", "/api/v1/stats/regions/{region_id}/stations"),
    ("office", "/api/v1/stats/regions/{region_id}/league"),
    ("office", "/api/v1/stats/regions/{region_id}/league?kind=station"),
    ("office", "/api/v1/stats/regions/{region_id}/topics"),
    ("office", "/api/v1/stats/stations/{station_id}/months"),
    ("office", "/api/v1/stats/deputies/{deputy_id}/duty-record"),
    ("deputy", "/api/v1/stats/deputies/{deputy_id}/duty-record"),
    ("deputy", "/api/v1/suggestions?mine=true"), ("liaison", "/api/v1/suggestions"),
    ("deputy", "/api/v1/notifications/official-account"),
]


@pytest.mark.parametrize("who, path", READS, ids=[f"{w or 'anyone'} {p}" for w, p in READS])
def test_real_answers_fit_the_document(world, who, path):
    r = world["client"].get(path.format(**world["ids"]), headers=world["tokens"].get(who, {}))
    assert r.status_code == 200, r.get_json()
    schema = success_schema(world["spec"], path.split("?")[0], "get", 200)
    assert problems(world["spec"], schema, r.get_json()) == []


def test_written_answers_fit_the_document(world):
    for method, path, r in world["writes"]:
        assert r.status_code in (200, 201), (path, r.get_json())
        schema = success_schema(world["spec"], path, method, r.status_code)
        assert problems(world["spec"], schema, r.get_json()) == [], f"{method.upper()} {path}"


FILES = [
    (None, "/api/v1/codes/{token}/qr.png"), (None, "/api/v1/codes/{token}/poster.pdf"),
    ("liaison", "/api/v1/stations/{station_id}/reception-plan.xlsx"), ("liaison", "/api/v1/opinions.xlsx"),
    ("liaison", "/api/v1/opinions/{assigned_id}/assignment.pdf"),
    ("office", "/api/v1/stats/regions/{region_id}/report.xlsx"),
    ("office", "/api/v1/stats/regions/{region_id}/report.pdf"),
    ("office", "/api/v1/stats/deputies/{deputy_id}/duty-record.xlsx"),
    ("office", "/api/v1/stats/deputies/{deputy_id}/duty-record.pdf"),
]


@pytest.mark.parametrize("who, path", FILES, ids=[f"{w or 'anyone'} {p}" for w, p in FILES])
def test_files_come_in_the_documented_content_type(world, who, path):
    r = world["client"].get(path.format(**world["ids"]), headers=world["tokens"].get(who, {}))
    documented = world["spec"]["paths"][path.replace("assigned_id", "opinion_id")]["get"]["responses"]
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert list(documented["200"]["content"]) == [r.mimetype]
    assert r.data
