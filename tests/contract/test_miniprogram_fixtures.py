"""Contract: the mini-program's hand-written backend answers agree with the real backend.

miniprogram/tests/helpers/fixtures.js holds the answers the jest tests feed the pages.
This test exports them through node, makes the real answers of the same endpoints with
the demo data, and checks that every key a fixture uses exists in the real answer with
a compatible JSON type (see contract_shapes.compare). It also checks that every
`.snake_case` property the mini-program's code reads is a field the backend sends.
"""
from __future__ import annotations

import shutil

import pytest
from backend_answers import collect
from contract_shapes import Mismatch, all_keys, compare, export_fixtures, snake_reads

# fixture name -> [(backend answer, expected status, how the fixture sits in the answer)]
# "wrap" puts the fixture under a key (the fixture is the object, the answer wraps it);
# "pick" compares the fixture with a part of the answer instead. With several answers
# a list left empty in one (no photos, no actions yet) counts as checked when another
# answer has it filled.
CONTRACT = {
    "STATION_CODE": [("code_station", 200, None)],
    "DEPUTY_CODE": [("code_deputy", 200, None)],
    "CODE_ROTATED": [("code_rotated", 410, None)],
    "CODE_REVOKED": [("code_revoked", 410, None)],
    "CODE_UNKNOWN": [("code_unknown", 404, None)],
    "STATIONS": [("stations", 200, None)],
    "STATION_BRIEF": [("stations", 200, {"pick": ("items", 0)})],
    "STATION": [("station", 200, {"wrap": "station"})],
    "DEPUTY": [("deputy", 200, {"wrap": "deputy"})],
    "DEPUTY_BRIEF": [("station", 200, {"pick": ("station", "deputies", 0)})],
    "DEPUTY_BRIEF_2": [("station", 200, {"pick": ("station", "deputies", 0)})],
    "RECEPTION_DAYS": [("reception_days", 200, None)],
    "CATEGORIES": [("categories", 200, None)],
    "TEMPLATES": [("templates", 200, None)],
    "TEMPLATES_TWO_TAPS": [("templates_all", 200, None)],
    "LOGIN": [("login", 200, None)],
    "USER": [("login", 200, {"pick": ("user",)})],
    "UPLOAD": [("upload", 201, None)],
    "OPINION": [("opinion_created", 201, {"wrap": "opinion"}), ("opinion_retried", 200, {"wrap": "opinion"}),
                ("opinion_replied", 200, {"wrap": "opinion"})],
    "OPINION_RATED": [("opinion_closed", 200, {"wrap": "opinion"}), ("opinion_created", 201, {"wrap": "opinion"})],
    "INTAKE_TAKEN": [("intake_taken", 202, None)],
    "INTAKE_REGISTERED": [("intake_registered", 200, None)],
    "INTAKE_REFUSED": [("intake_refused", 200, None)],
    "OPINIONS": [("opinions", 200, None)],
    "MESSAGES": [("messages", 200, None)],
    "APPOINTMENT_CREATED": [("appointment", 201, None)],
    "APPOINTMENT": [("appointments", 200, {"pick": ("items", 0)})],
    "APPOINTMENTS": [("appointments", 200, None)],
    "APPOINTMENT_PAST": [("appointments", 200, {"pick": ("items", 0)})],
    "MY_APPOINTMENTS": [("appointments", 200, None)],
    "APPOINTMENT_CANCELLED": [("appointment_cancel", 200, None)],
    "APPOINTMENT_GONE": [("appointment_cancel_again", 409, None)],
    "CHECK_IN": [("check_in_far", 201, None), ("check_in_again", 200, None)],
    "LINKED": [("linked", 200, None)],
    "LINK_CODE_WRONG": [("link_wrong", 400, None)],
    "DEPUTY_USER": [("deputy_me", 200, {"pick": ("user",)})],
    "DEPUTY_OPINIONS": [("deputy_opinions", 200, None)],
    "DEPUTY_OPINION": [("deputy_opinion", 200, {"wrap": "opinion"})],
    "DEPUTY_OPINION_NOTED": [("deputy_noted", 200, {"wrap": "opinion"})],
    "INVITATION_ACCEPTED": [("invitation_accepted", 200, None)],
    "PHONE_MISMATCH": [("phone_mismatch", 403, None)],
    "ROTA_DAYS": [("reception_days", 200, None)],
    "DAY_BOOKINGS": [("day_bookings", 200, None)],
    "DUTY_RECORD": [("duty_record", 200, None)],
    "SUGGESTIONS": [("my_suggestions", 200, None)],
    "SUGGESTION_ANSWERED": [("suggestion_outcome", 200, {"wrap": "suggestion"}),
                            ("my_suggestions", 200, {"pick": ("items", 1)})],
    "OFFICIAL_ACCOUNT": [("official_account", 200, None)],
    "CONSULTATIONS": [("consultations", 200, None)],
    "CONSULTATION_BRIEF": [("consultations", 200, {"pick": ("items", 0)})],
    "CONSULTATION": [("consultation", 200, {"wrap": "consultation"})],
    "CONSULTATION_COMMENT": [("consultation_comment", 201, None)],
}
# Values the mini-program branches on, so they must be equal, not just the same type.
SAME_VALUE = {
    "STATION_CODE": [("kind",)], "DEPUTY_CODE": [("kind",)],
    "CODE_ROTATED": [("error", "code"), ("error", "details", "kind")],
    "CODE_REVOKED": [("error", "code")], "CODE_UNKNOWN": [("error", "code")],
    "CHECK_IN": [("check_in", "verified"), ("message",)],
    "LINKED": [("merged",)], "LINK_CODE_WRONG": [("error", "code")],
    "APPOINTMENT_CANCELLED": [("appointment", "state",)], "APPOINTMENT_GONE": [("error", "code")],
    "INVITATION_ACCEPTED": [("invitation", "role")],
    "PHONE_MISMATCH": [("error", "code"), ("error", "message")],
    "SUGGESTIONS": [("items", 0, "state"), ("items", 1, "state")],
    "OFFICIAL_ACCOUNT": [("linked",), ("follows",)],
}
# `.snake_case` reads that are not API fields: page options from the query string.
NOT_API_READS = {"station_id", "station_name", "deputy_name"}


def _dig(value, path):
    for step in path:
        value = value[step]
    return value


def _merge(name: str, answers: list[str], found: list[list[Mismatch]]) -> list[str]:
    """Mismatches of one fixture over its answers; an empty list is excused if another answer filled it."""
    empty = [{m.path for m in ms if m.backend.startswith("empty list")} for ms in found]
    out = []
    for answer, ms, own_empty in zip(answers, found, empty):
        for m in ms:
            if m.path in own_empty and any(m.path not in other for other in empty if other is not own_empty):
                continue
            out.append(f"{name} ~ {answer}: {m}")
    return out


def _report(title: str, lines: list) -> str:
    return title + "\n" + "\n".join(f"  - {line}" for line in lines)


@pytest.fixture
def fixtures():
    if shutil.which("node") is None:
        pytest.skip("node is not on PATH: cannot export miniprogram/tests/helpers/fixtures.js (scripts/test installs it)")
    return export_fixtures()


@pytest.fixture
def answers(app, client, demo, phone):
    out, _ids = collect(app, client, phone)
    return out


def test_fixtures_match_the_real_backend_answers(fixtures, answers):
    unmapped = sorted(set(fixtures) - set(CONTRACT))
    assert not unmapped, f"fixtures without a backend counterpart in CONTRACT: {unmapped}"
    problems: list[str] = []
    for name, uses in CONTRACT.items():
        assert name in fixtures, f"CONTRACT names {name}, which fixtures.js no longer exports"
        found: list[list[Mismatch]] = []
        for answer, status, how in uses:
            got_status, body = answers[answer]
            if got_status != status:
                problems.append(f"{name} ~ {answer}: status {got_status} (expected {status}): {body}")
                continue
            fixture = fixtures[name]
            if how and "wrap" in how:
                fixture = {how["wrap"]: fixture}
            if how and "pick" in how:
                body = _dig(body, how["pick"])
            found.append(compare(fixture, body))
        problems += _merge(name, [u[0] for u in uses], found)
        for path in SAME_VALUE.get(name, []):
            want, got = _dig(fixtures[name], path), _dig(answers[uses[0][0]][1], path)
            if want != got:
                problems.append(f"{name}.{'.'.join(map(str, path))}: fixture {want!r}, backend {got!r}")
    assert not problems, _report("the mini-program fixtures disagree with the backend:", problems)


def test_snake_case_fields_the_code_reads_are_sent_by_the_backend(answers):
    sent = all_keys([body for _status, body in answers.values()])
    reads = snake_reads()
    assert reads, "the scan of miniprogram/pages, components and utils found nothing"
    unknown = [f"{name} (read at {', '.join(where)})" for name, where in sorted(reads.items())
               if name not in sent and name not in NOT_API_READS]
    assert not unknown, _report("the mini-program reads fields no answer carries:", unknown)


def test_compare_reports_missing_keys_type_changes_and_unverifiable_lists():
    fixture = {"a": 1, "b": {"c": "x", "d": [{"e": True}]}, "f": None, "g": [1], "h": "s"}
    backend = {"a": "1", "b": {"d": [{"e": True, "z": 0}]}, "f": {"any": 1}, "g": [], "h": None, "extra": 2}
    assert [str(m) for m in compare(fixture, backend)] == [
        "$.a: fixture number, backend string",
        "$.b.c: fixture string, backend missing",
        "$.g[0]: fixture number, backend empty list (nothing to compare)",
    ]
    assert compare({"d": [{"e": "x"}]}, {"d": [{"e": 1}]}) == [Mismatch("$.d[0].e", "string", "number")]
    assert compare([], [1]) == [] and compare({"x": True}, {"x": False}) == []
