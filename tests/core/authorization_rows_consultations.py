"""Matrix rows for the draft-law consultations (立法意见征集): see authorization_rows.py
for the rules. The world has an open consultation of 岳麓区 at the station here
(``consultation``) and a closed one (``consultation_closed``) with a hidden comment."""
from __future__ import annotations

from authorization_cells import LOGIN, OFFICES, OVER_YUELU, RESIDENTS, WECHAT_LOGIN, Flash, Row, Shown, expect

RUNS_IT = expect(403, (OVER_YUELU, 409), anon=401)  # the 岳麓区 office, refused by the state


def page(default, *groups):
    """An admin page: login first, then the no-role page, then ``groups``."""
    return expect(default, (RESIDENTS, 403), *groups, anon=LOGIN)


def run_it(message):
    """An admin form of the 岳麓区 office's consultation, refused by its state."""
    return page(403, (OFFICES, 404), (OVER_YUELU, Flash("error", message)))

CONSULTATION_ROWS = [
    Row("GET", "/api/v1/consultations", "/api/v1/consultations?station_id={here}", expect(200)),
    Row("POST", "/api/v1/consultations", "/api/v1/consultations", expect(403, (OFFICES, 422), anon=401),
        json={"title": "", "text": "第一条 甲。", "closes_on": "2099-01-01"}, label="empty title"),
    Row("POST", "/api/v1/consultations/preview", "/api/v1/consultations/preview",
        expect(403, (OFFICES, 200), anon=401), form={"text": "第一条 甲。"}, label="changes nothing"),
    Row("GET", "/api/v1/consultations/<int:consultation_id>", "/api/v1/consultations/{consultation}", expect(200)),
    Row("POST", "/api/v1/consultations/<int:consultation_id>/comments",
        "/api/v1/consultations/{consultation_closed}/comments", expect(409, anon=401),
        json={"article": None, "text": "已经结束了"}, label="closed"),
    Row("POST", "/api/v1/consultations/<int:consultation_id>/comments/<int:comment_id>/hide",
        "/api/v1/consultations/{consultation_closed}/comments/{consultation_comment}/hide", RUNS_IT,
        json={"reason": "重复"}, label="hidden already"),
    Row("POST", "/api/v1/consultations/<int:consultation_id>/close",
        "/api/v1/consultations/{consultation_closed}/close", RUNS_IT, json={}, label="closed already"),
    Row("POST", "/api/v1/consultations/<int:consultation_id>/outcome",
        "/api/v1/consultations/{consultation}/outcome", RUNS_IT, json={"text": "采纳情况"}, label="still open"),
    Row("GET", "/api/v1/consultations/<int:consultation_id>/comments.xlsx",
        "/api/v1/consultations/{consultation_closed}/comments.xlsx", expect(403, (OVER_YUELU, 200), anon=401)),
    Row("GET", "/api/v1/consultations/<int:consultation_id>/comments.pdf",
        "/api/v1/consultations/{consultation_closed}/comments.pdf", expect(403, (OVER_YUELU, 200), anon=401)),
    # admin pages (the NPC office)
    Row("GET", "/admin/consultations", "/admin/consultations", page(403, (OFFICES, 200))),
    Row("GET", "/admin/consultations/new", "/admin/consultations/new", page(403, (OFFICES, 200))),
    Row("POST", "/admin/consultations/new", "/admin/consultations/new", page(403, (OFFICES, 200)),
        form={"action": "preview", "text": "第一条 甲。"}, label="preview changes nothing"),
    Row("GET", "/admin/consultations/<int:consultation_id>", "/admin/consultations/{consultation}",
        page(403, (OFFICES, 404), (OVER_YUELU, 200))),
    Row("POST", "/admin/consultations/<int:consultation_id>/close", "/admin/consultations/{consultation_closed}/close",
        run_it("意见征集已经结束"), form={}, label="closed already"),
    Row("POST", "/admin/consultations/<int:consultation_id>/comments/<int:comment_id>/hide",
        "/admin/consultations/{consultation_closed}/comments/{consultation_comment}/hide",
        run_it("这条意见已经隐藏了"), form={"reason": "重复"}, label="hidden already"),
    Row("POST", "/admin/consultations/<int:consultation_id>/outcome", "/admin/consultations/{consultation}/outcome",
        run_it("意见征集结束后才能公布采纳情况"), form={"text": "采纳情况"}, label="still open"),
    # H5 pages (public to read; commenting needs the WeChat login)
    Row("GET", "/h5/consultations", "/h5/consultations", expect(200)),
    Row("GET", "/h5/consultations/<int:consultation_id>", "/h5/consultations/{consultation}", expect(200)),
    Row("POST", "/h5/consultations/<int:consultation_id>/comments", "/h5/consultations/{consultation_closed}/comments",
        expect(Shown(409, "意见征集已经结束"), anon=WECHAT_LOGIN), form={"article": "", "text": "已经结束了"},
        label="closed"),
]
