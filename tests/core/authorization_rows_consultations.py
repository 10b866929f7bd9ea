"""Matrix rows for the draft-law consultations (立法意见征集): see authorization_rows.py
for the rules. The world has an open consultation of 岳麓区 at the station here
(``consultation``) and a closed one (``consultation_closed``) with a hidden comment."""
from __future__ import annotations

from authorization_cells import OFFICES, OVER_YUELU, Row, expect

RUNS_IT = expect(403, (OVER_YUELU, 409), anon=401)  # the 岳麓区 office, refused by the state

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
]
