"""The rows of the authorization matrix: every route of the app with concrete arguments
and what each identity SHOULD get (see authorization_cells.py for the vocabulary).

State-changing rows send bodies that pass the authorization and then fail (a past
date, a revoked code, an empty name, a stale version, an invalid plan) or that
change nothing (revoking what is revoked, resuming the queued batch, re-importing a
station as it is), so every cell starts from the same world whatever the order.
"""
from __future__ import annotations

from authorization_cells import (
    ANY_4XX, DEPUTIES, INVITES_HERE, LOGIN, OFFICES, OVER_TIANXIN,
    OVER_YUELU, READS_DEPUTY_HERE, RESIDENTS, RUNS_ELSEWHERE, RUNS_HERE, SEES_A, SEES_B, STAFF,
    UNITS, WECHAT_LOGIN, Flash, Row, Shown, To, expect,
)
from authorization_world import ELSEWHERE_STATION
from liaison.codes.access import FORBIDDEN as CODE_FORBIDDEN
from liaison.users.demo import DEMO_STATION

PUBLIC = expect(200)
MINE = expect(200, anon=401)  # anyone logged in, about themselves
STATION_HERE = expect(403, (RUNS_HERE, 200), anon=401)
REGION_YUELU = expect(403, (OVER_YUELU, 200), anon=401)
DUTY_HERE = expect(403, (READS_DEPUTY_HERE, 200), anon=401)
PAGE_NO_ROLE = ((RESIDENTS, 403),)  # logged in without any role: the "how to get access" page


def page(default, *groups):
    """An admin page: login first, then the no-role page, then ``groups``."""
    return expect(default, *PAGE_NO_ROLE, *groups, anon=LOGIN)


def h5(default, *groups):
    """A resident's H5 page: inside WeChat the anonymous go to the authorisation."""
    return expect(default, *groups, anon=WECHAT_LOGIN)


IMPORT_HEADER = "区域,联络站,站点类型,地址\n"
STATION_AS_IT_IS = IMPORT_HEADER + f"长沙市/岳麓区/望月湖街道,{DEMO_STATION},中心站,\n"
# The station elsewhere claimed under 岳麓区: the import must not reach another district's station.
ELSEWHERE_UNDER_YUELU = IMPORT_HEADER + f"长沙市/岳麓区/望月湖街道,{ELSEWHERE_STATION},中心站,\n"
NOT_ALLOWED = "您没有权限"  # workflow: the role may not take this action (403)
WRONG_STATE = "不能进行"  # workflow: not in this state (409)

API_ROWS = [
    Row("POST", "/api/v1/auth/wechat", "/api/v1/auth/wechat", expect(400), json={"code": "no-such-code"}),
    Row("GET", "/api/v1/me", "/api/v1/me", MINE),
    Row("POST", "/api/v1/me/link-code", "/api/v1/me/link-code", MINE, json={}, label="a fresh link code"),
    Row("POST", "/api/v1/me/link", "/api/v1/me/link", expect(400, anon=401), json={"code": "000000"},
        label="no such code"),
    # places (public)
    Row("GET", "/api/v1/stations", "/api/v1/stations?region_id={yuelu}", PUBLIC),
    Row("GET", "/api/v1/stations/<int:station_id>", "/api/v1/stations/{here}", PUBLIC),
    Row("GET", "/api/v1/deputies/<int:deputy_id>", "/api/v1/deputies/{deputy}", PUBLIC),
    Row("GET", "/api/v1/deputies/<int:deputy_id>/photo", "/api/v1/deputies/{deputy}/photo", PUBLIC),
    # codes
    Row("GET", "/api/v1/codes/<token>", "/api/v1/codes/{code_here}", PUBLIC),
    Row("GET", "/api/v1/codes/<token>/qr.png", "/api/v1/codes/{code_here}/qr.png", PUBLIC),
    Row("GET", "/api/v1/codes/<token>/wxacode.jpg", "/api/v1/codes/{code_here}/wxacode.jpg", PUBLIC),
    Row("GET", "/api/v1/codes/<token>/wxacode.png", "/api/v1/codes/{code_here}/wxacode.png",
        expect(308), label="the old address moves on"),
    # WeChat: verification files (none stored in the matrix's world) and the message push (no token set)
    Row("GET", "/<wxverify:name>", "/MP_verify_abcdefgh.txt", expect(404)),
    Row("GET", "/s/<wxverify:name>", "/s/abcdefgh12.txt", expect(404)),
    Row("GET", "/d/<wxverify:name>", "/d/abcdefgh12.txt", expect(404)),
    Row("GET", "/wechat/push", "/wechat/push?echostr=x", expect(404), label="push not configured"),
    Row("POST", "/wechat/push", "/wechat/push", expect(404), json={}, label="push not configured"),
    Row("GET", "/api/v1/codes/<token>/poster.png", "/api/v1/codes/{code_deputy}/poster.png", PUBLIC),
    Row("GET", "/api/v1/codes/<token>/poster.pdf", "/api/v1/codes/{code_deputy}/poster.pdf", PUBLIC),
    Row("POST", "/api/v1/codes/<token>/rotate", "/api/v1/codes/{revoked_station_code}/rotate",
        expect(403, (RUNS_HERE, 409), anon=401), label="revoked station code here"),
    Row("POST", "/api/v1/codes/<token>/revoke", "/api/v1/codes/{revoked_deputy_code}/revoke",
        expect(403, (RUNS_HERE, 200), anon=401), label="deputy code here, revoked already"),
    Row("POST", "/api/v1/regions/<int:region_id>/poster-batches", "/api/v1/regions/{yuelu}/poster-batches",
        expect(403, (OVER_YUELU, 202), anon=401), json={"format": "pdf"}, label="resumes the queued batch"),
    Row("GET", "/api/v1/poster-batches/<int:batch_id>", "/api/v1/poster-batches/{batch}", REGION_YUELU),
    Row("GET", "/api/v1/poster-batches/<int:batch_id>/zip", "/api/v1/poster-batches/{batch}/zip",
        expect(403, (OVER_YUELU, 409), anon=401), label="not finished"),
    # opinions
    Row("GET", "/api/v1/opinion-categories", "/api/v1/opinion-categories", PUBLIC),
    Row("POST", "/api/v1/uploads", "/api/v1/uploads", expect(422, anon=401), form={}, label="no file"),
    Row("POST", "/api/v1/opinions", "/api/v1/opinions", expect(422, anon=401),
        json={"station_id": "{here}", "category": "housing", "text": ""}, label="empty text"),
    Row("GET", "/api/v1/opinions", "/api/v1/opinions", MINE),
    Row("GET", "/api/v1/opinions/<int:opinion_id>", "/api/v1/opinions/{opinion_a}",
        expect(404, (SEES_A, 200), anon=401), label="A here"),
    Row("GET", "/api/v1/opinions/<int:opinion_id>", "/api/v1/opinions/{opinion_b}",
        expect(404, (SEES_B, 200), anon=401), label="B elsewhere"),
    Row("POST", "/api/v1/opinions/<int:opinion_id>/transitions", "/api/v1/opinions/{opinion_a}/transitions",
        expect(404, (SEES_A, 409), anon=401), json={"action": "note", "note": "看看", "version": 0},
        label="A, stale version"),
    Row("POST", "/api/v1/opinions/<int:opinion_id>/transitions", "/api/v1/opinions/{opinion_b}/transitions",
        expect(404, (SEES_B, 409), anon=401), json={"action": "note", "note": "看看", "version": 0},
        label="B, stale version"),
    Row("POST", "/api/v1/opinions/<int:opinion_id>/transitions", "/api/v1/opinions/{opinion_a}/transitions",
        expect(404, (SEES_A, 403), (RUNS_HERE, 409), anon=401), json={"action": "accept"},
        label="A, accept (staff only; assigned already)"),
    Row("POST", "/api/v1/imports", "/api/v1/imports", expect(403, (OFFICES, 422), anon=401), form={},
        files={"file": ("roster.csv", ELSEWHERE_UNDER_YUELU.encode())}, label="station elsewhere under 岳麓区"),
    Row("POST", "/api/v1/invitations/<code>/accept", "/api/v1/invitations/no-such-code/accept",
        expect(404, anon=401), json={}, label="unknown code"),
    Row("POST", "/api/v1/check-ins/<int:check_in_id>/confirm", "/api/v1/check-ins/{check_in}/confirm",
        STATION_HERE, json={}, label="verified already"),
    Row("GET", "/api/v1/stations/<int:station_id>/check-ins", "/api/v1/stations/{here}/check-ins?pending=true",
        STATION_HERE),
    Row("GET", "/api/v1/handling-units", "/api/v1/handling-units", expect(403, (STAFF | UNITS, 200), anon=401)),
    Row("GET", "/uploads/<upload_id>", "/uploads/{photo}", expect(404, (SEES_A, 200)), label="no signature"),
    Row("GET", "/uploads/<upload_id>", "{photo_url}", PUBLIC, label="signed link"),
    # notifications
    Row("GET", "/api/v1/notifications/templates", "/api/v1/notifications/templates", PUBLIC),
    Row("POST", "/api/v1/notifications/consents", "/api/v1/notifications/consents", MINE, json={"results": {}}),
    Row("GET", "/api/v1/messages", "/api/v1/messages", MINE),
    Row("POST", "/api/v1/messages/<int:message_id>/read", "/api/v1/messages/{message}/read",
        expect(404, ({"resident_a"}, 200), anon=401), label="A's message, read already"),
    Row("GET", "/api/v1/notifications", "/api/v1/notifications", expect(403, (STAFF, 200), anon=401)),
    Row("POST", "/api/v1/notifications/<int:notification_id>/retry", "/api/v1/notifications/{notification}/retry",
        expect(403, (STAFF, 404), (RUNS_HERE, 409), anon=401), label="about A, not failed"),
    # reception
    Row("GET", "/api/v1/stations/<int:station_id>/reception-days", "/api/v1/stations/{here}/reception-days", PUBLIC),
    Row("GET", "/api/v1/stations/<int:station_id>/reception-plan", "/api/v1/stations/{here}/reception-plan", PUBLIC),
    Row("PUT", "/api/v1/stations/<int:station_id>/reception-plan", "/api/v1/stations/{here}/reception-plan",
        expect(403, (RUNS_HERE, 422), anon=401), json={"monthly_days": [40]}, label="here, invalid day"),
    Row("PUT", "/api/v1/stations/<int:station_id>/reception-plan", "/api/v1/stations/{elsewhere}/reception-plan",
        expect(403, (RUNS_ELSEWHERE, 422), anon=401), json={"monthly_days": [40]}, label="elsewhere, invalid day"),
    Row("POST", "/api/v1/stations/<int:station_id>/reception-days/generate",
        "/api/v1/stations/{here}/reception-days/generate", STATION_HERE, json={"year": 2000},
        label="a past year: nothing to create"),
    Row("POST", "/api/v1/stations/<int:station_id>/reception-days", "/api/v1/stations/{here}/reception-days",
        expect(403, (RUNS_HERE, 409), anon=401), json={"date": "2000-01-01"}, label="past date"),
    Row("PATCH", "/api/v1/reception-days/<int:day_id>", "/api/v1/reception-days/{day}",
        expect(403, (RUNS_HERE, 409), anon=401), json={"date": "2000-01-02"}, label="moved into the past"),
    Row("GET", "/api/v1/stations/<int:station_id>/reception-plan.xlsx",
        "/api/v1/stations/{here}/reception-plan.xlsx?year=2000", STATION_HERE),
    Row("GET", "/api/v1/reception-days/<int:day_id>/appointments", "/api/v1/reception-days/{day}/appointments",
        expect(404, (RUNS_HERE | {"deputy_here"}, 200), anon=401)),
    Row("POST", "/api/v1/stations/<int:station_id>/reception-records",
        "/api/v1/stations/{here}/reception-records", expect(403, (RUNS_HERE, 409), anon=401),
        json={"date": "2099-01-01"}, label="future date"),
    Row("GET", "/api/v1/stations/<int:station_id>/reception-records",
        "/api/v1/stations/{here}/reception-records?year=2000", STATION_HERE),
    Row("POST", "/api/v1/appointments", "/api/v1/appointments", expect(409, anon=401),
        json={"station_id": "{here}", "date": "2000-01-15"}, label="a past reception day"),
    Row("GET", "/api/v1/appointments", "/api/v1/appointments", MINE),
    Row("POST", "/api/v1/appointments/<int:appointment_id>/cancel", "/api/v1/appointments/{booking}/cancel",
        expect(404, ({"resident_a"}, 409), anon=401), label="A's booking, cancelled already"),
    Row("POST", "/api/v1/check-ins", "/api/v1/check-ins", expect(403, (DEPUTIES, 410), anon=401),
        json={"token": "{revoked_station_code}"}, label="revoked station code"),
    Row("GET", "/api/v1/check-ins", "/api/v1/check-ins", expect(403, (DEPUTIES, 200), anon=401)),
    Row("PUT", "/api/v1/stations/<int:station_id>/follow", "/api/v1/stations/{here}/follow", MINE),
    Row("DELETE", "/api/v1/stations/<int:station_id>/follow", "/api/v1/stations/{here}/follow", MINE),
    # stats
    Row("GET", "/api/v1/stats/regions", "/api/v1/stats/regions", MINE),
    Row("GET", "/api/v1/stats/regions/<int:region_id>/report", "/api/v1/stats/regions/{yuelu}/report?month=2001-01",
        REGION_YUELU, label="岳麓区"),
    Row("GET", "/api/v1/stats/regions/<int:region_id>/report", "/api/v1/stats/regions/{tianxin}/report?month=2001-01",
        expect(403, (OVER_TIANXIN, 200), anon=401), label="天心区"),
    Row("GET", "/api/v1/stats/regions/<int:region_id>/report.xlsx",
        "/api/v1/stats/regions/{yuelu}/report.xlsx?month=2001-01", REGION_YUELU),
    Row("GET", "/api/v1/stats/regions/<int:region_id>/stations",
        "/api/v1/stats/regions/{yuelu}/stations?month=2001-01", REGION_YUELU),
    Row("GET", "/api/v1/stats/regions/<int:region_id>/league",
        "/api/v1/stats/regions/{yuelu}/league?from=2001-01&to=2001-12", REGION_YUELU),
    Row("POST", "/api/v1/stats/regions/<int:region_id>/refresh", "/api/v1/stats/regions/{yuelu}/refresh?month=2001-01",
        REGION_YUELU, label="recomputes derived figures only"),
    Row("GET", "/api/v1/stats/stations/<int:station_id>/months", "/api/v1/stats/stations/{here}/months?year=2001",
        STATION_HERE, label="here"),
    Row("GET", "/api/v1/stats/stations/<int:station_id>/months",
        "/api/v1/stats/stations/{elsewhere}/months?year=2001", expect(403, (RUNS_ELSEWHERE, 200), anon=401),
        label="elsewhere"),
    Row("GET", "/api/v1/stats/deputies/<int:deputy_id>/duty-record",
        "/api/v1/stats/deputies/{deputy}/duty-record?year=2001", DUTY_HERE),
    Row("GET", "/api/v1/stats/deputies/<int:deputy_id>/duty-record.xlsx",
        "/api/v1/stats/deputies/{deputy}/duty-record.xlsx?year=2001", DUTY_HERE),
    Row("GET", "/api/v1/stats/deputies/<int:deputy_id>/duty-record.pdf",
        "/api/v1/stats/deputies/{deputy}/duty-record.pdf?year=2001", DUTY_HERE),
]

PAGE_ROWS = [
    Row("GET", "/", "/", expect(To("/h5/"))),
    Row("GET", "/favicon.ico", "/favicon.ico", PUBLIC),
    Row("GET", "/api/docs", "/api/docs", PUBLIC),
    Row("GET", "/api/openapi.json", "/api/openapi.json", PUBLIC),
    Row("GET", "/healthz", "/healthz", PUBLIC),
    Row("GET", "/readyz", "/readyz", PUBLIC),
    Row("GET", "/metrics", "/metrics", expect(404), label="from another machine: nobody (loopback and the token: test_observability)"),
    # sessions
    Row("GET", "/auth/demo-login", "/auth/demo-login?openid=demo-office", expect(404), label="no demo mode"),
    Row("POST", "/auth/logout", "/auth/logout", expect(To("/")), form={}, fresh=True),
    Row("GET", "/oauth/wechat", "/oauth/wechat?next=/admin/", expect(To("/connect/oauth2/authorize"))),
    Row("GET", "/oauth/wechat/callback", "/oauth/wechat/callback?code=x&state=forged", expect(400)),
    Row("POST", "/ui/text-size", "/ui/text-size", expect(To("/admin/")), form={"big": "0"}),
    # admin: login and invitations
    Row("GET", "/admin/", "/admin/", expect(To("/admin/queue"))),
    Row("GET", "/admin/login", "/admin/login", expect(WECHAT_LOGIN)),
    Row("POST", "/admin/logout", "/admin/logout", expect(LOGIN), form={}, fresh=True),
    Row("GET", "/admin/me", "/admin/me", page(200)),
    Row("POST", "/admin/me/link-code", "/admin/me/link-code", page(To("/admin/me")), form={},
        label="a fresh link code"),
    Row("POST", "/admin/invite", "/admin/invite", expect(To("/admin/invite/no-such-code")),
        form={"code": "no-such-code"}),
    Row("GET", "/admin/invite/<code>", "/admin/invite/{invite_code}", PUBLIC),
    Row("POST", "/admin/invite/<code>/accept", "/admin/invite/no-such-code/accept",
        expect(To("/admin/invite/no-such-code")), form={}, label="unknown code"),
    Row("GET", "/admin/invites", "/admin/invites", page(200)),
    Row("GET", "/admin/audit", "/admin/audit", page(403, (STAFF, 200))),
    Row("GET", "/admin/wechat-files", "/admin/wechat-files", page(403, ({"office_city"}, 200))),
    Row("POST", "/admin/wechat-files", "/admin/wechat-files",
        page(403, ({"office_city"}, Flash("error", "请选择微信提供的校验文件"))), form={}, label="no file"),
    Row("POST", "/admin/wechat-files/<name>/delete", "/admin/wechat-files/MP_verify_abcdefgh.txt/delete",
        page(403, ({"office_city"}, Flash("error", "没有这个上传的文件"))), form={}, label="not uploaded"),
    Row("POST", "/admin/check-ins/<int:check_in_id>/confirm", "/admin/check-ins/{check_in}/confirm",
        page(404, (RUNS_HERE, Flash("success", "已确认"))), form={}, label="verified already"),
    Row("POST", "/admin/invites", "/admin/invites",
        page(Flash("error", "您不能邀请这种角色"), (OFFICES, Flash("error", "请选择您负责的联络站")),
             (INVITES_HERE, Flash("error", "请选择该联络站的代表"))),
        form={"role": "deputy", "station_id": "{here}", "deputy_id": "{colleague_elsewhere}"},
        label="here, a deputy who does not sit here"),
    Row("POST", "/admin/invites", "/admin/invites",
        page(Flash("error", "您不能邀请这种角色"),
             (OFFICES | {"master_here"}, Flash("error", "请选择您负责的联络站")),
             (OVER_TIANXIN, Flash("error", "请选择该联络站的代表"))),
        form={"role": "deputy", "station_id": "{elsewhere}", "deputy_id": "{deputy}"},
        label="elsewhere, a deputy who does not sit there"),
    Row("POST", "/admin/invites/<int:invitation_id>/revoke", "/admin/invites/{invite_to_revoke}/revoke",
        page(Flash("error", "您不能作废这个邀请"), (INVITES_HERE, Flash("success", "邀请已作废")))),
    # admin: the queue and opinions
    Row("GET", "/admin/queue", "/admin/queue", page(200)),
    Row("GET", "/admin/queue", "/admin/queue?from=9999-12-31&to=9999-12-31", page(ANY_4XX),
        label="dates at the end of the calendar"),
    Row("GET", "/admin/opinions/<int:opinion_id>", "/admin/opinions/{opinion_a}", page(404, (SEES_A - RESIDENTS, 200)),
        label="A here"),
    Row("GET", "/admin/opinions/<int:opinion_id>", "/admin/opinions/{opinion_b}", page(404, (SEES_B - RESIDENTS, 200)),
        label="B elsewhere"),
    Row("POST", "/admin/opinions/<int:opinion_id>/act", "/admin/opinions/{opinion_a}/act",
        page(404, (SEES_A - RESIDENTS, Shown(403, NOT_ALLOWED)), (RUNS_HERE, Shown(409, WRONG_STATE))),
        form={"action": "accept"}, label="A, accept"),
    # admin: stations, reception, codes
    Row("GET", "/admin/stations", "/admin/stations", page(200)),
    Row("GET", "/admin/stations/<int:station_id>", "/admin/stations/{here}", page(404, (RUNS_HERE, 200)), label="here"),
    Row("GET", "/admin/stations/<int:station_id>", "/admin/stations/{elsewhere}", page(404, (RUNS_ELSEWHERE, 200)),
        label="elsewhere"),
    Row("POST", "/admin/stations/<int:station_id>", "/admin/stations/{here}",
        page(404, (RUNS_HERE, Flash("error", "联络站名称不能为空"))), form={"name": "", "kind": "central"},
        label="here, empty name"),
    Row("POST", "/admin/stations/<int:station_id>", "/admin/stations/{elsewhere}",
        page(404, (RUNS_ELSEWHERE, Flash("error", "联络站名称不能为空"))),
        form={"name": "", "kind": "central"}, label="elsewhere, empty name"),
    Row("GET", "/admin/stations/<int:station_id>/reception", "/admin/stations/{here}/reception",
        page(404, (RUNS_HERE, 200))),
    Row("POST", "/admin/stations/<int:station_id>/reception", "/admin/stations/{here}/reception",
        page(404, (RUNS_HERE, Flash("error", "每月接待日"))), form={"monthly_days": "40"}, label="invalid day"),
    Row("GET", "/admin/stations/<int:station_id>/reception/<int:day_id>", "/admin/stations/{here}/reception/{day}",
        page(404, (RUNS_HERE, 200))),
    Row("POST", "/admin/stations/<int:station_id>/reception/year", "/admin/stations/{here}/reception/year",
        page(404, (RUNS_HERE, Flash("error", "只能生成"))), form={"year": "2000"}, label="a past year"),
    Row("GET", "/admin/stations/<int:station_id>/reception/records", "/admin/stations/{here}/reception/records",
        page(404, (RUNS_HERE, 200))),
    Row("GET", "/admin/stations/<int:station_id>/reception/records",
        "/admin/stations/{elsewhere}/reception/records", page(404, (RUNS_ELSEWHERE, 200)), label="elsewhere"),
    Row("POST", "/admin/stations/<int:station_id>/reception/records", "/admin/stations/{here}/reception/records",
        page(404, (RUNS_HERE, Flash("error", "还没到这一天"))), form={"date": "2099-01-01"}, label="future date"),
    Row("POST", "/admin/codes/<int:code_id>/rotate", "/admin/codes/{revoked_station_code_id}/rotate",
        page(Flash("error", CODE_FORBIDDEN), (RUNS_HERE, Flash("error", "只有正在使用的码才能更换"))),
        form={"back": "/admin/stations"}, label="revoked station code here"),
    Row("POST", "/admin/codes/<int:code_id>/revoke", "/admin/codes/{revoked_deputy_code_id}/revoke",
        page(Flash("error", CODE_FORBIDDEN), (RUNS_HERE, Flash("success", "这个码已停用"))),
        form={"back": "/admin/stations"}, label="deputy code here, revoked already"),
    # admin: deputies
    Row("GET", "/admin/deputies/<int:deputy_id>", "/admin/deputies/{deputy}", page(404, (RUNS_HERE, 200)),
        label="sits here"),
    Row("GET", "/admin/deputies/<int:deputy_id>", "/admin/deputies/{deputy_elsewhere}",
        page(404, (RUNS_ELSEWHERE, 200)), label="sits elsewhere, sat here once"),
    Row("POST", "/admin/deputies/<int:deputy_id>", "/admin/deputies/{deputy}",
        page(404, (RUNS_HERE, Flash("error", "代表姓名不能为空"))), form={"name": ""}, label="empty name"),
    Row("POST", "/admin/deputies/<int:deputy_id>", "/admin/deputies/{deputy_elsewhere}",
        page(404, (RUNS_ELSEWHERE, Flash("error", "代表姓名不能为空"))), form={"name": ""},
        label="sits elsewhere, sat here once; empty name"),
    Row("POST", "/admin/deputies/<int:deputy_id>/photo", "/admin/deputies/{deputy}/photo",
        page(404, (RUNS_HERE, Flash("error", "请先选择一张照片"))), form={}, label="no file"),
    Row("POST", "/admin/deputies/<int:deputy_id>/move", "/admin/deputies/{deputy}/move",
        page(404, (RUNS_HERE, Flash("error", "请选择要调入的联络站"))), form={}, label="no target station"),
    Row("POST", "/admin/deputies/<int:deputy_id>/leave", "/admin/deputies/{deputy}/leave",
        page(404, (RUNS_HERE, Flash("error", "请选择联络站"))), form={}, label="no station"),
    # admin: import and posters (the NPC office)
    Row("GET", "/admin/import", "/admin/import", page(403, (OFFICES, 200))),
    Row("POST", "/admin/import", "/admin/import", page(403, (OFFICES, 422), (OVER_YUELU, 200)), form={},
        files={"file": ("roster.csv", STATION_AS_IT_IS.encode())}, label="station here as it is"),
    Row("POST", "/admin/import", "/admin/import", page(403, (OFFICES, 422)), form={},
        files={"file": ("roster.csv", ELSEWHERE_UNDER_YUELU.encode())},
        label="station elsewhere under 岳麓区"),  # a station is matched within its own region, for everyone
    Row("GET", "/admin/regions/<int:region_id>/posters", "/admin/regions/{yuelu}/posters",
        page(403, (OFFICES, 404), (OVER_YUELU, 200))),
    Row("POST", "/admin/regions/<int:region_id>/posters", "/admin/regions/{yuelu}/posters",
        page(403, (OFFICES, 404), (OVER_YUELU, Flash("success", "已开始生成海报"))), form={"format": "pdf"},
        label="resumes the queued batch"),
    # H5 (residents' pages)
    Row("GET", "/h5", "/h5", expect(To("/h5/"))),
    Row("GET", "/h5/", "/h5/", PUBLIC),
    Row("GET", "/h5/stations/<int:station_id>", "/h5/stations/{here}", PUBLIC),
    Row("GET", "/h5/deputies/<int:deputy_id>", "/h5/deputies/{deputy}", PUBLIC),
    Row("GET", "/h5/stations/<int:station_id>/book", "/h5/stations/{here}/book", h5(200)),
    Row("POST", "/h5/stations/<int:station_id>/book", "/h5/stations/{here}/book", h5(409),
        form={"date": "2000-01-15"}, label="a past reception day"),
    Row("GET", "/s/<token>", "/s/{code_here}", PUBLIC),
    Row("GET", "/d/<token>", "/d/{code_deputy}", PUBLIC),
    Row("GET", "/h5/submit", "/h5/submit?station_id={here}", h5(200)),
    Row("POST", "/h5/submit", "/h5/submit", h5(422), form={"station_id": "{here}", "text": ""}, label="empty text"),
    Row("GET", "/h5/opinions", "/h5/opinions", h5(200)),
    Row("GET", "/h5/messages", "/h5/messages", h5(200)),
    Row("GET", "/h5/account", "/h5/account", h5(200)),
    Row("POST", "/h5/account/link-code", "/h5/account/link-code", h5(To("/h5/account")), form={},
        label="a fresh link code"),
    Row("POST", "/h5/messages/<int:message_id>/read", "/h5/messages/{message}/read",
        h5(404, ({"resident_a"}, To("/h5/messages"))), form={}, label="A's message, read already"),
    Row("GET", "/h5/opinions/<int:opinion_id>", "/h5/opinions/{opinion_a}", h5(404, (SEES_A, 200))),
    Row("POST", "/h5/opinions/<int:opinion_id>/rate", "/h5/opinions/{opinion_a}/rate",
        h5(404, (SEES_A, Shown(403, NOT_ALLOWED)), ({"resident_a"}, Shown(409, WRONG_STATE))),
        form={"rating": "satisfied"}, label="A, not answered yet"),
    # reports (the NPC office's pages)
    Row("GET", "/reports/", "/reports/", expect(403, (OFFICES, To("/reports/regions/", under=True)), anon=401)),
    Row("GET", "/reports/regions/<int:region_id>", "/reports/regions/{yuelu}?month=2001-01", REGION_YUELU),
    Row("POST", "/reports/regions/<int:region_id>/refresh", "/reports/regions/{yuelu}/refresh",
        expect(403, (OVER_YUELU, To("/reports/regions/", under=True)), anon=401), form={"month": "2001-01"},
        label="recomputes derived figures only"),
    Row("GET", "/reports/regions/<int:region_id>/league", "/reports/regions/{yuelu}/league?from=2001-01&to=2001-12",
        REGION_YUELU),
    Row("GET", "/reports/deputies/<int:deputy_id>", "/reports/deputies/{deputy}?year=2001", DUTY_HERE),
    Row("GET", "/reports/deputies/<int:deputy_id>", "/reports/deputies/{deputy}?year=99999",
        expect(403, (READS_DEPUTY_HERE, ANY_4XX), anon=401), label="a year past the calendar"),
]

from authorization_rows_consultations import CONSULTATION_ROWS  # noqa: E402
from authorization_rows_paperwork import PAPERWORK_ROWS  # noqa: E402

ROWS = API_ROWS + PAGE_ROWS + PAPERWORK_ROWS + CONSULTATION_ROWS
