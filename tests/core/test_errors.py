"""One JSON error shape, size limits, no stack traces."""
import pytest

pytestmark = pytest.mark.fresh_app  # the tests add routes to their app


def test_unknown_route_is_json_404(client):
    r = client.get("/api/v1/nope")
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == "not_found"


def test_wrong_method_is_json_405(client):
    r = client.get("/api/v1/auth/wechat")
    assert r.status_code == 405
    assert set(r.get_json()["error"]) >= {"code", "message"}


def test_malformed_json_is_a_4xx_in_our_shape(client):
    r = client.post("/api/v1/auth/wechat", data=b"{not json", content_type="application/json")
    assert 400 <= r.status_code < 500
    assert r.get_json()["error"]["code"] in ("bad_request", "validation_error")


def test_oversized_json_body_is_413(client):
    r = client.post("/api/v1/auth/wechat", json={"code": "x" * 100_000})
    assert r.status_code == 413
    assert r.get_json()["error"]["code"] == "payload_too_large"


def test_unexpected_error_is_500_without_stack_trace(app, client):
    @app.get("/api/v1/_boom")
    def boom():
        raise RuntimeError("secret internals")

    r = client.get("/api/v1/_boom")
    assert r.status_code == 500
    text = r.get_data(as_text=True)
    assert "secret internals" not in text and "Traceback" not in text
    assert r.get_json()["error"]["code"] == "internal_error"


def test_id_too_large_for_the_database_is_json_404(app, client, demo):
    """Found by scripts/fuzz_api.py: a 24-digit id reached SQLite/PostgreSQL and was a 500."""
    for path in ("/api/v1/stations/153162079308538234011648/reception-days",
                 "/api/v1/stations/2147483648", "/api/v1/deputies/99999999999999999999"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.get_json()["error"]["code"] == "not_found"
    from liaison.core.db import db
    from liaison.places.models import Station

    with app.app_context():
        station_id = db.session.query(Station.id).first()[0]
    assert client.get(f"/api/v1/stations/{station_id}").status_code == 200


def test_nul_characters_are_refused_as_400_before_any_query(client, login, demo):
    """Found by scripts/fuzz_api.py on PostgreSQL: a NUL in ?category= reached the database
    ("text fields cannot contain NUL") and was a 500; refused the same way on both engines."""
    h = login("demo-office")
    for path, kw in (("/api/v1/opinions?category=a%00b", {}),
                     ("/api/v1/stations?q=%00", {}),
                     ("/api/v1/opinions", {"json": {"station_id": 1, "text": "路灯坏了\u0000"}}),
                     ("/api/v1/opinions", {"json": {"station_id": 1, "text": "路灯坏了", "photo_ids": [[{"\u0000": 1}]]}})):
        r = client.post(path, headers=h, **kw) if "json" in kw else client.get(path, headers=h)
        assert r.status_code == 400, (path, r.get_json())
        error = r.get_json()["error"]
        assert error["code"] == "bad_request" and "字符" in error["message"]


def test_deeply_nested_json_is_400_at_any_depth(client):
    """A JSON body nested past Python's recursion limit raised RecursionError (a 500);
    one just under it parsed in one place and not in the next."""
    for n in (33, 500, 940, 943, 946, 30000):
        r = client.post("/api/v1/auth/wechat", data=b"[" * n + b"]" * n, content_type="application/json")
        assert r.status_code == 400, (n, r.get_data(as_text=True)[:200])
        assert r.get_json()["error"]["code"] == "bad_request"
    assert client.post("/api/v1/auth/wechat", json={"code": [[["x"]]]}).status_code == 422


def test_integers_beyond_the_database_range_in_json_are_422(client, login):
    headers = login("resident-big-int")
    for body, field in (({"action": "rate", "version": 2 ** 40}, "version"), ({"rota": [2 ** 31]}, "rota"),
                        ({"x": [{"y": -(2 ** 33)}]}, "x")):
        r = client.post("/api/v1/opinions/1/transitions", json=body, headers=headers)
        assert r.status_code == 422, body
        error = r.get_json()["error"]
        assert error["code"] == "validation_error" and field in error["details"]["fields"]


# -- the one DomainError and its one conversion ----------------------------------

def _every_domain_error_type():
    """Every DomainError subclass the backend defines (all of its modules imported)."""
    import importlib
    import pkgutil

    import liaison
    from liaison.core.errors import DomainError

    for info in pkgutil.walk_packages(liaison.__path__, "liaison."):
        if ".fake" not in info.name and not info.name.endswith(".devserver"):
            importlib.import_module(info.name)
    found, todo = set(), [DomainError]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("liaison.") and sub not in found:
                found.add(sub)
                todo.append(sub)
    return found | {DomainError}


def _samples():
    """One instance of each error type with the status and code it must answer."""
    from types import SimpleNamespace

    from liaison.admin.common import PageError
    from liaison.places.operations import PlaceError
    from liaison.core.auth import UserBlocked
    from liaison.core.backup import BackupError
    from liaison.core.csrf import CSRFError
    from liaison.core.errors import ApiError, DomainError
    from liaison.opinions.errors import (InvalidField, InvalidTransition, MissingField, NotAllowed,
                                         PayloadError, UnknownAction, WorkflowError)
    from liaison.opinions.filters import BadFilter
    from liaison.places.importer import ImportFailed
    from liaison.reception.plan import PlanError
    from liaison.consultations.articles import DraftError
    from liaison.consultations.upload import UploadRefused
    from liaison.core.transaction import Conflict
    from liaison.insight.topics import TopicPeriodError
    from liaison.users.errors import RoleError
    from liaison.users.identity import MergeRefused

    return [
        (DomainError("station_closed", "联络站已停用", 409), 409, "station_closed"),
        (DomainError(status=404), 404, "not_found"),
        (ApiError(410, "code_revoked", "这个码已作废"), 410, "code_revoked"),
        (CSRFError(), 403, "csrf_failed"),
        (UserBlocked(SimpleNamespace(blocked_reason="多次恶意投诉")), 403, "user_blocked"),
        (WorkflowError("无法办理"), 400, "bad_request"),
        (NotAllowed("您没有权限"), 403, "forbidden"),
        (InvalidTransition("状态不对"), 409, "invalid_transition"),
        (PayloadError({"text": ["必填"]}), 422, "validation_error"),
        (MissingField({"reason": ["请填写原因"]}), 422, "validation_error"),
        (InvalidField({"category": ["分类不在可选范围内"]}), 422, "validation_error"),
        (UnknownAction("fly"), 422, "validation_error"),
        (PageError(404, "没有找到这个联络站"), 404, "not_found"),
        (PlaceError("联络站名称不能为空"), 422, "place_refused"),
        (RoleError("您不能邀请这种角色", 403, "forbidden"), 403, "forbidden"),
        (MergeRefused("两个账号都已绑定身份"), 409, "account_merge_conflict"),
        (ImportFailed(["第2行：缺少代表姓名"]), 422, "import_failed"),
        (PlanError("end", "结束时间应晚于开始时间"), 422, "validation_error"),
        (BadFilter("日期应在 2000 年至 2099 年之间"), 422, "validation_error"),
        (Conflict(), 409, "conflict"),
        (BackupError("备份文件 files.tar 缺失或已损坏", "backup_corrupt"), 409, "backup_corrupt"),
        (DraftError(message_zh="第三条出现了两次，请检查条文编号"), 422, "draft_invalid"),
        (UploadRefused("draft_file_too_large", "文件不能超过 5 MB", 413), 413, "draft_file_too_large"),
        (UploadRefused("draft_file_empty", "上传的文件是空的"), 422, "draft_file_empty"),
        (TopicPeriodError(None, "起始月份不能晚于结束月份"), 422, "validation_error"),
    ]


def _raising_routes(app, samples):
    """An API route and a page route of each page family that raise sample ``i``.

    A route's endpoint names its blueprint (``admin.…``), which is what decides
    whether an error is a page; the routes are added to the app, not the blueprints."""
    def view(i):
        raise samples[int(i)][0]

    app.add_url_rule("/api/v1/_raise/<i>", "_raise_api", view)
    for family in ("admin", "h5", "stats_pages"):
        app.add_url_rule(f"/_raise/{family}/<i>", f"{family}._raise_test", view)


def test_every_domain_error_type_has_a_sample_here():
    assert {type(e) for e, _, _ in _samples()} == _every_domain_error_type()


def test_every_domain_error_answers_its_status_and_code_as_json_on_an_api_route(app, client):
    samples = _samples()
    _raising_routes(app, samples)
    for i, (error, status, code) in enumerate(samples):
        r = client.get(f"/api/v1/_raise/{i}")
        assert (r.status_code, r.get_json()["error"]["code"]) == (status, code), type(error)
        assert r.get_json()["error"]["message"] == error.message


def test_every_domain_error_is_a_chinese_page_in_the_layout_of_its_page_route(app, client):
    samples = _samples()
    _raising_routes(app, samples)
    layouts = {"admin": "回到工作台", "h5": "返回首页", "stats_pages": "联络站统计报表"}
    for family, mark in layouts.items():
        for i, (error, status, _) in enumerate(samples):
            r = client.get(f"/_raise/{family}/{i}")
            html = r.get_data(as_text=True)
            assert r.status_code == status and r.mimetype == "text/html", (family, type(error))
            assert error.message in html and mark in html, (family, type(error))


def test_the_error_page_carries_the_errors_title(app, client):
    samples = _samples()
    _raising_routes(app, samples)
    titles = {"CSRFError": "操作未执行", "UserBlocked": "账号已被限制使用", "PageError": "无法打开此页面",
              "BadFilter": "筛选条件有误", "NotAllowed": "无法完成"}
    for i, (error, _, _) in enumerate(samples):
        if type(error).__name__ in titles:
            html = client.get(f"/_raise/admin/{i}").get_data(as_text=True)
            assert titles[type(error).__name__] in html, type(error)


def test_a_page_script_sending_the_csrf_header_gets_json_from_a_page_route(app, client):
    samples = _samples()
    _raising_routes(app, samples)
    r = client.get("/_raise/admin/2", headers={"X-CSRF-Token": "t"})
    assert r.get_json()["error"]["code"] == "code_revoked"


def test_a_csrf_failure_is_a_page_on_a_page_and_json_on_the_api(client, login):
    page = client.post("/h5/opinions/1/rate", data={"rating": "satisfied"})
    assert page.status_code == 403 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "操作未执行" in html and "刷新后重试" in html and "返回首页" in html  # the H5 layout
    with client.session_transaction() as s:
        s["uid"] = 1  # a session cookie makes the API check the token too
    api = client.post("/api/v1/opinions/1/transitions", json={"action": "accept"})
    assert api.status_code == 403 and api.get_json()["error"]["code"] == "csrf_failed"


def test_an_http_error_inside_a_page_is_a_page_and_outside_any_route_json(app, client):
    from flask import abort

    app.add_url_rule("/_gone", "admin._gone_test", lambda: abort(410))
    r = client.get("/_gone")
    assert r.status_code == 410 and "该内容已失效" in r.get_data(as_text=True) and r.mimetype == "text/html"
    r = client.get("/no/such/page")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_unexpected_error_is_logged_and_a_500_page_on_a_page_without_a_leak(app, client, caplog):
    def boom():
        raise RuntimeError("secret internals")

    app.add_url_rule("/api/v1/_boom2", "_boom_api", boom)
    app.add_url_rule("/_boom", "h5._boom_test", boom)
    with caplog.at_level("ERROR", logger="liaison.core.errors"):
        api = client.get("/api/v1/_boom2")
        page = client.get("/_boom")
    assert api.status_code == 500 and api.get_json() == {"error": {"code": "internal_error",
                                                                   "message": "系统开小差了，请稍后再试"}}
    assert page.status_code == 500 and "系统开小差了" in page.get_data(as_text=True)
    for r in (api, page):
        assert "secret internals" not in r.get_data(as_text=True) and "Traceback" not in r.get_data(as_text=True)
    assert [rec.message for rec in caplog.records].count("unhandled error") == 2


def test_no_module_but_core_errors_registers_error_handlers():
    """Errors become answers in one place: no blueprint or app handler elsewhere."""
    import ast
    from pathlib import Path

    import liaison

    root = Path(liaison.__file__).parent
    names = {"errorhandler", "app_errorhandler", "register_error_handler", "error_processor"}
    found = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in names:
                found.append(path.relative_to(root).as_posix())
    assert found and set(found) == {"core/errors.py"}
