"""A NUL in a form field is refused (400, Chinese) like one in the query or JSON
(tests/core/test_errors.py): PostgreSQL cannot hold one in a text column. Found by
tests/admin/test_hostile_forms.py on PostgreSQL (an admin deputy edit answered 500)."""
from __future__ import annotations


def test_a_nul_in_a_query_or_a_form_field_is_refused(client):
    assert client.get("/api/v1/stations?q=a%00b").status_code == 400
    answer = client.post("/auth/logout", data={"csrf_token": "x", "next": "/\x00"})
    assert answer.status_code == 400
    assert "无法识别的字符" in answer.get_data(as_text=True)


def test_ordinary_text_passes(client):
    assert client.get("/api/v1/stations?q=望月湖").status_code == 200
